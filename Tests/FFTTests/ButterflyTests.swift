import Foundation
import Testing
@testable import FFT
import Engines
import Harness
import HDL

/// Both butterflies and both multiplier forms against their model, every
/// rounding, random operands with the extremes mixed in, in both engines.
@Suite struct ButterflyTests {
    func run(_ b: Butterfly, engine: any Engine, count: Int) throws -> RunResult {
        let w = b.width, t = b.twiddleWidth
        var rng = SplitMix64(seed: UInt64(w * 100 + t))
        let names = ["a_re", "a_im", "b_re", "b_im", "w_re", "w_im"]
        var s = Stimulus(ports: ["in_valid"] + names.map { "in_" + $0 })
        var expected: [Transaction] = []
        let extremes = [-(1 << (w - 1)), (1 << (w - 1)) - 1, 0, -1]
        for i in 0..<count {
            func data() -> Int { rng.next() % 5 == 0 ? extremes[Int(rng.next() % 4)] : Int(truncatingIfNeeded: rng.next()) >> (64 - w) }
            // Twiddles from the table, or any value of the width.
            // (A t-bit port holds no exact +1: those words take the largest value.)
            let top = (1 << (t - 1)) - 1
            let fromTable = TwiddleTable(n: 64, width: t, inverse: false).value(Int(rng.next() % 64))
            let tw = rng.next() % 2 == 0 ? Twiddle(min(fromTable.c, top), min(fromTable.d, top))
                : Twiddle(Int(truncatingIfNeeded: rng.next()) >> (64 - t), Int(truncatingIfNeeded: rng.next()) >> (64 - t))
            let a = ComplexInt(data(), data()), x = ComplexInt(data(), data())
            let values = [a.re, a.im, x.re, x.im, tw.c, tw.d]
            var row = Dictionary(uniqueKeysWithValues: zip(names.map { "in_" + $0 }, zip(values, [w, w, w, w, t, t]).map { BigValue($0).modPow2($1) }))
            row["in_valid"] = 1
            s.add(row)
            let (y0, y1) = b.model(a: a, b: x, w: tw)
            let ow = b.outWidth
            expected.append(Transaction(cycle: i + 1, values: [y0.re, y0.im, y1.re, y1.im].map { BigValue($0).modPow2(ow) }))
        }
        s.add([:])
        let ir = try Elaborator.elaborate(b)
        return try engine.run(Job(name: b.moduleName, ir: ir, ports: TestPorts(valid: "out_valid", data: ["out_0_re", "out_0_im", "out_1_re", "out_1_im"]),
                                  stimulus: s, expected: expected))
    }

    @Test func everyFormMatchesItsModel() throws {
        for kind in Butterfly.Kind.allCases {
            for style in MultiplierStyle.allCases {
                for rounding in RoundingMode.allCases {
                    let b = Butterfly(kind: kind, width: 12, twiddleWidth: 16, rounding: rounding, style: style)
                    let r = try run(b, engine: SwiftEngine(), count: 3000)
                    #expect(r.passed, "\(b.moduleName): \(r.summary) \(r.mismatches)")
                }
            }
        }
    }

    @Test func verilatorAgrees() throws {
        for kind in Butterfly.Kind.allCases {
            let b = Butterfly(kind: kind, width: 16, twiddleWidth: 20, rounding: .halfEven, style: .three)
            let r = try run(b, engine: try VerilatorEngine(), count: 20000)
            #expect(r.passed, "\(b.moduleName): \(r.summary) \(r.mismatches)")
        }
    }
}
