// `make bench`: elaborate, check and emit an array of N MAC PEs flattened
// into one module, N = 16 ... 32768, and report the cost per IR node; then
// simulate arrays in the Swift engine and in Verilator, cycles/s side by side.
// `hwgen-bench --sim 1 64` runs only the simulation part for those sizes.
import Foundation
import HDL
import Arithmetic
import Verilog
import FFT
import Parallel
import Engines

/// N PEs inlined into one module (no hierarchy), each with its own ports.
struct FlatPEArray: Block {
    let count: Int
    var moduleName: String { "pe_array_flat_\(count)" }
    func build(_ m: ModuleBuilder) throws {
        let pe = MACPE()
        for i in 0..<count {
            let (valid, y) = pe.datapath(
                m, valid: m.input("valid_\(i)", .bool), clear: m.input("clear_\(i)", .bool),
                a: m.input("a_\(i)", pe.data), b: m.input("b_\(i)", pe.data), prefix: "pe\(i)_")
            m.output("out_valid_\(i)", valid)
            m.output("out_y_\(i)", y)
        }
    }
}

func peakMemoryMiB() -> Double {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_maxrss) / 1024
}

let args = Array(CommandLine.arguments.dropFirst())
let simOnly = args.first == "--sim"
let sizes = args.filter { $0 != "--sim" }.isEmpty ? [16, 64, 256, 1024, 4096, 16384, 32768]
    : args.compactMap { Int($0) }
if !simOnly {
print("PEs      IR nodes   Verilog MB  elaborate+check s  emit s  total s   nodes/s   peak MiB")
for n in sizes {
    let t0 = Date()
    let ir = try Elaborator.elaborate(FlatPEArray(count: n))
    let t1 = Date()
    let text = VerilogEmitter.emit(ir)
    let t2 = Date()
    let total = t2.timeIntervalSince(t0)
    print(String(format: "%-8d %-10d %-11.1f %-18.2f %-7.2f %-9.2f %-9.0f %.0f",
                 n, ir.nodes.count, Double(text.utf8.count) / 1e6, t1.timeIntervalSince(t0),
                 t2.timeIntervalSince(t1), total, Double(ir.nodes.count) / total, peakMemoryMiB()))
}
}
try simulationBench(sizes: simOnly ? sizes : [1, 16, 256, 1024])

// The streaming FFT (issue target: >= 3 M cycles/s in Verilator at N = 64).
print("")
print("Streaming FFT (16-bit input, 20-bit twiddles), random inputs every cycle")
print("N        swift cycles/s  verilator build s  verilator cycles/s")
for n in [16, 64, 1024] {
    let p = try FFTDesign.Params.parse(["n=\(n)"], design: "fft")
    let ir = try Elaborator.elaborate(try FFTDesign(p).top)
    let (_, swiftRate, _) = try SimulationSpeed.swift(ir, cycles: 200_000)
    if let (build, rate) = try SimulationSpeed.verilator(ir, cycles: 5_000_000) {
        print(String(format: "%-8d %-15.0f %-18.1f %.0f", n, swiftRate, build, rate))
    }
}

// The HyPar planner (issue target: VGG-16 at H = 10 well under a second).
print("")
print("plan-parallel: planner + both trivial plans, batch 512")
print("network  H    ms (best of 5)")
for (name, h) in [("alexnet", 4), ("vgg16", 10), ("vgg16", 20)] {
    let net = try Network.load(name)
    var best = Double.infinity
    for _ in 0..<5 {
        let t0 = Date()
        _ = PlanOutput(ParallelPlanner(network: net, batch: 512), levels: h)
        best = min(best, Date().timeIntervalSince(t0) * 1000)
    }
    print(name.padding(toLength: 9, withPad: " ", startingAt: 0) + String(format: "%-4d %.3f", h, best))
}
