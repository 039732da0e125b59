import Harness
import HDL

/// `hop`: Hop's queues, credits and k-of-n gather over workers with
/// injected stalls, every worker's iteration and last popped update on
/// every cycle against the model.
public struct HopDesign: Design {
    public struct Params: ParamSet {
        var n = 8, degree = 1, s = 2, k = 1, work = 4
        /// Percent of cycles worker 0 (the straggler) and the others stall.
        var straggler = 60, others = 10
        public init() {}
        public init(_ edit: (inout Params) -> Void) { edit(&self) }
        public static var specs: [Param<Self>] { [
            .int("n", \.n, 2...32, "workers on a ring"),
            .int("degree", \.degree, 1...8, "neighbours each side"),
            .int("s", \.s, 1...15, "staleness bound: credits a neighbour edge starts with"),
            .int("k", \.k, 0...16, "fresh updates a worker needs to start an iteration (0: all neighbours, lockstep: gaps of 1; fewer: backup workers, gaps up to s)"),
            .int("work", \.work, 1...64, "cycles of compute an iteration (stalled cycles do not count)"),
            .int("straggler", \.straggler, 0...99, "random stimulus: percent of cycles worker 0 stalls"),
            .int("others", \.others, 0...99, "random stimulus: percent of cycles every other worker stalls"),
        ] }
    }

    public static let name = "hop"
    public static let summary = "Hop decentralised training queues: per-edge update FIFOs, staleness credits, k-of-n gather, injected stalls"
    public static let unit = "cycle"
    public static var testSets: [Params] { [
        Params { $0.k = 0; $0.s = 1 },
        Params { $0.n = 5; $0.degree = 2; $0.s = 3; $0.k = 3; $0.work = 1 },
    ] }

    public let params: Params
    public let config: HopConfig

    public init(_ p: Params) throws {
        params = p
        config = try HopConfig(workers: p.n, degree: p.degree, staleness: p.s, threshold: p.k, work: p.work)
    }

    public var top: any Block { HopArray(config) }
    public var ports: TestPorts { TestPorts(data: ["out_iter", "out_seen"]) }
    public var defaultVectors: Int { 4000 }
    public var reports: [any DesignReport] { [HopReport(design: self)] }

    /// Stall patterns, a row a cycle: none, all, worker 0 held for long
    /// enough to reach the bound, each worker held in turn, then random
    /// cycles (worker 0 the straggler).
    public func stalls(seed: UInt64, cycles: Int) -> [[Bool]] {
        let n = config.workers, long = 4 * (config.staleness + 1) * (config.work + 4)
        var rows: [[Bool]] = []
        rows += Array(repeating: Array(repeating: false, count: n), count: 40)
        rows += Array(repeating: Array(repeating: true, count: n), count: 20)
        rows += Array(repeating: (0..<n).map { $0 == 0 }, count: long)
        for w in 1..<n { rows += Array(repeating: (0..<n).map { $0 == w }, count: long / 2) }
        var rng = SplitMix64(seed: seed ^ 0x40B)
        for _ in 0..<cycles {
            rows.append((0..<n).map { Int(rng.next() % 100) < ($0 == 0 ? params.straggler : params.others) })
        }
        return rows
    }

    public func stimulus(seed: UInt64, vectors: Int) -> Stimulus {
        var s = Stimulus(ports: ["stall"])
        for row in stalls(seed: seed, cycles: vectors) {
            s.add(["stall": row.enumerated().reduce(BigValue.zero) { $0 + ($1.1 ? BigValue.one << $1.0 : .zero) }])
        }
        return s
    }

    /// The model, cycle by cycle: what the registers show on each cycle
    /// (outputs are registers: the state before the cycle's step).
    public func expected(_ s: Stimulus) throws -> [Transaction] {
        var model = HopModel(config)
        let n = config.workers, w = HopConfig.iterBits
        return s.cycles.map { row in
            let pack = { (v: [Int]) in (0..<n).reduce(BigValue.zero) { $0 + (BigValue(v[$1]).modPow2(w) << ($1 * w)) } }
            let t = Transaction(cycle: nil, values: [pack(model.iteration), pack(model.seen)])
            model.step(stall: (0..<n).map { !(row[0] >> $0).modPow2(1).isZero })
            return t
        }
    }
}

/// The hop report: the staleness bound against the largest neighbour gap
/// over the run (and that the bound is reached), the fullest queue, and
/// iterations a worker completes per 1,000 cycles.
public struct HopReport: DesignReport {
    public let design: HopDesign
    public var title: String { "hop" }

    public func run(_ context: ReportContext) throws -> ReportSection {
        let c = design.config
        let stalls = design.stalls(seed: context.options.seed, cycles: 4000)
        var model = HopModel(c)
        for row in stalls { model.step(stall: row) }
        var rows: [ReportRow] = []
        rows.append(ReportRow("array", "\(c.workers) workers, \(c.neighbours(0).count) neighbours each, s = \(c.staleness), k = \(c.threshold), \(c.work) cycles of work"))
        rows.append(ReportRow("largest neighbour gap (\(stalls.count) cycles with stalls)", "\(model.maxGap) iterations",
                              bound: "<= s = \(c.staleness)", pass: model.maxGap <= c.staleness))
        rows.append(ReportRow("the bound is reached", model.maxGap == c.staleness ? "yes: the straggler held its neighbours s ahead" : "no (\(model.maxGap))",
                              bound: "stated"))
        rows.append(ReportRow("fullest update queue", "\(model.maxQueue) updates", bound: "<= 2s + 1 = \(c.queueDepth)",
                              pass: model.maxQueue <= c.queueDepth))
        // The hardware over the same cycles, in the context's engine.
        let s = design.stimulus(seed: context.options.seed, vectors: 4000)
        context.progress("the array over \(s.cycles.count) cycles in the \(context.engine.name) engine")
        let run = try context.engine.run(Job(name: HopDesign.name, ir: context.ir, ports: design.ports, stimulus: s, expected: try design.expected(s)))
        rows.append(ReportRow("hardware = model on every cycle", run.passed ? "yes (\(s.cycles.count) cycles)" : run.summary, bound: "equal", pass: run.passed))
        let total = model.iteration.reduce(0, +)
        rows.append(ReportRow("iterations per worker per 1,000 cycles", String(format: "%.1f (slowest %d, fastest %d)",
                                                                             1000 * Double(total) / Double(c.workers * stalls.count),
                                                                             model.iteration.min()!, model.iteration.max()!)))
        return ReportSection("\(context.top): Hop queues", rows: rows)
    }
}
