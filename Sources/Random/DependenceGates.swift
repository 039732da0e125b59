import Analysis
import Foundation
import Harness

/// Gates for nonlinear dependence between a generator's samples, which
/// linear autocorrelation misses: a sample's magnitude predicting a later
/// sample (corr(x_t², x_{t+l}) and corr(x_t, x_{t+l}²)) or a later
/// magnitude (corr(x_t², x_{t+l}²)), and a chi-square test of independence
/// of the pairs (x_t, x_{t+l}) on an 8 x 8 grid. Each output lane is a
/// stream; statistics are pooled over the lanes (the mean of the lanes'
/// correlations, so the bound is for all samples together).
public enum DependenceGates {
    /// Lags 1...2n within a lane's stream, plus the later visits of the
    /// same generator lane (multiples of the period `n` up to 16n).
    public static func lags(period n: Int) -> [Int] {
        Array(1...(2 * n)) + [4 * n, 8 * n, 16 * n]
    }

    public static func rows(_ lanes: [[Double]], lags: [Int], pairLags: [Int]) -> [ReportRow] {
        let total = lanes.reduce(0) { $0 + $1.count }
        let usable = lags.filter { l in lanes.allSatisfy { $0.count > 4 * l } }
        // Bonferroni over every lag of the three kinds (0.999 for an ideal
        // generator); each statistic is the mean over lanes, so its
        // standard error is that of all samples together.
        let bound = Statistics.bonferroniZ(tests: 3 * usable.count) / Double(total).squareRoot()
        var rows: [ReportRow] = []
        let squares = lanes.map { $0.map { $0 * $0 } }
        for (name, f, g) in [("corr(x_t^2, x_t+l)", squares, lanes), ("corr(x_t, x_t+l^2)", lanes, squares),
                             ("corr(x_t^2, x_t+l^2)", squares, squares)] {
            var worst = (r: 0.0, lag: 0)
            for l in usable {
                let r = lanes.indices.map { correlation(f[$0], g[$0], lag: l) }.reduce(0, +) / Double(lanes.count)
                if abs(r) > abs(worst.r) { worst = (r, l) }
            }
            rows.append(ReportRow("max |\(name)| lag 1...\(usable.last ?? 0)", String(format: "%.3g at l=%d", worst.r, worst.lag),
                                  bound: String(format: "<= %.3g", bound), pass: abs(worst.r) <= bound))
        }
        for l in pairLags where lanes.allSatisfy({ $0.count > 4 * l }) {
            let p = pairIndependence(lanes, lag: l)
            let alpha = 1e-3 / Double(pairLags.count)
            rows.append(ReportRow("pairs (x_t, x_t+\(l)) 8x8 chi-square p", String(format: "%.3g", p),
                                  bound: String(format: ">= %.2g", alpha), pass: p >= alpha))
        }
        return rows
    }

