import Foundation
import Testing
import Analysis
import Engines
import Harness
import HDL
import Random
import Sim

/// The statistics against scipy.stats on fixed vectors (scipy is installed
/// by `make test`; the test is skipped with a message when python3 or scipy
/// is missing).
@Suite struct StatisticsAgainstScipy {
    /// A fixed, roughly normal sample plus a little skew so the tests have
    /// something to find.
    func sample(_ n: Int) -> [Double] {
        var rng = SplitMix64(seed: 2024)
        return (0..<n).map { _ in
            let z = rng.normal()
            return z + 0.05 * z * z
        }
    }

    func scipy(_ script: String, input: [String: Any]) throws -> [String: Any]? {
        let dir = NSTemporaryDirectory() + "hwgen-stats-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try JSONSerialization.data(withJSONObject: input).write(to: URL(fileURLWithPath: dir + "/in.json"))
        try script.write(toFile: dir + "/check.py", atomically: true, encoding: .utf8)
        guard let python = Shell.which("python3") else { return nil }
        let (status, out) = try Shell.run(python, [dir + "/check.py", dir + "/in.json"])
        guard status == 0, let line = out.split(separator: "\n").last,
              let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            Issue.record("scipy check failed (install scipy: python3 -m pip install scipy): \(out.suffix(400))")
            return nil
        }
        return obj
    }

    @Test func matchesScipy() throws {
        let x = sample(3000)
        // Binomial(16, 1/2) categories against counts from the sample's ranks.
        let probs: [Double] = (0...16).map { (k: Int) -> Double in
            let logChoose: Double = Statistics.logGamma(17) - Statistics.logGamma(Double(k) + 1) - Statistics.logGamma(Double(17 - k))
            return exp(logChoose - 16 * log(2.0))
        }
        var counts = [Int](repeating: 0, count: 17)
        for v in x { counts[min(16, max(0, Int((v * 2 + 8).rounded())))] += 1 }
        let chi = Statistics.chiSquare(observed: counts, probabilities: probs, minExpected: 50)
        // The merged bins, recomputed here for scipy.
        var bo: [Double] = [], be: [Double] = []
        var o = 0.0, e = 0.0
        for (c, p) in zip(counts, probs) {
            o += Double(c); e += p * 3000
            if e >= 50 { bo.append(o); be.append(e); o = 0; e = 0 }
        }
        if e > 0 || o > 0 { bo[bo.count - 1] += o; be[be.count - 1] += e }
        let ks = Statistics.ks(x, cdf: Statistics.normalCDF)
        let ad = Statistics.andersonDarling(x, cdf: Statistics.normalCDF)
        let gq = [(0.5, 0.3), (3.0, 2.0), (10.0, 25.0), (40.0, 35.0)].map { Statistics.gammaQ($0.0, $0.1) }
        let pois = [0.7, 12.5, 300.0].map { Statistics.poissonInterval($0) }
        let r = Statistics.correlation(x, x, lag: 1)

        let script = """
        import json, sys
        import numpy as np
        from scipy import stats, special
        d = json.load(open(sys.argv[1]))
        x = np.array(d["x"])
        chi = stats.chisquare(d["obs"], d["exp"])
        ks = stats.kstest(x, "norm", method="asymp")
        ad = stats.goodness_of_fit(stats.norm, x, known_params={"loc": 0, "scale": 1}, statistic="ad", n_mc_samples=9, rng=1)
        gq = [float(special.gammaincc(a, b)) for a, b in d["gq"]]
        pois = [[int(stats.poisson.ppf(0.0005, l)), int(stats.poisson.isf(0.0005, l))] for l in d["lam"]]
        r = stats.pearsonr(x[:-1], x[1:])[0]
        print(json.dumps({"chi": float(chi.statistic), "chip": float(chi.pvalue), "ksd": float(ks.statistic),
                          "ksp": float(ks.pvalue), "ad": float(ad.statistic), "gq": gq, "pois": pois, "r": float(r)}))
        """
        guard let s = try scipy(script, input: ["x": x, "obs": bo, "exp": be,
                                               "gq": [[0.5, 0.3], [3.0, 2.0], [10.0, 25.0], [40.0, 35.0]],
                                               "lam": [0.7, 12.5, 300.0]]) else { return }
        func close(_ a: Double, _ b: Any?, _ tol: Double = 1e-9) -> Bool {
            guard let b = b as? Double else { return false }
            return abs(a - b) <= tol * max(1, abs(b))
        }
        #expect(chi.bins == bo.count)
        #expect(close(chi.statistic, s["chi"]), "chi \(chi.statistic) vs \(String(describing: s["chi"]))")
        #expect(close(chi.p, s["chip"], 1e-7), "chi p \(chi.p) vs \(String(describing: s["chip"]))")
        #expect(close(ks.d, s["ksd"]), "ks \(ks.d) vs \(String(describing: s["ksd"]))")
        #expect(close(ks.p, s["ksp"], 2e-2), "ks p \(ks.p) vs \(String(describing: s["ksp"]))")
        #expect(close(ad, s["ad"], 1e-7), "ad \(ad) vs \(String(describing: s["ad"]))")
        let sg = s["gq"] as? [Double] ?? []
        for (a, b) in zip(gq, sg) { #expect(close(a, b, 1e-10), "gammaQ \(a) vs \(b)") }
        let sp = s["pois"] as? [[Int]] ?? []
        for (a, b) in zip(pois, sp) { #expect(a.lowerBound == b[0] && a.upperBound == b[1], "poisson \(a) vs \(b)") }
        #expect(close(r, s["r"], 1e-9), "r \(r) vs \(String(describing: s["r"]))")
    }

    @Test func pValuesBehave() {
        // A perfect fit has p = 1; a gross misfit p ≈ 0.
        let fair = Statistics.chiSquare(observed: [500, 500], probabilities: [0.5, 0.5])
        #expect(fair.p > 0.99)
        let bad = Statistics.chiSquare(observed: [800, 200], probabilities: [0.5, 0.5])
        #expect(bad.p < 1e-6)
        #expect(Statistics.uniformityOfPValues((0..<32).map { (Double($0) + 0.5) / 32 }) > 0.9)
        #expect(Statistics.uniformityOfPValues((0..<32).map { _ in 0.01 }) < 1e-6)
    }
}

/// RLF-GRNG: the exact histogram over a full period, and a first look at
/// its statistics (the spec's full gates at N = 2^20 run in the GRNG report).
@Suite struct RLFQuality {
    /// Samples from the model: running cycles only.
    func samples(_ g: RLFGRNG, count: Int) -> [Int] {
        var model = RLFModel(g)
        model.reset()
        var out: [Int] = []
        while out.count < count {
            if model.valid { out += model.samples }
            model.step(load: false, seedWord: .zero)
        }
        return Array(out.prefix(count))
    }

    func binomial(_ n: Int) -> [Double] {
        (0...n).map { k in exp(Statistics.logGamma(Double(n + 1)) - Statistics.logGamma(Double(k + 1))
                                - Statistics.logGamma(Double(n - k + 1)) - Double(n) * log(2.0)) }
    }

    /// Window = LFSR degree, one lane, every cycle: over one period each
    /// non-zero window appears once, so S = s exactly C(n, s) times (s ≥ 1).
    @Test(arguments: [3, 5, 8, 12, 16])
    func fullPeriodHistogramIsBinomial(n: Int) throws {
        let g = try RLFGRNG(window: n, outputs: 1, decimate: false, seed: 3)
        let xs = samples(g, count: (1 << n) - 1)
        var hist = [Int](repeating: 0, count: n + 1)
        for x in xs { hist[(x + n) / 2] += 1 }
        var choose = [1]
        for k in 1...n { choose.append(choose[k - 1] * (n - k + 1) / k) }
        #expect(hist[0] == 0)
        for s in 1...n { #expect(hist[s] == choose[s], "n=\(n) s=\(s)") }
    }

    /// The same histogram from the hardware in the Swift engine (n = 9).
    @Test func hardwareFullPeriodHistogram() throws {
        let n = 9
        let g = try RLFGRNG(window: n, outputs: 1, decimate: false, seed: 5)
        let sim = try Simulator(try Elaborator.elaborate(g))
        sim.reset()
        var hist = [Int](repeating: 0, count: n + 1), seen = 0
        while seen < (1 << n) - 1 {
            sim.eval()
            if try sim.peek("valid") == 1 {
                let raw = try sim.peek("eps").wrapped(width: g.sampleType.width, signed: true).intValue!
                hist[(raw + n) / 2] += 1
                seen += 1
            }
            sim.tick()
        }
        var choose = [1]
        for k in 1...n { choose.append(choose[k - 1] * (n - k + 1) / k) }
        #expect(hist == [0] + choose.dropFirst())
    }

    /// Decimated output at n = 31: binomial by chi-square, no lag 1...64
    /// autocorrelation beyond 4/sqrt(N), unit variance after scaling.
    @Test func decimatedOutputLooksBinomialAndIndependent() throws {
        let n = 31, count = 1 << 16
        let xs = samples(try RLFGRNG(window: n, outputs: 1, decimate: true, seed: 11), count: count)
        var hist = [Int](repeating: 0, count: n + 1)
        for x in xs { hist[(x + n) / 2] += 1 }
        let chi = Statistics.chiSquare(observed: hist, probabilities: binomial(n))
        #expect(chi.p >= 1e-3, "chi-square p = \(chi.p)")
        let z = xs.map { Double($0) / Double(n).squareRoot() }   // (2S − n)/sqrt(n)
        let bound = 4 / Double(count).squareRoot()
        #expect(abs(Statistics.mean(z)) <= bound)
        #expect(abs(Statistics.variance(z) - 1) <= 4 * (2.0 / Double(count)).squareRoot())
        for lag in 1...64 {
            let r = Statistics.correlation(z, z, lag: lag)
            #expect(abs(r) <= bound, "lag \(lag): r = \(r)")
        }
    }
}

@Suite struct WallaceQuality {
    /// Floor rounding in t breaks exact orthogonality; the pool's sum of
    /// squares must stay near N over 10^6 transforms.
    @Test func sumOfSquaresDriftIsBounded() throws {
        var model = try WallaceModel(try WallaceGRNG(log2N: 10, seed: 1))
        let start = model.sumOfSquares
        #expect(abs(start / 1024 - 1) < 1e-6)
        model.advancePool(1_000_000)
        let drift = model.sumOfSquares / 1024 - 1
        #expect(abs(drift) < 1e-4, "relative drift \(drift)")   // measured: 3.2e-6
    }

    /// Output samples at N = 2^16: normal by KS and Anderson-Darling, unit
    /// moments, no lag 1...16 autocorrelation beyond 4/sqrt(N).
    @Test func outputLooksNormal() throws {
        var model = try WallaceModel(try WallaceGRNG(log2N: 10, seed: 1))
        try model.reset()
        var xs: [Double] = []
        let count = 1 << 16
        while xs.count < count {
            if let s = model.cycle() { xs += s.map { Double($0) / Double(1 << 18) } }
        }
        let ks = Statistics.ks(xs, cdf: Statistics.normalCDF)
        #expect(ks.scaled < 1.63, "sqrt(N)·D = \(ks.scaled)")
        let ad = Statistics.andersonDarling(xs, cdf: Statistics.normalCDF)
        #expect(ad < 3.857, "A² = \(ad)")
        let bound = 4 / Double(count).squareRoot()
        #expect(abs(Statistics.mean(xs)) <= bound)
        #expect(abs(Statistics.variance(xs) - 1) <= 4 * (2.0 / Double(count)).squareRoot())
        for lag in 1...16 {
            let r = Statistics.correlation(xs, xs, lag: lag)
            #expect(abs(r) <= bound, "lag \(lag): r = \(r)")
        }
    }
}
