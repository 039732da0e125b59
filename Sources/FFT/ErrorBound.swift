import Foundation

/// Worst-case error bounds of the FFT models against the exact transform
/// at the plan's scale, derived stage by stage from the plan: a butterfly
/// adds the errors of its two inputs (doubling the bound), a rotation
/// multiplies the incoming error by at most max|W_q| and adds the twiddle
/// error max|W_q − W| times the largest value there, and every rounding
/// point adds at most ρ·√2 (ρ = 1/2 for the rounding modes, 1 for
/// truncation), all as complex magnitudes in working units (input LSB /
/// 2^guard). Loose (worst case on every path), but a bound.
public struct FFTErrorBound: Sendable {
    /// Bound on |error| and on |value| (complex magnitudes, working units).
    public var error: Double
    public var magnitude: Double

    static func rho(_ r: RoundingMode) -> Double { (r == .truncate ? 1 : 0.5) * 2.0.squareRoot() }

    /// max |W_q| and max |W_q − W| over `exponents` of `table`.
    static func twiddleError(_ table: TwiddleTable, _ exponents: [Int]) -> (gain: Double, error: Double) {
        let scale = Double(1 << (table.width - 1))
        var gain = 0.0, error = 0.0
        for e in Set(exponents) {
            let w = table.value(e), (c, s) = TwiddleTable.unit(e, table.n)
            let exact = (c, table.inverse ? s : -s)
            let (qc, qd) = (Double(w.c) / scale, Double(w.d) / scale)
            gain = max(gain, (qc * qc + qd * qd).squareRoot())
            error = max(error, ((qc - exact.0) * (qc - exact.0) + (qd - exact.1) * (qd - exact.1)).squareRoot())
        }
        return (gain, error)
    }

    /// One rotation by W_q (gain, twiddle error) then a shift with rounding.
    mutating func rotate(gain: Double, twiddleError tau: Double, shift: Int, rounds: Bool, _ r: RoundingMode) {
        let s = Double(1 << shift), rho = rounds ? FFTErrorBound.rho(r) : 0
        error = (error * gain + magnitude * tau) / s + rho
        magnitude = magnitude * gain / s + rho
    }

    /// Through the stages of `plan` (the complex core).
    public mutating func through(_ plan: FFTPlan) {
        for st in plan.stages {
            error *= 2
            magnitude *= 2
            switch st.rotation {
            case .none, .quarterTurn:
                rotate(gain: 1, twiddleError: 0, shift: st.shift, rounds: st.shift > 0, plan.rounding)
            case .eighths(let e), .table(let e):
                let (g, tau) = FFTErrorBound.twiddleError(plan.twiddles, e)
                rotate(gain: g, twiddleError: tau, shift: st.shift, rounds: true, plan.rounding)
            }
        }
    }

    /// The guard bits rounded off: output units.
    func output(guardBits g: Int, _ r: RoundingMode) -> Double {
        g == 0 ? error : error / Double(1 << g) + FFTErrorBound.rho(r)
    }
}

extension FFTPlan {
    /// Bound on |output − DFT(x)·2^-totalShift| (output units, complex
    /// magnitude) for inputs with |x| <= `inputMagnitude` (input units).
    public func errorBound(inputMagnitude: Double) -> Double {
        var b = FFTErrorBound(error: 0, magnitude: inputMagnitude * Double(1 << guardBits))
        b.through(self)
        return b.output(guardBits: guardBits, rounding)
    }
}

extension RealFFTPlan {
    /// Forward: bound on |X[k] − DFT(x)[k]·2^-totalShift| for |x[2n] + j·x[2n+1]|
    /// <= `inputMagnitude`. Inverse: bound on |out − (unnormalised inverse
    /// DFT)·2^-totalShift| per pair, for input bins with |X[k]| <=
    /// `inputMagnitude`. Output units, complex magnitude.
    public func errorBound(inputMagnitude: Double) -> Double {
        let g = Double(1 << guardBits)
        let (gain, tau) = FFTErrorBound.twiddleError(twiddles, Array(0..<half))
        let rho = FFTErrorBound.rho(rounding)
        var b = FFTErrorBound(error: 0, magnitude: inputMagnitude * g)
        if !inverse {
            b.through(core)
            // A = Z[k] + conj Z[M-k], B likewise; P = W·(−jB) rounded; (A + P) / 2^(1+s) rounded.
            let (eA, mA) = (2 * b.error, 2 * b.magnitude)
            let eP = eA * gain + mA * tau + rho, mP = mA * gain + rho
            let s = Double(1 << (1 + splitShift))
            b = FFTErrorBound(error: (eA + eP) / s + rho, magnitude: (mA + mP) / s + rho)
        } else {
            // P = W·(a − conj b) rounded; (a + conj b + jP) / 2^s, rounded when s > 0.
            let (eA, mA) = (2 * b.error, 2 * b.magnitude)
            let eP = eA * gain + mA * tau + rho, mP = mA * gain + rho
            let s = Double(1 << splitShift), r = splitShift > 0 ? rho : 0
            b = FFTErrorBound(error: (eA + eP) / s + r, magnitude: (mA + mP) / s + r)
            b.through(core)
        }
        return b.output(guardBits: guardBits, rounding)
    }
}
