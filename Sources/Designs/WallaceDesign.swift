import HDL
import Random
import Verification

/// `wallace`: the Wallace GRNG (4 samples/cycle) against its model.
public struct WallaceDesign: Verifiable {
    public let grng: WallaceGRNG
    public let banks: WallaceBanks

    static let specs: [ParamSpec] = [
        .int("log2n", 10, 4...10, "pool size N = 2^log2n (start, stride and mask share one 32-bit word)"),
        .int("seed", 1, 0...Int.max, "shuffles the initial pool and seeds the taus88 address generator"),
        .int("banks", 1, 1...64, "independent pools (bank b seeded seed+b): 4*banks samples/cycle"),
    ]

    public static let entry = DesignEntry(
        name: "wallace", summary: "Wallace GRNG: pool RAM, orthogonal 4-point transforms, sum-of-squares correction, 4 samples/cycle",
        params: specs, testParams: [["log2n=4"], ["log2n=6", "seed=7"], ["log2n=8", "seed=3"], ["log2n=5", "banks=3"]],
        make: { p in try WallaceDesign(p) })

    init(_ p: ParamValues) throws {
        do {
            grng = try WallaceGRNG(log2N: p.int("log2n"), seed: UInt64(p.int("seed")))
            banks = try WallaceBanks(banks: p.int("banks"), log2N: p.int("log2n"), seed: UInt64(p.int("seed")))
        } catch let e as RandomError {
            throw ParamError(e.description)
        }
    }

    public var top: any Block { banks.banks.count == 1 ? grng : banks }
    public var validPort: String? { "valid" }
    public var dataPorts: [String] { ["eps"] }
    public var latency: Int { 1 }

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

    public func expected(_ stim: Stimulus) -> [Transaction] {
        guard var models = try? banks.banks.map({ try WallaceModel($0) }) else { return [] }
        for i in models.indices { try? models[i].reset() }
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
