import Analysis
import Foundation
import Harness
import HDL
import Random

/// Runs `vectors` random operand sets of `design` through the context's
/// engine against its model; on 0 mismatches the model's transactions are
/// the hardware's outputs. Returns them with, for every stream that ran to
/// its end, the stimulus row that started it, in completion order.
func scHardwareRun(_ design: any Design, _ context: ReportContext, length: Int, vectors: Int) throws
    -> (result: RunResult, outputs: [Transaction], starts: [[BigValue]]) {
    let stim = design.stimulus(seed: context.options.seed &+ 1000, vectors: vectors)
    let expected = try design.expected(stim)
    context.progress("\(vectors) operand sets through \(context.engine.name)")
    let result = try context.engine.run(Job(name: context.name, ir: context.ir, ports: design.ports, stimulus: stim, expected: expected))
    let startCycles = stim.cycles.indices.filter { !stim.cycles[$0][0].isZero }
    var starts: [[BigValue]] = []
    for (i, c) in startCycles.enumerated() where i + 1 == startCycles.count || startCycles[i + 1] >= c + length {
        starts.append(stim.cycles[c])
    }
    return (result, expected, starts)
}

/// The sc_mul report: the spec's statistics on the bit-exact model — the
/// product's RMSE against the Bernoulli theory over L (this design's
/// sources, and independent LFSRs for the acceptance gates), its log-log
/// slope with an SVG, Sobol errors, SCC of independent and shared sources,
/// the MUX sum and Stanh.
struct SCMulReport: DesignReport {
    let design: SCMulDesign
    var title: String { "sc_mul" }

    static let lengths = [16, 64, 256, 1024, 4096]

