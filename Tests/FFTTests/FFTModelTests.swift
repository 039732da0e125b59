import Testing
@testable import FFT
import Harness
import HDL

func plan(_ n: Int, width: Int = 16, tw: Int = 20, out: Int? = nil, guardBits: Int = 2, radix: Radix = .twoSquared,
          inverse: Bool = false, scaling: ScalingSchedule = .grow, rounding: RoundingMode = .halfEven,
          clip: Bool = false) throws -> FFTPlan {
    try FFTPlan(n: n, inWidth: width, twiddleWidth: tw, outWidth: out, guardBits: guardBits, radix: radix,
                inverse: inverse, schedule: scaling, rounding: rounding, clip: clip)
}

@Suite struct FFTModelTests {
    @Test func sqnrAtTheIssueWidths() throws {
        for (n, bound) in [(16, 91.0), (64, 88.0), (256, 80.0), (1024, 80.0)] {
            let p = try plan(n)
            let frames = FFTAccuracy.uniformFrames(n: n, width: 16, amplitude: 0.5, count: max(4, 16384 / n), seed: 7)
            let r = try FFTAccuracy.measure(p, frames: frames)
            print("N=\(n) SQNR \(r.sqnr) dB, out width \(p.outWidth)")
            #expect(r.sqnr >= bound)
        }
    }
}

/// W^0 (and the inverse transform's +j) multiply by exactly one: a
/// full-scale DC frame gives N·x in bin 0 and 0 elsewhere with no rounding
/// error, on both pipelines and both directions. With +1.0 held as
/// 1 − 2^-(t−1) bin 0 came out 8 LSB low at N = 64 (1,336 at N = 4096).
@Suite struct FFTUnityTwiddle {
    @Test(arguments: [(64, Radix.two), (64, .twoSquared), (256, .two), (4096, .twoSquared)])
    func fullScaleDCIsExact(n: Int, radix: Radix) throws {
        for inverse in [false, true] {
            let p = try plan(n, radix: radix, inverse: inverse, rounding: .halfUp)
            let x = (1 << 15) - 1
            let out = try FFTModel(p).transform(Array(repeating: ComplexInt(x, 0), count: n))
            // Bin 0 comes first in bit-reversed order too.
            #expect(out.bitReversed[0] == ComplexInt(n * x >> p.totalShift, 0), "N=\(n) radix \(radix) inverse \(inverse): \(out.bitReversed[0])")
            #expect(out.bitReversed.dropFirst().allSatisfy { $0 == .zero }, "N=\(n): leakage")
        }
    }

    /// The table twiddles: an exact 1 is 2^(t−1), every other word fits t
    /// signed bits (the ROM holds those).
    @Test func onlyExactUnityLeavesTheROMWidth() {
        for inverse in [false, true] {
            let t = TwiddleTable(n: 64, width: 12, inverse: inverse)
            #expect(t.value(0) == Twiddle(1 << 11, 0))
            // +j is W^(N/4) of the inverse transform, W^(3N/4) of the forward one.
            let j = inverse ? 16 : 48
            #expect(t.value(j) == Twiddle(0, 1 << 11))
            #expect(t.value(64 - j) == Twiddle(0, -(1 << 11)))
            for e in 1..<64 where e != j {
                let w = t.value(e)
                #expect(abs(w.c) < 1 << 11 || w.c == -(1 << 11), "e=\(e)")
                #expect(abs(w.d) < 1 << 11 || w.d == -(1 << 11), "e=\(e)")
            }
        }
    }
}
