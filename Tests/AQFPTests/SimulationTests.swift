import Engines
import Foundation
import Harness
import HDL
import Stochastic
import Testing
import Verilog
@testable import AQFP

/// Runs `module` in the Swift engine against the MIG: the output of edge k
/// must be the function of the input of edge k − depth.
func simulate(_ mig: MIG, _ net: AQFPNetlist, _ module: AQFPModule, vectors: Int, seed: UInt64 = 5) throws -> RunResult {
    let stim = aqfpStimulus(inputs: mig.inputNames, depth: net.depth, clocking: module.clocking, seed: seed, vectors: vectors)
    let ports = TestPorts(valid: "out_valid", data: mig.outputs.map(\.name))
    return try SwiftEngine().run(Job(name: module.name, ir: try Elaborator.elaborate(module), ports: ports,
                                     stimulus: stim, expected: aqfpExpected(mig, stim)))
}

@Suite struct SimulationTests {
    /// Random vectors (after the directed ones) per benchmark, phase
    /// accurate, in the Swift engine (`make aqfp-table` runs 10^4 on every
    /// benchmark; `make soak-aqfp` 10^4 in both engines, phased and strict;
    /// `make test` verifies the design's test sets in both).
    @Test(arguments: AQFPBenchmarks.iscas + ["ctrl", "int2float", "dec"])
    func benchmarkMatchesTheMIG(name: String) throws {
        let mig = try AQFPBenchmarks.mig(name)
        let net = try AQFPFlow.run(mig, AQFPOptions())
        let r = try simulate(mig, net, AQFPModule(net, name: "aqfp_\(name)"), vectors: 2000)
        #expect(r.passed, "\(name): \(r.summary) \(r.mismatches.first ?? "")")
    }

    /// Strict four-phase clocking (a cell loads on its phase, inputs held
    /// four edges), and unbalanced I/O (the bench aligns inputs and
    /// outputs).
    @Test func strictAndUnbalanced() throws {
        let mig = try AQFPBenchmarks.mig("c432")
        let strict = try AQFPFlow.run(mig, AQFPOptions(phases: 4))
        #expect(try simulate(mig, strict, AQFPModule(strict, name: "s", clocking: .strict), vectors: 3000).passed)
        let loose = try AQFPFlow.run(mig, AQFPOptions(balanceInputs: false, balanceOutputs: false))
        #expect(try simulate(mig, loose, AQFPModule(loose, name: "u"), vectors: 3000).passed)
        #expect(loose.inputs.contains { loose.cells[$0].level > 0 })
    }

    /// Fault injection: a few buffers made combinational unbalance their
    /// paths, and the phase-accurate check must see it.
    @Test(arguments: [1, 5, 40])
    func combinationalBuffersFail(count: Int) throws {
        let mig = try AQFPBenchmarks.mig("c432")
        let net = try AQFPFlow.run(mig, AQFPOptions())
        let buffers = net.cells.indices.filter { net.cells[$0].kind == .buffer }
        let faults = Set(stride(from: 0, to: buffers.count, by: buffers.count / count).prefix(count).map { buffers[$0] })
        let r = try simulate(mig, net, AQFPModule(net, name: "f", combinational: faults), vectors: 2000)
        #expect(!r.passed, "\(count) combinational buffers went unnoticed")
    }

    /// Strict clocking with the phase enables of the wrong level must fail
    /// too: a wave read a phase early or late is not the same function.
    @Test func strictClockingNeedsFourEdgeInputs() throws {
        let mig = try AQFPBenchmarks.mig("c17")
        let net = try AQFPFlow.run(mig, AQFPOptions(phases: 4))
        // Strict cells, but a new input every edge (the phased bench).
        let stim = aqfpStimulus(inputs: mig.inputNames, depth: net.depth, clocking: .phased, seed: 3, vectors: 500)
        let r = try SwiftEngine().run(Job(name: "x", ir: try Elaborator.elaborate(AQFPModule(net, name: "x", clocking: .strict)),
                                          ports: TestPorts(valid: "out_valid", data: mig.outputs.map(\.name)),
                                          stimulus: stim, expected: aqfpExpected(mig, stim)))
        #expect(!r.passed)
    }
}

