import Foundation
import Harness

/// Error statistics of the SC designs, measured on their bit-exact models
/// over many operand sets run back to back (each stream continues the
/// sources where the last left off, as the hardware does).
public enum SCStatistics {
    /// Stochastic cross-correlation (Alaghi and Hayes 2013) of two streams
    /// from P(a), P(b) and P(a AND b); nil when either is constant.
    public static func scc(pa: Double, pb: Double, pab: Double) -> Double? {
        guard pa > 0, pa < 1, pb > 0, pb < 1 else { return nil }
        let d = pab - pa * pb
        if d > 0 { return d / (min(pa, pb) - pa * pb) }
        let den = pa * pb - max(pa + pb - 1, 0)
        return den > 0 ? d / den : 0
    }

    /// What `multiply` measures, in value units (bipolar errors are twice
    /// the probability errors).
    public struct Multiply: Sendable {
        public var length = 0, width = 0, trials = 0
        /// RMSE of the product, and its theory for independent Bernoulli
        /// streams: sqrt(mean p(1 − p)/L), p = P(product bit) (x2 bipolar).
        public var rmse = 0.0, theory = 0.0
        public var ratio: Double { rmse / theory }
        /// Largest |error| of the product and of the first operand's stream, in counts.
        public var maxProductCounts = 0.0, maxStreamCounts = 0.0
        /// Mean and mean |·| of the per-stream SCC of the two operand streams.
        public var meanSCC = 0.0, meanAbsSCC = 0.0
        /// Streams whose product count is not min(count a, count b).
        public var notMin = 0
        /// RMSE of the MUX sum (a + b)/2 and its Bernoulli theory.
        public var sumRMSE = 0.0, sumTheory = 0.0
        /// Mean |Stanh − tanh(K/2 · ab)| (bipolar) over the streams.
        public var stanhMAE = 0.0
    }

    /// `trials` random operand pairs through the sc_mul model.
    public static func multiply(_ unit: SCMultiplier, trials: Int, seed: UInt64) -> Multiply {
        let s = unit.streams, L = s.length, w = s.width
        var model = SCMultiplierModel(unit)
        var rng = SplitMix64(seed: seed)
        let draw = { (r: inout SplitMix64) in (Int(r.next() >> UInt64(64 - w)), Int(r.next() >> UInt64(64 - w))) }
        var (a, b) = draw(&rng)
        _ = model.step(start: true, a: a, b: b)
        var r = Multiply()
        r.length = L
        r.width = w
        r.trials = trials
        var se = 0.0, th = 0.0, sse = 0.0, sth = 0.0, sccSum = 0.0, sccAbs = 0.0, sccN = 0, tanhErr = 0.0
        let bipolar = s.encoding == .bipolar, k = bipolar ? 2.0 : 1.0
        for f in 0..<trials {
            let (curA, curB) = (a, b)
            if f + 1 < trials { (a, b) = draw(&rng) }
            var na = 0, nb = 0, nab = 0, nprod = 0, nsum = 0, ntanh = 0
            for t in 0..<L {
                let o = model.step(start: t == L - 1 && f + 1 < trials, a: a, b: b)
                if o.a { na += 1 }
                if o.b { nb += 1 }
                if o.a && o.b { nab += 1 }
                if o.prod { nprod += 1 }
                if o.sum { nsum += 1 }
                if o.tanh { ntanh += 1 }
            }
            let va = s.value(curA), vb = s.value(curB)
            let pa = Double(curA) / Double(1 << w), pb = Double(curB) / Double(1 << w)
            let p = bipolar ? (1 + va * vb) / 2 : va * vb
            let e = s.value(count: nprod) - va * vb
            se += e * e
            th += k * k * p * (1 - p) / Double(L)
            r.maxProductCounts = max(r.maxProductCounts, abs(e) / k * Double(L))
            r.maxStreamCounts = max(r.maxStreamCounts, abs(Double(na) - pa * Double(L)))
            let ps = (pa + pb) / 2
            let es = s.value(count: nsum) - (va + vb) / 2
            sse += es * es
            sth += k * k * ps * (1 - ps) / Double(L)
            if let c = scc(pa: Double(na) / Double(L), pb: Double(nb) / Double(L), pab: Double(nab) / Double(L)) {
                sccSum += c
                sccAbs += abs(c)
                sccN += 1
            }
            if nab != min(na, nb) { r.notMin += 1 }
            tanhErr += abs(s.value(count: ntanh) - tanh(Double(unit.states) / 2 * va * vb))
        }
        r.rmse = (se / Double(trials)).squareRoot()
        r.theory = (th / Double(trials)).squareRoot()
        r.sumRMSE = (sse / Double(trials)).squareRoot()
        r.sumTheory = (sth / Double(trials)).squareRoot()
        r.meanSCC = sccN > 0 ? sccSum / Double(sccN) : 0
        r.meanAbsSCC = sccN > 0 ? sccAbs / Double(sccN) : 0
        r.stanhMAE = tanhErr / Double(trials)
        return r
    }

