import Harness
import HDL

/// `taus`: taus88 / taus113 uniform generator, 32 bits per cycle, with
/// enable and seed load, against the UInt32 model.
public struct TauswortheDesign: Design {
    public struct Params: ParamSet {
        var kind = TauswortheKind.taus88, seed = 1
        public init() {}
        init(kind: TauswortheKind, seed: Int = 1) { (self.kind, self.seed) = (kind, seed) }
        public static var specs: [Param<Self>] { [
            .choice("kind", \.kind, "which combined generator"),
            .int("seed", \.seed, 0...Int.max, "expanded (SplitMix64) into the component reset seeds"),
        ] }
    }

    public static let name = "taus"
    public static let summary = "L'Ecuyer combined Tausworthe uniform generator (taus88 / taus113), 32 bits per cycle"
    public static var testSets: [Params] { [Params(kind: .taus113), Params(kind: .taus88, seed: 7), Params(kind: .taus113, seed: 12345)] }

    public let generator: Tausworthe

    /// Component seeds from one number, each kept clear of the all-zero
    /// (degenerate) masked state.
    public static func seeds(_ kind: TauswortheKind, from seed: UInt64) -> [UInt32] {
        var rng = SplitMix64(seed: seed)
        return kind.components.indices.map { kind.usableSeed(UInt32(truncatingIfNeeded: rng.next()), component: $0) }
    }

    public init(_ p: Params) throws {
        generator = try Tausworthe(p.kind, seeds: TauswortheDesign.seeds(p.kind, from: UInt64(p.seed)))
    }

    public var top: any Block { generator }
    public var ports: TestPorts { TestPorts(data: ["u"]) }

    public func stimulus(seed: UInt64, vectors: Int) -> Stimulus {
        var s = Stimulus(ports: ["enable", "load", "seed"])
        var rng = SplitMix64(seed: seed)
        let w = 32 * generator.kind.components.count
        for _ in 0..<30 { s.add(["enable": 1]) }
        s.add(["load": 1, "seed": 0])                      // every component degenerate: reset seeds
        for _ in 0..<10 { s.add(["enable": 1]) }
        s.add(["load": 1, "seed": BigValue.pow2(w) - 1])
        for _ in 0..<vectors {
            let r = rng.next() % 200
            // Loads mix good seeds with small ones (below the minimums).
            let seedValue = r == 1 ? BigValue(Int(rng.next() % 16)) : rng.bits(w)
            s.add(["enable": rng.next() % 10 == 0 ? 0 : 1, "load": r < 2 ? 1 : 0, "seed": seedValue])
        }
        return s
    }

    public func expected(_ stim: Stimulus) -> [Transaction] {
        var model = TauswortheModel(generator)
        let n = generator.kind.components.count
        return stim.cycles.enumerated().map { c, row in
            let t = Transaction(cycle: c, values: [BigValue(UInt64(model.output))])
            if !row[1].isZero {
                let words = row[2].words(count: (n + 1) / 2)
                model.load((0..<n).map { UInt32(truncatingIfNeeded: words[$0 / 2] >> UInt64(32 * ($0 % 2))) })
            } else if !row[0].isZero {
                model.step()
            }
            return t
        }
    }
}
