import HDL
import Random
import Verification

/// `lfsr`: a k-bit-per-cycle Fibonacci LFSR with enable and seed load,
/// against the bit-serial recurrence.
public struct LFSRDesign: Verifiable {
    public let lfsr: LFSR

    static let specs: [ParamSpec] = [
        .int("degree", 32, 3...128, "register length n; the polynomial is the first primitive one found for n"),
        .int("bits", 1, 1...128, "output bits per cycle (leap-ahead k)"),
        .int("seed", 1, 0...Int.max, "reset seed (non-zero, fits n bits); loading seed 0 at run time loads this one"),
    ]

    public static let entry = DesignEntry(
        name: "lfsr", summary: "Fibonacci LFSR over a primitive polynomial, k bits per cycle by leap-ahead",
        params: specs,
        testParams: [["degree=3", "bits=1", "seed=5"], ["degree=20", "bits=7", "seed=99"],
                     ["degree=64", "bits=64", "seed=123456789"], ["degree=128", "bits=100", "seed=42"],
                     ["degree=5", "bits=12", "seed=31"]],
        make: { p in try LFSRDesign(p) })

    init(_ p: ParamValues) throws {
        do {
            lfsr = try LFSR(degree: p.int("degree"), bitsPerCycle: p.int("bits"), seed: BigValue(p.int("seed")))
        } catch let e as RandomError {
            throw ParamError(e.description)
        }
    }

    public var top: any Block { lfsr }
    public var validPort: String? { nil }
    public var dataPorts: [String] { ["bits"] }
    public var latency: Int { 0 }

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
