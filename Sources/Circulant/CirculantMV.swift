import FFT
import HDL

/// The block-circulant matrix-vector unit: y = W x with W stored as the
/// quantized spectra of its blocks' first columns (k reals per block).
///
///   input   x arrives two reals a beat (in_data: x[2t] in the low half),
///           each beat held until in_ready; a frame buffer turns each block
///           of k/2 beats into a gapless frame; zero padding past n is
///           generated inside.
///   FFT     one streaming real k-point FFT (the FFT family's `RealFFT`):
///           q frames per product, their spectra written to a two-bank X
///           memory (`banks` products in flight), `lanes` banks wide.
///   MAC     `lanes` complex multiply-accumulators: for each output block i
///           and bin group g, Σ_j W_ij[g] · X_j[g] over j, exact (or
///           saturating); the packed word 0 multiplies its two real bins
///           apart. Weights: `lanes` ROMs of p·q·k/(2·lanes) words.
///   IFFT    the accumulated bins (rounded to the spectrum format) one per
///           cycle into a second frame buffer, then ONE streaming inverse
///           real FFT per output block (p per product).
///   output  y two rows a beat (out_data: y[2t] low), saturated to
///           out_width, ReLU if asked; out_overflow marks a beat whose block
///           saturated an accumulator or spectrum bin, or whose outputs
///           saturated. fft_frames / ifft_frames count the transforms run.
///
/// Loads of the next products overlap the MAC of this one (up to `banks`
/// products in flight); MACs of consecutive products run back to back.
public struct CirculantMV: Block {
    public let layer: CirculantLayer
    public init(_ layer: CirculantLayer) { self.layer = layer }

    public var moduleName: String {
        let c = layer.config
        let h = ContentHash.short("\(layer.spectra.words)", "\(c)", "\(layer.bias)", digits: 8)
        return "circulant_m\(c.m)_n\(c.n)_k\(c.k)_l\(c.lanes)_\(h)"
    }

    /// Real multiplications per product: the element-wise stage and the q
    /// forward and p inverse FFTs (their multipliers on each of k/2 cycles).
    public var multipliesPerProduct: Int {
        let c = layer.config
        return layer.macMultiplies + (c.q + c.p) * forwardFFT.multipliers * c.half
    }

    var forwardFFT: RealFFT { RealFFT(plan: layer.forward, style: layer.config.fftMults, natural: true) }
    var inverseFFT: RealFFT { RealFFT(plan: layer.inverse, style: layer.config.fftMults, natural: true) }

    /// Cycles from a frame buffer's last word in to its first word out
    /// (the read starts the next cycle; one register on the read data).
    static let frameBufferDelay = 2
    /// Issue to accumulator (memory read, product registers, accumulate)
    /// and on to the serializer's load.
    static let macDepth = 4

