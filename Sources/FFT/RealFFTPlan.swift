import Foundation
import HDL

/// An N-point FFT of real input through one N/2-point complex FFT: the
/// real samples go in pairs, z[n] = x[2n] + j·x[2n+1], two per cycle, and a
/// split stage turns Z = FFT(z) into the N/2 + 1 bins of x:
///
///   A = Z[k] + conj Z[M-k],  B = Z[k] - conj Z[M-k]   (M = N/2, exact)
///   P = W_N^k · (-j·B)                                (one complex product)
///   X[k] = (A + P) / 2,   X[M-k] = conj(A - P) / 2
///
/// so bins 0 and M are real by construction. The inverse runs the split
/// backwards, Z'[k] = A + j·W_N^-k·B from the Hermitian input (bins 0...M),
/// then an M-point inverse FFT: out = x[2n] + j·x[2n+1] = the unnormalised
/// N-point inverse DFT. Half the complex FFT's multipliers per real sample.
public struct RealFFTPlan: Hashable, Sendable {
    public let n: Int
    public let inverse: Bool
    public let inWidth: Int
    public let guardBits: Int
    public let rounding: RoundingMode
    /// The N/2-point complex core.
    public let core: FFTPlan
    /// The split stage's shift (besides the forward split's fixed /2), its
    /// input and output widths (working units).
    public let splitShift: Int, splitInWidth: Int, splitOutWidth: Int
    /// The split stage's twiddles W_N^±k, k < N/2.
    public let twiddles: TwiddleTable
    public let neededOutWidth: Int, outWidth: Int, canSaturate: Bool

    public var half: Int { n / 2 }
    public var totalShift: Int { core.totalShift + splitShift }
    public var complexMultipliers: Int { core.complexMultipliers + 1 }

    public init(n: Int, inWidth: Int, twiddleWidth: Int, outWidth: Int?, guardBits: Int, radix: Radix, inverse: Bool,
                schedule: ScalingSchedule, rounding: RoundingMode, clip: Bool) throws {
        guard n >= 4, n & (n - 1) == 0 else {
            throw UserError("parameter n=\(n) must be a power of two, at least 4, for real input (an N/2-point complex FFT inside)")
        }
        self.n = n
        self.inverse = inverse
        self.inWidth = inWidth
        self.guardBits = guardBits
        self.rounding = rounding
        let stages = n.trailingZeroBitCount     // log2(N/2) core stages + the split
        let shifts = try schedule.shifts(stages)
        let coreShifts = inverse ? Array(shifts.dropFirst()) : Array(shifts.dropLast())
        splitShift = inverse ? shifts[0] : shifts[stages - 1]
        twiddles = TwiddleTable(n: n, width: twiddleWidth, inverse: inverse)
        let err = rounding == .truncate ? 1.0 : 0.5
        let g = twiddles.largestMagnitude(Array(0..<n / 2))
        let root2 = 2.0.squareRoot()
        if !inverse {
            core = try FFTPlan(n: n / 2, inWidth: inWidth, twiddleWidth: twiddleWidth, outWidth: nil, guardBits: guardBits,
                               radix: radix, inverse: false, schedule: .given(coreShifts), rounding: rounding, clip: true)
            // |A|, |B| <= 2 max|Z|; X = (A + P) / 2^(1 + shift).
            let mz = core.magnitudeBound
            let p = 2 * mz * g + err * root2
            let c = (2 * mz + p) / Double(1 << (1 + splitShift)) + err
            splitInWidth = core.stages.last!.outWidth
            splitOutWidth = FFTPlan.bits(c)
            let cOut = guardBits > 0 ? c / Double(1 << guardBits) + err : c
            neededOutWidth = FFTPlan.bits(cOut)
        } else {
            // Input bins in working units; Z' = A + j P, |Z'| <= |A| + |P|.
            let cx = Double(1 << (inWidth - 1 + guardBits)), mx = cx * root2
            let p = 2 * mx * g + err * root2
            let c = (2 * mx + p) / Double(1 << splitShift) + (splitShift > 0 ? err : 0)
            splitInWidth = inWidth + guardBits
            splitOutWidth = FFTPlan.bits(c)
            // The core takes the split's output as its (working) input.
            core = try FFTPlan(n: n / 2, inWidth: splitOutWidth - guardBits, twiddleWidth: twiddleWidth, outWidth: nil,
                               guardBits: guardBits, radix: radix, inverse: true, schedule: .given(coreShifts),
                               rounding: rounding, clip: true)
            neededOutWidth = core.neededOutWidth
        }
        let chosen = outWidth ?? neededOutWidth
        if chosen < neededOutWidth && !clip {
            throw UserError("parameter out_width=\(chosen) is too narrow for scaling=\(schedule): the output needs \(neededOutWidth) bits for every input in range (or set clip=yes to saturate)")
        }
        self.outWidth = chosen
        canSaturate = chosen < neededOutWidth
    }
}
