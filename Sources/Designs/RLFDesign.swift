import HDL
import Random
import Verification

/// `rlf`: the RAM-based linear-feedback GRNG against its lane-by-lane model,
/// through reset (recount from RAM), seed loads and the zero-lane repair.
public struct RLFDesign: Verifiable {
    public let grng: RLFGRNG

    static let specs: [ParamSpec] = [
        .int("n", 127, 3...128, "window = LFSR degree; S ~ Binomial(n, 1/2)"),
        .int("k", 1, 1...64, "samples per cycle"),
        .choice("decimate", "yes", ["yes", "no"], "yes: k*n lanes, each emitted every n-th cycle (disjoint windows); no: k lanes every cycle"),
        .int("seed", 1, 0...Int.max, "initial RAM contents (lane windows) are drawn from it"),
    ]

    public static let entry = DesignEntry(
        name: "rlf", summary: "RLF-GRNG: RAM-based LFSR windows, running binomial sums, k samples/cycle",
        params: specs,
        testParams: [["n=5", "k=1", "decimate=no"], ["n=16", "k=2"], ["n=7", "k=3", "decimate=no", "seed=9"],
                     ["seed=5"], ["n=31", "k=2", "seed=3"]],
        make: { p in try RLFDesign(p) })

    init(_ p: ParamValues) throws {
        do {
            grng = try RLFGRNG(window: p.int("n"), outputs: p.int("k"), decimate: p.string("decimate") == "yes",
                               seed: UInt64(p.int("seed")))
        } catch let e as RandomError {
            throw ParamError(e.description)
        }
    }

    public var top: any Block { grng }
    public var validPort: String? { "valid" }
    public var dataPorts: [String] { ["eps"] }
    public var latency: Int { grng.n }

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
