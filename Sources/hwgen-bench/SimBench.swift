import Foundation
import HDL
import Arithmetic
import Sim
import Engines
import Harness
import Verilog

func simulationBench(sizes: [Int]) throws {
    print("")
    print("Simulation of the same flat PE array (random inputs every cycle)")
    print("PEs      instr/cycle  swift compile s  swift cycles/s  verilator build s  verilator cycles/s  verilator/swift")
    for n in sizes {
        let ir = try Elaborator.elaborate(FlatPEArray(count: n))
        let cycles = max(200, 2_000_000 / n)
        let (compile, swiftRate, instructions) = try SimulationSpeed.swift(ir, cycles: cycles)
        if let (build, vRate) = try SimulationSpeed.verilator(ir, cycles: cycles * 10) {
            print(String(format: "%-8d %-12d %-16.2f %-15.0f %-18.1f %-19.0f %.1fx", n, instructions, compile, swiftRate, build, vRate, vRate / swiftRate))
        } else {
            print(String(format: "%-8d %-12d %-16.2f %-15.0f (verilator not installed)", n, instructions, compile, swiftRate))
        }
    }
}
