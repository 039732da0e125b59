import HDL

/// A complex fixed-point value in a module being built: real and imaginary
/// signals of one type. Sums and differences are exact (one bit wider);
/// narrowing goes through `cast`, with the rounding said.
public struct ComplexSignal {
    public var re: Signal
    public var im: Signal
    public init(_ re: Signal, _ im: Signal) { self.re = re; self.im = im }

    public var width: Int { max(re.width, im.width) }

    public static func + (a: ComplexSignal, b: ComplexSignal) -> ComplexSignal { ComplexSignal(a.re + b.re, a.im + b.im) }
    public static func - (a: ComplexSignal, b: ComplexSignal) -> ComplexSignal { ComplexSignal(a.re - b.re, a.im - b.im) }
    /// Times -j: (re, im) → (im, -re), exact (negation grows a bit).
    public var timesMinusJ: ComplexSignal { ComplexSignal(im, -re) }
    public var timesJ: ComplexSignal { ComplexSignal(-im, re) }
    public var conjugate: ComplexSignal { ComplexSignal(re, -im) }

    /// Both parts divided by 2^shift (rounded) into signed `width` bits;
    /// `overflow` says what happens outside that range.
    public func scaled(shift: Int, to width: Int, rounding: Rounding, overflow: Overflow,
                       file: StaticString = #fileID, line: UInt = #line) -> ComplexSignal {
        func one(_ s: Signal) -> Signal {
            s.asFixed(signed: true, fraction: s.type.fraction + shift)
                .cast(to: .sint(width), rounding: rounding, overflow: overflow, file: file, line: line)
        }
        return ComplexSignal(one(re), one(im))
    }

    /// Both parts in signed `width` bits, which the caller's bound proves
    /// enough (a narrower width drops only copies of the sign bit).
    public func fitted(to width: Int) -> ComplexSignal {
        ComplexSignal(re.asSInt.resized(to: width), im.asSInt.resized(to: width))
    }

    public func register(_ m: ModuleBuilder, _ name: String) -> ComplexSignal {
        ComplexSignal(m.register("\(name)_re", next: re), m.register("\(name)_im", next: im))
    }

    public static func mux(_ m: ModuleBuilder, _ c: Signal, _ a: ComplexSignal, _ b: ComplexSignal) -> ComplexSignal {
        ComplexSignal(m.mux(c, a.re, b.re), m.mux(c, a.im, b.im))
    }
}

/// Complex multipliers: 4 real multipliers (two products per part), or 3
/// (Gauss: k1 = c(a+b), k2 = a(d-c), k3 = b(c+d); re = k1-k3, im = k1+k2),
/// which trades a multiplier for three adders. Both give the exact product.
public enum MultiplierStyle: String, CaseIterable, Sendable {
    case four = "4"
    case three = "3"
    public var count: Int { self == .four ? 4 : 3 }
}

extension ModuleBuilder {
    /// A stream between stages: valid, frame start, data.
    func streamPorts(_ prefix: String, width: Int, input: Bool) -> (valid: Signal, start: Signal, data: ComplexSignal) {
        if input {
            return (self.input("\(prefix)_valid", .bool), self.input("\(prefix)_start", .bool),
                    ComplexSignal(self.input("\(prefix)_re", .sint(width)), self.input("\(prefix)_im", .sint(width))))
        }
        return (self.output("\(prefix)_valid", .bool), self.output("\(prefix)_start", .bool),
                ComplexSignal(self.output("\(prefix)_re", .sint(width)), self.output("\(prefix)_im", .sint(width))))
    }

    /// The position in its frame of the sample now on a stream: 0 on a
    /// start, else one more than the last valid sample's (`bits` wide, wrapping).
    public func framePosition(_ name: String, valid: Signal, start: Signal, bits: Int) -> Signal {
        let next = register("\(name)_next", .uint(bits), reset: 0)
        let pos = mux(start, literal(0, .uint(bits)), next)
        when(valid) { next.assign(pos &+ 1) }
        return pos
    }
}

extension ComplexSignal {
    /// The exact product self·w with 4 real multipliers, or 3 (Gauss; the
    /// sums of w's parts are built here — a ROM can store them instead).
    public func times(_ w: ComplexSignal, style: MultiplierStyle) -> ComplexSignal {
        let (a, b, c, d) = (re, im, w.re, w.im)
        switch style {
        case .four:
            return ComplexSignal(a * c - b * d, a * d + b * c)
        case .three:
            let k1 = (a + b) * c, k2 = a * (d - c), k3 = b * (c + d)
            return ComplexSignal(k1 - k3, k1 + k2)
        }
    }
}

extension ModuleBuilder {
    /// x times the twiddle `words[addr]` read from ROMs, in two register
    /// stages: the ROM words beside x (stage 1), the real products
    /// (stage 2). Returns the exact product read with t - 1 fraction bits,
    /// from the stage-2 registers. With 3 multipliers the ROMs hold c,
    /// d - c and c + d, so the twiddle side needs no adders.
    ///
    /// An exact 1 or j (a component of 2^(t-1), which t signed bits cannot
    /// hold) widens that component's ROM, and so one multiplier operand, by
    /// a bit, so W^0 multiplies by unity exactly (on ECP5 and 7-series a
    /// 20- or 21-bit operand takes the same DSP blocks). Tables without such
    /// words are built as before.
    func romTwiddleProduct(_ x: ComplexSignal, words: [Twiddle], width t: Int, addr: Signal,
                           style: MultiplierStyle) -> ComplexSignal {
        let one = 1 << (t - 1)
        func table(_ name: String, _ bits: Int, _ value: (Twiddle) -> Int) -> Signal {
            rom(name, .sint(bits), contents: words.map { BigValue(value($0)) }).kind("twiddle ROM").read(addr: addr)
        }
        let c = table("tw_c", words.contains { $0.c == one } ? t + 1 : t) { $0.c }
        let x1 = x.register(self, "x_1")
        let re: Signal, im: Signal
        switch style {
        case .four:
            let d = table("tw_d", words.contains { $0.d == one } ? t + 1 : t) { $0.d }
            let ac = register("ac", next: x1.re * c), bd = register("bd", next: x1.im * d)
            let ad = register("ad", next: x1.re * d), bc = register("bc", next: x1.im * c)
            (re, im) = (ac - bd, ad + bc)
        case .three:
            let dmc = table("tw_dmc", t + 1) { $0.d - $0.c }, cpd = table("tw_cpd", t + 1) { $0.c + $0.d }
            let ab = register("ab_1", next: x.re + x.im)
            let k1 = register("k1", next: ab * c), k2 = register("k2", next: x1.re * dmc)
            let k3 = register("k3", next: x1.im * cpd)
            (re, im) = (k1 - k3, k1 + k2)
        }
        return ComplexSignal(re.asFixed(signed: true, fraction: t - 1), im.asFixed(signed: true, fraction: t - 1))
    }
}
