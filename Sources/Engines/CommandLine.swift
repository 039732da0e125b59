import Foundation

/// What every hwgen tool does with a failure: one line on stderr naming the
/// tool, exit 2 (exit 1 stays "a check failed").
public enum CommandLineErrors {
    public static func fail(_ tool: String, _ message: String) -> Never {
        let line = message.split(separator: "\n").first.map(String.init) ?? message
        FileHandle.standardError.write(Data("\(tool): error: \(line)\n".utf8))
        exit(2)
    }

    /// An option given twice (other than the repeatable ones) is an error,
    /// not "the last one wins": `--vectors 10 --vectors 100` is a typo.
    /// Returns the repeated option's name, or nil.
    public static func repeatedOption(_ args: [String], repeatable: Set<String>) -> String? {
        var seen: Set<String> = []
        for a in args {
            if a == "--" { break }
            // Values that start with '-' are negative numbers.
            guard a.hasPrefix("-"), a.count > 1, Double(a) == nil else { continue }
            var name = String(a.split(separator: "=", maxSplits: 1).first ?? "")
            if name == "-o" { name = "--output" }
            if repeatable.contains(name) { continue }
            if seen.contains(name) { return name }
            seen.insert(name)
        }
        return nil
    }

    /// A Foundation error as one plain line (its raw NSCocoaErrorDomain text
    /// is not for users), or nil for other errors.
    public static func plainMessage(_ error: Error) -> String? {
        let e = error as NSError
        guard e.domain == NSCocoaErrorDomain || e.domain == NSPOSIXErrorDomain else { return nil }
        let path = e.userInfo[NSFilePathErrorKey] as? String ?? (e.userInfo[NSURLErrorKey] as? URL)?.path
        let code = (e.userInfo[NSUnderlyingErrorKey] as? NSError).map { Int32($0.code) } ?? (e.domain == NSPOSIXErrorDomain ? Int32(e.code) : 0)
        let why = code != 0 ? UserPaths.reason(code) : "a file operation failed"
        return path.map { "\($0): \(why)" } ?? why
    }
}
