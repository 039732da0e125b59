import Analysis
import Foundation
import Harness
import HDL

/// The fft report: the plan (widths, scale, multipliers against the IR),
/// accuracy of the bit-exact model against float64 (SQNR over N, round
/// trip, an amplitude sweep to full scale with its SVG), and latency,
/// frame rate and simulation speed measured in the context's engine.
public struct FFTReport: DesignReport {
    public let design: FFTDesign
    public init(design: FFTDesign) { self.design = design }
    public var title: String { "fft" }

    /// The targets of the issue, for 16-bit input and 20-bit twiddles.
    static let sqnrTargets = [16: 91.0, 64: 88.0]

    public func run(_ context: ReportContext) throws -> ReportSection {
        let d = design, p = d.plan, par = d.params
        var rows: [ReportRow] = []
        rows.append(ReportRow("architecture", "streaming SDF radix-\(par.radix == .twoSquared ? "2²" : "2"), 1 sample/cycle, \(par.order.rawValue) order, \(par.direction.rawValue)"))
        rows.append(ReportRow("widths", "input \(p.inWidth), twiddle \(p.twiddles.width), guard \(p.guardBits), stages \(p.stages.map { String($0.outWidth) }.joined(separator: ",")), output \(p.outWidth) (bound needs \(p.neededOutWidth))"))
        rows.append(ReportRow("scale", "out = \(par.direction == .inverse ? "N·IDFT" : "DFT")(x) · 2^-\(p.totalShift) (scaling=\(par.scaling), shifts \(p.stages.map { String($0.shift) }.joined(separator: ",")))"))

        // Multipliers: the plan's count, the other radix's, and the IR's.
        let arch = d.fft.multipliers
        let other = try FFTPlan(n: p.n, inWidth: p.inWidth, twiddleWidth: p.twiddles.width, outWidth: nil, guardBits: p.guardBits,
                                radix: par.radix == .two ? .twoSquared : .two, inverse: p.inverse, schedule: par.scaling,
                                rounding: p.rounding, clip: true)
        let inIR = IRSummary(context.ir).multipliers
        rows.append(ReportRow("real multipliers (architecture)", "\(arch) = \(p.complexMultipliers) complex x \(par.mults.count); radix-\(par.radix == .two ? "2²" : "2") would need \(other.complexMultipliers * par.mults.count)"))
        rows.append(ReportRow("real multipliers (IR)", "\(inIR)", bound: "= \(arch)", pass: inIR == arch))

        // SQNR at the design's widths over N, uniform ±0.5 FS, ≥ 1000 frames.
        let frames = max(1000, context.options.transactions)
        for n in [16, 64, 256, 1024] {
            context.progress("SQNR at N = \(n): \(frames) frames of uniform ±0.5 FS through the bit-exact model")
            let q = try FFTPlan(n: n, inWidth: p.inWidth, twiddleWidth: p.twiddles.width, outWidth: nil, guardBits: p.guardBits,
                                radix: par.radix, inverse: p.inverse, schedule: par.scaling == .grow ? .grow : .shift,
                                rounding: p.rounding, clip: false)
            let r = try FFTAccuracy.measure(q, frames: FFTAccuracy.uniformFrames(n: n, width: p.inWidth, amplitude: 0.5,
                                                                                 count: frames, seed: context.options.seed))
            let value = String(format: "%.2f dB (%d-bit output)", r.sqnr, q.outWidth)
            let name = "SQNR N=\(n), ±0.5 FS"
            if let t = FFTReport.sqnrTargets[n], p.inWidth == 16, p.twiddles.width == 20, par.scaling == .grow {
                rows.append(ReportRow(name, value, bound: String(format: ">= %.0f dB", t), pass: r.sqnr >= t))
            } else {
                rows.append(ReportRow(name, value))
            }
        }

        // Round trip: forward growing, inverse halving per stage.
        let fwd = try FFTPlan(n: p.n, inWidth: p.inWidth, twiddleWidth: p.twiddles.width, outWidth: nil, guardBits: p.guardBits,
                              radix: par.radix, inverse: false, schedule: .grow, rounding: p.rounding, clip: false)
        let inv = try FFTPlan(n: p.n, inWidth: fwd.outWidth, twiddleWidth: p.twiddles.width, outWidth: nil, guardBits: p.guardBits,
                              radix: par.radix, inverse: true, schedule: .shift, rounding: p.rounding, clip: false)
        let trip = try FFTAccuracy.roundTrip(forward: fwd, inverse: inv,
                                             frames: FFTAccuracy.uniformFrames(n: p.n, width: p.inWidth, amplitude: 1, count: 200, seed: context.options.seed))
        rows.append(ReportRow("IFFT(FFT(x)) error, 200 full-scale frames", "\(trip) LSB (forward grow, inverse shift)", bound: "<= 2 LSB", pass: trip <= 2))

        // Amplitude sweep to full scale at this design's parameters.
        let amplitudes = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 1.0]
        context.progress("amplitude sweep 0.01 ... 1.0 FS, 100 frames each")
        var points: [(Double, Double)] = [], saturated = 0, peak = 0.0
        for a in amplitudes {
            let r = try FFTAccuracy.measure(p, frames: FFTAccuracy.uniformFrames(n: p.n, width: p.inWidth, amplitude: a, count: 100, seed: context.options.seed))
            points.append((a, r.sqnr))
            saturated += r.saturated
            peak = max(peak, r.peak)
        }
        rows.append(ReportRow("SQNR at 0.01 / 0.1 / 0.5 / 1.0 FS", [0, 3, 6, 10].map { String(format: "%.1f", points[$0].1) }.joined(separator: " / ") + " dB"))
        let clipNote = p.canSaturate ? " (out_width below the bound, clip=yes)" : ""
        rows.append(ReportRow("saturated outputs, 0.01 ... 1.0 FS", "\(saturated) (largest output \(String(format: "%.3f", peak)) of range)\(clipNote)",
                              bound: p.canSaturate ? "" : "= 0", pass: p.canSaturate ? nil : saturated == 0))
        // The worst cases are not random: DC, tones and alternating full
        // scale, and impulses at the corner value, drive the largest bins.
        let worst = try FFTAccuracy.measure(p, frames: d.directedFrames())
        rows.append(ReportRow("directed full-scale frames (DC, tones, ±FS, impulses)", String(format: "%d saturated, largest output %.3f of range", worst.saturated, worst.peak),
                              bound: p.canSaturate ? "" : "0 saturated", pass: p.canSaturate ? nil : worst.saturated == 0))
        let plot = LinePlot(title: "\(context.top): SQNR against input amplitude (uniform, both parts)", xLabel: "amplitude (fraction of full scale)",
                            yLabel: "SQNR (dB)", logX: true, series: [LinePlot.Series("N=\(p.n), bit-exact model vs float64", points)])

