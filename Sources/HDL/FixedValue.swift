/// A fixed-point number for golden models: an exact raw integer in a format.
/// Written on plain integer arithmetic, independently of the IR.
public struct FixedValue: Hashable, Sendable, CustomStringConvertible {
    public let raw: BigValue
    public let type: HWType

    /// `raw` must fit `type`; out-of-range values are wrapped.
    public init(raw: BigValue, _ type: HWType) {
        self.raw = type.canHold(raw: raw) ? raw : raw.wrapped(width: type.width, signed: type.isSigned)
        self.type = type
    }

    /// From the bit pattern of a port (0 <= bits < 2^width).
    public init(bits: BigValue, _ type: HWType) {
        self.init(raw: bits.wrapped(width: type.width, signed: type.isSigned), type)
    }

    public static func zero(_ t: HWType) -> FixedValue { FixedValue(raw: .zero, t) }

    /// The bit pattern as a port carries it.
    public var bits: BigValue { raw.modPow2(type.width) }

    public var description: String { "\(raw)/2^\(type.fraction) \(type)" }

    /// Exact product (raw values multiply, fractions add).
    public func times(_ o: FixedValue) -> BigValue { raw * o.raw }

    /// Converts `raw` (scaled by 2^-fromFraction) to `target`.
    public static func cast(raw: BigValue, fromFraction: Int, to target: HWType,
                            rounding: Rounding, overflow: Overflow) -> FixedValue {
        var v = raw
        let d = fromFraction - target.fraction
        if d < 0 {
            v = v << -d
        } else if d > 0 {
            let (q, r) = v.floorDivMod(.pow2(d))
            let twice = r << 1, unit = BigValue.pow2(d)
            switch rounding {
            case .truncate: v = q
            case .halfUp: v = twice >= unit ? q + .one : q
            case .halfEven:
                if twice > unit || (twice == unit && q.bit(0)) { v = q + .one } else { v = q }
            }
        }
        switch overflow {
        case .saturate:
            if v > target.rawMax { v = target.rawMax }
            if v < target.rawMin { v = target.rawMin }
        case .wrap:
            v = v.wrapped(width: target.width, signed: target.isSigned)
        }
        return FixedValue(raw: v, target)
    }

    public func cast(to target: HWType, rounding: Rounding, overflow: Overflow) -> FixedValue {
        FixedValue.cast(raw: raw, fromFraction: type.fraction, to: target, rounding: rounding, overflow: overflow)
    }
}
