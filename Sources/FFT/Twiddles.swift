import Foundation

/// The twiddle ROM generator: W_N^e = exp(∓2πi·e/N) (minus for the forward
/// transform) as integers with width-1 fraction bits, rounded half-even at
/// elaboration, in `width` signed bits — except an exact +1.0 (W^0, and +j
/// for the inverse transform), which is 2^(width-1): held as the largest
/// value 1 - 2^-(width-1) it was a gain error on every W^0 product (8 LSB
/// at N = 64 on a full-scale DC frame). The ROM multipliers pass those
/// words by exactly (`romTwiddleProduct`); -1.0 is exact in `width` bits.
public struct TwiddleTable: Hashable, Sendable {
    public let n: Int
    public let width: Int
    public let inverse: Bool

    public init(n: Int, width: Int, inverse: Bool) {
        self.n = n
        self.width = width
        self.inverse = inverse
    }

    /// cos and sin of the angle, exact at multiples of 45° apart from the
    /// 1/√2 itself (no 6e-17 where a zero belongs).
    static func unit(_ e: Int, _ n: Int) -> (Double, Double) {
        let k = ((e % n) + n) % n
        if (8 * k) % n == 0 {
            let r = 0.5.squareRoot()
            let table: [(Double, Double)] = [(1, 0), (r, r), (0, 1), (-r, r), (-1, 0), (-r, -r), (0, -1), (r, -r)]
            return table[8 * k / n]
        }
        let a = 2 * Double.pi * Double(k) / Double(n)
        return (cos(a), sin(a))
    }

    /// The quantized W_N^e.
    public func value(_ e: Int) -> Twiddle {
        let (c, s) = TwiddleTable.unit(e, n)
        let scale = Double(1 << (width - 1))
        func q(_ x: Double) -> Int {
            if x == 1 { return 1 << (width - 1) }
            let r = Int((x * scale).rounded(.toNearestOrEven))
            return min(max(r, -(1 << (width - 1))), (1 << (width - 1)) - 1)
        }
        // Forward: exp(-i a) = cos a - i sin a.
        return Twiddle(q(c), q(inverse ? s : -s))
    }

    /// The largest |w| of the given exponents, in units of 1.0.
    public func largestMagnitude(_ exponents: [Int]) -> Double {
        let scale = Double(1 << (width - 1))
        return Set(exponents).map { e -> Double in
            let w = value(e)
            return (Double(w.c) * Double(w.c) + Double(w.d) * Double(w.d)).squareRoot() / scale
        }.max() ?? 0
    }
}