        // Measured in the engine: latency and frames back to back.
        let count = 8
        context.progress("running \(count) frames back to back in the \(context.engine.name) engine")
        let stim = d.stimulus(frames: FFTAccuracy.uniformFrames(n: p.n, width: p.inWidth, amplitude: 1, count: count, seed: 3),
                              seed: 3, gaps: false)
        let run = try context.engine.run(Job(name: FFTDesign.name, ir: context.ir, ports: d.ports, stimulus: stim,
                                             expected: try d.expected(stim), options: RunOptions(recordCycles: true)))
        let tx = run.transactionCycles
        guard run.passed, tx.count == count * p.n else { throw UserError("the back-to-back run failed: \(run.summary)") }
        rows.append(ReportRow("latency (measured)", "\(tx[0]) cycles, first input to first output", bound: "= \(d.fft.latency)", pass: tx[0] == d.fft.latency))
        let perFrame = Double(tx[(count - 1) * p.n] - tx[0]) / Double(count - 1)
        rows.append(ReportRow("cycles per frame (measured, back to back)", String(format: "%g", perFrame), bound: "= \(p.n)", pass: perFrame == Double(p.n)))
        let gapless = zip(tx, tx.dropFirst()).allSatisfy { $1 - $0 == 1 }
        rows.append(ReportRow("outputs on consecutive cycles", gapless ? "yes" : "no", bound: "yes", pass: gapless))
        let cycles = context.engine.name == "verilator" ? 4_000_000 : 100_000
        context.progress("simulation speed: \(cycles) cycles of random input in the \(context.engine.name) engine")
        if let rate = try context.engine.cyclesPerSecond(context.ir, cycles: cycles) {
            rows.append(ReportRow("\(context.engine.name) cycles/s", String(format: "%.2f M (target at N=64: >= 3 M in Verilator)", rate / 1e6)))
        }
        return ReportSection("\(context.top): FFT plan, accuracy, timing", rows: rows, svg: plot.svg)
    }
}