    public func build(_ m: ModuleBuilder) throws {
        let L = layer, c = L.config, P = c.lanes, half = c.half, q = c.q, p = c.p, G = c.groups
        m.describe("block-circulant y = W x: m=\(c.m) n=\(c.n) k=\(c.k) (p=\(p) x q=\(q) blocks), \(P) complex MAC lane(s), weights as \(c.wWidth)-bit spectra (\(L.weightWords) reals)")
        let inValid = m.input("in_valid", .bool)
        let inData = m.input("in_data", .uint(2 * c.inWidth))
        let inReady = m.output("in_ready", .bool)

        // X banks (products in flight), used in turn: busy from a product's
        // load start to its MAC's end, full once its spectra are all written.
        let nb = c.banks, bankBits = max(1, (nb - 1).bitWidthNeeded)
        let busy = (0..<nb).map { m.register("busy\($0)", .bool, reset: 0) }
        let full = (0..<nb).map { m.register("full\($0)", .bool, reset: 0) }
        func pick(_ r: [Signal], _ b: Signal) -> Signal {
            (1..<nb).reduce(r[0]) { acc, i in m.mux(b == i, r[i], acc) }
        }
        func next(_ b: Signal) -> Signal { nb == 2 ? !b : b &+ 1 }

        // MARK: load: user beats, then zero padding, into gapless frames.
        let B = L.loadBeats, U = L.userBeats
        let fillBank = m.register("fill_bank", .uint(bankBits), reset: 0)
        let loading = m.register("loading", .bool, reset: 0)
        let t = m.register("beat", .uint(max(1, (B - 1).bitWidthNeeded)), reset: 0)
        let startLoad = !loading & !pick(busy, fillBank)
        let userPhase = U == B ? m.literal(1, .bool) : t < U
        inReady.assign(loading & userPhase)
        let beat = loading & (!userPhase | inValid)
        var lo = inData.bits(c.inWidth - 1, 0).asSInt, hi = inData.bits(2 * c.inWidth - 1, c.inWidth).asSInt
        if c.n % 2 == 1 { hi = m.mux(t == U - 1, m.literal(0, .sint(c.inWidth)), hi) }     // row n is padding
        lo = m.mux(userPhase, lo, m.literal(0, .sint(c.inWidth)))
        hi = m.mux(userPhase, hi, m.literal(0, .sint(c.inWidth)))
        m.when(startLoad) {
            loading.assign(1)
            t.assign(0)
            for b in 0..<nb { m.when(fillBank == b) { busy[b].assign(1) } }
        }
        m.when(beat) {
            t.assign(t &+ 1)
            m.when(t == B - 1) {
                loading.assign(0)
                fillBank.assign(next(fillBank))
            }
        }
        let frameStart = t.bits(half.trailingZeroBitCount - 1, 0) == 0
        let inFrames = try frameBuffer(m, "in", words: half, valid: beat, start: frameStart, data: ComplexSignal(lo, hi))

        // MARK: forward FFTs, spectra into the X banks.
        let fft = try m.instance(forwardFFT, name: "fft")
        fft.input("in_valid").assign(inFrames.valid)
        fft.input("in_start").assign(inFrames.start)
        fft.input("in_re").assign(inFrames.data.re)
        fft.input("in_im").assign(inFrames.data.im)
        let fftFrames = m.register("fft_count", .uint(32), reset: 0)
        m.when(inFrames.valid & inFrames.start) { fftFrames.assign(fftFrames &+ 1) }
        m.output("fft_frames", fftFrames)

        let xv = fft.output("out_valid")
        let xi = m.register("x_index", .uint(max(1, (B - 1).bitWidthNeeded)), reset: 0)
        let xBank = m.register("x_bank", .uint(bankBits), reset: 0)
        let bin0 = xi.bits(half.trailingZeroBitCount - 1, 0) == 0
        let xWord = m.cat(fft.output("out_re"), m.mux(bin0, fft.output("out_mirror_re"), fft.output("out_im")))
        let lanesLog = P.trailingZeroBitCount
        let xAddr = m.cat(xi.bits(xi.width - 1, lanesLog), xBank)
        let xDepth = nb * q * G
        let xMems = (0..<P).map { b in
            m.memory("x\(b)", .uint(2 * L.xWidth), depth: xDepth).kind("input spectra RAM")
        }
        for b in 0..<P {
            let mine = P == 1 ? xv : xv & (xi.bits(lanesLog - 1, 0) == b)
            xMems[b].write(addr: xAddr.resized(to: xMems[b].addressWidth), data: xWord, enable: mine)
        }
        m.when(xv) {
            xi.assign(xi &+ 1)
            m.when(xi == B - 1) {
                xi.assign(0)
                xBank.assign(next(xBank))
                for b in 0..<nb { m.when(xBank == b) { full[b].assign(1) } }
            }
        }

        // MARK: MAC issue: for block i, bin group g, block column j.
        let macOn = m.register("mac_on", .bool, reset: 0)
        let rb = m.register("mac_bank", .uint(bankBits), reset: 0)
        let i = m.register("blk_i", .uint(max(1, (p - 1).bitWidthNeeded)), reset: 0)
        let g = m.register("grp", .uint(max(1, (G - 1).bitWidthNeeded)), reset: 0)
        let j = m.register("blk_j", .uint(max(1, (q - 1).bitWidthNeeded)), reset: 0)
        let wDepth = p * G * q
        let wa = m.register("w_addr", .uint((wDepth - 1).bitWidthNeeded), reset: 0)
        let jLast = j == q - 1, gLast = g == G - 1, iLast = i == p - 1
        let lastIssue = macOn & iLast & gLast & jLast
        m.when(!macOn & pick(full, rb)) { macOn.assign(1) }
        m.when(macOn) {
            wa.assign(wa &+ 1)
            m.when(jLast) {
                j.assign(0)
                m.when(gLast) {
                    g.assign(0)
                    m.when(iLast) { i.assign(0) }.otherwise { i.assign(i &+ 1) }
                }.otherwise { g.assign(g &+ 1) }
            }.otherwise { j.assign(j &+ 1) }
            m.when(lastIssue) {
                wa.assign(0)
                for b in 0..<nb {
                    m.when(rb == b) {
                        busy[b].assign(0)
                        full[b].assign(0)
                        macOn.assign(full[(b + 1) % nb])      // the next product's spectra are in: no bubble
                    }
                }
                rb.assign(next(rb))
            }
        }
        var parts: [Signal] = []
        if q > 1 { parts.append(j) }
        if G > 1 { parts.append(g.resized(to: G.trailingZeroBitCount)) }
        parts.append(rb)
        let xRead = m.cat(parts)

        // Issue → memory data (1) → products (2) → accumulator (3) → serializer (4).
        let v1 = m.register("v1", next: macOn, reset: 0)
        let first1 = m.register("first1", next: j == 0), last1 = m.register("last1", next: jLast, reset: 0)
        let packed1 = m.register("packed1", next: g == 0), blockStart1 = m.register("blkstart1", next: g == 0)
        let blockEnd1 = m.register("blkend1", next: gLast)
        let v2 = m.register("v2", next: v1, reset: 0)
        let first2 = m.register("first2", next: first1), last2 = m.register("last2", next: last1, reset: 0)
        let packed2 = m.register("packed2", next: packed1), blockStart2 = m.register("blkstart2", next: blockStart1)
        let blockEnd2 = m.register("blkend2", next: blockEnd1)
        let group3 = m.register("group3", next: v2 & last2, reset: 0)
        let blockStart3 = m.register("blkstart3", next: blockStart2), blockEnd3 = m.register("blkend3", next: blockEnd2)

        let rnd = RotationStage.hdlRounding(c.rounding)
        var spectrum: [ComplexSignal] = [], groupSat = m.literal(0, .bool)
        for b in 0..<P {
            let xw = xMems[b].read(addr: xRead)
            let ww = m.rom("w\(b)", .uint(2 * c.wWidth), contents: romWords(lane: b)).kind("weight spectra ROM").read(addr: wa)
            let (a, bb) = (xw.bits(2 * L.xWidth - 1, L.xWidth).asSInt, xw.bits(L.xWidth - 1, 0).asSInt)
            let (cc, d) = (ww.bits(2 * c.wWidth - 1, c.wWidth).asSInt, ww.bits(c.wWidth - 1, 0).asSInt)
            let ac = m.register("ac\(b)", next: a * cc), bd = m.register("bd\(b)", next: bb * d)
            let ad = m.register("ad\(b)", next: a * d), bc = m.register("bc\(b)", next: bb * cc)
            var re = ac - bd, im = ad + bc
            if b == 0 {
                re = m.mux(packed2, ac, re)
                im = m.mux(packed2, bd, im)
            }
            let acc = ComplexSignal(m.register("acc\(b)_re", .sint(L.accWidth)), m.register("acc\(b)_im", .sint(L.accWidth)))
            let accSat = m.register("acc\(b)_sat", .bool)
            var sum = ComplexSignal(m.mux(first2, re, acc.re + re), m.mux(first2, im, acc.im + im))
            var sat = m.literal(0, .bool)
            if L.accWidth < L.exactAccWidth {
                sat = outside(m, sum.re, L.accWidth) | outside(m, sum.im, L.accWidth)
                sum = ComplexSignal(sum.re.cast(to: .sint(L.accWidth), overflow: .saturate),
                                    sum.im.cast(to: .sint(L.accWidth), overflow: .saturate))
            } else {
                sum = sum.fitted(to: L.accWidth)        // exact: the width holds q products
            }
            m.when(v2) {
                acc.re.assign(sum.re)
                acc.im.assign(sum.im)
                accSat.assign(m.mux(first2, sat, accSat | sat))
            }
            // The finished group (group3): rounded into the spectrum format.
            let r = acc.scaled(shift: L.specShift, to: L.accWidth + 1, rounding: rnd, overflow: .wrap)
            groupSat = groupSat | accSat | outside(m, r.re, L.specWidth) | outside(m, r.im, L.specWidth)
            spectrum.append(ComplexSignal(r.re.cast(to: .sint(L.specWidth), overflow: .saturate),
                                          r.im.cast(to: .sint(L.specWidth), overflow: .saturate)))
        }

        // MARK: serializer: a group of `lanes` bins out one per cycle (groups
        // come at least q >= lanes cycles apart, so it has always drained).
        let ser = (0..<P).map { ComplexSignal(m.register("ser\($0)_re", .sint(L.specWidth)), m.register("ser\($0)_im", .sint(L.specWidth))) }
        let serCount = m.register("ser_count", .uint((P).bitWidthNeeded), reset: 0)
        let serFirst = m.register("ser_first", .bool, reset: 0)
        m.when(group3) {
            for b in 0..<P { ser[b].re.assign(spectrum[b].re); ser[b].im.assign(spectrum[b].im) }
            serCount.assign(P)
            serFirst.assign(blockStart3)
        }.elseWhen(serCount != 0) {
            for b in 0..<P - 1 { ser[b].re.assign(ser[b + 1].re); ser[b].im.assign(ser[b + 1].im) }
            serCount.assign(serCount &- 1)
            serFirst.assign(0)
        }
        let binValid = serCount != 0
        let binStart = serFirst & (serCount == P)

        // Per-block saturation flags, queued from the block's last group to
        // its first output beat.
        let blockSat = m.register("block_sat", .bool, reset: 0)
        m.when(group3) { blockSat.assign(m.mux(blockStart3, groupSat, blockSat | groupSat)) }
        let slots = flagSlots
        let flags = (0..<slots).map { m.register("flag\($0)", .bool, reset: 0) }
        let flagIn = m.register("flag_in", .uint(max(1, (slots - 1).bitWidthNeeded)), reset: 0)
        let flagOut = m.register("flag_out", .uint(max(1, (slots - 1).bitWidthNeeded)), reset: 0)
        let pushFlag = m.register("push_flag", next: group3 & blockEnd3, reset: 0)
        m.when(pushFlag) {
            for s in 0..<slots { m.when(flagIn == s) { flags[s].assign(blockSat) } }
            flagIn.assign(flagIn &+ 1)
        }

        // MARK: inverse FFTs, one per output block.
        let outFrames = try frameBuffer(m, "spec", words: half, valid: binValid, start: binStart, data: ser[0])
        let ifft = try m.instance(inverseFFT, name: "ifft")
        ifft.input("in_valid").assign(outFrames.valid)
        ifft.input("in_start").assign(outFrames.start)
        ifft.input("in_re").assign(outFrames.data.re)
        ifft.input("in_im").assign(m.mux(outFrames.start, m.literal(0, .sint(L.specWidth)), outFrames.data.im))
        ifft.input("in_nyq").assign(outFrames.data.im)
        let ifftFrames = m.register("ifft_count", .uint(32), reset: 0)
        m.when(outFrames.valid & outFrames.start) { ifftFrames.assign(ifftFrames &+ 1) }
        m.output("ifft_frames", ifftFrames)

        // MARK: output: rows past m dropped, saturation, ReLU.
        let yv = ifft.output("out_valid"), ys = ifft.output("out_start")
        let total = p * half
        let ob = m.register("out_beat", .uint(max(1, (total - 1).bitWidthNeeded)), reset: 0)
        m.when(yv) { m.when(ob == total - 1) { ob.assign(0) }.otherwise { ob.assign(ob &+ 1) } }
        let current = m.register("flag_cur", .bool, reset: 0)
        let popped = (0..<slots).reduce(m.literal(0, .bool)) { acc, s in m.mux(flagOut == s, flags[s], acc) }
        let blockFlag = m.mux(ys, popped, current)
        m.when(yv & ys) {
            current.assign(popped)
            flagOut.assign(flagOut &+ 1)
        }
        var y0 = ifft.output("out_re"), y1 = ifft.output("out_im")
        if !L.bias.isEmpty {
            let words = (0..<total).map { b -> BigValue in
                let (lo, hi) = (2 * b < c.m ? L.bias[2 * b] : 0, 2 * b + 1 < c.m ? L.bias[2 * b + 1] : 0)
                return (BigValue(hi).modPow2(c.outWidth) << c.outWidth) + BigValue(lo).modPow2(c.outWidth)
            }
            let w = m.rom("bias", .uint(2 * c.outWidth), contents: words).kind("bias ROM").read(addr: ob, synchronous: false)
            y0 = y0 + w.bits(c.outWidth - 1, 0).asSInt
            y1 = y1 + w.bits(2 * c.outWidth - 1, c.outWidth).asSInt
        }
        if c.m % 2 == 1 { y1 = m.mux(ob == L.outBeats - 1, m.literal(0, .sint(y1.width)), y1) }
        var sat = m.literal(0, .bool)
        func finish(_ y: Signal) -> Signal {
            var z = y
            if y.width > c.outWidth {
                sat = sat | outside(m, y, c.outWidth)
                z = y.cast(to: .sint(c.outWidth), overflow: .saturate)
            } else {
                z = y.resized(to: c.outWidth)
            }
            if c.relu { z = m.mux(z < 0, m.literal(0, .sint(c.outWidth)), z) }
            return z
        }
        let out0 = finish(y0), out1 = finish(y1)
        let beatValid = L.outBeats == total ? yv : yv & (ob < L.outBeats)
        m.output("out_valid", m.register("out_valid_q", next: beatValid, reset: 0))
        m.output("out_data", m.register("out_data_q", next: m.cat(out1, out0)))
        m.output("out_overflow", m.register("out_overflow_q", next: blockFlag | sat))
    }

