import Foundation

/// Reads a file a user names as input, with the reason in one line when it
/// cannot: missing, a folder, a device or pipe (`/dev/zero` would never
/// end), too large, unreadable. Text is checked to be UTF-8 and its CRLF line
/// ends become LF (Swift takes "\r\n" as one character, so splitting on
/// "\n" would not see them).
public enum InputFiles {
    /// The most any input file may hold (the largest bundled netlist is a
    /// few MB; a network or weight file far less).
    public static let maxBytes = 1 << 30

    public static func data(_ path: String, what: String = "file") throws -> Data {
        var s = stat()
        guard !path.isEmpty else { throw UserError("an empty path was given for the \(what)") }
        guard stat(path, &s) == 0 else { throw UserError("\(path): cannot read the \(what): \(phrase(errno))") }
        switch s.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw UserError("\(path): cannot read the \(what): it is a folder")
        default: throw UserError("\(path): cannot read the \(what): not a regular file (a device or a pipe)")
        }
        guard Int(s.st_size) <= maxBytes else {
            throw UserError("\(path): the \(what) holds \(s.st_size) bytes, more than the \(maxBytes) hwgen reads")
        }
        guard access(path, R_OK) == 0 else { throw UserError("\(path): cannot read the \(what): \(phrase(errno))") }
        guard let d = FileManager.default.contents(atPath: path) else { throw UserError("\(path): cannot read the \(what)") }
        return d
    }

    public static func text(_ path: String, what: String = "file") throws -> String {
        let d = try data(path, what: what)
        guard let t = String(data: d, encoding: .utf8) else { throw UserError("\(path): the \(what) is not UTF-8 text") }
        return lf(t)
    }

    /// CRLF and lone CR line ends as LF.
    public static func lf(_ text: String) -> String {
        text.contains("\r") ? text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n") : text
    }

    static func phrase(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file"
        case EACCES, EPERM: return "permission denied"
        case ENOTDIR: return "a part of the path is not a folder"
        case ENAMETOOLONG: return "the name is too long"
        case ELOOP: return "too many symbolic links"
        default: return String(cString: strerror(code)).lowercased()
        }
    }
}
