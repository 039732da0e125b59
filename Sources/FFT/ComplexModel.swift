/// Integer complex values and the rounding the FFT family's models use:
/// plain Swift arithmetic, written apart from the hardware (which rounds
/// through `Signal.cast`), so each checks the other.
public struct ComplexInt: Hashable, Sendable, CustomStringConvertible {
    public var re: Int
    public var im: Int
    public init(_ re: Int, _ im: Int) { self.re = re; self.im = im }
    public static let zero = ComplexInt(0, 0)

    public static func + (a: ComplexInt, b: ComplexInt) -> ComplexInt { ComplexInt(a.re + b.re, a.im + b.im) }
    public static func - (a: ComplexInt, b: ComplexInt) -> ComplexInt { ComplexInt(a.re - b.re, a.im - b.im) }
    public var conjugate: ComplexInt { ComplexInt(re, -im) }
    /// Times -j (a quarter turn clockwise).
    public var timesMinusJ: ComplexInt { ComplexInt(im, -re) }
    /// Times +j.
    public var timesJ: ComplexInt { ComplexInt(-im, re) }
    public var description: String { "(\(re), \(im))" }
}

/// A twiddle as stored: integers c + jd scaled by 2^(width-1).
public struct Twiddle: Hashable, Sendable {
    public var c: Int
    public var d: Int
    public init(_ c: Int, _ d: Int) { self.c = c; self.d = d }
}

public enum FixedMath {
    /// `x / 2^shift` rounded as `mode` says (exact integer arithmetic).
    public static func roundShift(_ x: Int128, _ shift: Int, _ mode: RoundingMode) -> Int128 {
        guard shift > 0 else { return x << Int128(-shift) }
        let q = x >> Int128(shift)                       // floor
        let r = x - (q << Int128(shift))                 // 0 ..< 2^shift
        let half = Int128(1) << Int128(shift - 1)
        switch mode {
        case .truncate: return q
        case .halfUp: return r >= half ? q + 1 : q
        case .halfEven: return (r > half || (r == half && q & 1 == 1)) ? q + 1 : q
        }
    }

    public static func roundShift(_ x: Int, _ shift: Int, _ mode: RoundingMode) -> Int {
        Int(roundShift(Int128(x), shift, mode))
    }

    public static func roundShift(_ z: ComplexInt, _ shift: Int, _ mode: RoundingMode) -> ComplexInt {
        ComplexInt(roundShift(z.re, shift, mode), roundShift(z.im, shift, mode))
    }

    /// (x · w) / 2^shift, the complex product exact before one rounding per part.
    public static func multiply(_ x: ComplexInt, _ w: Twiddle, shift: Int, _ mode: RoundingMode) -> ComplexInt {
        let (a, b, c, d) = (Int128(x.re), Int128(x.im), Int128(w.c), Int128(w.d))
        return ComplexInt(Int(roundShift(a * c - b * d, shift, mode)), Int(roundShift(a * d + b * c, shift, mode)))
    }

    /// Clamps to a signed `width`-bit range; the flag says whether it had to.
    public static func saturate(_ x: Int, width: Int) -> (Int, Bool) {
        let hi = (1 << (width - 1)) - 1, lo = -(1 << (width - 1))
        if x > hi { return (hi, true) }
        if x < lo { return (lo, true) }
        return (x, false)
    }

    /// Whether `x` fits a signed `width`-bit register.
    public static func fits(_ x: Int, width: Int) -> Bool {
        x >= -(1 << (width - 1)) && x <= (1 << (width - 1)) - 1
    }
}

/// The three rounding modes of every rounding point (the HDL's `Rounding`
/// under the names FFT users know; `convergent` is half-even).
public enum RoundingMode: String, CaseIterable, Sendable {
    case truncate
    case halfUp = "half-up"
    case halfEven = "convergent"
}
