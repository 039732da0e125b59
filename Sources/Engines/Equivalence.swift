import Foundation
import HDL

/// Combinational equivalence of two Verilog modules with the same ports by
/// Yosys: a miter of the two (`miter -equiv`) proven by SAT over all inputs.
public enum Equivalence {
    public struct Result: Sendable {
        public var equivalent: Bool
        /// Yosys's last lines: the proof, or a counterexample.
        public var detail: String
        public var seconds: Double
    }

    public static func check(gold: (text: String, top: String), gate: (text: String, top: String)) throws -> Result {
        guard let yosys = Shell.which("yosys") else { throw UserError("yosys is not installed (apt-get install yosys)") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hwgen-equiv-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicFiles.write(gold.text, to: "\(dir)/gold.v")
        try AtomicFiles.write(gate.text, to: "\(dir)/gate.v")
        let start = Date()
        let script = "read_verilog gold.v; read_verilog gate.v; proc; opt_clean; "
            + "miter -equiv -flatten -make_assert \(gold.top) \(gate.top) miter; hierarchy -top miter; "
            + "sat -verify -prove-asserts -set-init-zero miter"
        let (status, out) = try Shell.run(yosys, ["-q", "-p", script], cwd: dir)
        let tail = out.split(separator: "\n").suffix(6).joined(separator: "\n")
        return Result(equivalent: status == 0, detail: tail, seconds: Date().timeIntervalSince(start))
    }
}
