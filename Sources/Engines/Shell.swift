import Foundation
import HDL

public enum Shell {
    /// The full path of `tool` on PATH, or nil.
    public static func which(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let p = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    /// Runs a command, returning its exit status and combined output.
    /// With `timeout` (seconds) a command still running then is stopped
    /// and `timedOut` is set.
    public static func run(_ exe: String, _ args: [String], cwd: String? = nil) throws -> (status: Int32, output: String) {
        let r = try run(exe, args, cwd: cwd, timeout: nil)
        return (r.status, r.output)
    }

    public static func run(_ exe: String, _ args: [String], cwd: String? = nil,
                           timeout: Double?) throws -> (status: Int32, output: String, timedOut: Bool) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let slot = Interrupts.started(p.processIdentifier)
        let expired = Flag()
        if let timeout {
            let pid = p.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                guard p.isRunning else { return }
                expired.set()
                kill(-pid, SIGTERM)
                kill(pid, SIGTERM)
            }
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        Interrupts.finished(slot)
        var output = String(decoding: data, as: UTF8.self)
        // A tool killed from outside prints nothing; say what happened (the
        // kernel's out-of-memory killer sends SIGKILL).
        if p.terminationReason == .uncaughtSignal && !expired.value {
            let s = p.terminationStatus
            output += "\n\((exe as NSString).lastPathComponent) was killed by signal \(s)\(s == SIGKILL ? " (out of memory?)" : "")"
        }
        return (p.terminationStatus, output, expired.value)
    }
}

/// A flag set from another thread.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var state = false
    func set() { lock.lock(); state = true; lock.unlock() }
    var value: Bool { lock.lock(); defer { lock.unlock() }; return state }
}

/// Writes files so that no reader ever sees half of one: each goes to a
/// temporary name in the same folder (`.NAME.hwgen-tmp-PID`), then is
/// renamed into place. A device or pipe at the path (/dev/null) is written
/// to, never replaced; a folder there is refused.
public enum AtomicFiles {
    public static func temporaryName(for path: String) -> String {
        let dir = (path as NSString).deletingLastPathComponent
        return "\(dir.isEmpty ? "." : dir)/.\((path as NSString).lastPathComponent).hwgen-tmp-\(getpid())"
    }

    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    public static func write(_ data: Data, to path: String) throws {
        switch UserPaths.kind(path) {
        case .folder: throw UserError("cannot write \(path): it is a folder")
        case .other:
            if let e = UserPaths.writeWhole(data, to: path, create: false) { throw UserError("cannot write \(path): \(UserPaths.reason(e))") }
            return
        case .file, .missing: break
        }
        let tmp = temporaryName(for: path)
        Interrupts.removeOnInterrupt(tmp)
        defer { Interrupts.done(tmp) }
        if let e = UserPaths.writeWhole(data, to: tmp) {
            unlink(tmp)
            throw UserError("cannot write \(path): \(UserPaths.reason(e))")
        }
        if rename(tmp, path) != 0 {
            let why = UserPaths.reason(errno)
            unlink(tmp)
            throw UserError("cannot write \(path): \(why)")
        }
    }
}
