import Foundation
import FFT
import Harness
import HDL

/// The circulant report: storage and multiplies against the dense layer,
/// the formats, the bit-exact model against float64 (measured error and
/// the derived bound), and latency and cycles per product measured in the
/// context's engine against the generator's formulas.
public struct CirculantReport: DesignReport {
    public let layer: CirculantLayer
    public let unit: CirculantMV
    /// Vectors for the accuracy rows.
    public var vectors = 200
    public init(layer: CirculantLayer, unit: CirculantMV) {
        self.layer = layer
        self.unit = unit
    }
    public var title: String { "circulant" }

    public static func ratio(_ a: Int, _ b: Int) -> String { String(format: "%.1fx", Double(a) / Double(max(b, 1))) }

    /// Rows on storage and multiplies of `layer` against its dense layer.
    public static func costRows(_ L: CirculantLayer, _ unit: CirculantMV) -> [ReportRow] {
        let c = L.config
        let fftMults = unit.forwardFFT.multipliers * c.half      // real products per frame (k/2 cycles)
        let perProduct = unit.multipliesPerProduct
        return [
            ReportRow("blocks", "p=\(c.p) x q=\(c.q) of k=\(c.k) (m=\(c.m), n=\(c.n), padded to \(c.p * c.k) x \(c.q * c.k))"),
            ReportRow("weights stored (reals)", "\(L.weightWords) = p·q·k vs dense \(L.denseWords): \(ratio(L.denseWords, L.weightWords)) smaller"),
            ReportRow("weight bits", "\(L.weightWords * c.wWidth) (\(c.wWidth)-bit spectrum parts) vs dense \(L.denseWords * c.wWidth) at the same width"),
            ReportRow("multiplies per product", "\(perProduct): element-wise \(L.macMultiplies) + \(c.q) FFTs and \(c.p) IFFTs x \(fftMults); dense \(L.denseMultiplies): \(ratio(L.denseMultiplies, perProduct)) fewer"),
        ]
    }

    public func run(_ context: ReportContext) throws -> ReportSection {
        let L = layer, c = L.config
        var rows = CirculantReport.costRows(L, unit)
        rows.append(ReportRow("formats", "x \(c.inWidth) bits (frac \(c.inFrac)), spectra \(c.wWidth) (frac \(L.spectra.fraction)), X \(L.xWidth), products \(L.productWidth), accumulator \(L.accWidth)\(L.accWidth < L.exactAccWidth ? " (saturating; exact needs \(L.exactAccWidth))" : " (exact)"), Y \(L.specWidth) (>> \(L.specShift)), y \(c.outWidth) (frac \(c.outFrac))"))
        rows.append(ReportRow("lanes, banks", "\(c.lanes) complex MAC(s) = \(4 * c.lanes) multipliers, \(L.issueCycles) issue cycles per product; \(c.banks) products in flight"))

        // Accuracy: the bit-exact model against float64 y = W x.
        context.progress("accuracy: \(vectors) vectors through the bit-exact model against float64")
        let model = CirculantModel(L)
        var worst = 0.0, worstBound = 0.0, sum = 0.0, count = 0, flagged = 0, within = true
        var rng = SplitMix64(seed: context.options.seed)
        let hi = (1 << (c.inWidth - 1)) - 1
        for v in 0..<vectors {
            let range = v % 2 == 0 ? hi : hi / 4
            let x = (0..<c.n).map { _ in Int(rng.next() % UInt64(2 * range + 1)) - range }
            let y = try model.product(x), bound = model.errorBound(x), ref = model.reference(x)
            for r in 0..<c.m {
                guard !y.overflow[r / 2] else { flagged += 1; continue }
                let want = c.relu ? max(0, ref[r]) : ref[r]
                let e = abs(Double(y.y[r]) - want)
                worst = max(worst, e)
                worstBound = max(worstBound, bound[r])
                within = within && e <= bound[r]
                sum += e * e
                count += 1
            }
        }
        rows.append(ReportRow("error vs float64 W·x (LSB of y)", String(format: "max %.2f, rms %.3f over %d outputs (%d saturated, excluded)", worst, (sum / Double(max(count, 1))).squareRoot(), count, flagged),
                              bound: String(format: "<= %.1f (bound)", worstBound), pass: within))

        // Timing measured in the engine, products back to back.
        let n = 20
        context.progress("running \(n) products back to back in the \(context.engine.name) engine")
        let io = CirculantStimulus(layer: L, unit: unit)
        rng = SplitMix64(seed: context.options.seed ^ 0xB2B)
        let xs = (0..<n).map { _ in (0..<c.n).map { _ in Int(rng.next() % UInt64(2 * hi + 1)) - hi } }
        let stim = io.stimulus(xs, seed: context.options.seed, gaps: false)
        let run = try context.engine.run(Job(name: "circulant", ir: context.ir, ports: io.ports, stimulus: stim,
                                             expected: try io.expected(stim), options: RunOptions(recordCycles: true)))
        guard run.passed else { throw UserError("the back-to-back run failed: \(run.summary)") }
        let firsts = stride(from: 0, to: run.transactionCycles.count, by: L.outBeats).map { run.transactionCycles[$0] }
        let want = unit.schedule(n)
        rows.append(ReportRow("latency (measured)", "\(firsts[0] - 1) cycles, first beat taken to first beat out", bound: "= \(unit.latency)", pass: firsts[0] - 1 == unit.latency))
        // The steady state repeats every `banks` products at most: 8 of them.
        let per = Double(firsts[n - 1] - firsts[n - 9]) / 8
        rows.append(ReportRow("cycles per product (measured, back to back)", String(format: "%g", per), bound: String(format: "= %g", unit.cyclesPerProduct),
                              pass: per == unit.cyclesPerProduct))
        rows.append(ReportRow("every product's first output on the scheduled cycle", firsts == want ? "yes" : "no: \(firsts) vs \(want)", bound: "yes", pass: firsts == want))
        let mhz = context.options.clockMHz
        rows.append(ReportRow("throughput at \(Int(mhz)) MHz", String(format: "%.0f products/s, %.2f GOP/s dense-equivalent", mhz * 1e6 / unit.cyclesPerProduct,
                                                                      mhz * 1e6 / unit.cyclesPerProduct * Double(2 * L.denseMultiplies) / 1e9)))
        let cycles = context.engine.name == "verilator" ? 2_000_000 : 100_000
        context.progress("simulation speed: \(cycles) cycles in the \(context.engine.name) engine")
        if let rate = try context.engine.cyclesPerSecond(context.ir, cycles: cycles) {
            rows.append(ReportRow("\(context.engine.name) cycles/s", String(format: "%.2f M", rate / 1e6)))
        }
        return ReportSection("\(context.top): block-circulant unit", rows: rows)
    }
}
