import Foundation
import HDL
import Random
import Verification

/// The statistical report of a Gaussian generator: the acceptance gates of
/// the spec (shared/specs/grng-vibnn.md) on samples from its bit-exact model,
/// and an SVG histogram against the target density.
public struct GRNGReport {
    public enum Generator {
        case rlf(RLFGRNG)
        case wallace(WallaceGRNG, banks: Int)
    }
    public let generator: Generator
    /// The hardware the samples stand for (the design's top block).
    public let block: any Block

    /// One gate: its value, what it must satisfy, and whether it does.
    public struct Row {
        public let name: String
        public let value: String
        public let bound: String
        public let pass: Bool
    }

    /// `hwgen report --design grng --param kind=rlf|wallace [other params]`,
    /// or the rlf / wallace designs directly.
    public static func make(design: String, params: [String]) throws -> GRNGReport {
        var design = design, rest = params
        if design == "grng" {
            let kind = params.first { $0.hasPrefix("kind=") }.map { String($0.dropFirst(5)) } ?? "rlf"
            guard ["rlf", "wallace"].contains(kind) else {
                throw ParamError("parameter kind=\(kind) is not allowed: expected rlf|wallace")
            }
            design = kind
            rest = params.filter { !$0.hasPrefix("kind=") }
        }
        let entry = try Registry.find(design)
        switch try entry.instantiate(rest) {
        case let d as RLFDesign: return GRNGReport(generator: .rlf(d.grng), block: d.top)
        case let d as WallaceDesign: return GRNGReport(generator: .wallace(d.grng, banks: d.banks.banks.count), block: d.top)
        default: throw ParamError("design '\(design)' has no statistics report (reports: grng, rlf, wallace)")
        }
    }

    /// Samples per cycle once running.
    public var samplesPerCycle: Int {
        switch generator {
        case .rlf(let g): return g.outputs
        case .wallace(_, let banks): return 4 * banks
        }
    }

    /// Unit-variance samples, one array per output lane, from the model with
    /// its generator re-seeded by `seed` (the initial RAM / pool shuffle).
    public func samples(seed: UInt64, count: Int) throws -> [[Double]] {
        let lanes = samplesPerCycle
        var out = [[Double]](repeating: [], count: lanes)
        out = out.map { var a = $0; a.reserveCapacity(count / lanes + 1); return a }
        switch generator {
        case .rlf(let g0):
            let g = try RLFGRNG(window: g0.n, outputs: g0.outputs, decimate: g0.decimate, seed: seed)
            var model = RLFModel(g)
            model.reset()
            let scale = 1 / Double(g.n).squareRoot()
            var made = 0
            while made < count {
                if model.valid {
                    for (q, s) in model.samples.enumerated() { out[q].append(Double(s) * scale) }
                    made += lanes
                }
                model.step(load: false, seedWord: .zero)
            }
        case .wallace(let g0, let banks):
            var models = try (0..<banks).map { try WallaceModel(try WallaceGRNG(log2N: g0.log2N, seed: seed &+ UInt64($0))) }
            for b in models.indices { try models[b].reset() }
            var made = 0
            while made < count {
                let perBank = models.indices.map { models[$0].cycle() }
                guard perBank.allSatisfy({ $0 != nil }) else { continue }
                for (q, v) in perBank.flatMap({ $0! }).enumerated() { out[q].append(Double(v) / Double(1 << 18)) }
                made += lanes
            }
        }
        return out
    }

    /// Chi-square p-value of the samples against the exact target: the
    /// binomial lattice for RLF, the normal integrated over each output code
    /// for Wallace, bins merged to expected counts ≥ 50.
    public func chiSquare(_ xs: [Double]) -> (statistic: Double, dof: Int, p: Double) {
        switch generator {
        case .rlf(let g):
            let n = g.n
            var counts = [Int](repeating: 0, count: n + 1)
            for x in xs { counts[Int(((x * Double(n).squareRoot() + Double(n)) / 2).rounded())] += 1 }
            let r = Statistics.chiSquare(observed: counts, probabilities: GRNGReport.binomial(n))
            return (r.statistic, r.dof, r.p)
        case .wallace:
            let lsb = Double(1 << 18)
            var codes: [Int: Int] = [:]
            for x in xs { codes[Int((x * lsb).rounded()), default: 0] += 1 }
            let lo = min(codes.keys.min() ?? 0, -Int(6 * lsb)), hi = max(codes.keys.max() ?? 0, Int(6 * lsb))
            var observed: [Int] = [], probs: [Double] = []
            observed.reserveCapacity(hi - lo + 1)
            probs.reserveCapacity(hi - lo + 1)
            var below = Statistics.normalCDF((Double(lo) - 0.5) / lsb)
            for c in lo...hi {
                let above = c == hi ? 1.0 : Statistics.normalCDF((Double(c) + 0.5) / lsb)
                observed.append(codes[c] ?? 0)
                probs.append(above - (c == lo ? 0 : below))
                below = above
            }
            let r = Statistics.chiSquare(observed: observed, probabilities: probs)
            return (r.statistic, r.dof, r.p)
        }
    }

