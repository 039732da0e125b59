import Foundation

/// Progress of a long step on stderr. On a terminal the step's line shows
/// its elapsed time, updated each second, and ends with the total; when
/// stderr is not a terminal (CI, pipes) nothing is added to the caller's
/// own log line.
public enum Progress {
    final class Ticker: @unchecked Sendable {
        let start = Date()
        let phase: String
        init(_ phase: String) { self.phase = phase }
        func show(_ end: String = "") {
            let s = String(format: "\rhwgen: %@ (%.1f s)%@", phase, Date().timeIntervalSince(start), end)
            FileHandle.standardError.write(Data(s.utf8))
        }
    }

    public static var isTerminal: Bool { isatty(2) != 0 }

    /// Runs `body`, showing `phase` and the time it takes on a terminal.
    public static func timed<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
        guard isTerminal else { return try body() }
        let ticker = Ticker(phase)
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + 1, repeating: 1)
        timer.setEventHandler { ticker.show() }
        ticker.show()
        timer.resume()
        defer {
            timer.cancel()
            ticker.show(" done\n")
        }
        return try body()
    }
}
