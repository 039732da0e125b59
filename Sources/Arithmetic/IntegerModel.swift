/// Integer helpers for golden models, written from the definitions (not
/// from the hardware's cast): x · 2^−shift rounded half to even, and
/// clamping to a signed or unsigned width. Plain `Int`, for models whose
/// values fit 62 bits.
public enum Raw {
    public static func halfEven(_ x: Int, shift: Int) -> Int {
        if shift <= 0 { return x << -shift }
        let q = x >> shift                       // floor
        let r = x - (q << shift), half = 1 << (shift - 1)
        return r > half || (r == half && q & 1 == 1) ? q + 1 : q
    }
    public static func signed(_ x: Int, bits: Int) -> Int { min(max(x, -(1 << (bits - 1))), (1 << (bits - 1)) - 1) }
    public static func unsigned(_ x: Int, bits: Int) -> Int { min(max(x, 0), (1 << bits) - 1) }
}
