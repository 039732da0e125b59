import Harness
import HDL

/// The allreduce report: the schedule's group property, cycles per
/// operation measured back to back against the sequencer's formula, link
/// utilisation, and the ring over all nodes beside the partial one.
public struct AllReduceReport: DesignReport {
    public let design: AllReduceDesign
    public var title: String { "allreduce" }

    public func run(_ context: ReportContext) throws -> ReportSection {
        let c = design.config, s = c.schedule
        var rows: [ReportRow] = []
        rows.append(ReportRow("schedule", "\(c.nodes) nodes, groups of \(c.k), \(s.rounds) round(s) a period; \(c.roundsPerOp) an operation"))
        let conflicts = s.conflicts
        rows.append(ReportRow("groups disjoint, one ring each", conflicts.isEmpty ? "yes, every round" : conflicts.joined(separator: "; "),
                              bound: "no conflict", pass: conflicts.isEmpty))
        let full = GroupSchedule.checkPeriod(s, seed: context.options.seed)
        rows.append(ReportRow("a period of rounds = full all-reduce", full ? "every node holds the sum of all (64 random vectors)" : "differs",
                              bound: "equal", pass: full))

        context.progress("cycles: operations back to back in the \(context.engine.name) engine")
        let per = try c.measureOpCycles(ir: context.ir, engine: context.engine, seed: context.options.seed)
        rows.append(ReportRow("cycles per operation (measured)", "\(per) = load \(c.elems) + all-reduce \(c.reduceCycles) + read-out \(c.elems)",
                              bound: "= \(c.opCycles)", pass: per == c.opCycles))
        rows.append(ReportRow("all-reduce cycles", "\(c.reduceCycles) = \(c.roundsPerOp) round(s) x 2(k-1) = \(2 * (c.k - 1)) steps x (chunk \(c.chunk) + 2)"))
        let busy = c.roundsPerOp * 2 * (c.k - 1) * c.chunk
        rows.append(ReportRow("link utilisation", String(format: "%.1f%% (%d of %d cycles carry an element on every link)",
                                                         100 * Double(busy) / Double(c.reduceCycles), busy, c.reduceCycles)))
        let ring = try AllReduceConfig(schedule: try GroupSchedule(nodes: c.nodes, groupSize: c.nodes), elems: c.elems, width: c.width,
                                       op: .sum, roundsPerOp: 1)
        rows.append(ReportRow("one ring over all \(c.nodes) nodes", "\(ring.reduceCycles) cycles (2(n-1) = \(2 * (c.nodes - 1)) steps of \(ring.chunk) + 2); "
                              + String(format: "this operation takes %.2fx", Double(c.reduceCycles) / Double(ring.reduceCycles))))
        return ReportSection("\(context.top): \(s.rounds == 1 ? "ring" : "partial") all-reduce", rows: rows)
    }
}

extension GroupSchedule {
    /// True when one period of rounds leaves every node with the sum over
    /// all nodes, on 64 seeded random vectors of 4 elements.
    public static func checkPeriod(_ s: GroupSchedule, seed: UInt64) -> Bool {
        var rng = SplitMix64(seed: seed ^ 0x9E0)
        for _ in 0..<64 {
            let x = (0..<s.nodes).map { _ in (0..<4).map { _ in Int(rng.next() % 2001) - 1000 } }
            let total = (0..<4).map { e in x.reduce(0) { $0 + $1[e] } }
            if s.reduce(x).contains(where: { $0 != total }) { return false }
        }
        return true
    }
}
