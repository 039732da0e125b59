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
        let d = design, par = d.params
        var rows: [ReportRow] = []
        let kind = d.isParallel ? "complex N=\(par.n), a whole frame per cycle (fully parallel, constant twiddles)" : d.isReal ? "real-input N=\(par.n) (an N/2-point complex core and the split, 2 samples/cycle)" : "complex N=\(par.n), 1 sample/cycle"
        rows.append(ReportRow("architecture", "\(d.isParallel ? "parallel" : "streaming SDF"), radix-\(par.radix == .twoSquared ? "2²" : "2"), \(kind), \(par.order.rawValue) order, \(par.direction.rawValue)"))
        switch d.core {
        case .complex(let p, _), .parallel(let p, _):
            rows.append(ReportRow("widths", "input \(p.inWidth), twiddle \(p.twiddles.width), guard \(p.guardBits), stages \(p.stages.map { String($0.outWidth) }.joined(separator: ",")), output \(p.outWidth) (bound needs \(p.neededOutWidth))"))
            rows.append(ReportRow("scale", "out = \(p.inverse ? "N·IDFT" : "DFT")(x) · 2^-\(p.totalShift) (scaling=\(par.scaling), shifts \(p.stages.map { String($0.shift) }.joined(separator: ",")))"))
        case .real(let p, _):
            rows.append(ReportRow("widths", "input \(p.inWidth), twiddle \(p.twiddles.width), guard \(p.guardBits), core stages \(p.core.stages.map { String($0.outWidth) }.joined(separator: ",")), split \(p.splitOutWidth), output \(p.outWidth) (bound needs \(p.neededOutWidth))"))
            rows.append(ReportRow("scale", "out = \(p.inverse ? "N·IDFT" : "DFT")(x) · 2^-\(p.totalShift) (scaling=\(par.scaling))"))
        }

        // Multipliers: the architecture's count, the IR's, and the other forms'.
        let arch = d.multipliers
        let summary = IRSummary(context.ir)
        let inIR = d.isParallel ? summary.constantMultipliers : summary.multipliers
        rows.append(ReportRow(d.isParallel ? "multipliers by a constant (IR)" : "real multipliers (IR)", "\(inIR)",
                              bound: "= \(arch) (architecture)", pass: inIR == arch))
        let style = par.mults.count
        func complexCount(_ r: Radix) throws -> Int {
            try FFTPlan(n: par.n, inWidth: par.inWidth, twiddleWidth: par.twiddleWidth, outWidth: nil, guardBits: par.guardBits, radix: r,
                        inverse: false, schedule: .grow, rounding: par.rounding, clip: true).complexMultipliers * style
        }
        rows.append(ReportRow("complex N=\(par.n): radix-2² / radix-2", "\(try complexCount(.twoSquared)) / \(try complexCount(.two)) real multipliers"))
        if par.n >= 4 {
            let real = try RealFFTPlan(n: par.n, inWidth: par.inWidth, twiddleWidth: par.twiddleWidth, outWidth: nil, guardBits: par.guardBits,
                                       radix: par.radix, inverse: false, schedule: .grow, rounding: par.rounding, clip: true)
            let c = try complexCount(par.radix), r = real.complexMultipliers * style
            rows.append(ReportRow("multipliers per input sample, N=\(par.n)", String(format: "complex %d (1 sample/cycle), real %d/2 = %.1f (2 samples/cycle): %.2fx",
                                                                                    c, r, Double(r) / 2, Double(r) / 2 / Double(max(c, 1)))))
        }

        // SQNR of the complex FFT at the design's widths over N, uniform ±0.5 FS, ≥ 1000 frames.
        let frames = max(1000, context.options.transactions)
        for n in [16, 64, 256, 1024] {
            context.progress("SQNR at N = \(n): \(frames) frames of uniform ±0.5 FS through the bit-exact model")
            let q = try FFTPlan(n: n, inWidth: par.inWidth, twiddleWidth: par.twiddleWidth, outWidth: nil, guardBits: par.guardBits,
                                radix: par.radix, inverse: par.direction == .inverse, schedule: par.scaling == .grow ? .grow : .shift,
                                rounding: par.rounding, clip: false)
            let r = try FFTAccuracy.measure(q, frames: FFTAccuracy.uniformFrames(n: n, width: par.inWidth, amplitude: 0.5,
                                                                                 count: frames, seed: context.options.seed))
            let value = String(format: "%.2f dB (%d-bit output)", r.sqnr, q.outWidth)
            let name = "SQNR complex N=\(n), ±0.5 FS"
            if let t = FFTReport.sqnrTargets[n], par.inWidth == 16, par.twiddleWidth == 20, par.scaling == .grow {
                rows.append(ReportRow(name, value, bound: String(format: ">= %.0f dB", t), pass: r.sqnr >= t))
            } else {
                rows.append(ReportRow(name, value))
            }
        }
        if d.isReal {
            let r = try FFTAccuracy.measure(d, frames: FFTAccuracy.uniformFrames(d, amplitude: 0.5, count: frames, seed: context.options.seed))
            rows.append(ReportRow("SQNR this design (real), ±0.5 FS", String(format: "%.2f dB, %d frames", r.sqnr, r.frames)))
        }
        if d.isRealForward, case .real(let p, _) = d.core {
            // Bins 0 and N/2 real in the model (= the hardware, bit for bit).
            var nonzero = 0
            for f in d.directedFrames() + FFTAccuracy.uniformFrames(d, amplitude: 1, count: 200, seed: 5) {
                let y = try RealFFTModel(p).transform(f.words)
                if y.main[0].im != 0 || y.mirror[0].im != 0 { nonzero += 1 }
            }
            rows.append(ReportRow("imaginary part of bins 0 and N/2", nonzero == 0 ? "0 on every frame" : "\(nonzero) frames nonzero", bound: "0", pass: nonzero == 0))
        }

        // Round trip: forward growing, inverse halving per stage (complex).
        let fwd = try FFTPlan(n: par.n, inWidth: par.inWidth, twiddleWidth: par.twiddleWidth, outWidth: nil, guardBits: par.guardBits,
                              radix: par.radix, inverse: false, schedule: .grow, rounding: par.rounding, clip: false)
        let inv = try FFTPlan(n: par.n, inWidth: fwd.outWidth, twiddleWidth: par.twiddleWidth, outWidth: nil, guardBits: par.guardBits,
                              radix: par.radix, inverse: true, schedule: .shift, rounding: par.rounding, clip: false)
        let trip = try FFTAccuracy.roundTrip(forward: fwd, inverse: inv,
                                             frames: FFTAccuracy.uniformFrames(n: par.n, width: par.inWidth, amplitude: 1, count: 200, seed: context.options.seed))
        rows.append(ReportRow("IFFT(FFT(x)) error, 200 full-scale frames", "\(trip) LSB (complex, forward grow, inverse shift)", bound: "<= 2 LSB", pass: trip <= 2))

        // Amplitude sweep to full scale at this design's parameters.
        let amplitudes = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 1.0]
        context.progress("amplitude sweep 0.01 ... 1.0 FS, 100 frames each")
        var points: [(Double, Double)] = [], saturated = 0, peak = 0.0
        for a in amplitudes {
            let r = try FFTAccuracy.measure(d, frames: FFTAccuracy.uniformFrames(d, amplitude: a, count: 100, seed: context.options.seed))
            points.append((a, r.sqnr))
            saturated += r.saturated
            peak = max(peak, r.peak)
        }
        let clips: Bool
        switch d.core {
        case .complex(let p, _), .parallel(let p, _): clips = p.canSaturate
        case .real(let p, _): clips = p.canSaturate
        }
        rows.append(ReportRow("SQNR at 0.01 / 0.1 / 0.5 / 1.0 FS", [0, 3, 6, 10].map { String(format: "%.1f", points[$0].1) }.joined(separator: " / ") + " dB"))
        let clipNote = clips ? " (out_width below the bound, clip=yes)" : ""
        rows.append(ReportRow("saturated outputs, 0.01 ... 1.0 FS", "\(saturated) (largest output \(String(format: "%.3f", peak)) of range)\(clipNote)",
                              bound: clips ? "" : "= 0", pass: clips ? nil : saturated == 0))
        // The worst cases are not random: DC, tones and alternating full
        // scale, and impulses at the corner value, drive the largest bins.
        let worst = try FFTAccuracy.measure(d, frames: d.directedFrames())
        rows.append(ReportRow("directed full-scale frames (DC, tones, ±FS, impulses)", String(format: "%d saturated, largest output %.3f of range", worst.saturated, worst.peak),
                              bound: clips ? "" : "0 saturated", pass: clips ? nil : worst.saturated == 0))
        let plot = LinePlot(title: "\(context.top): SQNR against input amplitude (uniform)", xLabel: "amplitude (fraction of full scale)",
                            yLabel: "SQNR (dB)", logX: true, series: [LinePlot.Series("N=\(par.n), bit-exact model vs float64", points)])

        // Measured in the engine: latency and frames back to back.
        let count = 8, words = d.words
        context.progress("running \(count) frames back to back in the \(context.engine.name) engine")
        let stim = d.stimulus(frames: FFTAccuracy.uniformFrames(d, amplitude: 1, count: count, seed: 3), seed: 3, gaps: false)
        let run = try context.engine.run(Job(name: FFTDesign.name, ir: context.ir, ports: d.ports, stimulus: stim,
                                             expected: try d.expected(stim), options: RunOptions(recordCycles: true)))
        let tx = run.transactionCycles
        guard run.passed, tx.count == count * words else { throw UserError("the back-to-back run failed: \(run.summary)") }
        rows.append(ReportRow("latency (measured)", "\(tx[0]) cycles, first input to first output", bound: "= \(d.latency)", pass: tx[0] == d.latency))
        let perFrame = Double(tx[(count - 1) * words] - tx[0]) / Double(count - 1)
        rows.append(ReportRow("cycles per frame (measured, back to back)", String(format: "%g", perFrame), bound: "= \(words)", pass: perFrame == Double(words)))
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
