import HDL

/// One single-path delay-feedback radix-2 stage: a butterfly across `span`
/// samples with a `span`-sample feedback delay. In the first half of each
/// 2·span block a sample goes into the delay while the delay's oldest entry
/// (a difference from the block before, or an idle word) leaves; in the
/// second half the butterfly sends the sum on and feeds the difference
/// back. Valid and start travel through the delay with the data, so the
/// output stream is the input stream `span` + 1 cycles later with the same
/// positions, whatever the gaps between frames.
///
/// Contract: a frame's samples arrive on consecutive cycles (in_start with
/// the first); frames may follow back to back or after any gap.
public struct SDFStage: Block {
    public let span: Int
    public let inWidth: Int

    public init(span: Int, inWidth: Int) {
        self.span = span
        self.inWidth = inWidth
    }

    public var moduleName: String { "fft_sdf_stage_l\(span)_w\(inWidth)" }
    public var latency: Int { span + 1 }
    public var outWidth: Int { inWidth + 1 }
    /// Delays longer than this are a RAM (LUT or block RAM), shorter ones registers.
    static let registerDelayLimit = 4

    public func build(_ m: ModuleBuilder) throws {
        m.describe("radix-2 SDF butterfly stage: span \(span), \(inWidth)-bit input, \(outWidth)-bit output, latency \(latency)")
        let (valid, start, x) = m.streamPorts("in", width: inWidth, input: true)
        let log2span = span.trailingZeroBitCount
        let pos = m.framePosition("pos", valid: valid, start: start, bits: log2span + 1)
        let second = valid & pos.bit(log2span)

        // The delay: (valid, start, re, im), `span` cycles.
        let w = outWidth
        let delayIn = m.wire("delay_in", .uint(2 * w + 2))
        let d: Signal
        var primed = m.literal(1, .bool)
        if span <= SDFStage.registerDelayLimit {
            d = m.delay("delay", delayIn, stages: span)
        } else {
            // Written at wp, read (synchronously) at wp + 1: the word read
            // back is the one written `span` cycles before.
            let mem = m.memory("delay_mem", .uint(2 * w + 2), depth: span).kind("FFT delay RAM")
            let wp = m.register("wp", .uint(log2span), reset: 0)
            wp.assign(wp &+ 1)
            mem.write(addr: wp, data: delayIn, enable: m.literal(1, .bool))
            d = mem.read(addr: wp &+ 1)
            // RAM words are unknown until `span` writes have gone in.
            let p = m.register("primed", .bool, reset: 0)
            m.when(wp == span - 1) { p.assign(1) }
            primed = p
        }
        let dValid = d.bit(2 * w + 1) & primed, dStart = d.bit(2 * w) & primed
        let dData = ComplexSignal(d.bits(2 * w - 1, w).asSInt, d.bits(w - 1, 0).asSInt)

        // In the second half the delay holds the first half's samples
        // (inWidth bits), so the difference is exact in inWidth + 1.
        let held = dData.fitted(to: inWidth)
        let diff = held - x
        let fed = ComplexSignal.mux(m, second, diff, x.fitted(to: w))
        delayIn.assign(m.cat(valid, start, fed.re, fed.im))
        // The output is d + x in the second half and d in the first: one
        // adder with x gated (a LUT per bit before the carry chain, no mux).
        // It fits w bits: a held x plus x, or a difference plus zero.
        let zero = m.literal(0, .sint(inWidth))
        let out = ComplexSignal(dData.re &+ m.mux(second, x.re, zero), dData.im &+ m.mux(second, x.im, zero))

        let (ov, os, od) = m.streamPorts("out", width: w, input: false)
        ov.assign(m.register("valid_q", next: dValid, reset: 0))
        os.assign(m.register("start_q", next: dStart, reset: 0))
        let q = out.register(m, "data_q")
        od.re.assign(q.re)
        od.im.assign(q.im)
    }
}