    // MARK: timing (cycles; the tests measure them)

    /// From the cycle a load starts (the unit takes the first beat the next
    /// cycle) to the product's first MAC issue: the beats, the last frame
    /// buffer, the forward FFT, the bank flag.
    public var loadToIssue: Int {
        let c = layer.config
        return (c.q + 1) * c.half + forwardFFT.latency + 3
    }
    /// From the first MAC issue to the first output beat: block 0's MACs,
    /// the pipeline and serializer, the frame buffer, the inverse FFT, the
    /// output register.
    public var issueToOutput: Int {
        let c = layer.config
        return c.groups * c.q + c.lanes + 5 + inverseFFT.latency
    }
    /// First input beat taken → first output beat, for a product that
    /// finds the unit idle.
    public var latency: Int { loadToIssue - 1 + issueToOutput }
    /// Cycles between products (the average) when inputs keep coming: the
    /// load (a beat a cycle and one to restart), the MACs, or load-to-issue
    /// plus the MACs shared by the `banks` products in flight, whichever is
    /// longest.
    public var cyclesPerProduct: Double {
        let b = Double(layer.loadBeats + 1), mac = Double(layer.issueCycles)
        return max(b, mac, (Double(loadToIssue) + mac) / Double(layer.config.banks))
    }

    /// The first output cycle of each of `count` products whose beats are
    /// all offered from cycle 0 on (the unit reset at cycle 0): loads start
    /// when the bank two products back has finished its MACs; a product's
    /// MACs start when its spectra are in and the previous MACs are done.
    public func schedule(_ count: Int) -> [Int] {
        let B = layer.loadBeats, M = layer.issueCycles, D = loadToIssue
        var loadStart: [Int] = [], issue: [Int] = []
        for u in 0..<count {
            var s = u == 0 ? 0 : loadStart[u - 1] + B + 1
            let nb = layer.config.banks
            if u >= nb { s = max(s, issue[u - nb] + M) }
            var i = s + D
            if u >= 1 { i = max(i, issue[u - 1] + M) }
            loadStart.append(s)
            issue.append(i)
        }
        return issue.map { $0 + issueToOutput }
    }

