import HDL

/// The pipelined streaming FFT/IFFT: one complex sample per cycle in and
/// out, single-path delay feedback (radix-2 or radix-2² DIF), then the
/// guard bits rounded off (saturating, with a sticky flag, only when the
/// output is narrower than the bound), optionally a reorder buffer for
/// natural order.
///
/// Interface (no back-pressure): in_valid high for the N consecutive cycles
/// of a frame, in_start with its first sample; frames back to back or
/// after any gap. out_valid / out_start / out_re / out_im likewise, each
/// output frame on N consecutive cycles, bins in bit-reversed or natural
/// order; out_overflow is sticky from the first saturated output on.
public struct StreamingFFT: Block {
    public let plan: FFTPlan
    public let style: MultiplierStyle
    public let natural: Bool

    public init(plan: FFTPlan, style: MultiplierStyle, natural: Bool) {
        self.plan = plan
        self.style = style
        self.natural = natural
    }

    public var moduleName: String {
        let p = plan
        let h = ContentHash.short("\(p.stages)", "\(p.rounding)", "\(p.twiddles.width)", "\(p.guardBits)", "\(p.canSaturate)", digits: 6)
        return "fft_stream_n\(p.n)_w\(p.inWidth)_\(p.outWidth)\(p.inverse ? "_inv" : "")\(natural ? "_nat" : "_rev")_m\(style.rawValue)_\(h)"
    }

    /// The stage blocks in order, and whether a rotation stage is a wire.
    func rotationBlock(_ st: StagePlan) -> RotationStage? {
        if case .none = st.rotation, st.shift == 0 { return nil }
        return RotationStage(n: plan.n, rotation: st.rotation, inWidth: st.butterflyWidth, outWidth: st.outWidth,
                             shift: st.shift, rounding: plan.rounding, twiddles: plan.twiddles, style: style)
    }

    /// Cycles from a frame's first input sample to its first output sample.
    public var latency: Int {
        var l = 1   // the output rounding register
        for st in plan.stages {
            l += SDFStage(span: st.span, inWidth: st.inWidth).latency
            l += rotationBlock(st)?.latency ?? 0
        }
        return l + (natural ? ReorderBuffer(n: plan.n, width: plan.stages.last!.outWidth).latency : 0)
    }

    /// Real multipliers of the architecture.
    public var multipliers: Int { plan.complexMultipliers * style.count }

    public func build(_ m: ModuleBuilder) throws {
        let p = plan
        m.describe("\(p.n)-point streaming \(p.inverse ? "inverse " : "")FFT, \(p.radix == .two ? "radix-2 SDF (R2SDF)" : "radix-2^2 SDF (R2^2SDF: radix-2 butterflies, exact quarter turns inside each pair)") stages, \(p.inWidth)-bit input, \(p.outWidth)-bit output, \(p.guardBits) guard bits")
        m.describe("shifts per stage \(p.stages.map { String($0.shift) }.joined(separator: ",")), rounding \(p.rounding.rawValue), \(natural ? "natural" : "bit-reversed") order, latency \(latency)")
        let (valid, start, x) = m.streamPorts("in", width: p.inWidth, input: true)
        var s = FFTStream(valid: valid, start: start, data: ComplexSignal(x.re << p.guardBits, x.im << p.guardBits))
        try StreamingFFT.pipeline(m, plan: p, style: style, &s)
        if natural { try m.feed(ReorderBuffer(n: p.n, width: p.stages.last!.outWidth), "reorder", &s) }
        let (ov, os, od) = m.streamPorts("out", width: p.outWidth, input: false)
        let (y, overflow) = StreamingFFT.outputRounding(m, [s.data], valid: s.valid, guardBits: p.guardBits,
                                                        outWidth: p.outWidth, saturate: p.canSaturate, rounding: p.rounding)
        ov.assign(m.register("valid_q", next: s.valid, reset: 0))
        os.assign(m.register("start_q", next: s.start, reset: 0))
        od.re.assign(y[0].re)
        od.im.assign(y[0].im)
        m.output("out_overflow", overflow)
    }

    /// The butterfly and rotation stages of `plan` as instances, on `s`.
    static func pipeline(_ m: ModuleBuilder, plan p: FFTPlan, style: MultiplierStyle, _ s: inout FFTStream) throws {
        let top = StreamingFFT(plan: p, style: style, natural: false)
        for (k, st) in p.stages.enumerated() {
            try m.feed(SDFStage(span: st.span, inWidth: st.inWidth), "bf\(k)", &s)
            if let r = top.rotationBlock(st) {
                try m.feed(r, "rot\(k)", &s)
            } else {
                s.data = s.data.fitted(to: st.outWidth)    // the bound proves it
            }
        }
    }

    /// Guard bits rounded off into registered outputs; saturation, with a
    /// sticky flag, only where the output may be too narrow (latency 1).
    public static func outputRounding(_ m: ModuleBuilder, _ values: [ComplexSignal], valid: Signal, guardBits: Int, outWidth: Int,
                               saturate: Bool, rounding: RoundingMode) -> ([ComplexSignal], Signal) {
        let rnd = RotationStage.hdlRounding(rounding)
        var outs: [ComplexSignal] = [], sat = m.literal(0, .bool)
        for (i, d) in values.enumerated() {
            let r = d.scaled(shift: guardBits, to: d.width - guardBits + 1, rounding: rnd, overflow: .wrap)
            let y: ComplexSignal
            if saturate {
                let hi = (1 << (outWidth - 1)) - 1, lo = -(1 << (outWidth - 1))
                sat = sat | (r.re > hi) | (r.re < lo) | (r.im > hi) | (r.im < lo)
                y = ComplexSignal(r.re.cast(to: .sint(outWidth), overflow: .saturate), r.im.cast(to: .sint(outWidth), overflow: .saturate))
            } else {
                y = r.fitted(to: outWidth)
            }
            outs.append(y.register(m, i == 0 ? "y" : "y\(i)"))
        }
        guard saturate else { return (outs, m.literal(0, .bool)) }
        let sticky = m.register("overflow", .bool, reset: 0)
        m.when(valid & sat) { sticky.assign(1) }
        return (outs, sticky)
    }
}

/// A stream between the blocks of an FFT: valid, frame start, data.
struct FFTStream {
    var valid: Signal
    var start: Signal
    var data: ComplexSignal
}

extension ModuleBuilder {
    /// Instantiates a block with in_/out_ valid, start, re, im ports on `s`.
    func feed(_ block: any Block, _ name: String, _ s: inout FFTStream) throws {
        let i = try instance(block, name: name)
        i.input("in_valid").assign(s.valid)
        i.input("in_start").assign(s.start)
        i.input("in_re").assign(s.data.re)
        i.input("in_im").assign(s.data.im)
        s = FFTStream(valid: i.output("out_valid"), start: i.output("out_start"),
                      data: ComplexSignal(i.output("out_re"), i.output("out_im")))
    }
}