    func run(_ context: ReportContext) throws -> ReportSection {
        let p = design.params, s = design.unitBlock.streams, seed = context.options.seed
        var rows: [ReportRow] = []
        let trials = max(200, min(4000, context.options.samples / 256))
        func unit(_ edit: (inout SCStreamParams) -> Void) throws -> SCMultiplier {
            var q = p.streams
            edit(&q)
            return try SCMultiplier(streams: try q.streams(), states: p.states)
        }
        func measure(_ u: SCMultiplier) -> SCStatistics.Multiply {
            context.progress("\(trials) operand sets at L = \(u.streams.length), \(u.streams.kind.rawValue)/\(u.streams.weightKind.rawValue) sources, sharing \(u.streams.sharing.rawValue)")
            return SCStatistics.multiply(u, trials: trials, seed: seed)
        }
        rows.append(ReportRow("operand sets per point", "\(trials) random pairs, seed \(seed), streams back to back"))

        // This design's sources over L.
        var ownRuns: [Int: SCStatistics.Multiply] = [:]
        var own: [(Double, Double)] = [], theory: [(Double, Double)] = [], lfsr: [(Double, Double)] = []
        for L in SCMulReport.lengths {
            let m = measure(try unit { $0.length = L })
            ownRuns[L] = m
            own.append((Double(L), m.rmse))
            theory.append((Double(L), m.theory))
            rows.append(ReportRow("product RMSE, this design's sources, L=\(L)", String(format: "%.5f (%.2f x theory %.5f), max |error| %.1f counts", m.rmse, m.ratio, m.theory, m.maxProductCounts)))
        }
        // The acceptance gates: independent LFSR SNGs at this encoding (the
        // runs above when that is this design).
        let isLFSR = s.kind == .lfsr && s.weightKind == .lfsr && s.sharing == .none
        for L in SCMulReport.lengths {
            let m = isLFSR && own.count == SCMulReport.lengths.count ? ownRuns[L]!
                : measure(try unit { $0.length = L; $0.rng = .lfsr; $0.wrng = .lfsr; $0.share = .none })
            lfsr.append((Double(L), m.rmse))
            if [64, 256, 1024].contains(L) {
                rows.append(ReportRow("independent LFSRs: RMSE / theory, L=\(L)", String(format: "%.3f (%.5f / %.5f)", m.ratio, m.rmse, m.theory),
                                      bound: "0.8...1.25", pass: m.ratio >= 0.8 && m.ratio <= 1.25))
            }
            if L >= 256 {
                let ideal = SCStatistics.idealAbsSCC(length: L, width: m.width, trials: trials, seed: seed)
                rows.append(ReportRow("independent LFSRs: mean SCC of a and b, L=\(L)", String(format: "%+.4f (mean |SCC| %.3f per stream; ideal Bernoulli streams %.3f)", m.meanSCC, m.meanAbsSCC, ideal),
                                      bound: "|mean| <= 0.05", pass: abs(m.meanSCC) <= 0.05))
            }
        }
        let slope = SCStatistics.logLogSlope(lfsr)
        rows.append(ReportRow("independent LFSRs: log-log slope of RMSE over L=16...4096", String(format: "%.3f", slope),
                              bound: "-0.6...-0.4", pass: slope >= -0.6 && slope <= -0.4))
        if own.count > 1 {
            rows.append(ReportRow("this design's sources: log-log slope", String(format: "%.3f", SCStatistics.logLogSlope(own.filter { $0.1 > 0 }))))
        }
        // Sobol over L for the figure, then at the design's L when it is a power of two.
        var sobolPoints: [(Double, Double)] = [], sobolRuns: [Int: SCStatistics.Multiply] = [:]
        for L in SCMulReport.lengths {
            let m = measure(try unit { $0.length = L; $0.rng = .sobol; $0.wrng = .sobol; $0.share = .none })
            sobolRuns[L] = m
            sobolPoints.append((Double(L), m.rmse))
        }
        rows.append(ReportRow("Sobol (dimensions 1, 2): log-log slope of the product RMSE", String(format: "%.3f", SCStatistics.logLogSlope(sobolPoints))))
        // Sobol (dimensions 1 and 2) at the design's L when it is a power of two.
        let sobolL = s.length.nonzeroBitCount == 1 ? s.length : 256
        let sobol = try sobolRuns[sobolL] ?? measure(try unit { $0.length = sobolL; $0.rng = .sobol; $0.wrng = .sobol; $0.share = .none })
        rows.append(ReportRow("Sobol stream |error|, L=\(sobolL)", String(format: "max %.1f counts = %.4f", sobol.maxStreamCounts, sobol.maxStreamCounts / Double(sobolL)),
                              bound: "<= 2/L", pass: sobol.maxStreamCounts <= 2))
        rows.append(ReportRow("Sobol product |error| (dimensions 1, 2), L=\(sobolL)", String(format: "max %.1f counts, RMSE %.5f (%.2f x the Bernoulli theory)", sobol.maxProductCounts, sobol.rmse, sobol.ratio)))
        // One shared source: a and b fully correlated.
        let shared = measure(try unit { $0.length = sobolL; $0.rng = .lfsr; $0.wrng = .lfsr; $0.share = .all })
        rows.append(ReportRow("one shared LFSR: mean SCC of a and b", String(format: "%+.4f", shared.meanSCC), bound: ">= 0.99", pass: shared.meanSCC >= 0.99))
        // AND = min holds for unipolar streams only; a bipolar product is XNOR.
        if s.encoding == .unipolar {
            rows.append(ReportRow("one shared LFSR: AND = min(a, b)", "\(trials - shared.notMin) of \(trials) streams", bound: "all",
                                  pass: shared.notMin == 0))
        }
        // The same figure from the generated hardware's own outputs.
        let hw = try scHardwareRun(design, context, length: s.length, vectors: trials)
        let doneRows = hw.outputs.filter { !$0.values[8].isZero }
        var hse = 0.0, hth = 0.0
        for (t, row) in zip(doneRows, hw.starts) {
            let va = s.value(row[1].intValue!), vb = s.value(row[2].intValue!)
            let pa = Double(row[1].intValue!) / Double(1 << s.width), pb = Double(row[2].intValue!) / Double(1 << s.width)
            let p = s.encoding == .bipolar ? pa * pb + (1 - pa) * (1 - pb) : pa * pb
            let e = s.value(count: t.values[3].intValue!) - va * vb
            hse += e * e
            hth += (s.encoding == .bipolar ? 4 : 1) * p * (1 - p) / Double(s.length)
        }
        let hwRatio = (hse / hth).squareRoot()
        rows.append(ReportRow("product RMSE of the hardware (\(context.engine.name), \(doneRows.count) streams, L=\(s.length))",
                              String(format: "%.5f (%.2f x theory), %@", (hse / Double(max(1, doneRows.count))).squareRoot(), hwRatio, hw.result.passed ? "0 mismatches against the model" : "MISMATCHES"),
                              bound: "0 mismatches", pass: hw.result.passed && doneRows.count == hw.starts.count))
        let mine = measure(design.unitBlock)
        rows.append(ReportRow("MUX sum (a + b)/2 RMSE, this design", String(format: "%.5f (%.2f x Bernoulli theory %.5f)", mine.sumRMSE, mine.sumRMSE / mine.sumTheory, mine.sumTheory)))
        if s.encoding == .bipolar {
            rows.append(ReportRow("Stanh K=\(p.states): mean |out − tanh(K/2 · ab)|", String(format: "%.4f", mine.stanhMAE)))
        }
        var series = [LinePlot.Series("independent LFSRs", lfsr, colour: "#4a79a8"),
                      LinePlot.Series("Sobol (dimensions 1, 2)", sobolPoints, colour: "#6a9f58"),
                      LinePlot.Series("theory sqrt(p(1-p)/L)\(s.encoding == .bipolar ? " x2" : "")", theory.isEmpty ? [] : theory, colour: "#999999")]
        if !isLFSR {
            series.append(LinePlot.Series("this design (\(s.kind.rawValue)/\(s.weightKind.rawValue), \(s.sharing.rawValue))", own, colour: "#c0504d"))
        }
        let plot = LinePlot(title: "SC product RMSE against stream length (\(s.encoding.rawValue))", xLabel: "L (cycles)", yLabel: "RMSE (value units)",
                            logX: true, logY: true, series: series.filter { !$0.points.isEmpty })
        return ReportSection(title, rows: rows, svg: plot.svg)
    }
}

