import Foundation

/// Ctrl-C (SIGINT), SIGTERM and SIGHUP while hwgen runs a tool: the tool's
/// whole process group is stopped (Foundation starts children in their own
/// group, which the terminal's Ctrl-C does not reach), the unfinished
/// folders hwgen registered are removed, and hwgen exits 128 + signal.
/// Folders of processes that died without cleaning up are swept at start
/// (`Interrupts.isDead`).
public enum Interrupts {
    // Read by the signal handler: plain memory, no locks, no allocation.
    nonisolated(unsafe) static var children = UnsafeMutablePointer<Int32>.allocate(capacity: 64)
    nonisolated(unsafe) static var caught: Int32 = 0
    static let paths = NSLock()
    nonisolated(unsafe) static var unfinished: [String] = []

    /// Installs the handlers (idempotent).
    public static func install() {
        children.initialize(repeating: 0, count: 64)
        // A parent may have started hwgen with these blocked.
        var set = sigset_t()
        sigemptyset(&set)
        for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, sig) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { sig in
                Interrupts.caught = sig
                var any = false
                for i in 0..<64 where Interrupts.children[i] > 0 {
                    kill(-Interrupts.children[i], SIGTERM)
                    kill(Interrupts.children[i], SIGTERM)
                    any = true
                }
                // Nothing to wait for: stop now (the next run sweeps what
                // this one left).
                if !any {
                    let line = "hwgen: interrupted\n"
                    line.withCString { _ = write(2, $0, strlen($0)) }
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

    /// A folder to remove if hwgen is interrupted before `done`.
    public static func removeOnInterrupt(_ path: String) {
        paths.lock(); unfinished.append(path); paths.unlock()
    }

    public static func done(_ path: String) {
        paths.lock(); unfinished.removeAll { $0 == path }; paths.unlock()
    }

    static func exitNow() -> Never {
        paths.lock()
        for p in unfinished { try? FileManager.default.removeItem(atPath: p) }
        paths.unlock()
        FileHandle.standardError.write(Data("hwgen: interrupted: stopped the running tool and removed its unfinished files\n".utf8))
        exit(128 + caught)
    }

    /// Whether the process `pid` no longer exists (its leftovers may go).
    public static func isDead(_ pid: Int32) -> Bool {
        pid > 0 && kill(pid, 0) != 0 && errno == ESRCH
    }
}
