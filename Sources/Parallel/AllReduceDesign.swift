import Harness
import HDL

/// `allreduce`: the ring all-reduce (k = n) or Prague's partial all-reduce
/// (groups of k on the digit schedule) over n nodes; every element of
/// every node after every operation against the model.
public struct AllReduceDesign: Design {
    public struct Params: ParamSet {
        var n = 8
        var k = 2
        var elems = 32
        var width = 16
        var op = ReduceOp.mean
        var rounds = 0
        public init() {}
        public init(_ edit: (inout Params) -> Void) { edit(&self) }
        public static var specs: [Param<Self>] { [
            .int("n", \.n, 2...64, "nodes"),
            .int("k", \.k, 0...64, "group size (n = k^R; 0 or n: one ring over all nodes)"),
            .int("elems", \.elems, 1...4096, "elements per node"),
            .int("width", \.width, 2...32, "element bits (signed)"),
            .choice("op", \.op, "sum: the group sums, wider; mean: sum >> log2 k, rounded half up, same width"),
            .int("rounds", \.rounds, 0...16, "rounds of the schedule an operation runs (0: all log_k n, a full all-reduce)"),
        ] }
    }

    public static let name = "allreduce"
    public static let summary = "ring all-reduce and Prague partial all-reduce (ROM-sequenced disjoint groups) over n nodes"
    public static let unit = "operation"
    public static var testSets: [Params] { [
        Params { $0.n = 4; $0.k = 0; $0.elems = 10; $0.op = .sum },
        Params { $0.n = 9; $0.k = 3; $0.elems = 7; $0.width = 5; $0.op = .sum },
        Params { $0.n = 16; $0.k = 4; $0.elems = 13; $0.width = 8; $0.rounds = 1 },
    ] }

    public let params: Params
    public let config: AllReduceConfig

    public init(_ p: Params) throws {
        params = p
        let schedule = try GroupSchedule(nodes: p.n, groupSize: p.k == 0 ? p.n : p.k)
        config = try AllReduceConfig(schedule: schedule, elems: p.elems, width: p.width, op: p.op,
                                     roundsPerOp: p.rounds == 0 ? schedule.rounds : p.rounds)
    }

    public var top: any Block { RingAllReduce(config) }
    public var ports: TestPorts { AllReduceConfig.ports }
    public var transactionsPerUnit: Int { config.elems }
    public var defaultVectors: Int { 40 }
    public var reports: [any DesignReport] { [AllReduceReport(design: self)] }

    public func operations(seed: UInt64, count: Int) -> [[[Int]]] { config.operations(seed: seed, count: count) }

    public func stimulus(seed: UInt64, vectors: Int) -> Stimulus {
        config.stimulus(operations(seed: seed, count: vectors), seed: seed, gaps: true)
    }

    public func expected(_ s: Stimulus) throws -> [Transaction] { config.expected(s) }
}

extension AllReduceConfig {
    public static let ports = TestPorts(valid: "out_valid", inputStream: (valid: "in_valid", ready: "in_ready"), data: ["out_x"])

    /// Directed operations (zeros, all largest, all smallest, nodes
    /// alternating largest and smallest, one node's vector alone), then
    /// random ones over the full range.
    public func operations(seed: UInt64, count: Int) -> [[[Int]]] {
        let n = nodes, m = elems, hi = (1 << (width - 1)) - 1, lo = -hi - 1
        func op(_ f: (Int, Int) -> Int) -> [[Int]] { (0..<n).map { i in (0..<m).map { f(i, $0) } } }
        var ops = [op { _, _ in 0 }, op { _, _ in hi }, op { _, _ in lo }, op { i, _ in i % 2 == 0 ? hi : lo },
                   op { i, e in i == e % n ? hi : 0 }]
        var rng = SplitMix64(seed: seed ^ 0xA11E)
        ops += (0..<count).map { _ in op { _, _ in Int(rng.next() % UInt64(hi - lo + 1)) + lo } }
        return ops
    }

    /// The operations as N-lane beats, node 0 in the low bits, with random
    /// gaps; then idle cycles for the last one to finish.
    public func stimulus(_ ops: [[[Int]]], seed: UInt64, gaps: Bool) -> Stimulus {
        var s = Stimulus(ports: ["in_valid", "in_x"])
        var rng = SplitMix64(seed: seed ^ 0x6A95)
        let w = width
        for x in ops {
            for e in 0..<elems {
                while gaps && rng.next() % 6 == 0 { s.add([:]) }
                let beat = (0..<nodes).reduce(BigValue.zero) { $0 + (BigValue(x[$1][e]).modPow2(w) << ($1 * w)) }
                s.add(["in_valid": 1, "in_x": beat])
            }
        }
        for _ in 0..<(opCycles + 8) { s.add([:]) }
        return s
    }

    /// The model's outputs for the operations `s` offers, in order.
    public func expected(_ s: Stimulus) -> [Transaction] {
        let n = nodes, w = width, o = outWidth
        let beats = s.cycles.filter { !$0[0].isZero }.map { $0[1] }
        var model = AllReduceModel(self)
        var out: [Transaction] = []
        for start in stride(from: 0, to: beats.count - elems + 1, by: elems) {
            let x = (0..<n).map { i in
                (0..<elems).map { e in ((beats[start + e] >> (i * w)).modPow2(w)).wrapped(width: w, signed: true).intValue! }
            }
            let y = model.run(x)
            for e in 0..<elems {
                out.append(Transaction(cycle: nil, values: [(0..<n).reduce(BigValue.zero) { $0 + (BigValue(y[$1][e]).modPow2(o) << ($1 * o)) }]))
            }
        }
        return out
    }

    /// Cycles per operation measured in `engine`: three random operations
    /// back to back, first output to first output (the run must pass).
    public func measureOpCycles(ir: ModuleIR, engine: any Engine, seed: UInt64) throws -> Int {
        let s = stimulus(operations(seed: seed, count: 3), seed: seed, gaps: false)
        let run = try engine.run(Job(name: "allreduce", ir: ir, ports: Self.ports, stimulus: s,
                                     expected: expected(s), options: RunOptions(recordCycles: true)))
        guard run.passed else { throw UserError("the back-to-back run failed: \(run.summary)") }
        return run.cyclesPerGroup(of: elems)
    }
}
