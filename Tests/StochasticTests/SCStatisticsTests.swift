import Harness
import Testing
@testable import Stochastic

/// The spec's statistics on the bit-exact models (acceptance 2 and 3).
@Suite struct SCStatisticsTests {
    func unit(_ L: Int, _ enc: SCEncoding, _ kind: SCSourceKind = .lfsr, share: SCSharing = .none, seed: UInt64 = 11) throws -> SCMultiplier {
        try SCMultiplier(streams: try SCStreams(length: L, encoding: enc, kind: kind, sharing: share, seed: seed))
    }

    /// Independent LFSR SNGs: RMSE within 0.8...1.25 of sqrt(p(1 − p)/L)
    /// (x2 bipolar), slope of log RMSE over log L in −0.6...−0.4, mean SCC
    /// within ±0.05 at L ≥ 256. Seeds the report does not use.
    @Test(arguments: SCEncoding.allCases)
    func independentLFSRsFollowTheBernoulliTheory(encoding: SCEncoding) throws {
        var points: [(Double, Double)] = []
        for L in [16, 64, 256, 1024] {
            let m = SCStatistics.multiply(try unit(L, encoding), trials: 500, seed: 77)
            points.append((Double(L), m.rmse))
            if L >= 64 { #expect(m.ratio >= 0.8 && m.ratio <= 1.25, "L=\(L): \(m.ratio)") }
            if L >= 256 { #expect(abs(m.meanSCC) <= 0.05, "L=\(L): \(m.meanSCC)") }
        }
        let slope = SCStatistics.logLogSlope(points)
        #expect(slope >= -0.6 && slope <= -0.4, "\(slope)")
    }

    /// Sobol streams: each operand's stream is exact to within 2 counts
    /// (it is exact), the product far below the Bernoulli error.
    @Test(arguments: [64, 256, 1024])
    func sobolStreamsAreWithinTwoCounts(length: Int) throws {
        let m = SCStatistics.multiply(try unit(length, .unipolar, .sobol), trials: 300, seed: 5)
        #expect(m.maxStreamCounts <= 2)
        #expect(m.ratio < 0.3, "\(m.ratio)")
    }

    /// MUX pooling with a random select: the Bernoulli figure of the mean;
    /// a round-robin (counter) select does better.
    @Test func poolingFollowsTheBernoulliTheory() throws {
        let s = try SCStreams(length: 256, encoding: .bipolar, kind: .lfsr, sharing: .none, seed: 3)
        let r = SCStatistics.pool(try SCAvgPool(streams: s, window: 4), trials: 400, seed: 6)
        #expect(r.rmse / r.theory >= 0.8 && r.rmse / r.theory <= 1.25, "\(r)")
        let c = try SCStreams(length: 256, encoding: .bipolar, kind: .lfsr, weightKind: .counter, sharing: .none, seed: 3)
        let rr = SCStatistics.pool(try SCAvgPool(streams: c, window: 4), trials: 400, seed: 6)
        #expect(rr.rmse < r.rmse)
    }

    /// Every SNG of a neuron on its own Sobol dimension: as accurate as
    /// independent LFSRs (bipolar) or better (unipolar). All-ones initial
    /// direction numbers made high dimensions copies of dimension 1 and
    /// this RMSE 0.75.
    @Test(arguments: SCEncoding.allCases)
    func sobolNeuronIsAsGoodAsLFSRs(encoding: SCEncoding) throws {
        func rmse(_ kind: SCSourceKind) throws -> Double {
            let s = try SCStreams(length: 256, encoding: encoding, kind: kind, sharing: .none, seed: 5)
            return SCStatistics.neuron(try SCNeuronConfig(streams: s, n: 25), trials: 150, seed: 9).valueRMSE
        }
        let sobol = try rmse(.sobol), lfsr = try rmse(.lfsr)
        #expect(sobol <= (encoding == .bipolar ? 1.25 : 1) * lfsr, "sobol \(sobol), lfsr \(lfsr)")
    }

    /// One source for both: SCC = +1 and AND gives min(a, b) on every stream.
    @Test func sharedSourceCorrelatesFully() throws {
        let m = SCStatistics.multiply(try unit(256, .unipolar, share: .all), trials: 300, seed: 8)
        #expect(m.meanSCC > 0.99)
        #expect(m.notMin == 0)
        let independent = SCStatistics.multiply(try unit(256, .unipolar), trials: 300, seed: 8)
        #expect(independent.notMin > 250)
    }

    /// The acc form with an exact counter: the output count is within ±1 of
    /// clamp(floor(Σ/scale), 0, L) of its product streams on ≥ 98% of
    /// bipolar streams (the rest: a backlog or debt left in the accumulator
    /// when the stream ends). The sorter and majority forms within their
    /// stated figures.
    @Test(arguments: [(9, 256), (25, 256), (128, 256), (9, 1024)])
    func neuronFormsAgainstTheExactSum(n: Int, length: Int) throws {
        let s = try SCStreams(length: length, encoding: .bipolar, kind: .lfsr, sharing: .none, seed: 21)
        let trials = n == 128 ? 100 : 200
        let acc = SCStatistics.neuron(try SCNeuronConfig(streams: s, n: n), trials: trials, seed: 4)
        #expect(acc.withinOne >= 0.98, "\(acc)")
        let sorter = SCStatistics.neuron(try SCNeuronConfig(streams: s, n: n, form: .sorter), trials: trials, seed: 4)
        #expect(sorter.meanDeviation <= 0.03 * Double(length) && sorter.maxDeviation <= length * 15 / 100, "\(sorter)")
        #expect(sorter.valueRMSE <= 1.5 * acc.valueRMSE, "\(sorter.valueRMSE) vs \(acc.valueRMSE)")
        // APC (a majority gate per pair, AND and OR on alternate cycles):
        // within 1.5x the exact counter's error (a fixed AND/OR per pair was 3.8x).
        let apc = SCStatistics.neuron(try SCNeuronConfig(streams: s, n: n, count: .apc), trials: trials, seed: 4)
        #expect(apc.valueRMSE <= 1.5 * acc.valueRMSE, "\(apc.valueRMSE) vs \(acc.valueRMSE)")
        let maj = SCStatistics.neuron(try SCNeuronConfig(streams: s, n: n, form: .majority), trials: trials, seed: 4)
        #expect(maj.chainRMSE >= 0.8 * maj.chainTheory && maj.chainRMSE <= 1.25 * maj.chainTheory, "\(maj)")
    }
}
