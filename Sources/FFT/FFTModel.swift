import HDL

/// The bit-exact model of an `FFTPlan`: the same stages on a whole frame
/// as arrays (no cycles, no hardware structure), rounding at the same
/// points. Every intermediate is checked against its declared width, so a
/// wrong bound is an error here, not a silent wrap in the hardware.
public struct FFTModel: Sendable {
    public let plan: FFTPlan
    public init(_ plan: FFTPlan) { self.plan = plan }

    public struct Output: Sendable {
        /// In stream order: bin bitReverse(p) at position p.
        public var bitReversed: [ComplexInt]
        /// Whether an output saturated.
        public var saturated: [Bool]
        /// Bin k at index k.
        public var natural: [ComplexInt] {
            (0..<bitReversed.count).map { bitReversed[FFTModel.bitReverse($0, bits: logCount)] }
        }
        public var naturalSaturated: [Bool] {
            (0..<saturated.count).map { saturated[FFTModel.bitReverse($0, bits: logCount)] }
        }
        var logCount: Int { bitReversed.count.trailingZeroBitCount }
    }

    public static func bitReverse(_ x: Int, bits: Int) -> Int {
        var r = 0
        for i in 0..<bits where x >> i & 1 == 1 { r |= 1 << (bits - 1 - i) }
        return r
    }

    /// The frame after every stage (before the output rounding), in
    /// stream order.
    public func stages(_ input: [ComplexInt]) throws -> [ComplexInt] {
        let p = plan, n = p.n
        guard input.count == n else { throw UserError("an FFT frame has \(n) samples, got \(input.count)") }
        for x in input where !FixedMath.fits(x.re, width: p.inWidth) || !FixedMath.fits(x.im, width: p.inWidth) {
            throw UserError("input \(x) does not fit \(p.inWidth) bits")
        }
        return try stages(working: input.map { ComplexInt($0.re << p.guardBits, $0.im << p.guardBits) })
    }

    /// The stages on input already in working units (guard bits appended),
    /// which must fit the first stage's input width.
    public func stages(working input: [ComplexInt]) throws -> [ComplexInt] {
        let p = plan, n = p.n
        var v = input
        for x in v where !FixedMath.fits(x.re, width: p.stages[0].inWidth) || !FixedMath.fits(x.im, width: p.stages[0].inWidth) {
            throw UserError("internal error: working input \(x) does not fit \(p.stages[0].inWidth) bits")
        }
        let tw = p.twiddles.width
        for (i, st) in p.stages.enumerated() {
            let l = st.span
            for b in stride(from: 0, to: n, by: 2 * l) {
                for j in b..<b + l {
                    let (x, y) = (v[j], v[j + l])
                    v[j] = x + y
                    v[j + l] = x - y
                }
            }
            for q in 0..<n {
                switch st.rotation {
                case .none:
                    v[q] = FixedMath.roundShift(v[q], st.shift, p.rounding)
                case .quarterTurn(let m):
                    if q % m >= 3 * m / 4 { v[q] = p.inverse ? v[q].timesJ : v[q].timesMinusJ }
                    v[q] = FixedMath.roundShift(v[q], st.shift, p.rounding)
                case .eighths(let e):
                    // Exact quarter turns; odd eighths through the quantized 1/√2.
                    let k = (e[q % e.count] / (n / 8)) % 8
                    if k % 2 == 1 {
                        v[q] = FixedMath.multiply(v[q], p.twiddles.value(e[q % e.count]), shift: tw - 1 + st.shift, p.rounding)
                    } else {
                        let turns = (p.inverse ? (8 - k) % 8 : k) / 2     // quarter turns clockwise
                        for _ in 0..<turns { v[q] = v[q].timesMinusJ }
                        v[q] = FixedMath.roundShift(v[q], st.shift, p.rounding)
                    }
                case .table(let e) where p.parallel && e[q % e.count] % (n / 4) == 0:
                    // A constant quarter turn is exact in the parallel form.
                    let k = (e[q % e.count] / (n / 4)) % 4
                    for _ in 0..<(p.inverse ? (4 - k) % 4 : k) { v[q] = v[q].timesMinusJ }
                    v[q] = FixedMath.roundShift(v[q], st.shift, p.rounding)
                case .table(let e):
                    v[q] = FixedMath.multiply(v[q], p.twiddles.value(e[q % e.count]), shift: tw - 1 + st.shift, p.rounding)
                }
                guard FixedMath.fits(v[q].re, width: st.outWidth), FixedMath.fits(v[q].im, width: st.outWidth) else {
                    throw UserError("internal error: stage \(i) value \(v[q]) exceeds its \(st.outWidth) bits (the width bound is wrong)")
                }
            }
        }
        return v
    }

    /// The output frame: the stages, then the guard bits rounded off and
    /// (when the output may be narrower than the bound) saturation.
    public func transform(_ input: [ComplexInt]) throws -> Output {
        let v = try stages(input)
        var out: [ComplexInt] = [], sat: [Bool] = []
        for z in v {
            let r = FixedMath.roundShift(z, plan.guardBits, plan.rounding)
            let (re, a) = FixedMath.saturate(r.re, width: plan.outWidth)
            let (im, b) = FixedMath.saturate(r.im, width: plan.outWidth)
            if (a || b) && !plan.canSaturate {
                throw UserError("internal error: output \(r) exceeds \(plan.outWidth) bits (the width bound is wrong)")
            }
            out.append(ComplexInt(re, im))
            sat.append(a || b)
        }
        return Output(bitReversed: out, saturated: sat)
    }
}

/// The float64 DFT the accuracy figures compare against: a plain radix-2
/// FFT in Double (unnormalised; inverse uses exp(+2πi nk/N)).
public enum ReferenceFFT {
    public static func transform(_ x: [(Double, Double)], inverse: Bool = false) -> [(Double, Double)] {
        let n = x.count
        guard n > 1 else { return x }
        let even = transform(stride(from: 0, to: n, by: 2).map { x[$0] }, inverse: inverse)
        let odd = transform(stride(from: 1, to: n, by: 2).map { x[$0] }, inverse: inverse)
        var out = Array(repeating: (0.0, 0.0), count: n)
        let sign = inverse ? 1.0 : -1.0
        for k in 0..<n / 2 {
            let (c, s) = TwiddleTable.unit(k, n)
            let w = (c, sign * s)
            let o = odd[k]
            let t = (w.0 * o.0 - w.1 * o.1, w.0 * o.1 + w.1 * o.0)
            out[k] = (even[k].0 + t.0, even[k].1 + t.1)
            out[k + n / 2] = (even[k].0 - t.0, even[k].1 - t.1)
        }
        return out
    }
}
