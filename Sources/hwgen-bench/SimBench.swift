import Foundation
import HDL
import Arithmetic
import Sim
import Engines
import Harness
import Verilog

/// Simulated clock cycles per second of the Swift engine, random inputs
/// every cycle (their generation included, as in Testbenches/bench.cpp).
func swiftCyclesPerSecond(_ ir: ModuleIR, cycles: Int) throws -> (compile: Double, rate: Double, instructions: Int) {
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

/// The same for a Verilator model built from the emitted Verilog with
/// Testbenches/bench.cpp (-O2); nil when Verilator is missing.
func verilatorCyclesPerSecond(_ ir: ModuleIR, cycles: Int) throws -> (build: Double, rate: Double)? {
    guard let verilator = Shell.which("verilator") else { return nil }
    let dir = NSTemporaryDirectory() + "hwgen-bench-\(ProcessInfo.processInfo.processIdentifier)-\(ir.name)"
    let fm = FileManager.default
    try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? fm.removeItem(atPath: dir) }
    let emission = VerilogEmitter.emission(for: ir)
    for f in emission.all { try AtomicFiles.write(f.text, to: "\(dir)/\(f.name)") }
    // No outputs compared: the bench only clocks the model.
    try AtomicFiles.write(VerilatorEngine.portsInclude(ir, TestPorts(data: [])), to: "\(dir)/ports.inc")
    let root = fm.currentDirectoryPath
    let t0 = Date()
    let (status, out) = try Shell.run(verilator, [
        "--cc", "--exe", "--build", "-j", "2", "--prefix", "Vdut", "--top-module", emission.top, "-Mdir", "\(dir)/obj",
        "-o", "bench", "-CFLAGS", "-I\(dir) -O2", "-MAKEFLAGS", "OPT_FAST=-O2", "\(root)/Testbenches/bench.cpp",
    ] + emission.verilog.map { "\(dir)/\($0.name)" })
    guard status == 0 else { throw UserError("Verilator build failed: \(out.suffix(400))") }
    let build = Date().timeIntervalSince(t0)
    let (_, run) = try Shell.run("\(dir)/obj/bench", ["\(cycles)"], cwd: dir)   // ROM files read from here
    guard let s = run.split(separator: "seconds=").last.flatMap({ Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) else {
        throw UserError("bench printed no timing: \(run)")
    }
    return (build, Double(cycles) / s)
}

func simulationBench(sizes: [Int]) throws {
    print("")
    print("Simulation of the same flat PE array (random inputs every cycle)")
    print("PEs      instr/cycle  swift compile s  swift cycles/s  verilator build s  verilator cycles/s  verilator/swift")
    for n in sizes {
        let ir = try Elaborator.elaborate(FlatPEArray(count: n))
        let cycles = max(200, 2_000_000 / n)
        let (compile, swiftRate, instructions) = try swiftCyclesPerSecond(ir, cycles: cycles)
        if let (build, vRate) = try verilatorCyclesPerSecond(ir, cycles: cycles * 10) {
            print(String(format: "%-8d %-12d %-16.2f %-15.0f %-18.1f %-19.0f %.1fx", n, instructions, compile, swiftRate, build, vRate, vRate / swiftRate))
        } else {
            print(String(format: "%-8d %-12d %-16.2f %-15.0f (verilator not installed)", n, instructions, compile, swiftRate))
        }
    }
}
