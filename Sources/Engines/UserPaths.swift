import Foundation
import HDL

/// Paths a user names on the command line, taken literally.
///
/// Foundation's `standardizingPath` expands a leading `~` (a quoted `'~/x'`
/// reached the home folder) and `currentDirectoryPath` says `/` when the
/// working folder was deleted (`-o o` wrote `/o`). hwgen resolves paths
/// itself: relative to the working folder, which must exist, with `~` an
/// ordinary name (the shell expands a real tilde before hwgen sees it).
public enum UserPaths {
    /// The working folder, or a one-line error when it no longer exists.
    public static func workingFolder() throws -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else {
            throw UserError("the working folder no longer exists (deleted while the shell was in it); cd to a folder that does")
        }
        return String(cString: buffer)
    }

    /// `path` made absolute against the working folder, with `.` and empty
    /// components dropped and `..` applied to the text (no symlink
    /// resolution, no tilde expansion).
    public static func absolute(_ path: String) throws -> String {
        guard !path.isEmpty else { throw UserError("an empty path was given") }
        guard !path.utf8.contains(0) else { throw UserError("a path holds a NUL character") }
        let full = path.hasPrefix("/") ? path : try workingFolder() + "/" + path
        var parts: [Substring] = []
        for c in full.split(separator: "/", omittingEmptySubsequences: true) {
            if c == "." { continue }
            if c == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(c)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// A relative path with `.` and empty components dropped (the working
    /// folder must exist, as for `absolute`).
    public static func tidy(_ path: String) throws -> String {
        _ = try workingFolder()
        let parts = path.split(separator: "/").filter { $0 != "." }
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// The path with symlinks resolved, for the parts of it that exist.
    static func real(_ path: String) -> String {
        var p = path, rest: [String] = []
        while p != "/" {
            if let r = realpath(p, nil) {
                defer { free(r) }
                let base = String(cString: r)
                return rest.isEmpty ? base : (base == "/" ? "" : base) + "/" + rest.reversed().joined(separator: "/")
            }
            rest.append((p as NSString).lastPathComponent)
            p = (p as NSString).deletingLastPathComponent
        }
        return "/" + rest.reversed().joined(separator: "/")
    }

    /// Whether `folder` is the working folder or holds it.
    public static func holdsWorkingFolder(_ folder: String) -> Bool {
        guard let cwd = try? workingFolder() else { return false }
        let f = real(folder), c = real(cwd)
        return c == f || c.hasPrefix(f == "/" ? "/" : f + "/")
    }

    public enum Kind { case missing, file, folder, other }

    /// What is at `path`, not following a final symlink's target kind for
    /// folders (a symlink to a folder counts as a folder).
    public static func kind(_ path: String) -> Kind {
        var s = stat()
        guard stat(path, &s) == 0 else { return lstat(path, &s) == 0 ? .other : .missing }
        switch s.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .folder
        default: return .other
        }
    }

    /// Throws `message` when `path` names something other than a folder or
    /// nothing (an output folder given as a file), before any work.
    public static func refuseNonFolder(_ path: String, _ message: String) throws {
        if [.file, .other].contains(kind(try absolute(path))) { throw UserError(message) }
    }

    /// A regular file itself, not a symlink to one (hwgen writes no links:
    /// a link where its file was is the user's).
    public static func isPlainFile(_ path: String) -> Bool {
        var s = stat()
        return lstat(path, &s) == 0 && (s.st_mode & S_IFMT) == S_IFREG
    }

    /// Creates the missing folders up to and including `folder`; returns
    /// those it made, outermost first, so a failure can take them back.
    public static func makeFolders(_ folder: String) throws -> [String] {
        var missing: [String] = [], p = folder
        while p != "/" && kind(p) == .missing {
            missing.append(p)
            p = (p as NSString).deletingLastPathComponent
        }
        guard kind(p) == .folder else { throw UserError("cannot create the folder \(folder): \(p) is not a folder") }
        var made: [String] = []
        for m in missing.reversed() {
            if mkdir(m, 0o777) != 0 && errno != EEXIST {
                let why = reason(errno)
                removeFolders(made)
                throw UserError("cannot create the folder \(m): \(why)")
            }
            made.append(m)
        }
        return made
    }

    /// Removes folders `makeFolders` made, innermost first, each only if
    /// still empty.
    public static func removeFolders(_ made: [String]) {
        for m in made.reversed() { rmdir(m) }
    }

    /// Writes `data` to `path` with plain system calls (Foundation's
    /// createFile writes through a temporary file of its own that a kill
    /// would leave behind); returns errno on failure.
    public static func writeWhole(_ data: Data, to path: String, create: Bool = true) -> Int32? {
        let fd = create ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666) : open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        var failure: Int32? = nil
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var off = 0
            while off < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + off, raw.count - off)
                if n < 0 { if errno == EINTR { continue }; failure = errno; return }
                off += n
            }
        }
        return failure
    }

    /// errno as a plain phrase.
    public static func reason(_ code: Int32) -> String {
        switch code {
        case EACCES, EPERM: return "permission denied"
        case ENOENT: return "no such file or folder"
        case ENOTDIR: return "a part of the path is not a folder"
        case EISDIR: return "it is a folder"
        case EROFS: return "the file system is read-only"
        case ENOSPC: return "no space left on the device"
        case EEXIST: return "it already exists"
        case ENAMETOOLONG: return "the name is too long"
        case EXDEV: return "it is on another file system"
        default: return String(cString: strerror(code)).lowercased()
        }
    }
}