    static func binomial(_ n: Int) -> [Double] {
        (0...n).map { k in
            let logChoose = Statistics.logGamma(Double(n + 1)) - Statistics.logGamma(Double(k + 1)) - Statistics.logGamma(Double(n - k + 1))
            return exp(logChoose - Double(n) * log(2.0))
        }
    }

    /// P(|X| > k) under the target.
    func tailProbability(_ k: Double) -> Double {
        switch generator {
        case .rlf(let g):
            let n = g.n, sn = Double(n).squareRoot()
            return GRNGReport.binomial(n).enumerated().reduce(0.0) {
                abs(Double(2 * $1.offset - n) / sn) > k ? $0 + $1.element : $0
            }
        case .wallace:
            return 2 * Statistics.normalCDF(-k)
        }
    }

    /// The largest |x| the generator can emit, in sigma.
    public var reach: Double {
        switch generator {
        case .rlf(let g): return Double(g.n).squareRoot()
        case .wallace(let g, _): return min(32, Double(g.n).squareRoot())   // format bound and Σx² = N
        }
    }

    /// Every gate of the spec: N samples at the configured seed, and the
    /// two-level check over `seeds` seeds of `perSeed` samples each.
    public func gates(samples count: Int, seeds: Int = 32, perSeed: Int = 1 << 16, seed: UInt64 = 1,
                      progress: (String) -> Void = { _ in }) throws -> (rows: [Row], sample: [Double]) {
        var rows: [Row] = []
        func gate(_ name: String, _ value: Double, _ bound: String, _ pass: Bool) {
            rows.append(Row(name: name, value: String(format: "%.4g", value), bound: bound, pass: pass))
        }
        progress("drawing \(count) samples from the model")
        let lanes = try samples(seed: seed, count: count)
        let xs = lanes.flatMap { $0 }
        let n = Double(xs.count)
        let chi = chiSquare(xs)
        gate("chi-square p (\(chi.dof) dof)", chi.p, ">= 1e-3", chi.p >= 1e-3)
        if case .wallace = generator {
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
            let interval = Statistics.poissonInterval(n * tailProbability(k))
            gate("count |x| > \(Int(k)) sigma", Double(observed), "in \(interval.lowerBound)...\(interval.upperBound)",
                 interval.contains(observed))
        }
        progress("autocorrelation and cross-lane correlation")
        var worstAuto = 0.0
        for lane in lanes {
            for lag in 1...64 { worstAuto = max(worstAuto, abs(Statistics.correlation(lane, lane, lag: lag))) }
        }
        let rb = 4 / Double(lanes[0].count).squareRoot()
        gate("max |r| lag 1...64 per lane", worstAuto, String(format: "<= %.3g", rb), worstAuto <= rb)
        if lanes.count > 1 {
            var worstCross = 0.0
            for i in lanes.indices {
                for j in lanes.indices where j != i {
                    for lag in 0...8 where i < j || lag > 0 {
                        worstCross = max(worstCross, abs(Statistics.correlation(lanes[i], lanes[j], lag: lag)))
                    }
                }
            }
            gate("max |r| cross-lane lag 0...8", worstCross, String(format: "<= %.3g", rb), worstCross <= rb)
        }
        progress("two-level check: \(seeds) seeds x \(perSeed) samples")
        var ps: [Double] = []
        for s in 0..<seeds {
            let lanes = try samples(seed: seed &+ 1000 &+ UInt64(s), count: perSeed)
            ps.append(chiSquare(lanes.flatMap { $0 }).p)
        }
        let two = Statistics.uniformityOfPValues(ps)
        gate("two-level KS p (\(seeds) seeds)", two, ">= 1e-3", two >= 1e-3)
        gate("reach max |x| (sigma)", reach, "stated", true)
        return (rows, xs)
    }

    /// A histogram of `xs` against the target density, as SVG.
    public func svg(_ xs: [Double], title: String) -> String {
        let (w, h, left, bottom) = (720.0, 400.0, 50.0, 30.0)
        let lo = -5.0, hi = 5.0
        let width: Double
        if case .rlf(let g) = generator { width = 2 / Double(g.n).squareRoot() } else { width = 0.1 }
        let bins = Int(((hi - lo) / width).rounded(.up))
        var counts = [Double](repeating: 0, count: bins)
        // Bars centred on the lattice for RLF (x = (2S − n)/sqrt(n)).
        let offset: Double
        if case .rlf(let g) = generator { offset = g.n % 2 == 0 ? width / 2 : 0 } else { offset = width / 2 }
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

extension ModuleIR {
    /// Register and memory bits of this module and everything under it.
    public var stateBits: (registers: Int, memory: Int) {
        var regs = variables.reduce(0) { if case .register = $1.kind { return $0 + $1.width } else { return $0 } }
        var mem = memories.reduce(0) { $0 + $1.depth * $1.width }
        for inst in instances {
            let (r, m) = inst.module.stateBits
            regs += r
            mem += m
        }
        return (regs, mem)
    }
}
