import Foundation

/// Goodness-of-fit and independence statistics for judging random-number
/// generators, with the p-values their acceptance rules need. Written from
/// the textbook definitions; `StatisticsTests` cross-checks them against
/// scipy.stats on fixed vectors.
public enum Statistics {
    // MARK: special functions

    /// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9).
    public static func logGamma(_ x: Double) -> Double {
        if x < 0.5 { return log(Double.pi / sin(Double.pi * x)) - logGamma(1 - x) }
        let c: [Double] = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
                           -176.61502916214059, 12.507343278686905, -0.13857109526572012,
                           9.9843695780195716e-6, 1.5056327351493116e-7]
        let y = x - 1
        var a = c[0]
        for i in 1..<9 { a += c[i] / (y + Double(i)) }
        let t = y + 7.5
        return 0.5 * log(2 * Double.pi) + (y + 0.5) * log(t) - t + log(a)
    }

    /// The regularised upper incomplete gamma function Q(a, x) = Γ(a, x)/Γ(a):
    /// a series below a + 1, a continued fraction above.
    public static func gammaQ(_ a: Double, _ x: Double) -> Double {
        guard x > 0 else { return 1 }
        let lead = -x + a * log(x) - logGamma(a)
        if x < a + 1 {
            var sum = 1 / a, term = sum, ap = a
            for _ in 0..<10_000 {
                ap += 1
                term *= x / ap
                sum += term
                if abs(term) < abs(sum) * 1e-15 { break }
            }
            return max(0, 1 - sum * exp(lead))
        }
        // Lentz's method for the continued fraction.
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return min(1, exp(lead) * h)
    }

    /// The standard normal CDF.
    public static func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    /// The survival function of the Kolmogorov distribution, P(K > λ).
    public static func kolmogorovQ(_ lambda: Double) -> Double {
        guard lambda > 0.2 else { return 1 }
        var sum = 0.0
        for k in 1...100 {
            let term = exp(-2 * Double(k * k) * lambda * lambda)
            sum += (k % 2 == 1 ? 2 : -2) * term
            if term < 1e-16 { break }
        }
        return min(1, max(0, sum))
    }

    // MARK: tests

    /// Pearson's chi-square of `observed` counts against category
    /// probabilities, adjacent categories merged (in order) until every
    /// expected count is at least `minExpected`.
    public static func chiSquare(observed: [Int], probabilities: [Double], minExpected: Double = 50)
        -> (statistic: Double, dof: Int, p: Double, bins: Int) {
        let n = Double(observed.reduce(0, +))
        var bins: [(o: Double, e: Double)] = []
        var o = 0.0, e = 0.0
        for (count, prob) in zip(observed, probabilities) {
            o += Double(count)
            e += prob * n
            if e >= minExpected {
                bins.append((o, e))
                o = 0
                e = 0
            }
        }
        if e > 0 || o > 0 {
            // The tail that never reached the minimum joins the last bin.
            if bins.isEmpty { bins.append((o, e)) } else { bins[bins.count - 1].o += o; bins[bins.count - 1].e += e }
        }
        let stat = bins.reduce(0.0) { $0 + ($1.o - $1.e) * ($1.o - $1.e) / $1.e }
        let dof = bins.count - 1
        return (stat, dof, dof > 0 ? gammaQ(Double(dof) / 2, stat / 2) : 1, bins.count)
    }

    /// Kolmogorov-Smirnov distance of the sample from `cdf`, its scaled
    /// form sqrt(N)·D and the asymptotic p-value.
    public static func ks(_ sample: [Double], cdf: (Double) -> Double) -> (d: Double, scaled: Double, p: Double) {
        let xs = sample.sorted()
        let n = Double(xs.count)
        var d = 0.0
        for (i, x) in xs.enumerated() {
            let f = cdf(x)
            d = max(d, f - Double(i) / n, Double(i + 1) / n - f)
        }
        let sn = n.squareRoot()
        return (d, sn * d, kolmogorovQ((sn + 0.12 + 0.11 / sn) * d))
    }

    /// Anderson-Darling A² of the sample against a fully specified `cdf`.
    public static func andersonDarling(_ sample: [Double], cdf: (Double) -> Double) -> Double {
        let xs = sample.sorted()
        let n = xs.count
        var s = 0.0
        for i in 0..<n {
            let lo = min(max(cdf(xs[i]), 1e-300), 1 - 1e-16)
            let hi = min(max(cdf(xs[n - 1 - i]), 1e-300), 1 - 1e-16)
            s += Double(2 * i + 1) * (log(lo) + log(1 - hi))
        }
        return -Double(n) - s / Double(n)
    }

    public static func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(x.count) }

    /// Population variance (divide by N).
    public static func variance(_ x: [Double]) -> Double {
        let m = mean(x)
        return x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count)
    }

    /// Pearson correlation of x(t) with y(t + lag).
    public static func correlation(_ x: [Double], _ y: [Double], lag: Int = 0) -> Double {
        let n = min(x.count, y.count - lag)
        guard n > 1 else { return 0 }
        let a = Array(x[0..<n]), b = Array(y[lag..<(lag + n)])
        let ma = mean(a), mb = mean(b)
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in 0..<n {
            sab += (a[i] - ma) * (b[i] - mb)
            saa += (a[i] - ma) * (a[i] - ma)
            sbb += (b[i] - mb) * (b[i] - mb)
        }
        return sab / (saa * sbb).squareRoot()
    }

    /// The central 1 − alpha interval of a Poisson count with mean `lambda`.
    public static func poissonInterval(_ lambda: Double, alpha: Double = 0.001) -> ClosedRange<Int> {
        func pmf(_ k: Int) -> Double { exp(Double(k) * log(lambda) - lambda - logGamma(Double(k) + 1)) }
        guard lambda > 0 else { return 0...0 }
        var cdf = 0.0, k = 0, lo = 0
        while true {
            cdf += pmf(k)
            if cdf > alpha / 2 { lo = k; break }
            k += 1
        }
        var hi = k
        while cdf < 1 - alpha / 2 {
            hi += 1
            cdf += pmf(hi)
        }
        return lo...hi
    }

    /// The |z| that `tests` independent standard normal statistics all stay
    /// under with probability 1 − alpha (Bonferroni): the bound of a gate
    /// that takes the worst of many correlations.
    public static func bonferroniZ(tests: Int, alpha: Double = 1e-3) -> Double {
        let tail = alpha / Double(2 * max(1, tests))
        var lo = 0.0, hi = 40.0
        for _ in 0..<100 {
            let mid = (lo + hi) / 2
            if normalCDF(-mid) > tail { lo = mid } else { hi = mid }
        }
        return hi
    }

    /// The two-level test: p-values of independent runs should be uniform;
    /// returns the KS p-value of that hypothesis.
    public static func uniformityOfPValues(_ ps: [Double]) -> Double {
        ks(ps, cdf: { min(1, max(0, $0)) }).p
    }
}
