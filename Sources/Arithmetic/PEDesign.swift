import Harness
import HDL

/// `pe`: the MAC processing element (MACPE) with stimulus and checks.
public struct PEDesign: Design {
    public struct Params: ParamSet {
        var dataInt = 1, dataFrac = 7, guardBits = 8, outInt = 4, outFrac = 12
        var rounding = Rounding.halfEven, overflow = Overflow.saturate
        public init() {}
        init(dataInt: Int, dataFrac: Int, guardBits: Int, outInt: Int, outFrac: Int, rounding: Rounding,
             overflow: Overflow = .saturate) {
            (self.dataInt, self.dataFrac, self.guardBits, self.outInt, self.outFrac) = (dataInt, dataFrac, guardBits, outInt, outFrac)
            (self.rounding, self.overflow) = (rounding, overflow)
        }
        public static var specs: [Param<Self>] { [
            .int("data_int", \.dataInt, 1...32, "integer bits of the signed inputs a, b (sign included)"),
            .int("data_frac", \.dataFrac, 0...32, "fraction bits of the inputs"),
            .int("guard", \.guardBits, 0...32, "extra accumulator bits above the product"),
            .int("out_int", \.outInt, 1...64, "integer bits of the signed output (sign included)"),
            .int("out_frac", \.outFrac, 0...64, "fraction bits of the output"),
            .choice("rounding", \.rounding, "how the output drops fraction bits"),
            .choice("overflow", \.overflow, "how the output handles range overflow"),
        ] }
    }

    public static let name = "pe"
    public static let summary = "fixed-point multiply-accumulate PE with rounding, saturating requantisation"
    public static var testSets: [Params] { [
        Params(dataInt: 4, dataFrac: 12, guardBits: 4, outInt: 8, outFrac: 8, rounding: .halfUp, overflow: .wrap),
        Params(dataInt: 8, dataFrac: 24, guardBits: 8, outInt: 40, outFrac: 40, rounding: .truncate),
    ] }

    public let pe: MACPE

    public init(_ p: Params) throws {
        let data = FixedFormat.signed(integer: p.dataInt, fraction: p.dataFrac)
        let out = FixedFormat.signed(integer: p.outInt, fraction: p.outFrac)
        if data.width > 64 { throw UserError("data_int + data_frac must be at most 64, got \(data.width)") }
        if out.width > 128 { throw UserError("out_int + out_frac must be at most 128, got \(out.width)") }
        pe = MACPE(data: data, guardBits: p.guardBits, out: out, rounding: p.rounding, overflow: p.overflow)
    }

    public var top: any Block { pe }
    public var ports: TestPorts { TestPorts(valid: "out_valid", data: ["out_y"], latency: MACPE.latency) }
    var latency: Int { MACPE.latency }

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
