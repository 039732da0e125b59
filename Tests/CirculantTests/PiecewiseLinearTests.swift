import Engines
import FFT
import Foundation
import Harness
import HDL
import Sim
import Testing
@testable import Circulant

/// A PWL unit alone: x in, y out, combinational.
struct PWLBlock: Block {
    let pwl: PiecewiseLinear
    var moduleName: String { "pwl_\(pwl.function.rawValue)_\(pwl.segments)_\(pwl.inWidth)_\(pwl.inFrac)_\(pwl.outFrac)" }
    func build(_ m: ModuleBuilder) throws {
        let x = m.input("x", .sint(pwl.inWidth))
        m.output("y", pwl.build(m, "f", x))
    }
}

@Suite struct PiecewiseLinearTests {
    /// The hardware equals the model on every input, for both functions,
    /// several segment counts and formats.
    @Test(arguments: [(PiecewiseLinear.Function.sigmoid, 16, 16, 10), (.tanh, 16, 16, 10), (.tanh, 8, 12, 7), (.sigmoid, 64, 12, 6), (.tanh, 32, 16, 11)])
    func hardwareEqualsModelOnEveryInput(_ c: (PiecewiseLinear.Function, Int, Int, Int)) throws {
        let pwl = try PiecewiseLinear(c.0, segments: c.1, inWidth: c.2, inFrac: c.3, outWidth: c.2, outFrac: c.2 - 2)
        let sim = try Simulator(try Elaborator.elaborate(PWLBlock(pwl: pwl)))
        var bad: [String] = []
        for x in -(1 << (c.2 - 1))..<(1 << (c.2 - 1)) {
            try sim.poke("x", BigValue(x).modPow2(c.2))
            sim.eval()
            let y = try sim.peek("y").wrapped(width: c.2, signed: true).intValue!
            if y != pwl.eval(x) && bad.count < 5 { bad.append("x=\(x): hw \(y) model \(pwl.eval(x))") }
        }
        #expect(bad.isEmpty, "\(bad)")
    }

    /// The measured maximum error stays within the chord bound w²/8 ·
    /// max|f''| (w the segment width; max|f''| = 0.0962 for sigmoid, 0.770
    /// for tanh) plus the tails past the range and two output LSBs, and
    /// shrinks with more segments.
    @Test func errorIsWithinTheChordBound() throws {
        for f in [PiecewiseLinear.Function.sigmoid, .tanh] {
            var last = Double.infinity
            for s in [8, 16, 32, 64] {
                let p = try PiecewiseLinear(f, segments: s, inWidth: 16, inFrac: 10, outWidth: 16, outFrac: 14)
                let w = Double(2 * p.range) / Double(s)
                let tail = f == .sigmoid ? 1 / (1 + exp(8.0)) : 1 - Foundation.tanh(4)
                let bound = w * w / 8 * (f == .sigmoid ? 0.0962 : 0.770) + tail + 2.0 / Double(1 << 14)
                #expect(p.maxError <= bound, "\(f) segments=\(s): \(p.maxError) > \(bound)")
                #expect(p.maxError < last)
                last = p.maxError
            }
        }
    }
}
