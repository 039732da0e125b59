import Harness
import HDL

/// `rlf`: the RAM-based linear-feedback GRNG against its lane-by-lane model,
/// through reset (recount from RAM), seed loads and the zero-lane repair;
/// its report runs the spec's statistical gates.
public struct RLFDesign: Design {
    public struct Params: ParamSet {
        var n = 127, k = 1, decimate = true, seed = 1, terms = RLFGRNG.defaultTerms
        public init() {}
        init(n: Int = 127, k: Int = 1, decimate: Bool = true, seed: Int = 1, terms: Int = RLFGRNG.defaultTerms) {
            (self.n, self.k, self.decimate, self.seed, self.terms) = (n, k, decimate, seed, terms)
        }
        public static var specs: [Param<Self>] { [
            .int("n", \.n, 3...128, "window = LFSR degree; S ~ Binomial(n, 1/2)"),
            .int("k", \.k, 1...64, "samples per cycle"),
            .flag("decimate", \.decimate, "yes: k*n lanes, each emitted every n-th cycle (disjoint windows); no: k lanes every cycle"),
            .int("seed", \.seed, 0...Int.max, "initial RAM contents (lane windows) are drawn from it"),
            .int("terms", \.terms, 3...15, "non-zero terms of the feedback polynomial, odd (3: a trinomial, as in the paper; fewer when n is small)"),
        ] }
    }

    public static let name = "rlf"
    public static let summary = "RLF-GRNG: RAM-based LFSR windows, running binomial sums, k samples/cycle"
    public static var testSets: [Params] { [
        Params(n: 5, k: 1, decimate: false), Params(n: 16, k: 2), Params(n: 7, k: 3, decimate: false, seed: 9),
        Params(seed: 5), Params(n: 31, k: 2, seed: 3),
    ] }

    public let grng: RLFGRNG

    public init(_ p: Params) throws {
        guard p.terms % 2 == 1 else { throw UserError("parameter terms=\(p.terms) must be odd (an even count is never primitive)") }
        grng = try RLFGRNG(window: p.n, outputs: p.k, decimate: p.decimate, seed: UInt64(p.seed), terms: p.terms)
    }

    /// The spec's gates on the free-running generator: the design's own
    /// seed at report seed 1 (report seed s draws from seed + s − 1).
    public var reports: [any DesignReport] {
        let g = grng
        return [GRNGGates(target: BinomialTarget(n: g.n), lanesPerCycle: g.outputs,
                          lags: DependenceGates.lags(period: g.n), pairLags: [1, g.n, 2 * g.n]) { seed, count in
            let run = try RLFGRNG(window: g.n, outputs: g.outputs, decimate: g.decimate, seed: g.seed &+ seed &- 1,
                                  terms: g.polynomial.exponents.count)
            let scale = 1 / Double(g.n).squareRoot()
            let per = (count + g.outputs - 1) / g.outputs
            return run.freeRunningSamples(perOutput: per).map { $0.map { Double($0) * scale } }
        }]
    }

    public var top: any Block { grng }
    public var ports: TestPorts { TestPorts(valid: "valid", data: ["eps"]) }

    public func stimulus(seed: UInt64, vectors: Int) -> Stimulus {
        var s = Stimulus(ports: ["load", "seed_word"])
        var rng = SplitMix64(seed: seed)
        let n = grng.n, lanes = grng.lanes
        for _ in 0..<(3 * n) { s.add([:]) }
        // Directed: reload every position with lane 0 all zero (it must be
        // repaired) and the other lanes random.
        for _ in 0..<n { s.add(["load": 1, "seed_word": (rng.bits(lanes) >> 1) << 1]) }
        var left = vectors
        while left > 0 {
            let run = min(left, Int(rng.next() % UInt64(40 * n)) + n)
            for _ in 0..<run { s.add([:]) }
            left -= run
            // A short random load burst (partial reloads included).
            for _ in 0..<Int(rng.next() % UInt64(n + 3)) + 1 { s.add(["load": 1, "seed_word": rng.bits(lanes)]) }
        }
        return s
    }

    public func expected(_ stim: Stimulus) -> [Transaction] {
        var model = RLFModel(grng)
        model.reset()
        var out: [Transaction] = []
        let w = grng.sampleType.width
        for (c, row) in stim.cycles.enumerated() {
            if model.valid {
                let word = model.samples.enumerated().reduce(BigValue.zero) {
                    $0 + (BigValue($1.element).modPow2(w) << (w * $1.offset))
                }
                out.append(Transaction(cycle: c, values: [word]))
            }
            model.step(load: !row[0].isZero, seedWord: row[1])
        }
        return out
    }
}