/// The sc_neuron report: the output against the exact activated sum of
/// its product streams (counts) and against the operands' exact value.
struct SCNeuronReport: DesignReport {
    let design: SCNeuronDesign
    var title: String { "sc_neuron" }

    func run(_ context: ReportContext) throws -> ReportSection {
        let c = design.config, s = c.streams
        let trials = max(50, min(2000, context.options.samples / (s.length * c.terms / 64)))
        var rows: [ReportRow] = []
        rows.append(ReportRow("neuron", "n=\(c.n) + bias, \(s.encoding.rawValue), L=\(s.length), \(c.form.rawValue) form\(c.form == .acc ? " (\(c.count.rawValue) counter)" : ""), scale \(c.scale)\(c.form == .sorter ? ", feedback \(c.feedback), \(c.sorterInputs)-input bitonic sorter" : "")"))
        context.progress("\(trials) operand sets through the neuron model")
        let m = SCStatistics.neuron(c, trials: trials, seed: context.options.seed)
        let name = "out count − clamp(floor(Σ/scale), 0, L) of the product streams"
        let dev = String(format: "max |·| %d, mean %.2f counts, %.1f%% within ±1", m.maxDeviation, m.meanDeviation, 100 * m.withinOne)
        // The stated figures hold for independent LFSR sources; other
        // sources are reported without a gate.
        let independent = s.kind == .lfsr && s.weightKind == .lfsr && s.sharing == .none
        switch c.form {
        case .acc where c.count == .exact && s.encoding == .bipolar && independent:
            rows.append(ReportRow(name, dev, bound: "within ±1 on >= 98% of streams", pass: m.withinOne >= 0.98))
        case .sorter where independent:
            rows.append(ReportRow(name, dev, bound: "mean <= 3% of L", pass: m.meanDeviation <= 0.03 * Double(s.length)))
        default:
            rows.append(ReportRow(name, dev))
        }
        rows.append(ReportRow("RMSE against clamp(Σ x·w + b)/scale of the operands", String(format: "%.4f (value units, %d operand sets)", m.valueRMSE, trials)))
        // The value RMSE from the generated hardware's own outputs.
        let hwTrials = min(trials, 500)
        let hw = try scHardwareRun(design, context, length: s.length, vectors: hwTrials)
        let doneRows = hw.outputs.filter { !$0.values[2].isZero }
        let w = s.width
        var hse = 0.0
        for (t, row) in zip(doneRows, hw.starts) {
            let code = { (v: BigValue, i: Int) in (v >> (w * i)).modPow2(w).intValue! }
            let sum = (0..<c.n).reduce(s.value(row[3].intValue!)) { $0 + s.value(code(row[1], $1)) * s.value(code(row[2], $1)) }
            let target = min(1, max(s.encoding == .bipolar ? -1 : 0, sum / Double(c.scale)))
            let e = s.value(count: t.values[1].intValue!) - target
            hse += e * e
        }
        rows.append(ReportRow("the same RMSE from the hardware (\(context.engine.name), \(doneRows.count) streams)",
                              String(format: "%.4f, %@", (hse / Double(max(1, doneRows.count))).squareRoot(), hw.result.passed ? "0 mismatches against the model" : "MISMATCHES"),
                              bound: "0 mismatches", pass: hw.result.passed && doneRows.count == hw.starts.count))
        if c.form == .majority {
            let ratio = m.chainRMSE / m.chainTheory
            rows.append(ReportRow("RMSE against the chain's expected value (independent inputs)", String(format: "%.4f (%.2f x its Bernoulli figure %.4f)", m.chainRMSE, ratio, m.chainTheory),
                                  bound: independent ? "0.8...1.25 x" : "", pass: independent ? ratio >= 0.8 && ratio <= 1.25 : nil))
        }
        return ReportSection(title, rows: rows)
    }
}

