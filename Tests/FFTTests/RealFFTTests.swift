import Foundation
import Testing
@testable import FFT
import Harness
import HDL

func realPlan(_ n: Int, width: Int = 16, tw: Int = 20, inverse: Bool = false, scaling: ScalingSchedule = .grow,
              rounding: RoundingMode = .halfEven) throws -> RealFFTPlan {
    try RealFFTPlan(n: n, inWidth: width, twiddleWidth: tw, outWidth: nil, guardBits: 2, radix: .twoSquared,
                    inverse: inverse, schedule: scaling, rounding: rounding, clip: false)
}

/// SQNR in dB of `got` against `want`.
func sqnr(_ got: [ComplexInt], _ want: [(Double, Double)], scale: Double) -> Double {
    var s = 0.0, e = 0.0
    for (g, w) in zip(got, want) {
        let (r, i) = (w.0 * scale, w.1 * scale)
        s += r * r + i * i
        e += (Double(g.re) - r) * (Double(g.re) - r) + (Double(g.im) - i) * (Double(g.im) - i)
    }
    return 10 * log10(s / max(e, 1e-300))
}

@Suite struct RealFFTTests {
    /// Forward: bins 0...N/2 against the float64 DFT of the real samples;
    /// the mirror output is bin N/2 - k; bins 0 and N/2 are real.
    @Test(arguments: [4, 8, 16, 64, 256])
    func forwardMatchesTheDFT(n: Int) throws {
        let p = try realPlan(n)
        let model = RealFFTModel(p)
        var rng = SplitMix64(seed: UInt64(n))
        for _ in 0..<20 {
            let x = (0..<n).map { _ in Int(truncatingIfNeeded: rng.next()) >> 49 }
            let y = try model.transform((0..<n / 2).map { ComplexInt(x[2 * $0], x[2 * $0 + 1]) })
            let ref = ReferenceFFT.transform(x.map { (Double($0), 0.0) })
            let scale = pow(2.0, Double(-p.totalShift))
            #expect(sqnr(y.main, Array(ref[0..<n / 2]), scale: scale) > 90)
            #expect(sqnr(y.mirror, (0..<n / 2).map { ref[n / 2 - $0] }, scale: scale) > 90)
            #expect(y.main[0].im == 0 && y.mirror[0].im == 0)
            // Conjugate symmetry of the reference itself.
            for k in 1..<n / 2 {
                #expect(abs(ref[k].0 - ref[n - k].0) < 1e-6 && abs(ref[k].1 + ref[n - k].1) < 1e-6)
            }
        }
    }

    /// Inverse: a Hermitian spectrum back to real samples, against the
    /// float64 inverse DFT (unnormalised).
    @Test(arguments: [4, 8, 32, 128])
    func inverseMatchesTheDFT(n: Int) throws {
        let p = try realPlan(n, inverse: true)
        let model = RealFFTModel(p)
        var rng = SplitMix64(seed: UInt64(n) + 99)
        for _ in 0..<20 {
            var bins = (0...n / 2).map { _ in ComplexInt(Int(truncatingIfNeeded: rng.next()) >> 50, Int(truncatingIfNeeded: rng.next()) >> 50) }
            bins[0].im = 0
            bins[n / 2].im = 0
            let full = (0..<n).map { k -> (Double, Double) in
                let b = k <= n / 2 ? bins[k] : bins[n - k].conjugate
                return (Double(b.re), Double(b.im))
            }
            let ref = ReferenceFFT.transform(full, inverse: true)
            let y = try model.transform(Array(bins[0..<n / 2]), nyquist: bins[n / 2].re)
            let pairs = (0..<n / 2).map { (ref[2 * $0].0, ref[2 * $0 + 1].0) }
            #expect(sqnr(y.main, pairs, scale: pow(2.0, Double(-p.totalShift))) > 80)
        }
    }
}
