import HDL

/// What follows a butterfly stage: its rotation (none, a quarter turn, or
/// a ROM twiddle through a complex multiplier), then a right shift with
/// rounding into the stage's output width. Positions come from the
/// stream's own valid and start, so gaps between frames are harmless.
///
/// Latency: 3 with a twiddle ROM (ROM read, products, sum and rounding,
/// each registered so synthesis can use DSP pipeline registers), else 1.
public struct RotationStage: Block {
    public let n: Int
    public let rotation: Rotation
    public let inWidth: Int, outWidth: Int, shift: Int
    public let rounding: RoundingMode
    public let twiddles: TwiddleTable
    public let style: MultiplierStyle

    public init(n: Int, rotation: Rotation, inWidth: Int, outWidth: Int, shift: Int, rounding: RoundingMode,
                twiddles: TwiddleTable, style: MultiplierStyle) {
        self.n = n
        self.rotation = rotation
        self.inWidth = inWidth
        self.outWidth = outWidth
        self.shift = shift
        self.rounding = rounding
        self.twiddles = twiddles
        self.style = style
    }

    public var latency: Int {
        if case .table = rotation { return 3 }
        return 1
    }

    public var moduleName: String {
        let r = rounding.rawValue.filter { $0 != "-" }
        let base = "w\(inWidth)_\(outWidth)_s\(shift)_\(r)\(twiddles.inverse ? "_inv" : "")"
        switch rotation {
        case .none: return "fft_scale_\(base)"
        case .quarterTurn(let m): return "fft_quarter_turn_b\(m)_\(base)"
        case .table(let e):
            let h = ContentHash.short(e.map(String.init).joined(separator: ","), digits: 6)
            return "fft_twiddle_n\(n)_p\(e.count)_t\(twiddles.width)_m\(style.rawValue)_\(base)_\(h)"
        }
    }

    static func hdlRounding(_ r: RoundingMode) -> Rounding {
        switch r {
        case .truncate: return .truncate
        case .halfUp: return .halfUp
        case .halfEven: return .halfEven
        }
    }

    public func build(_ m: ModuleBuilder) throws {
        let (valid, start, x) = m.streamPorts("in", width: inWidth, input: true)
        let (ov, os, od) = m.streamPorts("out", width: outWidth, input: false)
        let rnd = RotationStage.hdlRounding(rounding)
        // The plan's bound proves the output range: wrap never happens.
        let y: ComplexSignal, v: Signal, s: Signal
        switch rotation {
        case .none:
            m.describe("scaling: shift \(shift), \(inWidth) -> \(outWidth) bits, \(rounding.rawValue)")
            y = x.scaled(shift: shift, to: outWidth, rounding: rnd, overflow: .wrap).register(m, "y")
            (v, s) = (m.register("valid_q", next: valid, reset: 0), m.register("start_q", next: start, reset: 0))
        case .quarterTurn(let block):
            m.describe("\(twiddles.inverse ? "+j" : "-j") on the last quarter of every \(block)-sample block, then shift \(shift), \(rounding.rawValue)")
            let bits = block.trailingZeroBitCount
            let pos = m.framePosition("pos", valid: valid, start: start, bits: bits)
            let turn = pos.bit(bits - 1) & pos.bit(bits - 2)
            let turned = twiddles.inverse ? x.timesJ : x.timesMinusJ
            let r = ComplexSignal.mux(m, turn, turned, x.fitted(to: inWidth + 1))
            y = r.scaled(shift: shift, to: outWidth, rounding: rnd, overflow: .wrap).register(m, "y")
            (v, s) = (m.register("valid_q", next: valid, reset: 0), m.register("start_q", next: start, reset: 0))
        case .table(let e):
            m.describe("twiddles W\(n)^e from a \(e.count)-word ROM (\(twiddles.width) bits), \(style.rawValue)-multiplier complex product, shift \(shift), \(rounding.rawValue)")
            (y, v, s) = multiply(m, valid: valid, start: start, x: x, exponents: e, rounding: rnd)
        }
        ov.assign(v)
        os.assign(s)
        od.re.assign(y.re)
        od.im.assign(y.im)
    }

    func multiply(_ m: ModuleBuilder, valid: Signal, start: Signal, x: ComplexSignal, exponents e: [Int],
                  rounding: Rounding) -> (ComplexSignal, Signal, Signal) {
        let t = twiddles.width
        let words = e.map { twiddles.value($0) }
        let pos = m.framePosition("pos", valid: valid, start: start, bits: e.count.trailingZeroBitCount)
        // Stage 1: the ROM word for this position, the sample beside it.
        let c = m.rom("tw_c", .sint(t), contents: words.map { BigValue($0.c) }).kind("twiddle ROM").read(addr: pos)
        let v1 = m.register("valid_1", next: valid, reset: 0), s1 = m.register("start_1", next: start, reset: 0)
        let x1 = x.register(m, "x_1")
        let v2 = m.register("valid_2", next: v1, reset: 0), s2 = m.register("start_2", next: s1, reset: 0)
        let re: Signal, im: Signal
        switch style {
        case .four:
            let d = m.rom("tw_d", .sint(t), contents: words.map { BigValue($0.d) }).kind("twiddle ROM").read(addr: pos)
            // Stage 2: four products; stage 3: their sums.
            let ac = m.register("ac", next: x1.re * c), bd = m.register("bd", next: x1.im * d)
            let ad = m.register("ad", next: x1.re * d), bc = m.register("bc", next: x1.im * c)
            (re, im) = (ac - bd, ad + bc)
        case .three:
            // d - c and c + d come from the ROM, so the twiddle side needs no adders.
            let dmc = m.rom("tw_dmc", .sint(t + 1), contents: words.map { BigValue($0.d - $0.c) }).kind("twiddle ROM").read(addr: pos)
            let cpd = m.rom("tw_cpd", .sint(t + 1), contents: words.map { BigValue($0.c + $0.d) }).kind("twiddle ROM").read(addr: pos)
            let ab = m.register("ab_1", next: x.re + x.im)
            let k1 = m.register("k1", next: ab * c), k2 = m.register("k2", next: x1.re * dmc)
            let k3 = m.register("k3", next: x1.im * cpd)
            (re, im) = (k1 - k3, k1 + k2)
        }
        let p = ComplexSignal(re.asFixed(signed: true, fraction: t - 1), im.asFixed(signed: true, fraction: t - 1))
        let y = p.scaled(shift: shift, to: outWidth, rounding: rounding, overflow: .wrap).register(m, "y")
        return (y, m.register("valid_3", next: v2, reset: 0), m.register("start_3", next: s2, reset: 0))
    }
}
