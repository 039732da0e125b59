import HDL
import Harness

/// A bundled benchmark through the AQFP flow, emitted as phase-accurate
/// Verilog and checked against the MIG's own evaluation: the output of
/// edge k is the function of the input of edge k − depth.
public struct AQFPDesign: Design {
    public enum Bench: String, CaseIterable, Sendable {
        case c17, adder1, adder8, c432, c499, c880, c1908, counter16, counter32, mult8, sorter32
        case ctrl, int2float, router, cavlc, dec, i2c, bar
    }

    public struct Params: ParamSet {
        var netlist = Bench.c17
        var capacity = 4
        var ci = 1
        var schedule = AQFPSchedule.optimised
        var phases = 1
        var balance = true
        var clocking = AQFPClocking.phased
        public init() {}
        init(_ edit: (inout Params) -> Void) { edit(&self) }
        public static var specs: [Param<Self>] { [
            .choice("netlist", \.netlist, "bundled benchmark netlist (ISCAS/SCE Verilog, EPFL AIGER)"),
            .int("capacity", \.capacity, 2...4, "splitter capacity (outputs of one splitter)"),
            .int("ci", \.ci, 1...4, "cells one primary input may drive"),
            .choice("schedule", \.schedule, "levels: asap (uniform splitter trees), depth (minimum depth, latest levels), optimised (minimum depth, buffers minimised)"),
            .int("phases", \.phases, 1...4, "1, or 4 for four-phase clocking (depth a multiple of 4)"),
            .flag("balance", \.balance, "balanced inputs (all at level 0) and outputs (all at the depth)"),
            .choice("clocking", \.clocking, "phased: every cell loads every edge; strict: level l loads on phase (l-1) mod 4, inputs held 4 edges (needs phases=4)"),
        ] }
    }

    public static let name = "aqfp"
    public static let summary = "AQFP majority netlist of a bundled benchmark: splitters and buffers inserted, phase-accurate Verilog"
    public static var testSets: [Params] { [
        Params { $0.netlist = .c432; $0.phases = 4; $0.clocking = .strict },
        Params { $0.netlist = .mult8 },
        Params { $0.netlist = .sorter32; $0.capacity = 2; $0.schedule = .asap },
        Params { $0.netlist = .int2float; $0.balance = false; $0.ci = 2 },
        Params { $0.netlist = .c1908; $0.schedule = .depth; $0.capacity = 3 },
    ] }

    public let params: Params
    public let mig: MIG
    public let netlist: AQFPNetlist
    public let module: AQFPModule

    public init(_ p: Params) throws {
        params = p
        if p.clocking == .strict && p.phases != 4 {
            throw UserError("clocking=strict needs phases=4 (the depth a multiple of 4)")
        }
        mig = try AQFPBenchmarks.mig(p.netlist.rawValue)
        let o = AQFPOptions(splitterCapacity: p.capacity, inputCapacity: p.ci, balanceInputs: p.balance,
                            balanceOutputs: p.balance, phases: p.phases, schedule: p.schedule)
        netlist = try AQFPFlow.run(mig, o)
        module = AQFPModule(netlist, name: "aqfp_\(p.netlist.rawValue)", clocking: p.clocking)
    }

    public var top: any Block { module }
    public var ports: TestPorts {
        TestPorts(valid: "out_valid", data: mig.outputs.map(\.name), latency: netlist.depth)
    }
    public var defaultVectors: Int { 20_000 }
    public var reports: [any DesignReport] { [AQFPReport(design: self)] }

    public func stimulus(seed: UInt64, vectors: Int) -> Stimulus {
        aqfpStimulus(inputs: mig.inputNames, depth: netlist.depth, clocking: params.clocking, seed: seed, vectors: vectors)
    }

    public func expected(_ stimulus: Stimulus) throws -> [Transaction] { aqfpExpected(mig, stimulus) }
}

/// Vectors for a phase-accurate netlist with inputs `inputs` (then
/// `in_valid`): all zeros, all ones, each input alone high and alone low
/// (the first 64), alternating, then random; a gap now and then (out_valid
/// must follow in_valid); each vector held 4 edges with strict clocking; the
/// pipeline run out at the end.
public func aqfpStimulus(inputs names: [String], depth: Int, clocking: AQFPClocking, seed: UInt64,
                         vectors: Int) -> Stimulus {
    var s = Stimulus(ports: names + ["in_valid"])
    var rng = SplitMix64(seed: seed)
    var rows: [[Bool]] = [Array(repeating: false, count: names.count), Array(repeating: true, count: names.count)]
    for k in 0..<min(names.count, 64) { rows.append(names.indices.map { $0 == k }) }
    for k in 0..<min(names.count, 64) { rows.append(names.indices.map { $0 != k }) }
    rows.append(names.indices.map { $0 % 2 == 0 })
    while rows.count < vectors + 4 { rows.append(names.map { _ in rng.next() & 1 == 1 }) }
    let hold = clocking == .strict ? 4 : 1
    let idle = [BigValue](repeating: .zero, count: names.count + 1)
    for r in rows {
        if rng.next() % 16 == 0 { for _ in 0..<hold { s.cycles.append(idle) } }
        var values = r.map { $0 ? BigValue.one : .zero } + [.one]
        s.cycles.append(values)
        values[names.count] = .zero
        for _ in 1..<hold { s.cycles.append(values) }
    }
    for _ in 0..<(depth + hold) { s.cycles.append(idle) }
    return s
}

/// The MIG's outputs for each row of `stimulus` with `in_valid` (its last
/// column) high, 64 rows at a time.
public func aqfpExpected(_ mig: MIG, _ stimulus: Stimulus) -> [Transaction] {
    let rows = stimulus.cycles.filter { !$0[stimulus.ports.count - 1].isZero }
    let n = mig.inputs.count
    var words = [[UInt64]](repeating: [UInt64](repeating: 0, count: (rows.count + 63) / 64), count: n)
    for (r, row) in rows.enumerated() {
        for k in 0..<n where !row[k].isZero { words[k][r / 64] |= 1 << UInt64(r % 64) }
    }
    let out = mig.evaluate(words)
    return rows.indices.map { r in
        Transaction(cycle: nil, values: out.map { $0[r / 64] >> UInt64(r % 64) & 1 == 1 ? .one : .zero })
    }
}