/// The files a command writes besides its standard output, written only
/// once the command has succeeded: each to a temporary name beside it, all
/// renamed into place at the end, so an error leaves none of them.
public struct PendingFiles {
    var files: [(path: String, data: Data)] = []
    public init() {}

    public mutating func add(_ text: String, to path: String) { files.append((path, Data(text.utf8))) }
    public mutating func add(_ data: Data, to path: String) { files.append((path, data)) }

    /// Fails in one line, before anything is written, on a path that cannot
    /// be written (missing or unwritable folder, a folder in the way).
    public static func check(_ path: String, what: String) throws {
        let abs = try UserPaths.absolute(path)
        let dir = (abs as NSString).deletingLastPathComponent
        switch UserPaths.kind(abs) {
        case .folder: throw UserError("cannot write the \(what) \(path): it is a folder")
        case .other, .file:
            if access(abs, W_OK) != 0 { throw UserError("cannot write the \(what) \(path): \(UserPaths.reason(errno))") }
        case .missing:
            guard UserPaths.kind(dir) == .folder else { throw UserError("cannot write the \(what) \(path): the folder \(dir) does not exist") }
            if access(dir, W_OK) != 0 { throw UserError("cannot write the \(what) \(path): \(UserPaths.reason(errno)) in \(dir)") }
        }
    }

    /// Writes every file whole or none of them (folders they need are
    /// made, and taken back on a failure).
    public func commit() throws {
        var staged: [(tmp: String?, path: String)] = []
        var made: [String] = []
        func undo() { for s in staged { if let t = s.tmp { unlink(t) } }; UserPaths.removeFolders(made) }
        for f in files {
            let abs = try UserPaths.absolute(f.path)
            do { made += try UserPaths.makeFolders((abs as NSString).deletingLastPathComponent) } catch { undo(); throw error }
            switch UserPaths.kind(abs) {
            case .folder:
                undo(); throw UserError("cannot write \(f.path): it is a folder")
            case .other:
                // A device or a pipe (/dev/null, /dev/stdout): written in
                // place at the end, never replaced.
                staged.append((nil, abs))
            case .file, .missing:
                let tmp = AtomicFiles.temporaryName(for: abs)
                Interrupts.removeOnInterrupt(tmp)
                if let e = UserPaths.writeWhole(f.data, to: tmp) {
                    let why = UserPaths.reason(e)
                    unlink(tmp); Interrupts.done(tmp); undo()
                    throw UserError("cannot write \(f.path): \(why)")
                }
                staged.append((tmp, abs))
            }
        }
        for (s, f) in zip(staged, files) {
            if let t = s.tmp {
                if rename(t, s.path) != 0 {
                    let why = UserPaths.reason(errno)
                    undo(); throw UserError("cannot write \(f.path): \(why)")
                }
                Interrupts.done(t)
            } else {
                if let e = UserPaths.writeWhole(f.data, to: s.path, create: false) {
                    throw UserError("cannot write \(f.path): \(UserPaths.reason(e))")
                }
            }
        }
    }
}
