/// The type of a hardware signal: a bit vector read as an unsigned or
/// two's-complement signed number scaled by 2^-fraction.
///
/// Integers are fixed-point numbers with no fraction bits and `Bool` is the
/// 1-bit unsigned integer, so one arithmetic covers all three.
public struct HWType: Hashable, Sendable, CustomStringConvertible {
    public let width: Int
    public let isSigned: Bool
    public let fraction: Int

    public init(width: Int, signed: Bool, fraction: Int = 0) {
        self.width = width
        self.isSigned = signed
        self.fraction = fraction
    }

    public static let bool = HWType(width: 1, signed: false)
    public static func uint(_ w: Int) -> HWType { HWType(width: w, signed: false) }
    public static func sint(_ w: Int) -> HWType { HWType(width: w, signed: true) }
    /// Fixed point with `integer` bits (the sign bit included when signed)
    /// and `fraction` bits: `.fixed(signed: true, integer: 1, fraction: 7)` is Q1.7.
    public static func fixed(signed: Bool, integer: Int, fraction: Int) -> HWType {
        HWType(width: integer + fraction, signed: signed, fraction: fraction)
    }
    public static func fixed(_ f: FixedFormat) -> HWType {
        HWType(width: f.width, signed: f.signed, fraction: f.fraction)
    }

    public var integerBits: Int { width - fraction }
    public var isFixed: Bool { fraction != 0 }
    public var format: FixedFormat { FixedFormat(signed: isSigned, integer: integerBits, fraction: fraction) }

    /// Smallest and largest raw (integer) values this type can hold.
    public var rawMin: BigValue { isSigned ? -BigValue.pow2(width - 1) : .zero }
    public var rawMax: BigValue { (isSigned ? BigValue.pow2(width - 1) : BigValue.pow2(width)) - .one }
    public func canHold(raw v: BigValue) -> Bool { v >= rawMin && v <= rawMax }

    public var description: String {
        if fraction == 0 { return width == 1 && !isSigned ? "Bool" : "\(isSigned ? "SInt" : "UInt")<\(width)>" }
        return "\(isSigned ? "SFix" : "UFix")<Q\(integerBits).\(fraction)>"
    }

    /// Checks the type is representable; called by every builder entry point.
    func validate() -> String? {
        if width < 1 { return "width must be at least 1, got \(width)" }
        if width > 1 << 20 { return "width \(width) exceeds the limit of 1048576 bits" }
        if fraction < 0 { return "fraction bits must be non-negative, got \(fraction)" }
        return nil
    }
}

/// A fixed-point number format, the unit of every rounding or saturating cast.
public struct FixedFormat: Hashable, Sendable, CustomStringConvertible {
    public let signed: Bool
    public let integer: Int
    public let fraction: Int
    public init(signed: Bool, integer: Int, fraction: Int) {
        self.signed = signed
        self.integer = integer
        self.fraction = fraction
    }
    public static func signed(integer: Int, fraction: Int) -> FixedFormat {
        FixedFormat(signed: true, integer: integer, fraction: fraction)
    }
    public static func unsigned(integer: Int, fraction: Int) -> FixedFormat {
        FixedFormat(signed: false, integer: integer, fraction: fraction)
    }
    public var width: Int { integer + fraction }
    public var type: HWType { .fixed(self) }
    public var description: String { "\(signed ? "S" : "U")Q\(integer).\(fraction)" }
}

/// How a cast drops fraction bits.
public enum Rounding: String, Sendable, CaseIterable {
    /// Drop the bits: rounds toward minus infinity (floor) for both signs.
    case truncate
    /// Round to nearest, ties toward plus infinity.
    case halfUp = "half-up"
    /// Round to nearest, ties to the even neighbour (convergent rounding).
    case halfEven = "half-even"
}

/// How a cast handles a value outside the target range.
public enum Overflow: String, Sendable, CaseIterable {
    /// Keep the low bits (two's-complement wrap-around).
    case wrap
    /// Clamp to the nearest representable value.
    case saturate
}
