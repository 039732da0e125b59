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
