import Testing
import Harness
@testable import Sparse

/// The ADMM-NN level projection and q scan, against brute force.
@Suite struct QuantizerTests {
    @Test func indexBits() {
        #expect(LevelQuantizer.indexBits(1) == 2)
        #expect(LevelQuantizer.indexBits(7) == 4)
        #expect(LevelQuantizer.indexBits(8) == 5)
    }

    func randomWeights(_ n: Int, seed: UInt64) -> [Double] {
        var rng = SplitMix64(seed: seed)
        return (0..<n).map { _ in rng.unit() < 0.3 ? 0 : rng.normal() * 0.2 }
    }

    /// Every weight goes to the nearest level (checked against every level),
    /// zeros stay zero, and no non-zero weight lands on zero.
    @Test(arguments: [false, true])
    func projectionIsNearest(pow2: Bool) {
        let q = LevelQuantizer(levels: 5, pow2: pow2)
        for w in randomWeights(500, seed: 3) {
            let k = q.project(w, q: 0.05)
            if w == 0 { #expect(k == 0); continue }
            #expect(k != 0 && (k > 0) == (w > 0))
            let got = abs(w - WeightLayer.value(k, q: 0.05, pow2: pow2))
            for j in 1...5 {
                let other = abs(abs(w) - WeightLayer.value(j, q: 0.05, pow2: pow2))
                #expect(got <= other + 1e-15)
            }
        }
    }

    /// The scan's q has the least squared error of the 201 candidates, and
    /// the first such on a tie.
    @Test(arguments: [(7, false), (3, true), (1, false)])
    func scanFindsTheLeastError(levels: Int, pow2: Bool) throws {
        let ws = randomWeights(300, seed: UInt64(levels))
        let quantizer = LevelQuantizer(levels: levels, pow2: pow2)
        let best = try #require(try quantizer.scan(ws))
        let top = ws.map(abs).max()!
        let base = pow2 ? top / Double(1 << (levels - 1)) : top / Double(levels)
        for i in 0...200 {
            let q = base * (0.9 + 0.001 * Double(i))
            var e = 0.0
            for w in ws where w != 0 {
                let level = (1...levels).map { WeightLayer.value($0, q: q, pow2: pow2) }.min { abs($0 - abs(w)) < abs($1 - abs(w)) }!
                e += (abs(w) - level) * (abs(w) - level)
            }
            #expect(best.error <= e + 1e-12)
        }
        #expect(best.q >= base * 0.9 - 1e-12 && best.q <= base * 1.1 + 1e-12)
    }

    @Test func powerOfTwoScale() throws {
        let q = try #require(try LevelQuantizer(levels: 7, pow2Scale: true).scan(randomWeights(100, seed: 9)))
        let e = log2(q.q)
        #expect(e == e.rounded())
    }

    @Test func allZeroLayerHasNoScale() throws {
        #expect(try LevelQuantizer(levels: 3).scan([0, 0, 0]) == nil)
        let l = try LevelQuantizer(levels: 3).quantize(WeightLayer(name: "z", weights: [[0, 0], [0, 0]])).layer
        #expect(l.indices == [[0, 0], [0, 0]])
    }
}

import Foundation
