import HDL

/// The real-FFT split (see `RealFFTPlan`) on pairs a = word k, b = word
/// M - k: forward, X[k] = (A + P)/2^(1+s) and X[M-k] = conj(A - P)/2^(1+s)
/// with A = a + conj b, P = W_N^k·(-j(a - conj b)); inverse,
/// Z'[k] = (A + j·W_N^-k·(a - conj b))/2^s. One complex product per cycle.
///
/// Latency 4: ROM read with the exact sums, products, the rounded product,
/// the outputs.
public struct SplitStage: Block {
    public let plan: RealFFTPlan
    public let style: MultiplierStyle

    public init(plan: RealFFTPlan, style: MultiplierStyle) {
        self.plan = plan
        self.style = style
    }

    public var latency: Int { 4 }
    public var moduleName: String {
        let p = plan
        return "fft_real_split_n\(p.n)_w\(p.splitInWidth)_\(p.splitOutWidth)_t\(p.twiddles.width)_s\(p.splitShift)_m\(style.rawValue)_\(p.rounding.rawValue.filter { $0 != "-" })\(p.inverse ? "_inv" : "")"
    }

    public func build(_ b: ModuleBuilder) throws {
        let p = plan, w = p.splitInWidth, t = p.twiddles.width, half = p.half
        b.describe("real-FFT \(p.inverse ? "merge" : "split") of \(p.n) points, \(w) -> \(p.splitOutWidth) bits, \(t)-bit twiddles, \(style.rawValue) multipliers, shift \(p.splitShift)")
        let (valid, start, a) = b.streamPorts("in", width: w, input: true)
        let bb = ComplexSignal(b.input("in_b_re", .sint(w)), b.input("in_b_im", .sint(w)))
        let k = b.framePosition("k", valid: valid, start: start, bits: half.trailingZeroBitCount)
        let words = (0..<half).map { p.twiddles.value($0) }
        // Stage 1: A = a + conj b and the multiplier's operand, exact.
        let sumA = ComplexSignal(a.re + bb.re, a.im - bb.im).register(b, "sum_a")
        let operand = p.inverse ? ComplexSignal(a.re - bb.re, a.im + bb.im)      // a - conj b
                                : ComplexSignal(a.im + bb.im, bb.re - a.re)      // -j(a - conj b)
        // Stages 1 and 2: ROM read, products.
        let prod = b.romTwiddleProduct(operand, words: words, width: t, addr: k, style: style)
        let v1 = b.register("valid_1", next: valid, reset: 0), s1 = b.register("start_1", next: start, reset: 0)
        let a2 = sumA.register(b, "sum_a_2")
        let v2 = b.register("valid_2", next: v1, reset: 0), s2 = b.register("start_2", next: s1, reset: 0)
        // Stage 3: the product rounded; |P| <= |operand| < 2^(w+1).
        let rnd = RotationStage.hdlRounding(p.rounding)
        let pr = prod.scaled(shift: 0, to: w + 2, rounding: rnd, overflow: .wrap).register(b, "p")
        let a3 = a2.register(b, "sum_a_3")
        let v3 = b.register("valid_3", next: v2, reset: 0), s3 = b.register("start_3", next: s2, reset: 0)
        // Stage 4: the outputs (the plan's bound proves the width).
        let ow = p.splitOutWidth
        if p.inverse {
            let z = ComplexSignal(a3.re - pr.im, a3.im + pr.re)
            let y = z.scaled(shift: p.splitShift, to: ow, rounding: rnd, overflow: .wrap).register(b, "y")
            b.output("out_re", y.re)
            b.output("out_im", y.im)
        } else {
            let x = (a3 + pr).scaled(shift: 1 + p.splitShift, to: ow, rounding: rnd, overflow: .wrap).register(b, "y")
            let mirror = ComplexSignal(a3.re - pr.re, pr.im - a3.im)
                .scaled(shift: 1 + p.splitShift, to: ow, rounding: rnd, overflow: .wrap).register(b, "mirror")
            b.output("out_re", x.re)
            b.output("out_im", x.im)
            b.output("out_mirror_re", mirror.re)
            b.output("out_mirror_im", mirror.im)
        }
        b.output("out_valid", b.register("valid_4", next: v3, reset: 0))
        b.output("out_start", b.register("start_4", next: s3, reset: 0))
    }
}
