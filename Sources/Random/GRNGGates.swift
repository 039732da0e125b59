import Analysis
import Foundation
import Harness
import HDL

/// The statistical report of a Gaussian generator design: the acceptance
/// gates of shared/specs/grng-vibnn.md on samples from its bit-exact model
/// (the one `hwgen verify` checks the Verilog against), and an SVG
/// histogram against the target density.
public struct GRNGGates: DesignReport {
    /// The distribution the samples must follow.
    public let target: any GaussianTarget
    /// Samples per cycle once running.
    public let lanesPerCycle: Int
    /// Unit-variance samples, one array per output lane, from the model with
    /// the generator re-seeded by `seed`.
    public let samples: (_ seed: UInt64, _ count: Int) throws -> [[Double]]
    /// Lags of the nonlinear dependence gates (`DependenceGates`), and of
    /// the pair independence tests.
    public let lags: [Int], pairLags: [Int]
    /// Lags of the neighbouring-output gates (`DependenceGates.neighbourRows`),
    /// or nil for none.
    public let neighbourLags: ClosedRange<Int>?

    public init(target: any GaussianTarget, lanesPerCycle: Int, lags: [Int], pairLags: [Int],
                neighbourLags: ClosedRange<Int>? = nil,
                samples: @escaping (_ seed: UInt64, _ count: Int) throws -> [[Double]]) {
        self.neighbourLags = neighbourLags
        self.target = target
        self.lanesPerCycle = lanesPerCycle
        self.lags = lags
        self.pairLags = pairLags
        self.samples = samples
    }

    public var title: String { "gates" }

    public func run(_ context: ReportContext) throws -> ReportSection {
        let o = context.options
        let (rows, xs) = try gates(samples: o.samples, seeds: o.seeds, perSeed: o.perSeed, seed: o.seed,
                                   progress: context.progress)
        let failed = rows.filter { $0.pass == false }.count
        let verdict = ReportRow("gates passed", "\(rows.filter { $0.pass == true }.count) of \(rows.filter { $0.pass != nil }.count)",
                                bound: "all", pass: failed == 0)
        return ReportSection("\(context.top): spec gates, \(lanesPerCycle) sample(s)/cycle", rows: rows + [verdict],
                             svg: svg(xs, title: "\(context.top): \(xs.count) samples"))
    }

    /// Every gate of the spec: N samples at the configured seed, and the
    /// two-level check over `seeds` seeds of `perSeed` samples each.
    public func gates(samples count: Int, seeds: Int = 32, perSeed: Int = 1 << 16, seed: UInt64 = 1,
                      progress: (String) -> Void = { _ in }) throws -> (rows: [ReportRow], sample: [Double]) {
        var rows: [ReportRow] = []
        func gate(_ name: String, _ value: Double, _ bound: String, _ pass: Bool) {
            rows.append(ReportRow(name, String(format: "%.4g", value), bound: bound, pass: pass))
        }
        progress("drawing \(count) samples from the model")
        let lanes = try samples(seed, count)
        let xs = lanes.flatMap { $0 }
        let n = Double(xs.count)
        let chi = target.chiSquare(xs)
        gate("chi-square p (\(chi.dof) dof)", chi.p, ">= 1e-3", chi.p >= 1e-3)
        if target.isContinuous {
            let ks = Statistics.ks(xs, cdf: Statistics.normalCDF)
            gate("KS sqrt(N)*D", ks.scaled, "< 1.63", ks.scaled < 1.63)
            let ad = Statistics.andersonDarling(xs, cdf: Statistics.normalCDF)
            gate("Anderson-Darling A2", ad, "< 3.857", ad < 3.857)
        }
        let mean = Statistics.mean(xs), variance = Statistics.variance(xs)
        gate("|mean|", abs(mean), String(format: "<= %.3g", 4 / n.squareRoot()), abs(mean) <= 4 / n.squareRoot())
        let vb = 4 * (2 / n).squareRoot()
        gate("|var - 1|", abs(variance - 1), String(format: "<= %.3g", vb), abs(variance - 1) <= vb)
        for k in [3.0, 4.0, 5.0] {
            let observed = xs.reduce(0) { abs($1) > k ? $0 + 1 : $0 }
            let interval = Statistics.poissonInterval(n * target.tailProbability(k))
            gate("count |x| > \(Int(k)) sigma", Double(observed), "in \(interval.lowerBound)...\(interval.upperBound)",
                 interval.contains(observed))
        }
        progress("autocorrelation and cross-lane correlation")
        // Each bound holds every one of its correlations at once with
        // probability 0.999 for an ideal generator (Bonferroni over the
        // lags and lane pairs taken), so many lanes do not fail by chance.
        var worstAuto = 0.0
        for lane in lanes {
            for lag in 1...64 { worstAuto = max(worstAuto, abs(Statistics.correlation(lane, lane, lag: lag))) }
        }
        let perLane = 1 / Double(lanes[0].count).squareRoot()
        let rb = Statistics.bonferroniZ(tests: 64 * lanes.count) * perLane
        gate("max |r| lag 1...64 per lane", worstAuto, String(format: "<= %.3g", rb), worstAuto <= rb)
        if lanes.count > 1 {
            var worstCross = 0.0, tests = 0
            for i in lanes.indices {
                for j in lanes.indices where j != i {
                    for lag in 0...8 where i < j || lag > 0 {
                        worstCross = max(worstCross, abs(DependenceGates.correlation(lanes[i], lanes[j], lag: lag)))
                        tests += 1
                    }
                }
            }
            let cb = Statistics.bonferroniZ(tests: tests) * perLane
            gate("max |r| cross-lane lag 0...8", worstCross, String(format: "<= %.3g", cb), worstCross <= cb)
        }
        progress("nonlinear dependence at \(lags.count) lags")
        rows += DependenceGates.rows(lanes, lags: lags, pairLags: pairLags)
        if let n = neighbourLags {
            progress("neighbouring outputs at lags \(n.lowerBound)...\(n.upperBound)")
            rows += DependenceGates.neighbourRows(lanes, lags: n)
        }
        progress("two-level check: \(seeds) seeds x \(perSeed) samples")
        var ps: [Double] = []
        for s in 0..<seeds {
            let lanes = try samples(seed &+ 1000 &+ UInt64(s), perSeed)
            ps.append(target.chiSquare(lanes.flatMap { $0 }).p)
        }
        let two = Statistics.uniformityOfPValues(ps)
        gate("two-level KS p (\(seeds) seeds)", two, ">= 1e-3", two >= 1e-3)
        rows.append(ReportRow("reach max |x| (sigma)", String(format: "%.4g", target.reach), bound: "stated"))
        // The largest |x| drawn against what N samples of the target give:
        // no sample beyond it has probability exp(-N p(|X| > max)), one
        // at least that far N p(|X| >= max); both must be >= 1e-3.
        let top = xs.reduce(0) { max($0, abs($1)) }
        let beyond = n * target.tailProbability(top), atLeast = n * target.tailProbability(top * (1 - 1e-9))
        rows.append(ReportRow("observed max |x| (sigma)", String(format: "%.4g (N p(|X|>=max) = %.3g)", top, atLeast),
                              bound: "N p in 1e-3...6.9", pass: atLeast >= 1e-3 && beyond <= 6.9))
        return (rows, xs)
    }

