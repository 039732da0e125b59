import HDL
import NN
import Verification

/// `pe`: the MAC processing element (NN.MACPE) with stimulus and checks.
public struct PEDesign: Verifiable {
    public let pe: MACPE

    static let specs: [ParamSpec] = [
        .int("data_int", 1, 1...32, "integer bits of the signed inputs a, b (sign included)"),
        .int("data_frac", 7, 0...32, "fraction bits of the inputs"),
        .int("guard", 8, 0...32, "extra accumulator bits above the product"),
        .int("out_int", 4, 1...64, "integer bits of the signed output (sign included)"),
        .int("out_frac", 12, 0...64, "fraction bits of the output"),
        .choice("rounding", "half-even", Rounding.allCases.map(\.rawValue), "how the output drops fraction bits"),
        .choice("overflow", "saturate", Overflow.allCases.map(\.rawValue), "how the output handles range overflow"),
    ]

    public static let entry = DesignEntry(
        name: "pe", summary: "fixed-point multiply-accumulate PE with rounding, saturating requantisation",
        params: specs,
        testParams: [
            ["data_int=4", "data_frac=12", "guard=4", "out_int=8", "out_frac=8", "rounding=half-up", "overflow=wrap"],
            ["data_int=8", "data_frac=24", "guard=8", "out_int=40", "out_frac=40", "rounding=truncate"],
        ],
        make: { p in try PEDesign(p) })

    init(_ p: ParamValues) throws {
        let data = FixedFormat.signed(integer: p.int("data_int"), fraction: p.int("data_frac"))
        let out = FixedFormat.signed(integer: p.int("out_int"), fraction: p.int("out_frac"))
        if data.width > 64 { throw ParamError("data_int + data_frac must be at most 64, got \(data.width)") }
        if out.width > 128 { throw ParamError("out_int + out_frac must be at most 128, got \(out.width)") }
        pe = MACPE(data: data, guardBits: p.int("guard"), out: out,
                   rounding: p.rounding("rounding"), overflow: p.overflow("overflow"))
    }

    public var top: any Block { pe }
    public var validPort: String? { "out_valid" }
    public var dataPorts: [String] { ["out_y"] }
    public var latency: Int { MACPE.latency }

    public func stimulus(seed: UInt64, vectors: Int) -> Stimulus {
        var s = Stimulus(ports: ["in_valid", "in_clear", "in_a", "in_b"])
        let w = pe.data.width
        let t = pe.data.type
        let maxV = t.rawMax.modPow2(w), minV = t.rawMin.modPow2(w), minusOne = BigValue(-1).modPow2(w)
        func push(_ valid: Bool, _ clear: Bool, _ a: BigValue, _ b: BigValue) {
            s.add(["in_valid": valid ? 1 : 0, "in_clear": clear ? 1 : 0, "in_a": a, "in_b": b])
        }
        // Directed: zeros, each extreme pairing, long runs that drive the
        // accumulator into positive and negative saturation, clears.
        let extremes = [BigValue.zero, maxV, minV, minusOne, BigValue.one]
        for a in extremes { for b in extremes { push(true, true, a, b) } }
        let run = 1 << min(pe.guardBits + 2, 12)
        push(true, true, minV, minV)
        for _ in 0..<run { push(true, false, minV, minV) }
        push(true, true, minV, maxV)
        for _ in 0..<run { push(true, false, minV, maxV) }
        push(false, false, maxV, maxV)
        push(true, true, .zero, .zero)
        // Random: mostly valid, occasional clears and bubbles, a share of extremes.
        var rng = SplitMix64(seed: seed)
        func operand() -> BigValue {
            rng.next() % 8 == 0 ? extremes[Int(rng.next() % UInt64(extremes.count))] : rng.bits(w)
        }
        // `vectors` valid inputs, with bubbles (idle cycles) between some.
        for _ in 0..<vectors {
            if rng.next() % 8 == 0 { push(false, rng.next() % 2 == 0, operand(), operand()) }
            push(true, rng.next() % 16 == 0, operand(), operand())
        }
        // Drain the pipeline.
        for _ in 0..<latency + 2 { push(false, false, .zero, .zero) }
        return s
    }

    public func expected(_ s: Stimulus) -> [Transaction] {
        var inputs: [(clear: Bool, a: BigValue, b: BigValue)] = []
        var cycles: [Int] = []
        let t = pe.data.type
        for (c, row) in s.cycles.enumerated() where !row[0].isZero {
            inputs.append((!row[1].isZero, FixedValue(bits: row[2], t).raw, FixedValue(bits: row[3], t).raw))
            cycles.append(c + latency)
        }
        let outs = pe.model(inputs)
        return zip(cycles, outs).map { Transaction(cycle: $0, values: [$1.modPow2(pe.out.width)]) }
    }
}
