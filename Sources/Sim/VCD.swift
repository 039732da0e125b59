import Foundation
import HDL

/// Writes a Value Change Dump of a simulation: the clock, the top-level
/// inputs and every named signal, one scope per instance.
final class VCDWriter {
    let handle: FileHandle
    let signals: [SignalInfo]
    var codes: [String] = []
    var last: [String?]
    var buffer = ""

    init(path: String, signals: [SignalInfo], inputs: [SignalInfo]) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let h = FileHandle(forWritingAtPath: path) else {
            throw UserError("cannot write the trace file \(path)")
        }
        handle = h
        self.signals = inputs + signals
        last = Array(repeating: nil, count: self.signals.count)
        var header = "$date hwgen swift engine $end\n$timescale 1ns $end\n$scope module top $end\n"
        header += "$var wire 1 ! clk $end\n"
        // Signals sorted by scope so each instance's scope is opened once.
        let order = self.signals.indices.sorted { scope(self.signals[$0].name) < scope(self.signals[$1].name) }
        codes = self.signals.indices.map { VCDWriter.code($0 + 1) }
        var open: [String] = []
        for i in order {
            let parts = self.signals[i].name.split(separator: ".").map(String.init)
            let path = Array(parts.dropLast())
            var common = 0
            while common < min(open.count, path.count) && open[common] == path[common] { common += 1 }
            for _ in common..<open.count { header += "$upscope $end\n" }
            open = Array(open.prefix(common))
            for p in path.dropFirst(common) {
                header += "$scope module \(p) $end\n"
                open.append(p)
            }
            let w = self.signals[i].width
            header += "$var wire \(w) \(codes[i]) \(parts.last!)\(w > 1 ? " [\(w - 1):0]" : "") $end\n"
        }
        for _ in open { header += "$upscope $end\n" }
        header += "$upscope $end\n$enddefinitions $end\n"
        h.write(Data(header.utf8))
    }

    func scope(_ name: String) -> String {
        guard let dot = name.lastIndex(of: ".") else { return "" }
        return String(name[..<dot])
    }

    /// Printable identifier codes: base 94 over '!'...'~'.
    static func code(_ n: Int) -> String {
        var n = n, s = ""
        repeat {
            s.append(Character(UnicodeScalar(UInt8(33 + n % 94))))
            n /= 94
        } while n > 0
        return s
    }

    func sample(_ sim: Simulator, time: Int, clock: Bool) {
        buffer += "#\(time)\n\(clock ? 1 : 0)!\n"
        for (i, s) in signals.enumerated() {
            let bits = sim.words(s)
            var text = ""
            for b in stride(from: s.width - 1, through: 0, by: -1) {
                text.append((bits[b >> 6] >> UInt64(b & 63)) & 1 == 1 ? "1" : "0")
            }
            if last[i] == text { continue }
            last[i] = text
            buffer += s.width == 1 ? "\(text)\(codes[i])\n" : "b\(text) \(codes[i])\n"
        }
        if buffer.utf8.count > 1 << 16 { flush() }
    }

    func flush() {
        handle.write(Data(buffer.utf8))
        buffer = ""
    }

    func close() {
        flush()
        try? handle.close()
    }
}