    /// The same statistics between neighbouring outputs j and j + 1 (both
    /// ways round: j leading and j + 1 leading) at `lags` (0 included),
    /// corr(x, y) among them, each the mean over the k − 1 neighbour pairs;
    /// and the 8 x 8 pair chi-square of (x_j,t, x_j+1,t) pooled over them.
    /// Under independence the pairs' correlations are uncorrelated, so the
    /// mean's standard error is that of all the pairs' samples together.
    public static func neighbourRows(_ lanes: [[Double]], lags: ClosedRange<Int>) -> [ReportRow] {
        guard lanes.count > 1 else { return [] }
        let per = lanes.map(\.count).min()!
        let usable = lags.filter { per > 4 * $0 }
        let pairs = Double(lanes.count - 1)
        let squares = lanes.map { $0.map { $0 * $0 } }
        // Lag 0 of a symmetric statistic is one test, not two.
        let kinds: [(String, [[Double]], [[Double]], Bool)] = [
            ("corr(x_j,t, x_j+1,t+l)", lanes, lanes, true), ("corr(x_j,t^2, x_j+1,t+l)", squares, lanes, false),
            ("corr(x_j,t^2, x_j+1,t+l^2)", squares, squares, true)]
        let tests = kinds.reduce(0) { n, k in n + usable.reduce(0) { $0 + ($1 == 0 && k.3 ? 1 : 2) } }
        let bound = Statistics.bonferroniZ(tests: tests) / (pairs * Double(per)).squareRoot()
        var rows: [ReportRow] = []
        for (name, f, g, symmetric) in kinds {
            var worst = (r: 0.0, lag: 0, lead: "j")
            for l in usable {
                for forward in [true, false] where !(l == 0 && symmetric && !forward) {
                    var r = 0.0
                    for j in 0..<(lanes.count - 1) {
                        r += forward ? correlation(f[j], g[j + 1], lag: l) : correlation(f[j + 1], g[j], lag: l)
                    }
                    r /= pairs
                    if abs(r) > abs(worst.r) { worst = (r, l, forward ? "j" : "j+1") }
                }
            }
            rows.append(ReportRow("neighbours max |\(name)| lag \(usable.first ?? 0)...\(usable.last ?? 0)",
                                  String(format: "%.3g at l=%d, %@ leading", worst.r, worst.lag, worst.lead),
                                  bound: String(format: "<= %.3g", bound), pass: abs(worst.r) <= bound))
        }
        let neighbours = (0..<(lanes.count - 1)).map { (lanes[$0], lanes[$0 + 1]) }
        let p = pairIndependence(neighbours)
        rows.append(ReportRow("neighbours (x_j,t, x_j+1,t) 8x8 chi-square p", String(format: "%.3g", p),
                              bound: ">= 1e-3", pass: p >= 1e-3))
        return rows
    }

    /// corr(x_t, y_{t+lag}) in one pass, without copying the arrays (the
    /// gates take it at hundreds of lags of millions of samples).
    public static func correlation(_ x: [Double], _ y: [Double], lag: Int) -> Double {
        let n = min(x.count, y.count - lag)
        guard n > 1 else { return 0 }
        var sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0, sxy = 0.0
        x.withUnsafeBufferPointer { a in
            y.withUnsafeBufferPointer { b in
                for i in 0..<n {
                    let u = a[i], v = b[i + lag]
                    sx += u; sy += v; sxx += u * u; syy += v * v; sxy += u * v
                }
            }
        }
        let m = Double(n)
        let cov = sxy - sx * sy / m, vx = sxx - sx * sx / m, vy = syy - sy * sy / m
        return vx > 0 && vy > 0 ? cov / (vx * vy).squareRoot() : 0
    }

    /// The p-value of a chi-square test of independence of (x_t, x_{t+lag})
    /// over every lane, on bins cut at 0, ±0.5, ±1, ±1.5 sigma.
    public static func pairIndependence(_ lanes: [[Double]], lag: Int) -> Double {
        pairIndependence(lanes.filter { $0.count > lag }.map { (Array($0.dropLast(lag)), Array($0.dropFirst(lag))) })
    }

    /// The same test on given pairs of streams (x_t, y_t), pooled.
    public static func pairIndependence(_ streams: [([Double], [Double])]) -> Double {
        let edges = [-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5]
        func bin(_ x: Double) -> Int { edges.firstIndex { x < $0 } ?? edges.count }
        let k = edges.count + 1
        var table = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for (x, y) in streams {
            for t in 0..<min(x.count, y.count) { table[bin(x[t])][bin(y[t])] += 1 }
        }
        let rows = table.map { $0.reduce(0, +) }
        let cols = (0..<k).map { j in table.reduce(0) { $0 + $1[j] } }
        let n = rows.reduce(0, +)
        var chi = 0.0, usedRows = 0, usedCols = 0
        for i in 0..<k where rows[i] > 0 {
            usedRows += 1
            for j in 0..<k where cols[j] > 0 {
                let e = rows[i] * cols[j] / n
                chi += (table[i][j] - e) * (table[i][j] - e) / e
            }
        }
        usedCols = cols.filter { $0 > 0 }.count
        let dof = Double((usedRows - 1) * (usedCols - 1))
        return dof > 0 ? Statistics.gammaQ(dof / 2, chi / 2) : 1
    }
}
