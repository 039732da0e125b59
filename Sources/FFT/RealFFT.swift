import HDL

/// The streaming real-input FFT and its inverse (see `RealFFTPlan`), two
/// real samples or one bin per cycle, frames of N/2 cycles.
///
/// Forward ports: in_re = x[2n], in_im = x[2n+1]; out_re/out_im = bin k and
/// out_mirror_re/out_mirror_im = bin N/2 - k, k = 0 ... N/2-1 in natural
/// order (the Nyquist bin N/2 beside bin 0). Inverse: in_re/in_im = bin k,
/// k = 0 ... N/2-1, in_nyq = the real bin N/2 with the frame's first word;
/// out_re = x[2n], out_im = x[2n+1] (natural or bit-reversed n). Same
/// valid/start contract as `StreamingFFT`.
public struct RealFFT: Block {
    public let plan: RealFFTPlan
    public let style: MultiplierStyle
    public let natural: Bool

    public init(plan: RealFFTPlan, style: MultiplierStyle, natural: Bool) {
        self.plan = plan
        self.style = style
        self.natural = natural || !plan.inverse     // the split buffer puts forward bins in order anyway
    }

    public var moduleName: String {
        let p = plan
        let h = ContentHash.short("\(p.core.stages)", "\(p.rounding)", "\(p.twiddles.width)", "\(p.splitShift)", "\(p.guardBits)", "\(p.splitOutWidth)", "\(p.canSaturate)", digits: 6)
        return "fft_real_n\(p.n)_w\(p.inWidth)_\(p.outWidth)\(p.inverse ? "_inv" : "")\(natural ? "_nat" : "_rev")_m\(style.rawValue)_\(h)"
    }

    var core: StreamingFFT { StreamingFFT(plan: plan.core, style: style, natural: false) }
    var coreWidth: Int { plan.core.stages.last!.outWidth }

    public var latency: Int {
        // The core's own latency less its output register, then the pair
        // buffer, the split, (the reorder buffer,) the output register.
        var l = core.latency - 1 + PairBuffer(m: plan.half, width: 1, bitReversed: true, nyquist: false).latency
        l += SplitStage(plan: plan, style: style).latency + 1
        if plan.inverse && natural { l += ReorderBuffer(n: plan.half, width: coreWidth).latency }
        return l
    }

    public var multipliers: Int { plan.complexMultipliers * style.count }

    public func build(_ m: ModuleBuilder) throws {
        let p = plan, g = p.guardBits
        m.describe("\(p.n)-point real \(p.inverse ? "inverse " : "")FFT: an \(p.half)-point complex core and the split, \(p.inWidth)-bit input, \(p.outWidth)-bit output, latency \(latency)")
        let (valid, start, x) = m.streamPorts("in", width: p.inWidth, input: true)
        var s = FFTStream(valid: valid, start: start, data: ComplexSignal(x.re << g, x.im << g))
        let split = SplitStage(plan: p, style: style)
        var outputs: [ComplexSignal]
        if !p.inverse {
            try StreamingFFT.pipeline(m, plan: p.core, style: style, &s)
            let buf = try pairs(m, PairBuffer(m: p.half, width: coreWidth, bitReversed: true, nyquist: false), &s, nyquist: nil)
            let i = try m.instance(split, name: "split")
            connect(i, s, buf)
            s = FFTStream(valid: i.output("out_valid"), start: i.output("out_start"), data: ComplexSignal(i.output("out_re"), i.output("out_im")))
            outputs = [s.data, ComplexSignal(i.output("out_mirror_re"), i.output("out_mirror_im"))]
        } else {
            let nyq = m.input("in_nyq", .sint(p.inWidth))
            let buf = try pairs(m, PairBuffer(m: p.half, width: p.inWidth + g, bitReversed: false, nyquist: true), &s, nyquist: nyq << g)
            let i = try m.instance(split, name: "split")
            connect(i, s, buf)
            s = FFTStream(valid: i.output("out_valid"), start: i.output("out_start"), data: ComplexSignal(i.output("out_re"), i.output("out_im")))
            s.data = s.data.fitted(to: p.core.stages[0].inWidth)
            try StreamingFFT.pipeline(m, plan: p.core, style: style, &s)
            if natural { try m.feed(ReorderBuffer(n: p.half, width: coreWidth), "reorder", &s) }
            outputs = [s.data]
        }
        let (y, overflow) = StreamingFFT.outputRounding(m, outputs, valid: s.valid, guardBits: g, outWidth: p.outWidth,
                                                        saturate: p.canSaturate, rounding: p.rounding)
        m.output("out_valid", m.register("valid_q", next: s.valid, reset: 0))
        m.output("out_start", m.register("start_q", next: s.start, reset: 0))
        m.output("out_re", y[0].re)
        m.output("out_im", y[0].im)
        if y.count > 1 {
            m.output("out_mirror_re", y[1].re)
            m.output("out_mirror_im", y[1].im)
        }
        m.output("out_overflow", overflow)
    }

    /// The pair buffer on `s`: its first word stream becomes `s`, the partner comes back.
    func pairs(_ m: ModuleBuilder, _ block: PairBuffer, _ s: inout FFTStream, nyquist: Signal?) throws -> ComplexSignal {
        let i = try m.instance(block, name: "pairs")
        i.input("in_valid").assign(s.valid)
        i.input("in_start").assign(s.start)
        i.input("in_re").assign(s.data.re)
        i.input("in_im").assign(s.data.im)
        if let n = nyquist { i.input("in_nyq").assign(n) }
        s = FFTStream(valid: i.output("out_valid"), start: i.output("out_start"), data: ComplexSignal(i.output("out_re"), i.output("out_im")))
        return ComplexSignal(i.output("out_b_re"), i.output("out_b_im"))
    }

    func connect(_ i: InstanceHandle, _ s: FFTStream, _ b: ComplexSignal) {
        i.input("in_valid").assign(s.valid)
        i.input("in_start").assign(s.start)
        i.input("in_re").assign(s.data.re)
        i.input("in_im").assign(s.data.im)
        i.input("in_b_re").assign(b.re)
        i.input("in_b_im").assign(b.im)
    }
}
