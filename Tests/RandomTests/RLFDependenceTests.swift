import Testing
import Harness
import HDL
import Random

/// The RLF generator's feedback and the gates that judge it.
@Suite struct RLFDependence {
    /// The 64-bit-parallel stream the gates use is the clocked model's.
    @Test(arguments: [(7, 1, true, 3), (16, 2, true, 7), (31, 3, true, 5), (9, 2, false, 7), (63, 1, true, 7), (5, 1, false, 3)])
    func freeRunningStreamEqualsTheModel(n: Int, k: Int, decimate: Bool, terms: Int) throws {
        let g = try RLFGRNG(window: n, outputs: k, decimate: decimate, seed: 11, terms: terms)
        var model = RLFModel(g)
        model.reset()
        var shown = [[Int]](repeating: [], count: k)
        let per = 5 * n + 3
        while shown[0].count < per {
            if model.valid { for (q, s) in model.samples.enumerated() { shown[q].append(s) } }
            model.step(load: false, seedWord: .zero)
        }
        #expect(g.freeRunningSamples(perOutput: per) == shown)
    }

    @Test(arguments: [(63, 7), (127, 7), (63, 5), (32, 9), (128, 7)])
    func densePolynomialsArePrimitiveWithTheirTerms(n: Int, terms: Int) throws {
        let p = try #require(PrimitivePolynomials.dense(degree: n, terms: terms))
        #expect(p.degree == n && p.exponents.count == terms && p.isPrimitive)
        #expect(p.taps.allSatisfy { $0 < n / 2 })
        // Deterministic: the same answer again.
        #expect(PrimitivePolynomials.dense(degree: n, terms: terms) == p)
    }

    /// A trinomial makes |x_t| predict x_{t+n} (theory −sqrt(2/n)); the
    /// default feedback passes the same gates. 2^18 samples, lag n only.
    @Test func gatesCatchTheTrinomialAndPassTheDefault() throws {
        func lanes(_ terms: Int) throws -> [[Double]] {
            let g = try RLFGRNG(window: 63, outputs: 4, seed: 2024, terms: terms)
            return g.freeRunningSamples(perOutput: 1 << 16).map { $0.map { Double($0) / 63.0.squareRoot() } }
        }
        // |x_t| predicts x_{t+n} and |x_{t+n}|, and the pairs show it (the
        // reverse direction is ~0.003, too small to see here).
        let bad = DependenceGates.rows(try lanes(3), lags: [63], pairLags: [63])
        #expect([0, 2, 3].map { bad[$0].pass } == [false, false, false], "\(bad.map(\.value))")
        let r = DependenceGates.correlation(try lanes(3)[0].map { $0 * $0 }, try lanes(3)[0], lag: 63)
        #expect(abs(r + (2.0 / 63).squareRoot()) < 0.02, "\(r)")
        let good = DependenceGates.rows(try lanes(RLFGRNG.defaultTerms), lags: [63], pairLags: [63])
        #expect(good.allSatisfy { $0.pass == true }, "\(good.map(\.value))")
    }
}

/// The gates draw from the design's own seed: `--param seed=S` changes the
/// samples, and report seed s draws from design seed + s − 1.
@Suite struct GatesFollowTheDesignSeed {
    func draw<D: Design>(_ type: D.Type, _ set: [String], seed: UInt64) throws -> [[Double]] {
        let design = try D(try D.Params.parse(set, design: D.name))
        let gates = try #require(design.reports.first as? GRNGGates)
        return try gates.samples(seed, 4096)
    }

    @Test func rlf() throws {
        #expect(try draw(RLFDesign.self, ["seed=3", "n=31"], seed: 1) != draw(RLFDesign.self, ["seed=4", "n=31"], seed: 1))
        #expect(try draw(RLFDesign.self, ["seed=3", "n=31"], seed: 2) == draw(RLFDesign.self, ["seed=4", "n=31"], seed: 1))
    }

    @Test func binomial() throws {
        #expect(try draw(BinomialDesign.self, ["seed=3", "k=4"], seed: 1) != draw(BinomialDesign.self, ["seed=4", "k=4"], seed: 1))
        #expect(try draw(BinomialDesign.self, ["seed=3", "k=4"], seed: 2) == draw(BinomialDesign.self, ["seed=4", "k=4"], seed: 1))
    }

    @Test func wallace() throws {
        #expect(try draw(WallaceDesign.self, ["seed=3", "log2n=6"], seed: 1) != draw(WallaceDesign.self, ["seed=4", "log2n=6"], seed: 1))
        #expect(try draw(WallaceDesign.self, ["seed=3", "log2n=6"], seed: 2) == draw(WallaceDesign.self, ["seed=4", "log2n=6"], seed: 1))
    }
}
