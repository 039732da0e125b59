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
        let h = ContentHash.short("\(p.stages)", "\(p.rounding)", "\(p.twiddles.width)", digits: 6)
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
        m.describe("\(p.n)-point streaming \(p.inverse ? "inverse " : "")FFT, radix-2 SDF stages, \(p.inWidth)-bit input, \(p.outWidth)-bit output, \(p.guardBits) guard bits")
        m.describe("shifts per stage \(p.stages.map { String($0.shift) }.joined(separator: ",")), rounding \(p.rounding.rawValue), \(natural ? "natural" : "bit-reversed") order, latency \(latency)")
        let (valid, start, x) = m.streamPorts("in", width: p.inWidth, input: true)
        var v = valid, s = start
        var d = ComplexSignal(x.re << p.guardBits, x.im << p.guardBits)
        func feed(_ block: any Block, _ name: String, width: Int) throws {
            let i = try m.instance(block, name: name)
            i.input("in_valid").assign(v)
            i.input("in_start").assign(s)
            i.input("in_re").assign(d.re)
            i.input("in_im").assign(d.im)
            (v, s) = (i.output("out_valid"), i.output("out_start"))
            d = ComplexSignal(i.output("out_re"), i.output("out_im"))
        }
        for (k, st) in p.stages.enumerated() {
            let bf = SDFStage(span: st.span, inWidth: st.inWidth)
            try feed(bf, "bf\(k)", width: st.inWidth)
            if let r = rotationBlock(st) {
                try feed(r, "rot\(k)", width: st.butterflyWidth)
            } else {
                d = d.fitted(to: st.outWidth)    // the bound proves it
            }
        }
        if natural { try feed(ReorderBuffer(n: p.n, width: p.stages.last!.outWidth), "reorder", width: p.stages.last!.outWidth) }

        // Guard bits off; saturate only where the output may be too narrow.
        let rnd = RotationStage.hdlRounding(p.rounding)
        let wide = p.stages.last!.outWidth - p.guardBits + 1
        let r = d.scaled(shift: p.guardBits, to: wide, rounding: rnd, overflow: .wrap)
        let y: ComplexSignal
        let overflow: Signal
        if p.canSaturate {
            let hi = (1 << (p.outWidth - 1)) - 1, lo = -(1 << (p.outWidth - 1))
            let sat = (r.re > hi) | (r.re < lo) | (r.im > hi) | (r.im < lo)
            y = ComplexSignal(r.re.cast(to: .sint(p.outWidth), overflow: .saturate), r.im.cast(to: .sint(p.outWidth), overflow: .saturate))
            let sticky = m.register("overflow", .bool, reset: 0)
            m.when(v & sat) { sticky.assign(1) }
            overflow = sticky
        } else {
            y = r.fitted(to: p.outWidth)
            overflow = m.literal(0, .bool)
        }
        let (ov, os, od) = m.streamPorts("out", width: p.outWidth, input: false)
        ov.assign(m.register("valid_q", next: v, reset: 0))
        os.assign(m.register("start_q", next: s, reset: 0))
        let q = y.register(m, "y")
        od.re.assign(q.re)
        od.im.assign(q.im)
        m.output("out_overflow", overflow)
    }
}