/// The buffered netlist, buffers and splitters stripped, against the source
/// Verilog, by Yosys (a SAT-proved miter).
@Suite(.serialized) struct EquivalenceTests {
    func stripped(_ net: AQFPNetlist, _ name: String) throws -> (String, String) {
        let e = VerilogEmitter.emission(for: try Elaborator.elaborate(AQFPModule(net, name: "gate_\(name)", stripped: true)))
        return (e.verilog.map(\.text).joined(separator: "\n"), e.top)
    }

    /// (`make aqfp-table` proves every ISCAS benchmark; these are the quick
    /// ones.)
    @Test(arguments: ["c17", "adder8", "c432", "c499", "c1908", "sorter32"])
    func iscasIsEquivalent(name: String) throws {
        let source = try String(contentsOfFile: try AQFPBenchmarks.path(name), encoding: .utf8)
        let net = try AQFPFlow.run(try AQFPBenchmarks.mig(name), AQFPOptions())
        let r = try Equivalence.check(gold: (source, "top"), gate: try stripped(net, name))
        #expect(r.equivalent, "\(name): \(r.detail)")
    }

    /// One gate fanin negated: Yosys must find the counterexample.
    @Test func mutantIsNotEquivalent() throws {
        let source = try String(contentsOfFile: try AQFPBenchmarks.path("c432"), encoding: .utf8)
        var net = try AQFPFlow.run(try AQFPBenchmarks.mig("c432"), AQFPOptions())
        let g = net.cells.indices.first { net.cells[$0].kind == .gate && net.cells[$0].level > 10 }!
        net.cells[g].fanins[0].inverted.toggle()
        let r = try Equivalence.check(gold: (source, "top"), gate: try stripped(net, "mutant"))
        #expect(!r.equivalent)
    }
}

@Suite struct SCDNNTests {
    /// The CONV (sorter) and FC (majority) neurons against the SC model, in
    /// the Swift engine, small enough for a unit test.
    @Test(arguments: [
        ["n=9", "L=16", "encoding=unipolar", "phases=1"],
        ["n=9", "L=32"],
        ["layer=fc", "n=10", "L=16"],
        ["layer=fc", "n=33", "L=16", "encoding=unipolar", "capacity=3"],
    ])
    func neuronMatchesTheSCModel(params: [String]) throws {
        let d = try SCDNNDesign(SCDNNDesign.Params.parse(params, design: "scdnn"))
        #expect(d.netlist.violations().isEmpty)
        let stim = d.stimulus(seed: 11, vectors: 2 * d.netlist.depth + 3)
        let r = try SwiftEngine().run(Job(name: "scdnn", ir: try Elaborator.elaborate(d.block), ports: d.ports,
                                          stimulus: stim, expected: try d.expected(stim)))
        #expect(r.passed, "\(params): \(r.summary) \(r.mismatches.first ?? "")")
        // The streams are not trivial: some ones and some zeros.
        let ones = try d.expected(stim).filter { !$0.values[0].isZero }.count
        #expect(ones > 0 && ones < stim.cycles.count)
    }

    /// The residue loop must close on exactly the depth: shorten one path
    /// (buffers made combinational) and the streams differ from the model.
    @Test func brokenNetlistFails() throws {
        let d = try SCDNNDesign(SCDNNDesign.Params.parse(["n=9", "L=16"], design: "scdnn"))
        var net = d.netlist
        // Stripping the whole netlist makes the feedback a combinational
        // loop; instead drop the output registers' balance: the out cell
        // read one level early.
        let out = net.outputs.first { $0.name == "out" }!.cell
        net.outputs[net.outputs.firstIndex { $0.name == "out" }!].cell = net.cells[out].fanins[0].cell ?? out
        let broken = SCDNNBlock(config: d.config, netlist: net)
        let stim = d.stimulus(seed: 4, vectors: 2 * d.netlist.depth)
        let r = try SwiftEngine().run(Job(name: "b", ir: try Elaborator.elaborate(broken), ports: d.ports,
                                          stimulus: stim, expected: try d.expected(stim)))
        #expect(!r.passed)
    }
}
