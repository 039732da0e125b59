import Foundation

/// Ctrl-C (SIGINT), SIGTERM and SIGHUP while hwgen runs: a running tool's
/// whole process group is stopped (Foundation starts children in their own
/// group, which the terminal's Ctrl-C does not reach), the unfinished paths
/// hwgen registered (only ever its own temporary names) are removed, and
/// hwgen exits 128 + signal. The C handler only records the signal, stops
/// children and wakes a cleanup thread through a pipe: removing files is
/// not safe inside a signal handler. Leftovers of processes that died
/// without cleaning up (SIGKILL) are swept later (`Interrupts.isDead`).
public enum Interrupts {
    // Read by the signal handler: plain memory, no locks, no allocation.
    nonisolated(unsafe) static var children = UnsafeMutablePointer<Int32>.allocate(capacity: 64)
    nonisolated(unsafe) static var caught: Int32 = 0
    nonisolated(unsafe) static var wake: Int32 = -1
    static let paths = NSLock()
    /// Held while a batch of renames must not be cut in half by a signal.
    static let critical = NSLock()
    nonisolated(unsafe) static var unfinished: [String] = []
    nonisolated(unsafe) static var installed = false

    /// Installs the handlers (idempotent).
    public static func install() {
        guard !installed else { return }
        installed = true
        children.initialize(repeating: 0, count: 64)
        var fds: [Int32] = [0, 0]
        if pipe(&fds) == 0 {
            wake = fds[1]
            let read = fds[0]
            let t = Thread {
                var byte: UInt8 = 0
                while Foundation.read(read, &byte, 1) != 1 {}
                // A tool was running: the thread waiting for it exits
                // (`finished`) once it has stopped. Otherwise stop here.
                var any = false
                for i in 0..<64 where children[i] > 0 { any = true }
                if !any { exitNow() }
            }
            t.start()
        }
        // A parent may have started hwgen with these blocked.
        var set = sigset_t()
        sigemptyset(&set)
        for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, sig) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { sig in
                if Interrupts.caught != 0 { return }
                Interrupts.caught = sig
                for i in 0..<64 where Interrupts.children[i] > 0 {
                    kill(-Interrupts.children[i], SIGTERM)
                    kill(Interrupts.children[i], SIGTERM)
                }
                if Interrupts.wake >= 0 {
                    var byte: UInt8 = 1
                    _ = write(Interrupts.wake, &byte, 1)
                } else {
                    _exit(128 + sig)
                }
            }
        }
    }

    /// Tracks a running child; returns its slot.
    static func started(_ pid: Int32) -> Int? {
        for i in 0..<64 where children[i] == 0 { children[i] = pid; return i }
        return nil
    }

    static func finished(_ slot: Int?) {
        if let slot { children[slot] = 0 }
        // The child stopped because of a signal: clean up and leave.
        if caught != 0 { exitNow() }
    }

    /// A path (hwgen's own temporary file or folder) to remove if hwgen is
    /// interrupted before `done`.
    public static func removeOnInterrupt(_ path: String) {
        paths.lock(); unfinished.append(path); paths.unlock()
    }

    public static func done(_ path: String) {
        paths.lock(); unfinished.removeAll { $0 == path }; paths.unlock()
    }

    /// Runs `body` so that an interrupt waits until it has finished (a
    /// batch of renames is not left half done by Ctrl-C; SIGKILL still can).
    public static func uninterrupted<T>(_ body: () throws -> T) rethrows -> T {
        critical.lock(); defer { critical.unlock() }
        return try body()
    }

    static func exitNow() -> Never {
        critical.lock()
        paths.lock()
        for p in unfinished { try? FileManager.default.removeItem(atPath: p) }
        paths.unlock()
        FileHandle.standardError.write(Data("hwgen: interrupted: stopped and removed its unfinished files\n".utf8))
        exit(128 + caught)
    }

    /// Whether the process `pid` no longer exists (its leftovers may go).
    public static func isDead(_ pid: Int32) -> Bool {
        pid > 0 && kill(pid, 0) != 0 && errno == ESRCH
    }
}