    /// Saturation flag queue slots: blocks between a block's last MAC group
    /// and its first output beat (each block takes at least k/2 cycles to
    /// leave the serializer), rounded up to a power of two.
    var flagSlots: Int {
        let c = layer.config
        let span = CirculantMV.macDepth + 2 + c.half + CirculantMV.frameBufferDelay + inverseFFT.latency
        let blocks = span / c.half + 2
        var s = 1
        while s < blocks { s *= 2 }
        return s
    }

    /// Lane b's ROM: word (i·G + g)·q + j holds W_ij at bin g·lanes + b.
    func romWords(lane b: Int) -> [BigValue] {
        let c = layer.config, w = c.wWidth
        var out: [BigValue] = []
        for i in 0..<c.p {
            for g in 0..<c.groups {
                for j in 0..<c.q {
                    let z = layer.spectra.words[i][j][g * c.lanes + b]
                    out.append((BigValue(z.re).modPow2(w) << w) + BigValue(z.im).modPow2(w))
                }
            }
        }
        return out
    }

    /// A gapless frame out of a frame that arrives with gaps.
    func frameBuffer(_ m: ModuleBuilder, _ name: String, words: Int, valid: Signal, start: Signal,
                     data: ComplexSignal) throws -> (valid: Signal, start: Signal, data: ComplexSignal) {
        let i = try m.instance(FrameBuffer(words: words, width: data.width), name: "\(name)_frames")
        i.input("in_valid").assign(valid)
        i.input("in_start").assign(start)
        i.input("in_re").assign(data.re)
        i.input("in_im").assign(data.im)
        return (i.output("out_valid"), i.output("out_start"), ComplexSignal(i.output("out_re"), i.output("out_im")))
    }
}

