import Harness
import HDL

/// `binomial`: k centred binomial samples a cycle from one leap LFSR,
/// against the bit-level model, with enable held low at random; its report
/// runs the spec's gates plus the neighbouring-output ones.
public struct BinomialDesign: Design {
    public struct Params: ParamSet {
        var n = 32, k = 1, seed = 1
        public init() {}
        init(n: Int = 32, k: Int = 1, seed: Int = 1) { (self.n, self.k, self.seed) = (n, k, seed) }
        public static var specs: [Param<Self>] { [
            .int("n", \.n, BinomialGRNG.bitRange, "fresh bits a sample (even): e = popcount(n/2) - popcount(n/2), eps = 2e/sqrt(n)"),
            .int("k", \.k, 1...1024, "samples per cycle"),
            .int("seed", \.seed, 0...Int.max, "the LFSR's initial state is drawn from it"),
        ] }
    }

    public static let name = "binomial"
    public static let summary = "Binomial GRNG: k samples/cycle, each a popcount difference of n fresh bits from one leap LFSR"
    public static var testSets: [Params] { [
        Params(n: 4, k: 1), Params(n: 6, k: 3, seed: 9), Params(k: 16, seed: 5), Params(n: 64, k: 8, seed: 2),
        Params(n: 32, k: 40, seed: 3),
    ] }
    /// The gates at k = 256 (the vibnn size) and a single output.
    public static var reportSets: [Params] { [Params(k: 256), Params(k: 1)] }

    public let grng: BinomialGRNG

    public init(_ p: Params) throws {
        grng = try BinomialGRNG(outputs: p.k, bits: p.n, seed: UInt64(p.seed))
    }

    /// The design's own seed at report seed 1 (report seed s draws from
    /// seed + s − 1). Own lags 1...64, neighbours 0...8.
    public var reports: [any DesignReport] {
        let g = grng
        return [GRNGGates(target: BinomialTarget(n: g.bits), lanesPerCycle: g.outputs, lags: Array(1...64), pairLags: [1],
                          neighbourLags: 0...8) { seed, count in
            let run = try BinomialGRNG(outputs: g.outputs, bits: g.bits, seed: g.seed &+ seed &- 1)
            let per = (count + g.outputs - 1) / g.outputs
            return run.freeRunningSamples(perOutput: per).map { $0.map { Double($0) * g.unitScale } }
        }]
    }

    public var top: any Block { grng }
    public var ports: TestPorts { TestPorts(valid: "valid", data: ["eps"]) }

    public func stimulus(seed: UInt64, vectors: Int) -> Stimulus {
        var s = Stimulus(ports: ["enable"])
        var rng = SplitMix64(seed: seed)
        for _ in 0..<8 { s.add(["enable": 1]) }
        for _ in 0..<4 { s.add([:]) }
        for _ in 0..<vectors { s.add(["enable": rng.next() % 5 == 0 ? 0 : 1]) }
        return s
    }

    /// e at cycle c is the state's samples at cycle c − 2; valid from c = 2.
    public func expected(_ stim: Stimulus) -> [Transaction] {
        var model = BinomialModel(grng)
        let w = grng.sampleType.width
        var shown: [[Int]] = []
        var out: [Transaction] = []
        for (c, row) in stim.cycles.enumerated() {
            shown.append(model.samples)
            if c >= 2 {
                let word = shown[c - 2].enumerated().reduce(BigValue.zero) {
                    $0 + (BigValue($1.element).modPow2(w) << (w * $1.offset))
                }
                out.append(Transaction(cycle: c, values: [word]))
            }
            if !row[0].isZero { model.step() }
        }
        return out
    }
}