    /// A histogram of `xs` against the target density, as SVG.
    public func svg(_ xs: [Double], title: String) -> String {
        let (w, h, left, bottom) = (720.0, 400.0, 50.0, 30.0)
        let lo = -5.0, hi = 5.0
        let (width, offset) = target.bins
        let bins = Int(((hi - lo) / width).rounded(.up))
        var counts = [Double](repeating: 0, count: bins)
        // Bars centred on the output lattice (RLF: x = (2S − n)/sqrt(n)).
        for x in xs {
            let b = Int(((x - lo + offset) / width).rounded(.down))
            if b >= 0 && b < bins { counts[b] += 1 }
        }
        let density = counts.map { $0 / (Double(xs.count) * width) }
        let top = max(0.45, density.max() ?? 0.45)
        func px(_ x: Double) -> Double { left + (x - lo) / (hi - lo) * (w - left - 10) }
        func py(_ y: Double) -> Double { h - bottom - y / top * (h - bottom - 30) }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(h))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(Int(left))\" y=\"18\">\(title)</text>\n"
        for (b, d) in density.enumerated() where d > 0 {
            let x0 = px(lo + Double(b) * width - offset), x1 = px(lo + Double(b + 1) * width - offset)
            s += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#8fb4d9\"/>\n",
                        x0, py(d), max(0.5, x1 - x0 - 0.5), py(0) - py(d))
        }
        var path = ""
        for i in 0...400 {
            let x = lo + (hi - lo) * Double(i) / 400
            let y = exp(-x * x / 2) / (2 * Double.pi).squareRoot()
            path += String(format: "%@%.1f,%.1f ", i == 0 ? "M" : "L", px(x), py(y))
        }
        s += "<path d=\"\(path)\" fill=\"none\" stroke=\"#c0392b\" stroke-width=\"1.5\"/>\n"
        s += "<line x1=\"\(px(lo))\" y1=\"\(py(0))\" x2=\"\(px(hi))\" y2=\"\(py(0))\" stroke=\"black\"/>\n"
        for t in -5...5 {
            s += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>\n", px(Double(t)), h - 10, t)
        }
        s += "<text x=\"\(Int(w - 250))\" y=\"40\" fill=\"#c0392b\">N(0,1) density</text>\n"
        s += "<text x=\"\(Int(w - 250))\" y=\"56\" fill=\"#4a79a8\">samples (\(xs.count))</text>\n"
        return s + "</svg>\n"
    }
}
