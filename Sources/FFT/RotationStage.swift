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
        switch rotation {
        case .table, .eighths: return 3
        default: return 1
        }
    }

    public var moduleName: String {
        let r = rounding.rawValue.filter { $0 != "-" }
        // Every field of the block is in the name: equal names must mean equal blocks.
        let base = "n\(n)_t\(twiddles.width)_m\(style.rawValue)_w\(inWidth)_\(outWidth)_s\(shift)_\(r)\(twiddles.inverse ? "_inv" : "")"
        switch rotation {
        case .none: return "fft_scale_\(base)"
        case .quarterTurn(let m): return "fft_quarter_turn_b\(m)_\(base)"
        case .table(let e):
            let h = ContentHash.short(e.map(String.init).joined(separator: ","), digits: 6)
            return "fft_twiddle_p\(e.count)_\(base)_\(h)"
        case .eighths(let e):
            let h = ContentHash.short(e.map(String.init).joined(separator: ","), digits: 6)
            return "fft_eighths_p\(e.count)_\(base)_\(h)"
        }
    }

    public static func hdlRounding(_ r: RoundingMode) -> Rounding {
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
        case .eighths(let e):
            m.describe("multiples of 45° (\(e.count)-position pattern): quarter turns exact, odd eighths by 1/√2 in shift-and-add logic (\(twiddles.width) bits), shift \(shift), \(rounding.rawValue)")
            (y, v, s) = eighths(m, valid: valid, start: start, x: x, exponents: e, rounding: rnd)
        }
        ov.assign(v)
        os.assign(s)
        od.re.assign(y.re)
        od.im.assign(y.im)
    }

    /// Rotation by k·45°: for even k an exact quarter turn; for odd k,
    /// x·(c + jd) with |c| = |d| = r (the quantized 1/√2), i.e.
    /// r·(sc·a - sd·b) + j·r·(sd·a + sc·b), r applied by shifts and adds.
    func eighths(_ m: ModuleBuilder, valid: Signal, start: Signal, x: ComplexSignal, exponents e: [Int],
                 rounding: Rounding) -> (ComplexSignal, Signal, Signal) {
        let t = twiddles.width
        let pos = m.framePosition("pos", valid: valid, start: start, bits: e.count.trailingZeroBitCount)
        // Per position: 3 bits of k (the eighth, in the direction's sense).
        let codes = e.map { m.literal((($0 / (n / 8)) % 8), .uint(3)) }
        let k = m.select(pos, codes)
        // Stage 1: the exact quarter turn (even k) and the odd k's sums.
        let w = twiddles.value(n / 8)            // (r, ∓r): the signs of the odd eighths follow
        let r = abs(w.c)
        func signs(_ odd: Int) -> (Int, Int) {
            let v = twiddles.value(odd * n / 8)
            return (v.c > 0 ? 1 : -1, v.d > 0 ? 1 : -1)
        }
        let (a, b) = (x.re, x.im)
        // Candidates for u = sc·a - sd·b and v = sd·a + sc·b over k = 1, 3, 5, 7.
        var us: [Signal] = [], vs: [Signal] = []
        for odd in [1, 3, 5, 7] {
            let (sc, sd) = signs(odd)
            us.append(sc > 0 ? (sd > 0 ? a - b : a + b) : (sd > 0 ? -a - b : b - a))
            vs.append(sd > 0 ? (sc > 0 ? a + b : a - b) : (sc > 0 ? b - a : -a - b))
        }
        let idx = k.bits(2, 1)
        let uw = inWidth + 2
        let u1 = m.register("u_1", next: m.select(idx, us.map { $0.asSInt.resized(to: uw) }))
        let v1 = m.register("v_1", next: m.select(idx, vs.map { $0.asSInt.resized(to: uw) }))
        // Quarter turns: k/2 clockwise (forward) or counter-clockwise (inverse).
        let turns = twiddles.inverse
            ? [x.fitted(to: inWidth + 1), x.timesJ, ComplexSignal(-a, -b), x.timesMinusJ]
            : [x.fitted(to: inWidth + 1), x.timesMinusJ, ComplexSignal(-a, -b), x.timesJ]
        let q1 = ComplexSignal(m.select(idx, turns.map { $0.re.asSInt.resized(to: inWidth + 1) }),
                               m.select(idx, turns.map { $0.im.asSInt.resized(to: inWidth + 1) })).register(m, "q_1")
        let odd1 = m.register("odd_1", next: k.bit(0))
        let va = m.register("valid_1", next: valid, reset: 0), sa = m.register("start_1", next: start, reset: 0)
        // Stage 2: r·u, r·v by shifts and adds; the quarter turn waits.
        let ru = m.register("ru", next: RotationStage.shiftAddProduct(m, u1, r)), rv = m.register("rv", next: RotationStage.shiftAddProduct(m, v1, r))
        let q2 = q1.register(m, "q_2"), odd2 = m.register("odd_2", next: odd1)
        let vb = m.register("valid_2", next: va, reset: 0), sb = m.register("start_2", next: sa, reset: 0)
        // Stage 3: round either into the output.
        let prod = ComplexSignal(ru.asFixed(signed: true, fraction: t - 1), rv.asFixed(signed: true, fraction: t - 1))
        let yo = prod.scaled(shift: shift, to: outWidth, rounding: rounding, overflow: .wrap)
        let ye = q2.scaled(shift: shift, to: outWidth, rounding: rounding, overflow: .wrap)
        let y = ComplexSignal.mux(m, odd2, yo, ye).register(m, "y")
        return (y, m.register("valid_3", next: vb, reset: 0), m.register("start_3", next: sb, reset: 0))
    }

    /// x·c for a constant c > 0 as a sum of shifted copies of x with signs
    /// (canonical signed digits: at most one nonzero digit in two), exact.
    static func shiftAddProduct(_ m: ModuleBuilder, _ x: Signal, _ c: Int) -> Signal {
        var digits: [(Int, Int)] = []      // (shift, ±1)
        var v = c, i = 0
        while v != 0 {
            if v & 1 == 1 {
                let d = 2 - (v & 3)          // 1 when v ≡ 1 (mod 4), -1 when v ≡ 3
                digits.append((i, d))
                v -= d
            }
            v >>= 1
            i += 1
        }
        var sum: Signal? = nil
        for (k, d) in digits {
            let term = x << k
            if let s = sum { sum = d > 0 ? s + term : s - term } else { sum = d > 0 ? term : -term }
        }
        return sum ?? m.literal(0, .sint(2))
    }

    func multiply(_ m: ModuleBuilder, valid: Signal, start: Signal, x: ComplexSignal, exponents e: [Int],
                  rounding: Rounding) -> (ComplexSignal, Signal, Signal) {
        let pos = m.framePosition("pos", valid: valid, start: start, bits: e.count.trailingZeroBitCount)
        // Stages 1 and 2: ROM read, products; stage 3: sums and rounding.
        let p = m.romTwiddleProduct(x, words: e.map { twiddles.value($0) }, width: twiddles.width, addr: pos, style: style)
        let v2 = m.delay("valid", valid, stages: 2, reset: 0), s2 = m.delay("start", start, stages: 2, reset: 0)
        let y = p.scaled(shift: shift, to: outWidth, rounding: rounding, overflow: .wrap).register(m, "y")
        return (y, m.register("valid_3", next: v2, reset: 0), m.register("start_3", next: s2, reset: 0))
    }
}
