import Harness
import HDL

/// `wallace`: the Wallace GRNG (4 samples/cycle per bank) against its
/// model; its report runs the spec's statistical gates.
public struct WallaceDesign: Design {
    public struct Params: ParamSet {
        var log2n = 10, seed = 1, banks = 1
        public init() {}
        init(log2n: Int, seed: Int = 1, banks: Int = 1) { (self.log2n, self.seed, self.banks) = (log2n, seed, banks) }
        public static var specs: [Param<Self>] { [
            .int("log2n", \.log2n, 4...10, "pool size N = 2^log2n (start, stride and mask share one 32-bit word)"),
            .int("seed", \.seed, 0...Int.max, "shuffles the initial pool and seeds the taus88 address generator"),
            .int("banks", \.banks, 1...64, "independent pools (bank b seeded seed+b): 4*banks samples/cycle"),
        ] }
    }

    public static let name = "wallace"
    public static let summary = "Wallace GRNG: pool RAM, orthogonal 4-point transforms, sum-of-squares correction, 4 samples/cycle"
    public static var testSets: [Params] { [Params(log2n: 4), Params(log2n: 6, seed: 7), Params(log2n: 8, seed: 3), Params(log2n: 5, banks: 3)] }

    public let grng: WallaceGRNG
    public let banks: WallaceBanks

    public init(_ p: Params) throws {
        grng = try WallaceGRNG(log2N: p.log2n, seed: UInt64(p.seed))
        banks = try WallaceBanks(banks: p.banks, log2N: p.log2n, seed: UInt64(p.seed))
    }

    public var reports: [any DesignReport] {
        let log2N = grng.log2N, count = banks.banks.count, base = grng.seed, pool = 1 << grng.log2N
        // Lags: short ones, and fractions and multiples of the pool, whose
        // passes mix it (the design's seed at report seed 1).
        let lags = Array(1...64) + [pool / 4, pool / 2, pool, 2 * pool].filter { $0 > 64 }
        return [GRNGGates(target: WallaceSource(log2N: log2N).target, lanesPerCycle: 4 * count,
                          lags: lags, pairLags: [1, pool / 4, pool]) { seed, total in
            var models = try (0..<count).map { try WallaceModel(try WallaceGRNG(log2N: log2N, seed: base &+ seed &- 1 &+ UInt64($0))) }
            for b in models.indices { try models[b].reset() }
            var out = [[Double]](repeating: [], count: 4 * count)
            var made = 0
            while made < total {
                let perBank = models.indices.map { models[$0].cycle() }
                guard perBank.allSatisfy({ $0 != nil }) else { continue }
                for (q, v) in perBank.flatMap({ $0! }).enumerated() { out[q].append(Double(v) / Double(1 << 18)) }
                made += 4 * count
            }
            return out
        }]
    }

    public var top: any Block { banks.banks.count == 1 ? grng : banks }
    public var ports: TestPorts { TestPorts(valid: "valid", data: ["eps"]) }

    /// Free-running cycles with seed loads: directed ones (all-zero seeds,
    /// every component degenerate, so each takes its reset seed; then two
    /// loads in a row), then one about every 4,000 cycles with random seeds,
    /// now and then with a degenerate component.
    public func stimulus(seed: UInt64, vectors: Int) -> Stimulus {
        var s = Stimulus(ports: ["load", "seed"])
        var rng = SplitMix64(seed: seed)
        let width = 96 * banks.banks.count
        for c in 0..<vectors {
            switch c {
            case 100: s.add(["load": 1, "seed": .zero])
            case 700, 701: s.add(["load": 1, "seed": rng.bits(width)])
            default:
                guard rng.next() % 4000 == 0 else { s.add([:]); continue }
                var word = rng.bits(width)
                // A degenerate component: its masked (upper) bits zero.
                if rng.next() % 3 == 0 { word = word - ((word >> 32).modPow2(32) << 32) + (BigValue(Int(rng.next() % 8)) << 32) }
                s.add(["load": 1, "seed": word])
            }
        }
        return s
    }

    public func expected(_ stim: Stimulus) throws -> [Transaction] {
        var models = try banks.banks.map { try WallaceModel($0) }
        for i in models.indices { try models[i].reset() }
        return stim.cycles.indices.compactMap { c in
            // Every bank steps every cycle; all are idle on the same cycle.
            let load = !stim.cycles[c][0].isZero, seedWord = stim.cycles[c][1]
            let perBank = models.indices.map { b in
                models[b].cycle(load: load, seeds: (0..<3).map { UInt32((seedWord >> (96 * b + 32 * $0)).modPow2(32).intValue!) })
            }
            guard perBank.allSatisfy({ $0 != nil }) else { return nil }
            let samples = perBank.flatMap { $0! }
            let word = samples.enumerated().reduce(BigValue.zero) {
                $0 + (BigValue($1.element).modPow2(24) << (24 * $1.offset))
            }
            return Transaction(cycle: c, values: [word])
        }
    }
}