/// The sc_pool report: the pooled value's RMSE against the operands' mean
/// and the Bernoulli figure of a random select.
struct SCPoolReport: DesignReport {
    let design: SCPoolDesign
    var title: String { "sc_pool" }

    func run(_ context: ReportContext) throws -> ReportSection {
        let trials = max(200, min(4000, context.options.samples / 256))
        context.progress("\(trials) operand sets through the pooling model")
        let r = SCStatistics.pool(design.pool, trials: trials, seed: context.options.seed)
        let s = design.pool.streams, w = s.width, k = design.pool.window
        let hw = try scHardwareRun(design, context, length: s.length, vectors: min(trials, 1000))
        let doneRows = hw.outputs.filter { !$0.values[2].isZero }
        var hse = 0.0
        for (t, row) in zip(doneRows, hw.starts) {
            let mean = (0..<k).reduce(0.0) { $0 + s.value((row[1] >> (w * $1)).modPow2(w).intValue!) } / Double(k)
            let e = s.value(count: t.values[1].intValue!) - mean
            hse += e * e
        }
        return ReportSection(title, rows: [
            ReportRow("pooled RMSE against the mean of \(design.pool.window) operands", String(format: "%.5f (%.2f x sqrt(p(1-p)/L)%@ = %.5f), L=%d, select from %@, %d operand sets",
                                                                                        r.rmse, r.rmse / r.theory, s.encoding == .bipolar ? " x2" : "", r.theory, s.length, s.weightKind.rawValue, trials)),
            ReportRow("the same RMSE from the hardware (\(context.engine.name), \(doneRows.count) streams)",
                      String(format: "%.5f, %@", (hse / Double(max(1, doneRows.count))).squareRoot(), hw.result.passed ? "0 mismatches against the model" : "MISMATCHES"),
                      bound: "0 mismatches", pass: hw.result.passed && doneRows.count == hw.starts.count),
        ])
    }
}