/// A frame of `words` complex words that arrives with gaps, out gapless:
/// two banks, a frame read out over `words` consecutive cycles once its
/// last word is in (2 cycles later) while the next one fills the other
/// bank. Frames arrive at least `words` cycles apart.
public struct FrameBuffer: Block {
    public let words: Int, width: Int
    public init(words: Int, width: Int) {
        self.words = words
        self.width = width
    }
    public var moduleName: String { "frame_buffer_\(words)x\(width)" }

    public func build(_ m: ModuleBuilder) throws {
        m.describe("gapless frames of \(words) complex words out of gappy ones, two banks")
        let valid = m.input("in_valid", .bool), start = m.input("in_start", .bool)
        let x = ComplexSignal(m.input("in_re", .sint(width)), m.input("in_im", .sint(width)))
        let banks = m.frameBanks(words, width: width, kind: "frame buffer RAM", valid: valid, start: start, data: x) { $0 }
        let word = banks.mem.read(addr: m.cat(banks.rbank, banks.k))
        m.output("out_valid", m.register("valid_q", next: banks.reading, reset: 0))
        m.output("out_start", m.register("start_q", next: banks.reading & (banks.k == 0), reset: 0))
        m.output("out_re", word.bits(2 * width - 1, width).asSInt)
        m.output("out_im", word.bits(width - 1, 0).asSInt)
    }
}

/// Whether a signed signal lies outside the signed `width`-bit range.
func outside(_ m: ModuleBuilder, _ s: Signal, _ width: Int) -> Signal {
    guard s.width > width else { return m.literal(0, .bool) }
    return (s > (1 << (width - 1)) - 1) | (s < -(1 << (width - 1)))
}
