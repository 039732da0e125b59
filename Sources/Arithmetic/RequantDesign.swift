import Harness
import HDL

/// `requant`: the registered requantiser for every rounding and overflow
/// mode, against the integer model `FixedValue.cast`.
public struct RequantDesign: Design {
    public struct Params: ParamSet {
        var inSigned = true, inInt = 8, inFrac = 8
        var outSigned = true, outInt = 4, outFrac = 4
        var rounding = Rounding.halfEven, overflow = Overflow.saturate
        public init() {}
        init(rounding: Rounding, overflow: Overflow) { self.rounding = rounding; self.overflow = overflow }
        public static var specs: [Param<Self>] { [
            .flag("in_signed", \.inSigned, "signedness of x"),
            .int("in_int", \.inInt, 0...64, "integer bits of x (sign included)"),
            .int("in_frac", \.inFrac, 0...64, "fraction bits of x"),
            .flag("out_signed", \.outSigned, "signedness of y"),
            .int("out_int", \.outInt, 0...64, "integer bits of y (sign included)"),
            .int("out_frac", \.outFrac, 0...64, "fraction bits of y"),
            .choice("rounding", \.rounding, "how fraction bits are dropped"),
            .choice("overflow", \.overflow, "how range overflow is handled"),
        ] }
    }

    public static let name = "requant"
    public static let summary = "registered fixed-point requantiser y = cast(x) with rounding and overflow modes"
    public static var testSets: [Params] {
        var sets: [Params] = []
        for r in Rounding.allCases {
            for o in Overflow.allCases {
                sets.append(Params(rounding: r, overflow: o))
                var unsignedIn = Params(rounding: r, overflow: o)
                unsignedIn.inSigned = false; unsignedIn.outInt = 5; unsignedIn.outFrac = 2
                sets.append(unsignedIn)
                var wide = Params(rounding: r, overflow: o)
                wide.outSigned = false; wide.inInt = 40; wide.inFrac = 60; wide.outInt = 3; wide.outFrac = 30
                sets.append(wide)
            }
        }
        var widen = Params(); widen.inInt = 2; widen.inFrac = 3; widen.outInt = 6; widen.outFrac = 7
        var toInteger = Params(); toInteger.inInt = 1; toInteger.inFrac = 9; toInteger.outInt = 1; toInteger.outFrac = 0
        toInteger.rounding = .halfUp
        return sets + [widen, toInteger]
    }

    public let unit: Requantiser

    public init(_ p: Params) throws {
        let from = HWType(width: p.inInt + p.inFrac, signed: p.inSigned, fraction: p.inFrac)
        let to = HWType(width: p.outInt + p.outFrac, signed: p.outSigned, fraction: p.outFrac)
        for (n, t) in [("in", from), ("out", to)] {
            if t.width < 1 || t.width > 128 { throw UserError("\(n)_int + \(n)_frac must be 1...128, got \(t.width)") }
            if t.isSigned && t.integerBits < 1 { throw UserError("a signed \(n) format needs \(n)_int >= 1 (the sign bit)") }
        }
        unit = Requantiser(from: from, to: to, rounding: p.rounding, overflow: p.overflow)
    }

    public var top: any Block { unit }
    public var ports: TestPorts { TestPorts(valid: "out_valid", data: ["out_y"], latency: 1) }

    public func stimulus(seed: UInt64, vectors: Int) -> Stimulus {
        var s = Stimulus(ports: ["in_valid", "in_x"])
        let from = unit.from, to = unit.to
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
            return Transaction(cycle: c + 1, values: [unit.model(row[1])])
        }
    }
}
