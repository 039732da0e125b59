import HDL

/// The bit-exact model of a `RealFFTPlan`, on whole frames.
public struct RealFFTModel: Sendable {
    public let plan: RealFFTPlan
    public init(_ plan: RealFFTPlan) { self.plan = plan }

    /// Forward: the N real samples (as N/2 pairs x[2n] + j·x[2n+1]) give
    /// bins 0 ..< N/2 and, beside bin k, bin N/2 - k (the Nyquist bin at k = 0).
    /// Inverse: bins 0 ..< N/2 and the real Nyquist bin give the N/2 pairs.
    public struct Output: Sendable {
        public var main: [ComplexInt]
        public var mirror: [ComplexInt]
        public var saturated: [Bool]
    }

    func fits(_ z: ComplexInt, _ w: Int) -> Bool { FixedMath.fits(z.re, width: w) && FixedMath.fits(z.im, width: w) }

    public func transform(_ input: [ComplexInt], nyquist: Int = 0) throws -> Output {
        let p = plan, m = p.half, g = p.guardBits, tw = p.twiddles.width
        guard input.count == m else { throw UserError("a real-FFT frame has \(m) words, got \(input.count)") }
        for x in input where !fits(x, p.inWidth) { throw UserError("input \(x) does not fit \(p.inWidth) bits") }
        var main: [ComplexInt], mirror: [ComplexInt]
        if !p.inverse {
            let v = try FFTModel(p.core).stages(input)
            let z = (0..<m).map { v[FFTModel.bitReverse($0, bits: m.trailingZeroBitCount)] }
            main = []; mirror = []
            for k in 0..<m {
                let (a, b) = (z[k], z[(m - k) % m].conjugate)
                let prod = FixedMath.multiply((a - b).timesMinusJ, p.twiddles.value(k), shift: tw - 1, p.rounding)
                let s = a + b
                main.append(FixedMath.roundShift(s + prod, 1 + p.splitShift, p.rounding))
                mirror.append(FixedMath.roundShift((s - prod).conjugate, 1 + p.splitShift, p.rounding))
                guard fits(main[k], p.splitOutWidth), fits(mirror[k], p.splitOutWidth) else {
                    throw UserError("internal error: split output exceeds \(p.splitOutWidth) bits")
                }
            }
        } else {
            guard FixedMath.fits(nyquist, width: p.inWidth) else { throw UserError("Nyquist bin \(nyquist) does not fit \(p.inWidth) bits") }
            let x = input.map { ComplexInt($0.re << g, $0.im << g) }
            let nyq = ComplexInt(nyquist << g, 0)
            var zp: [ComplexInt] = []
            for k in 0..<m {
                let (a, b) = (x[k], (k == 0 ? nyq : x[m - k]).conjugate)
                let prod = FixedMath.multiply(a - b, p.twiddles.value(k), shift: tw - 1, p.rounding)
                let z = FixedMath.roundShift(a + b + prod.timesJ, p.splitShift, p.rounding)
                guard fits(z, p.splitOutWidth) else { throw UserError("internal error: split output exceeds \(p.splitOutWidth) bits") }
                zp.append(z)
            }
            let v = try FFTModel(p.core).stages(working: zp)
            main = (0..<m).map { v[FFTModel.bitReverse($0, bits: m.trailingZeroBitCount)] }
            mirror = []
        }
        // Guard bits off, saturating only where the output may be narrower than the bound.
        var sat: [Bool] = []
        func out(_ z: ComplexInt) throws -> (ComplexInt, Bool) {
            let r = FixedMath.roundShift(z, g, p.rounding)
            let (re, a) = FixedMath.saturate(r.re, width: p.outWidth), (im, b) = FixedMath.saturate(r.im, width: p.outWidth)
            if (a || b) && !p.canSaturate { throw UserError("internal error: output \(r) exceeds \(p.outWidth) bits") }
            return (ComplexInt(re, im), a || b)
        }
        for k in 0..<m {
            let (y, s1) = try out(main[k])
            main[k] = y
            var s = s1
            if !mirror.isEmpty {
                let (y2, s2) = try out(mirror[k])
                mirror[k] = y2
                s = s || s2
            }
            sat.append(s)
        }
        return Output(main: main, mirror: mirror, saturated: sat)
    }
}
