import HDL

/// The fully parallel FFT: all N points of a frame in one cycle, the
/// plan's stages as combinational butterflies with a register after each
/// butterfly rank and after each rotation. Every twiddle is a constant:
/// quarter turns (W = 1, ±j, -1) are wiring and negation, odd multiples of
/// 45° are 1/√2 by shifts and adds, the rest constant complex products
/// (3 or 4 constant multipliers each). For small N (the block-circulant
/// units use it); latency = the registers on the way.
///
/// Ports: in_valid, in_re and in_im with sample i in bits [iW+W-1 : iW];
/// out_valid, out_re, out_im likewise with bin k (natural order) or bin
/// bitreverse(k) (bit-reversed order) at slot k; out_overflow sticky.
/// Every valid cycle is one frame.
public struct ParallelFFT: Block {
    public let plan: FFTPlan
    public let style: MultiplierStyle
    public let natural: Bool

    public init(plan: FFTPlan, style: MultiplierStyle, natural: Bool) {
        self.plan = plan
        self.style = style
        self.natural = natural
    }

    public static let largest = 64

    public var moduleName: String {
        let p = plan
        let h = ContentHash.short("\(p.stages)", "\(p.rounding)", "\(p.twiddles.width)", "\(p.guardBits)", "\(p.canSaturate)", digits: 6)
        return "fft_parallel_n\(p.n)_w\(p.inWidth)_\(p.outWidth)\(p.inverse ? "_inv" : "")\(natural ? "_nat" : "_rev")_m\(style.rawValue)_\(h)"
    }

    func rotates(_ st: StagePlan) -> Bool {
        if case .none = st.rotation { return st.shift > 0 }
        return true
    }

    public var latency: Int { plan.stages.reduce(1) { $0 + 1 + (rotates($1) ? 1 : 0) } }

    /// Positions with a general (not a multiple of 45°) twiddle.
    public var constantComplexProducts: Int {
        let n = plan.n
        return plan.stages.reduce(0) { total, st in
            guard case .table(let e) = st.rotation else { return total }
            return total + (0..<n).filter { e[$0 % e.count] % (n / 8 == 0 ? 1 : n / 8) != 0 }.count
        }
    }
    public var constantMultipliers: Int { constantComplexProducts * style.count }

    public func build(_ m: ModuleBuilder) throws {
        let p = plan, n = p.n, w = p.inWidth
        m.describe("\(n)-point parallel \(p.inverse ? "inverse " : "")FFT, all points per cycle, \(w)-bit input, \(p.outWidth)-bit output, latency \(latency)")
        let valid = m.input("in_valid", .bool)
        let re = m.input("in_re", .uint(n * w)), im = m.input("in_im", .uint(n * w))
        let x = (0..<n).map { ComplexSignal(re.bits($0 * w + w - 1, $0 * w).asSInt, im.bits($0 * w + w - 1, $0 * w).asSInt) }
        let (v, y, overflow) = datapath(m, valid: valid, inputs: x)
        m.output("out_valid", v)
        m.output("out_re", m.cat(y.reversed().map(\.re)))
        m.output("out_im", m.cat(y.reversed().map(\.im)))
        m.output("out_overflow", overflow)
    }

    /// The datapath on given signals (inputs of `plan.inWidth` bits): the
    /// output valid, the N outputs in the chosen order (registered,
    /// `plan.outWidth` bits) and the sticky overflow flag.
    public func datapath(_ m: ModuleBuilder, valid: Signal, inputs: [ComplexSignal]) -> (Signal, [ComplexSignal], Signal) {
        let p = plan, n = p.n, g = p.guardBits
        var v = valid
        var x = inputs.map { ComplexSignal($0.re << g, $0.im << g) }
        for (s, st) in p.stages.enumerated() {
            let l = st.span
            var y = x
            for b in stride(from: 0, to: n, by: 2 * l) {
                for j in b..<b + l {
                    y[j] = x[j] + x[j + l]
                    y[j + l] = x[j] - x[j + l]
                }
            }
            x = y.enumerated().map { $0.element.register(m, "s\(s)_bf\($0.offset)") }
            v = m.register("s\(s)_valid_bf", next: v, reset: 0)
            if rotates(st) {
                x = x.enumerated().map { q, z in
                    rotate(m, z, exponent: st.rotation.exponent(q, n: n), stage: st).register(m, "s\(s)_rot\(q)")
                }
                v = m.register("s\(s)_valid_rot", next: v, reset: 0)
            } else {
                x = x.map { $0.fitted(to: st.outWidth) }     // the bound proves it
            }
        }
        let ordered = natural ? (0..<n).map { x[FFTModel.bitReverse($0, bits: p.log2n)] } : x
        let (out, overflow) = StreamingFFT.outputRounding(m, ordered, valid: v, guardBits: g, outWidth: p.outWidth,
                                                          saturate: p.canSaturate, rounding: p.rounding)
        return (m.register("out_valid_q", next: v, reset: 0), out, overflow)
    }

    /// x times the constant W_N^e, then the stage's shift, into its width.
    func rotate(_ m: ModuleBuilder, _ x: ComplexSignal, exponent e: Int, stage st: StagePlan) -> ComplexSignal {
        let p = plan, n = p.n, t = p.twiddles.width
        let rnd = RotationStage.hdlRounding(p.rounding)
        let (a, b) = (x.re, x.im)
        if e % (n / 4 == 0 ? 1 : n / 4) == 0 {
            let k = n >= 4 ? (e / (n / 4)) % 4 : 0
            let turns = p.inverse ? (4 - k) % 4 : k
            let z = [x, x.timesMinusJ, ComplexSignal(-a, -b), x.timesJ][turns]
            return z.scaled(shift: st.shift, to: st.outWidth, rounding: rnd, overflow: .wrap)
        }
        let w = p.twiddles.value(e)
        let products: ComplexSignal
        if e % (n / 8) == 0 {
            // Odd eighth: (c, d) = (±r, ±r).
            let u = w.c > 0 ? (w.d > 0 ? a - b : a + b) : (w.d > 0 ? -a - b : b - a)
            let v = w.d > 0 ? (w.c > 0 ? a + b : a - b) : (w.c > 0 ? b - a : -a - b)
            products = ComplexSignal(RotationStage.shiftAddProduct(m, u, abs(w.c)), RotationStage.shiftAddProduct(m, v, abs(w.c)))
        } else {
            func k(_ c: Int, _ bits: Int) -> Signal { m.literal(c, .sint(bits)) }
            switch style {
            case .four:
                products = ComplexSignal(a * k(w.c, t) - b * k(w.d, t), a * k(w.d, t) + b * k(w.c, t))
            case .three:
                let k1 = (a + b) * k(w.c, t)
                products = ComplexSignal(k1 - b * k(w.c + w.d, t + 1), k1 + a * k(w.d - w.c, t + 1))
            }
        }
        let f = ComplexSignal(products.re.asFixed(signed: true, fraction: t - 1), products.im.asFixed(signed: true, fraction: t - 1))
        return f.scaled(shift: st.shift, to: st.outWidth, rounding: rnd, overflow: .wrap)
    }
}
