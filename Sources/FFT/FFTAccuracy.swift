import Foundation
import Harness

/// Accuracy of a plan's bit-exact model against the float64 DFT of the
/// same quantized input, at the plan's documented scale 2^-(total shift)
/// (no fitted scale).
public enum FFTAccuracy {
    public struct Result: Sendable {
        public var sqnr: Double
        public var frames: Int
        /// Outputs that saturated (only possible with clip).
        public var saturated: Int
        /// Largest |component| seen, as a fraction of the output's range.
        public var peak: Double
    }

    /// Frames of complex samples, each part uniform in ±amplitude·FS (FS = 2^(B-1)).
    public static func uniformFrames(n: Int, width: Int, amplitude: Double, count: Int, seed: UInt64) -> [[ComplexInt]] {
        var rng = SplitMix64(seed: seed)
        let fs = Double(1 << (width - 1)), hi = (1 << (width - 1)) - 1, lo = -(1 << (width - 1))
        func part() -> Int {
            let u = Double(rng.next() >> 11) / 9_007_199_254_740_992 * 2 - 1
            return min(hi, max(lo, Int((u * amplitude * fs).rounded())))
        }
        return (0..<count).map { _ in (0..<n).map { _ in ComplexInt(part(), part()) } }
    }

    public static func measure(_ plan: FFTPlan, frames: [[ComplexInt]]) throws -> Result {
        let model = FFTModel(plan)
        let scale = pow(2.0, Double(-plan.totalShift))
        var signal = 0.0, noise = 0.0, sat = 0, peak = 0.0
        let range = Double(1 << (plan.outWidth - 1))
        for f in frames {
            let y = try model.transform(f)
            let ref = ReferenceFFT.transform(f.map { (Double($0.re), Double($0.im)) }, inverse: plan.inverse)
            for (k, z) in y.natural.enumerated() {
                let (r, i) = (ref[k].0 * scale, ref[k].1 * scale)
                signal += r * r + i * i
                noise += (Double(z.re) - r) * (Double(z.re) - r) + (Double(z.im) - i) * (Double(z.im) - i)
                peak = max(peak, abs(Double(z.re)) / range, abs(Double(z.im)) / range)
            }
            sat += y.saturated.filter { $0 }.count
        }
        return Result(sqnr: 10 * log10(signal / max(noise, 1e-300)), frames: frames.count, saturated: sat, peak: peak)
    }

    /// IFFT(FFT(x)) through two bit-exact models: the forward one growing
    /// (no information dropped), the inverse one shifting (1/N); the
    /// largest error of any part in input LSBs, over `frames`.
    public static func roundTrip(forward: FFTPlan, inverse: FFTPlan, frames: [[ComplexInt]]) throws -> Int {
        let f = FFTModel(forward), g = FFTModel(inverse)
        var worst = 0
        for x in frames {
            let back = try g.transform(try f.transform(x).natural).natural
            for (a, b) in zip(x, back) { worst = max(worst, abs(a.re - b.re), abs(a.im - b.im)) }
        }
        return worst
    }
}

extension FFTAccuracy {
    /// Uniform frames for `design`'s mode: complex samples, real samples in
    /// pairs, or (real inverse) spectra with real bins 0 and N/2.
    public static func uniformFrames(_ design: FFTDesign, amplitude: Double, count: Int, seed: UInt64) -> [FFTDesign.Frame] {
        let w = design.params.inWidth
        let raw = uniformFrames(n: design.frameWords + 1, width: w, amplitude: amplitude, count: count, seed: seed)
        return raw.map { f in
            var words = Array(f[0..<design.frameWords])
            if design.isReal && design.params.direction == .inverse { words[0].im = 0 }
            return FFTDesign.Frame(words: words, nyquist: f[design.frameWords].re)
        }
    }

    /// SQNR of `design`'s bit-exact model against the float64 transform of
    /// the same input at the documented scale, in natural order.
    public static func measure(_ design: FFTDesign, frames: [FFTDesign.Frame]) throws -> Result {
        var signal = 0.0, noise = 0.0, sat = 0, peak = 0.0
        let range = Double(1 << (design.outWidth - 1))
        func add(_ z: ComplexInt, _ r: (Double, Double)) {
            signal += r.0 * r.0 + r.1 * r.1
            noise += (Double(z.re) - r.0) * (Double(z.re) - r.0) + (Double(z.im) - r.1) * (Double(z.im) - r.1)
            peak = max(peak, abs(Double(z.re)) / range, abs(Double(z.im)) / range)
        }
        switch design.core {
        case .complex(let p, _), .parallel(let p, _):
            let r = try measure(p, frames: frames.map(\.words))
            return r
        case .real(let p, _):
            let model = RealFFTModel(p), n = p.n, m = p.half
            let scale = pow(2.0, Double(-p.totalShift))
            for f in frames {
                let y = try model.transform(f.words, nyquist: f.nyquist)
                sat += y.saturated.filter { $0 }.count
                if !p.inverse {
                    let x = f.words.flatMap { [(Double($0.re), 0.0), (Double($0.im), 0.0)] }
                    let ref = ReferenceFFT.transform(x).map { ($0.0 * scale, $0.1 * scale) }
                    for k in 0..<m {
                        add(y.main[k], ref[k])
                        add(y.mirror[k], ref[m - k])
                    }
                } else {
                    let full = (0..<n).map { k -> (Double, Double) in
                        let b = k < m ? f.words[k] : k == m ? ComplexInt(f.nyquist, 0) : f.words[n - k].conjugate
                        return (Double(b.re), Double(b.im))
                    }
                    let ref = ReferenceFFT.transform(full, inverse: true).map { ($0.0 * scale, $0.1 * scale) }
                    for k in 0..<m { add(y.main[k], (ref[2 * k].0, ref[2 * k + 1].0)) }
                }
            }
            return Result(sqnr: 10 * log10(signal / max(noise, 1e-300)), frames: frames.count, saturated: sat, peak: peak)
        }
    }
}
