import HDL

/// A radix-2 butterfly with a twiddle input w (`twiddleWidth` bits, one
/// less fraction bit), one register at the output (in_valid → out_valid):
///
///   DIF: y0 = a + b,      y1 = (a - b)·w   (decimation in frequency)
///   DIT: t = b·w, y0 = a + t, y1 = a - t   (decimation in time)
///
/// Sums exact; the product rounded once per part (`rounding`). Widths hold
/// every input: |w| <= 1 up to quantization, so a product grows by √2 < 2.
public struct Butterfly: Block {
    public enum Kind: String, CaseIterable, Sendable { case dif, dit }
    public let kind: Kind
    public let width: Int, twiddleWidth: Int
    public let rounding: RoundingMode
    public let style: MultiplierStyle

    public init(kind: Kind, width: Int, twiddleWidth: Int, rounding: RoundingMode, style: MultiplierStyle) {
        self.kind = kind
        self.width = width
        self.twiddleWidth = twiddleWidth
        self.rounding = rounding
        self.style = style
    }

    public var moduleName: String {
        "fft_butterfly_\(kind.rawValue)_w\(width)_t\(twiddleWidth)_m\(style.rawValue)_\(rounding.rawValue.filter { $0 != "-" })"
    }
    /// Width of both outputs.
    public var outWidth: Int { width + 2 }

    public func build(_ m: ModuleBuilder) throws {
        m.describe("radix-2 \(kind.rawValue.uppercased()) butterfly, \(width)-bit data, \(twiddleWidth)-bit twiddle, \(style.rawValue) multipliers, \(rounding.rawValue)")
        func complexInput(_ n: String, _ w: Int) -> ComplexSignal { ComplexSignal(m.input("in_\(n)_re", .sint(w)), m.input("in_\(n)_im", .sint(w))) }
        let valid = m.input("in_valid", .bool)
        let a = complexInput("a", width), b = complexInput("b", width), w = complexInput("w", twiddleWidth)
        let rnd = RotationStage.hdlRounding(rounding)
        func product(_ x: ComplexSignal) -> ComplexSignal {
            let p = x.times(w, style: style)
            return ComplexSignal(p.re.asFixed(signed: true, fraction: twiddleWidth - 1), p.im.asFixed(signed: true, fraction: twiddleWidth - 1))
                .scaled(shift: 0, to: outWidth, rounding: rnd, overflow: .wrap)
        }
        let y0: ComplexSignal, y1: ComplexSignal
        switch kind {
        case .dif:
            (y0, y1) = ((a + b).fitted(to: outWidth), product(a - b))
        case .dit:
            let t = product(b)
            (y0, y1) = ((a + t).fitted(to: outWidth), (a - t).fitted(to: outWidth))
        }
        let q0 = y0.register(m, "y0"), q1 = y1.register(m, "y1")
        m.output("out_valid", m.register("valid_q", next: valid, reset: 0))
        m.output("out_0_re", q0.re)
        m.output("out_0_im", q0.im)
        m.output("out_1_re", q1.re)
        m.output("out_1_im", q1.im)
    }

    /// The model: the same arithmetic on integers.
    public func model(a: ComplexInt, b: ComplexInt, w: Twiddle) -> (ComplexInt, ComplexInt) {
        let s = twiddleWidth - 1
        switch kind {
        case .dif:
            return (a + b, FixedMath.multiply(a - b, w, shift: s, rounding))
        case .dit:
            let t = FixedMath.multiply(b, w, shift: s, rounding)
            return (a + t, a - t)
        }
    }
}