    /// Least-squares slope of log y against log x.
    public static func logLogSlope(_ points: [(Double, Double)]) -> Double {
        let xs = points.map { log($0.0) }, ys = points.map { log($0.1) }
        let mx = xs.reduce(0, +) / Double(xs.count), my = ys.reduce(0, +) / Double(ys.count)
        let sxy = zip(xs, ys).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let sxx = xs.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        return sxy / sxx
    }

    /// What `neuron` measures.
    public struct Neuron: Sendable {
        public var trials = 0
        /// out count − clamp(floor(Σ/scale), 0, L), Σ over the exact counts
        /// of the product streams: largest |·|, mean |·|, share within ±1.
        public var maxDeviation = 0, meanDeviation = 0.0, withinOne = 0.0
        /// RMSE of the output value against clamp(Σ x·w + b)/scale from the
        /// operands themselves (the SC noise included).
        public var valueRMSE = 0.0
        /// Majority form: RMSE against the chain's expected value for
        /// independent inputs.
        public var chainRMSE = 0.0
        /// Its Bernoulli figure: sqrt(mean q(1 − q)/L), q = the chain's P(1) (x2 bipolar).
        public var chainTheory = 0.0
    }

    /// `trials` random operand sets through the neuron model.
    public static func neuron(_ c: SCNeuronConfig, trials: Int, seed: UInt64) -> Neuron {
        let s = c.streams, L = s.length
        var model = SCNeuronModel(c)
        var rng = SplitMix64(seed: seed)
        var ops = SCNeuronDesign.randomOperands(c, &rng)
        _ = model.step(start: true, x: ops.x, w: ops.w, bias: ops.bias)
        var r = Neuron()
        r.trials = trials
        var devSum = 0, within = 0, se = 0.0, ce = 0.0, ct = 0.0
        let bipolar = s.encoding == .bipolar
        for f in 0..<trials {
            let cur = ops
            if f + 1 < trials { ops = SCNeuronDesign.randomOperands(c, &rng) }
            var ones = 0
            for t in 0..<L where model.step(start: t == L - 1 && f + 1 < trials, x: ops.x, w: ops.w, bias: ops.bias).out { ones += 1 }
            let exact = min(L, max(0, Int((Double(model.lastSum2) / Double(2 * c.scale)).rounded(.down))))
            let dev = ones - exact
            devSum += abs(dev)
            r.maxDeviation = max(r.maxDeviation, abs(dev))
            if abs(dev) <= 1 { within += 1 }
            let sum = zip(cur.x, cur.w).reduce(s.value(cur.bias)) { $0 + s.value($1.0) * s.value($1.1) }
            let target = min(1, max(bipolar ? -1 : 0, sum / Double(c.scale)))
            let y = s.value(count: ones)
            se += (y - target) * (y - target)
            if c.form == .majority {
                // P(1) of each product bit, then of the chain's output.
                let u = { (a: Int) in Double(a) / Double(1 << s.width) }
                let p = zip(cur.x, cur.w).map { bipolar ? u($0) * u($1) + (1 - u($0)) * (1 - u($1)) : u($0) * u($1) } + [u(cur.bias)]
                func chain(_ p: [Double]) -> Double {
                    var q = p[0]
                    for k in stride(from: 1, to: p.count, by: 2) {
                        let (a, b) = (p[k], p[k + 1])
                        q = q * a + q * b + a * b - 2 * q * a * b
                    }
                    return q
                }
                // An even count takes the toggling bit last: half the cycles
                // a 0, half a 1 — not random, so the figure averages the two.
                let halves = p.count % 2 == 0 ? [chain(p + [0]), chain(p + [1])] : [chain(p)]
                let q = halves.reduce(0, +) / Double(halves.count)
                let e = y - (bipolar ? 2 * q - 1 : q)
                ce += e * e
                ct += (bipolar ? 4 : 1) * halves.reduce(0) { $0 + $1 * (1 - $1) } / Double(halves.count) / Double(L)
            }
        }
        r.meanDeviation = Double(devSum) / Double(trials)
        r.withinOne = Double(within) / Double(trials)
        r.valueRMSE = (se / Double(trials)).squareRoot()
        r.chainRMSE = (ce / Double(trials)).squareRoot()
        r.chainTheory = (ct / Double(trials)).squareRoot()
        return r
    }

