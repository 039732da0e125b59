import Foundation
import Harness
import HDL
import Sim
import Verilog

/// Simulated clock cycles per second with random inputs every cycle (their
/// generation included), for benchmarks and reports.
public enum SimulationSpeed {
    /// hwgen's own engine: compile time, cycles/s, instructions per cycle.
    public static func swift(_ ir: ModuleIR, cycles: Int) throws -> (compile: Double, rate: Double, instructions: Int) {
        let t0 = Date()
        let sim = try Simulator(ir)
        let compile = Date().timeIntervalSince(t0)
        var rng = SplitMix64(seed: 1)
        let widths = sim.inputs.map(\.width)
        var words = [UInt64](repeating: 0, count: 1)
        let t1 = Date()
        for _ in 0..<cycles {
            for (i, w) in widths.enumerated() {
                words[0] = w >= 64 ? rng.next() : rng.next() & ((1 << UInt64(w)) - 1)
                sim.setInput(i, words)
            }
            sim.tick()
        }
        return (compile, Double(cycles) / Date().timeIntervalSince(t1), sim.size.comb + sim.size.edge)
    }

    /// A Verilator model of the emitted Verilog built with
    /// Testbenches/bench.cpp (-O2): build time and cycles/s; nil when
    /// Verilator or the bench source is missing.
    public static func verilator(_ ir: ModuleIR, cycles: Int) throws -> (build: Double, rate: Double)? {
        guard let verilator = Shell.which("verilator"), let harness = VerilatorEngine.findHarness() else { return nil }
        let bench = (harness as NSString).deletingLastPathComponent + "/bench.cpp"
        let dir = NSTemporaryDirectory() + "hwgen-bench-\(ProcessInfo.processInfo.processIdentifier)-\(ir.name)"
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        Interrupts.removeOnInterrupt(dir)
        defer { try? fm.removeItem(atPath: dir); Interrupts.done(dir) }
        let emission = VerilogEmitter.emission(for: ir)
        for f in emission.all { try AtomicFiles.write(f.text, to: "\(dir)/\(f.name)") }
        // No outputs compared: the bench only clocks the model.
        try AtomicFiles.write(VerilatorEngine.portsInclude(ir, TestPorts(data: [])), to: "\(dir)/ports.inc")
        let t0 = Date()
        let (status, out) = try Shell.run(verilator, [
            "--cc", "--exe", "--build", "-j", "2", "--prefix", "Vdut", "--top-module", emission.top, "-Mdir", "\(dir)/obj",
            "-o", "bench", "-CFLAGS", "-I\(dir) -O2", "-MAKEFLAGS", "OPT_FAST=-O2", bench,
        ] + emission.verilog.map { "\(dir)/\($0.name)" })
        guard status == 0 else { throw UserError("Verilator build failed: \(out.suffix(400))") }
        let build = Date().timeIntervalSince(t0)
        let (_, run) = try Shell.run("\(dir)/obj/bench", ["\(cycles)"], cwd: dir)   // ROM files read from here
        guard let s = run.split(separator: "seconds=").last.flatMap({ Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) else {
            throw UserError("bench printed no timing: \(run)")
        }
        return (build, Double(cycles) / s)
    }
}

extension VerilatorEngine {
    public func cyclesPerSecond(_ ir: ModuleIR, cycles: Int) throws -> Double? {
        try SimulationSpeed.verilator(ir, cycles: cycles)?.rate
    }
}

extension SwiftEngine {
    public func cyclesPerSecond(_ ir: ModuleIR, cycles: Int) throws -> Double? {
        try SimulationSpeed.swift(ir, cycles: cycles).rate
    }
}
