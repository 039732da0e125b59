// Operators on signals. All are exact (results wide enough for every
// input value) except `&+` / `&-`, which wrap to the operands' common type.

extension Signal {
    static func binary(_ op: BinaryOp, _ a: Signal, _ b: Signal, _ t: HWType) -> Signal {
        a.m.signal(.binary(op, a.id, b.id), t)
    }

    /// Both operands in their common type widened by `extra` bits.
    static func widened(_ a: Signal, _ b: Signal, extra: Int) -> (Signal, Signal, HWType) {
        let c = HWType.common(a.type, b.type)
        let t = HWType(width: c.width + extra, signed: c.isSigned, fraction: c.fraction)
        return (a.aligned(to: c).ext(t.width).retyped(t), b.aligned(to: c).ext(t.width).retyped(t), t)
    }

    public static func + (a: Signal, b: Signal) -> Signal {
        let (x, y, t) = widened(a, b, extra: 1)
        return binary(.add, x, y, t)
    }

    /// Exact difference: always signed, one bit wider than the common type
    /// (an unsigned difference can be negative).
    public static func - (a: Signal, b: Signal) -> Signal {
        let (x, y, t) = widened(a, b, extra: 1)
        return binary(.sub, x, y, HWType(width: t.width, signed: true, fraction: t.fraction))
    }

    /// Wrapping sum in the common type of the operands.
    public static func &+ (a: Signal, b: Signal) -> Signal {
        let (x, y, t) = widened(a, b, extra: 0)
        return binary(.add, x, y, t)
    }

    /// Wrapping difference in the common type of the operands.
    public static func &- (a: Signal, b: Signal) -> Signal {
        let (x, y, t) = widened(a, b, extra: 0)
        return binary(.sub, x, y, t)
    }

    /// Exact product: widths and fraction bits add (plus a sign bit for a
    /// mixed signed × unsigned product).
    public static func * (a: Signal, b: Signal) -> Signal {
        let signed = a.type.isSigned || b.type.isSigned
        func prepared(_ s: Signal) -> Signal {
            guard signed && !s.type.isSigned else { return s }
            return s.ext(s.width + 1).retyped(HWType(width: s.width + 1, signed: true, fraction: s.type.fraction))
        }
        let x = prepared(a), y = prepared(b)
        let t = HWType(width: x.width + y.width, signed: signed, fraction: x.type.fraction + y.type.fraction)
        return binary(.mul, x.ext(t.width), y.ext(t.width), t)
    }

    public static prefix func - (a: Signal) -> Signal {
        a.m.literal(raw: .zero, HWType(width: 1, signed: false, fraction: a.type.fraction)) - a
    }

    // MARK: bitwise (operands aligned to their common type)

    public static func & (a: Signal, b: Signal) -> Signal {
        let (x, y, t) = widened(a, b, extra: 0)
        return binary(.and, x, y, t)
    }
    public static func | (a: Signal, b: Signal) -> Signal {
        let (x, y, t) = widened(a, b, extra: 0)
        return binary(.or, x, y, t)
    }
    public static func ^ (a: Signal, b: Signal) -> Signal {
        let (x, y, t) = widened(a, b, extra: 0)
        return binary(.xor, x, y, t)
    }
    public static prefix func ~ (a: Signal) -> Signal { a.m.signal(.unary(.not, a.id), a.type) }
    /// Logical not of a Bool (bitwise not of any width).
    public static prefix func ! (a: Signal) -> Signal { ~a }

    // MARK: comparisons (exact, across signedness and fraction bits)