    /// RMSE of the pooled value against the operands' mean, and the
    /// Bernoulli theory sqrt(p(1 − p)/L) of a uniformly random select
    /// (x2 bipolar), over `trials` random operand sets.
    public static func pool(_ pool: SCAvgPool, trials: Int, seed: UInt64) -> (rmse: Double, theory: Double) {
        let s = pool.streams, L = s.length, w = s.width, k = pool.window
        var model = SCAvgPoolModel(pool)
        var rng = SplitMix64(seed: seed)
        let draw = { (r: inout SplitMix64) in (0..<k).map { _ in Int(r.next() >> UInt64(64 - w)) } }
        var x = draw(&rng)
        _ = model.step(start: true, x: x)
        var se = 0.0, th = 0.0
        let scale = s.encoding == .bipolar ? 2.0 : 1.0
        for f in 0..<trials {
            let cur = x
            if f + 1 < trials { x = draw(&rng) }
            var ones = 0
            for t in 0..<L where model.step(start: t == L - 1 && f + 1 < trials, x: x).out { ones += 1 }
            let mean = cur.reduce(0.0) { $0 + s.value($1) } / Double(k)
            let p = cur.reduce(0.0) { $0 + Double($1) } / Double(k << w)
            let e = s.value(count: ones) - mean
            se += e * e
            th += scale * scale * p * (1 - p) / Double(L)
        }
        return ((se / Double(trials)).squareRoot(), (th / Double(trials)).squareRoot())
    }

    /// Mean |SCC| per stream of two ideal Bernoulli streams (independent
    /// uniform numbers from SplitMix64, not an LFSR) of random operands:
    /// the floor finite L puts under any source's per-stream figure.
    public static func idealAbsSCC(length L: Int, width w: Int, trials: Int, seed: UInt64) -> Double {
        var rng = SplitMix64(seed: seed)
        var sum = 0.0, n = 0
        for _ in 0..<trials {
            let a = rng.next() >> UInt64(64 - w), b = rng.next() >> UInt64(64 - w)
            var na = 0, nb = 0, nab = 0
            for _ in 0..<L {
                let x = a > rng.next() >> UInt64(64 - w), y = b > rng.next() >> UInt64(64 - w)
                if x { na += 1 }
                if y { nb += 1 }
                if x && y { nab += 1 }
            }
            if let c = scc(pa: Double(na) / Double(L), pb: Double(nb) / Double(L), pab: Double(nab) / Double(L)) {
                sum += abs(c)
                n += 1
            }
        }
        return n > 0 ? sum / Double(n) : 0
    }
}
