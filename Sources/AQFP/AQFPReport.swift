import Foundation
import HDL
import Harness

/// Rows every AQFP report shares: the cell counts, JJ, depth, and the
/// legality verdict of the netlist.
func aqfpRows(_ net: AQFPNetlist, gatesBefore: Int) -> [ReportRow] {
    let c = net.counts
    let v = net.violations()
    return [
        ReportRow("majority gates (MAJ3, AND, OR)", "\(c.gates) (the MIG's \(gatesBefore) live nodes)",
                  bound: "= MIG nodes", pass: c.gates == gatesBefore),
        ReportRow("buffers + inverters + splitters", "\(c.bufferSplitters) (\(c.buffers) + \(c.inverters) + \(c.splitters)); \(c.constants) constant cells"),
        ReportRow("Josephson junctions", "\(c.jj) (6 per gate, 2 per buffer/inverter/splitter/constant)"),
        ReportRow("depth (phases from input to output)", "\(net.depth)"),
        ReportRow("legality (path balance, fanout, splitter capacity \(net.options.splitterCapacity), I/O balance, phases \(net.options.phases))",
                  v.isEmpty ? "legal" : "\(v.count) violation(s): \(v[0])", bound: "legal", pass: v.isEmpty),
    ]
}

struct AQFPReport: DesignReport {
    let design: AQFPDesign
    var title: String { "aqfp" }

    func run(_ context: ReportContext) throws -> ReportSection {
        let net = design.netlist, p = design.params
        var rows = aqfpRows(net, gatesBefore: design.mig.gateCount)
        if let pub = AQFPBenchmarks.published[p.netlist.rawValue], p.capacity == 4, p.balance, p.phases == 1 {
            let c = net.counts
            rows.append(ReportRow("against the best published (capacity 4, balanced I/O, no logic optimisation)",
                                  "B/S \(c.bufferSplitters) vs \(pub.bufferSplitters), JJ \(c.jj) vs \(pub.jj), depth \(net.depth) vs \(pub.depth)",
                                  bound: "within 10% of B/S, depth <=", pass: Double(c.bufferSplitters) <= 1.1 * Double(pub.bufferSplitters) && net.depth <= pub.depth))
        }
        // The phase-accurate netlist in this engine against the MIG.
        let vectors = context.options.vectors ?? 10_000
        context.progress("\(vectors) vectors through the phase-accurate netlist (\(context.engine.name))")
        let stim = design.stimulus(seed: context.options.seed, vectors: vectors)
        let job = Job(name: context.name, ir: context.ir, ports: design.ports, stimulus: stim,
                      expected: try design.expected(stim))
        let r = try context.engine.run(job)
        rows.append(ReportRow("phase-accurate simulation (\(context.engine.name)) against the MIG", r.summary,
                              bound: "0 mismatches", pass: r.passed))
        return ReportSection("\(title): \(p.netlist.rawValue)", rows: rows)
    }
}
