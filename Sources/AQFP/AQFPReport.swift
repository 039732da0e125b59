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
                                  bound: "<= 1.1x, depth", pass: Double(c.bufferSplitters) <= 1.1 * Double(pub.bufferSplitters) && net.depth <= pub.depth))
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

/// Switching energy of one Josephson junction per clock cycle in AQFP:
/// 1.4 zJ, measured on MANA, the adiabatic superconducting microprocessor
/// (Ayala et al., IEEE JSSC 56(4), 2021, "1.4-zJ/op unshunted Josephson
/// junction devices"); cooling not included. Each AQFP cell is excited once
/// a clock cycle, so a netlist dissipates about JJ × this per cycle.
let zeptojoulePerJJ = 1.4

struct SCDNNReport: DesignReport {
    let design: SCDNNDesign
    var title: String { "scdnn" }

    func run(_ context: ReportContext) throws -> ReportSection {
        let net = design.netlist, c = design.config, p = design.params
        var rows = aqfpRows(net, gatesBefore: design.mig.gateCount)
        let jj = Double(net.counts.jj), ghz = Double(p.ghz), L = c.streams.length
        let perCycle = jj * zeptojoulePerJJ
        rows.append(ReportRow("latency", String(format: "%d phases = %.2f clock cycles = %.2f ns at %d GHz (%d-phase clocking)",
                                                net.depth, Double(net.depth) / 4, Double(net.depth) / 4 / ghz, p.ghz, p.phases)))
        rows.append(ReportRow("energy estimate (JJ x 1.4 zJ per clock cycle, MANA, Ayala et al. JSSC 2021; no cooling)",
                              String(format: "%.3g zJ per SC cycle (one bit of every stream); %.3g aJ per %d-bit stream = one neuron output; %.3g nW at %d GHz",
                                     perCycle, perCycle * Double(L) / 1000, L, perCycle * ghz * 1e9 * 1e-21 * 1e9, p.ghz)))
        let rngBits = (2 * c.n + 1) * c.streams.width
        rows.append(ReportRow("true RNGs (one AQFP buffer a random bit; outside the netlist, its random numbers are inputs)",
                              "\(rngBits) buffers = \(rngBits * AQFPCost.buffer) JJ more"))
        rows.append(ReportRow("scale against the paper's fabricated AQFP circuits (83,000 JJ in 2016, Cai et al. ISCA 2019)",
                              String(format: "%.0f JJ = %.1f%% of 83,000", jj, 100 * jj / 83_000)))
        let streams = context.options.vectors ?? design.defaultVectors
        context.progress("\(streams) streams through the phase-accurate netlist (\(context.engine.name)) against the SC model")
        let stim = design.stimulus(seed: context.options.seed, vectors: streams)
        let job = Job(name: context.name, ir: context.ir, ports: design.ports, stimulus: stim, expected: try design.expected(stim))
        let r = try context.engine.run(job)
        rows.append(ReportRow("stream bits of the AQFP netlist (\(context.engine.name)) against the SC golden model",
                              r.verdict(unit: "stream", per: L), bound: "0 mismatches", pass: r.passed))
        return ReportSection("\(title): \(c.form == .sorter ? "CONV, bitonic sorter" : "FC, majority chain"), n = \(c.n), L = \(L)", rows: rows)
    }
}
