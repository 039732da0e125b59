import Harness
import HDL

/// `lfsr`: a k-bit-per-cycle Fibonacci LFSR with enable and seed load,
/// against the bit-serial recurrence.
public struct LFSRDesign: Design {
    public struct Params: ParamSet {
        var degree = 32, bits = 1, seed = 1
        public init() {}
        init(degree: Int, bits: Int, seed: Int) { (self.degree, self.bits, self.seed) = (degree, bits, seed) }
        public static var specs: [Param<Self>] { [
            .int("degree", \.degree, 3...128, "register length n; the polynomial is the first primitive one found for n"),
            .int("bits", \.bits, 1...128, "output bits per cycle (leap-ahead k)"),
            .int("seed", \.seed, 0...Int.max, "reset seed (non-zero, fits n bits); loading seed 0 at run time loads this one"),
        ] }
    }

    public static let name = "lfsr"
    public static let summary = "Fibonacci LFSR over a primitive polynomial, k bits per cycle by leap-ahead"
    public static var testSets: [Params] { [
        Params(degree: 3, bits: 1, seed: 5), Params(degree: 20, bits: 7, seed: 99),
        Params(degree: 64, bits: 64, seed: 123456789), Params(degree: 128, bits: 100, seed: 42),
        Params(degree: 5, bits: 12, seed: 31),
    ] }

    public let lfsr: LFSR

    public init(_ p: Params) throws {
        lfsr = try LFSR(degree: p.degree, bitsPerCycle: p.bits, seed: BigValue(p.seed))
    }

    public var top: any Block { lfsr }
    public var ports: TestPorts { TestPorts(data: ["bits"]) }

    public func stimulus(seed: UInt64, vectors: Int) -> Stimulus {
        var s = Stimulus(ports: ["enable", "load", "seed"])
        var rng = SplitMix64(seed: seed)
        let n = lfsr.degree
        // Directed: run, hold, load zero (the reset seed), load all ones, run.
        for _ in 0..<40 { s.add(["enable": 1]) }
        for _ in 0..<3 { s.add(["enable": 0]) }
        s.add(["load": 1, "seed": 0, "enable": 1])
        for _ in 0..<10 { s.add(["enable": 1]) }
        s.add(["load": 1, "seed": BigValue.pow2(n) - 1])
        for _ in 0..<10 { s.add(["enable": 1]) }
        for _ in 0..<vectors {
            let load = rng.next() % 200 == 0
            s.add(["enable": rng.next() % 10 == 0 ? 0 : 1, "load": load ? 1 : 0,
                   "seed": rng.next() % 8 == 0 ? .zero : rng.bits(n)])
        }
        return s
    }

    public func expected(_ stim: Stimulus) -> [Transaction] {
        var model = LFSRModel(lfsr)
        let k = lfsr.bitsPerCycle
        return stim.cycles.enumerated().map { c, row in
            let t = Transaction(cycle: c, values: [model.peek(k)])
            if !row[1].isZero { model.load(row[2]) } else if !row[0].isZero { model.advance(k) }
            return t
        }
    }
}