    static func compare(_ a: Signal, _ b: Signal, _ op: (Bool) -> BinaryOp, swap: Bool = false) -> Signal {
        let (x, y, t) = widened(a, b, extra: 0)
        return swap ? binary(op(t.isSigned), y, x, .bool) : binary(op(t.isSigned), x, y, .bool)
    }
    public static func == (a: Signal, b: Signal) -> Signal { compare(a, b) { _ in .eq } }
    public static func != (a: Signal, b: Signal) -> Signal { compare(a, b) { _ in .ne } }
    public static func < (a: Signal, b: Signal) -> Signal { compare(a, b) { $0 ? .ltS : .ltU } }
    public static func <= (a: Signal, b: Signal) -> Signal { compare(a, b) { $0 ? .leS : .leU } }
    public static func > (a: Signal, b: Signal) -> Signal { compare(a, b, { $0 ? .ltS : .ltU }, swap: true) }
    public static func >= (a: Signal, b: Signal) -> Signal { compare(a, b, { $0 ? .leS : .leU }, swap: true) }

    // MARK: with integer constants (the number's value, not raw bits)

    func constant(_ v: Int) -> Signal { m.minimalLiteral(BigValue(v)) }
    public static func + (a: Signal, b: Int) -> Signal { a + a.constant(b) }
    public static func - (a: Signal, b: Int) -> Signal { a - a.constant(b) }
    public static func &+ (a: Signal, b: Int) -> Signal {
        // Adds the number b (scaled by a's fraction bits), wrapping in a's
        // own type, like incrementing a counter.
        let c = a.m.signal(.literal((BigValue(b) << a.type.fraction).modPow2(a.width)), a.type)
        return binary(.add, a, c, a.type)
    }
    public static func &- (a: Signal, b: Int) -> Signal { a &+ (-b) }
    public static func * (a: Signal, b: Int) -> Signal { a * a.constant(b) }
    public static func == (a: Signal, b: Int) -> Signal { a == a.constant(b) }
    public static func != (a: Signal, b: Int) -> Signal { a != a.constant(b) }
    public static func < (a: Signal, b: Int) -> Signal { a < a.constant(b) }
    public static func <= (a: Signal, b: Int) -> Signal { a <= a.constant(b) }
    public static func > (a: Signal, b: Int) -> Signal { a > a.constant(b) }
    public static func >= (a: Signal, b: Int) -> Signal { a >= a.constant(b) }

    // MARK: shifts (on the raw bits; the fraction-bit count stays)

    /// Appends `n` zero bits: the value times 2^n, width + n.
    public static func << (a: Signal, n: Int) -> Signal {
        guard n > 0 else { return a }
        let shifted = a.m.cat(a, a.m.signal(.literal(.zero), .uint(n)))
        return shifted.retyped(HWType(width: a.width + n, signed: a.type.isSigned, fraction: a.type.fraction))
    }

    /// Drops the `n` low bits: floor(value / 2^n), width - n (at least 1).
    public static func >> (a: Signal, n: Int) -> Signal {
        guard n > 0 else { return a }
        if n >= a.width {
            // Only the sign remains: 0 or -1.
            return a.type.isSigned ? a.msb.asSInt.retyped(HWType(width: 1, signed: true, fraction: a.type.fraction))
                                   : a.m.signal(.literal(.zero), HWType(width: 1, signed: false, fraction: a.type.fraction))
        }
        return a.m.sliceNode(a, hi: a.width - 1, lo: n)
            .retyped(HWType(width: a.width - n, signed: a.type.isSigned, fraction: a.type.fraction))
    }

    /// Dynamic left shift by an unsigned amount; the result is wide enough
    /// for the largest shift (width + 2^amount.width - 1).
    public static func << (a: Signal, amount: Signal) -> Signal {
        if amount.width > 12 {
            a.m.error(.badArgument, "a dynamic left shift amount of \(amount.width) bits would grow the value by up to 2^\(amount.width) - 1 bits; narrow the amount first", nil)
            return a
        }
        let grow = (1 << amount.width) - 1
        let t = HWType(width: a.width + grow, signed: a.type.isSigned, fraction: a.type.fraction)
        return binary(.shlDyn, a.ext(t.width), amount.asUInt, t)
    }

    /// Dynamic right shift (arithmetic for signed values), same width.
    public static func >> (a: Signal, amount: Signal) -> Signal {
        binary(a.type.isSigned ? .shrDynS : .shrDynU, a, amount.asUInt, a.type)
    }
}
