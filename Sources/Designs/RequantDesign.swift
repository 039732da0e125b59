import HDL
import Verification

/// `requant`: a registered fixed-point conversion unit, y = cast(x), for
/// every rounding and overflow mode; the hardware cast checked against the
/// integer model `FixedValue.cast`.
public struct RequantDesign: Verifiable, Block {
    public let from: HWType
    public let to: HWType
    public let rounding: Rounding
    public let overflow: Overflow

    static let specs: [ParamSpec] = [
        .choice("in_signed", "yes", ["yes", "no"], "signedness of x"),
        .int("in_int", 8, 0...64, "integer bits of x (sign included)"),
        .int("in_frac", 8, 0...64, "fraction bits of x"),
        .choice("out_signed", "yes", ["yes", "no"], "signedness of y"),
        .int("out_int", 4, 0...64, "integer bits of y (sign included)"),
        .int("out_frac", 4, 0...64, "fraction bits of y"),
        .choice("rounding", "half-even", Rounding.allCases.map(\.rawValue), "how fraction bits are dropped"),
        .choice("overflow", "saturate", Overflow.allCases.map(\.rawValue), "how range overflow is handled"),
    ]

    public static let entry = DesignEntry(
        name: "requant", summary: "registered fixed-point requantiser y = cast(x) with rounding and overflow modes",
        params: specs,
        testParams: Rounding.allCases.flatMap { r in
            Overflow.allCases.flatMap { o in [
                ["rounding=\(r.rawValue)", "overflow=\(o.rawValue)"],
                ["rounding=\(r.rawValue)", "overflow=\(o.rawValue)", "in_signed=no", "out_int=5", "out_frac=2"],
                ["rounding=\(r.rawValue)", "overflow=\(o.rawValue)", "out_signed=no", "in_int=40", "in_frac=60", "out_int=3", "out_frac=30"],
            ] }
        } + [["in_int=2", "in_frac=3", "out_int=6", "out_frac=7"], ["in_int=1", "in_frac=9", "out_int=1", "out_frac=0", "rounding=half-up"]],
        make: { p in try RequantDesign(p) })

    init(_ p: ParamValues) throws {
        from = HWType(width: p.int("in_int") + p.int("in_frac"), signed: p.string("in_signed") == "yes", fraction: p.int("in_frac"))
        to = HWType(width: p.int("out_int") + p.int("out_frac"), signed: p.string("out_signed") == "yes", fraction: p.int("out_frac"))
        for (n, t) in [("in", from), ("out", to)] {
            if t.width < 1 || t.width > 128 { throw ParamError("\(n)_int + \(n)_frac must be 1...128, got \(t.width)") }
            if t.isSigned && t.integerBits < 1 { throw ParamError("a signed \(n) format needs \(n)_int >= 1 (the sign bit)") }
        }
        rounding = p.rounding("rounding")
        overflow = p.overflow("overflow")
    }

    public var moduleName: String {
        func f(_ t: HWType) -> String { "\(t.isSigned ? "s" : "u")\(t.integerBits)_\(t.fraction)" }
        return "requant_\(f(from))_to_\(f(to))_\(rounding.rawValue.filter { $0 != "-" })_\(overflow.rawValue)"
    }

    public func build(_ m: ModuleBuilder) throws {
        m.describe("\(from) -> \(to), rounding \(rounding.rawValue), overflow \(overflow.rawValue)")
        let valid = m.input("in_valid", .bool)
        let x = m.input("in_x", from)
        m.output("out_valid", m.register("valid_q", next: valid, reset: 0))
        m.output("out_y", m.register("y_q", next: x.cast(to: to, rounding: rounding, overflow: overflow)))
    }

    public var top: any Block { self }
    public var validPort: String? { "out_valid" }
    public var dataPorts: [String] { ["out_y"] }
    public var latency: Int { 1 }

    public func stimulus(seed: UInt64, vectors: Int) -> Stimulus {
        var s = Stimulus(ports: ["in_valid", "in_x"])
        let w = from.width
        // Directed: extremes, and values around each rounding tie.
        var directed: [BigValue] = [.zero, .one, from.rawMax, from.rawMin, BigValue(-1), from.rawMax - .one, from.rawMin + .one]
        let d = from.fraction - to.fraction
        if d > 0 {
            let half = BigValue.pow2(d - 1)
            for k in -3...3 {
                let base = BigValue(k) << d
                for off in [half - .one, half, half + .one] { directed.append(base + off); directed.append(base - off) }
            }
        }
        for v in directed where from.canHold(raw: v) { s.add(["in_valid": 1, "in_x": v.modPow2(w)]) }
        var rng = SplitMix64(seed: seed)
        for _ in 0..<vectors {
            if rng.next() % 8 == 0 { s.add(["in_valid": 0, "in_x": rng.bits(w)]) }
            s.add(["in_valid": 1, "in_x": rng.bits(w)])
        }
        s.add(["in_valid": 0])
        s.add(["in_valid": 0])
        return s
    }

    public func expected(_ s: Stimulus) -> [Transaction] {
        s.cycles.enumerated().compactMap { c, row in
            guard !row[0].isZero else { return nil }
            let y = FixedValue(bits: row[1], from).cast(to: to, rounding: rounding, overflow: overflow)
            return Transaction(cycle: c + latency, values: [y.bits])
        }
    }
}
