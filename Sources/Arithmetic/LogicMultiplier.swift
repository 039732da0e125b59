import HDL

public enum LogicMultiplier {
    /// a · b as gated partial products and an adder tree, so a synthesiser
    /// puts it in LUTs rather than a DSP block (`*` becomes a DSP wherever
    /// one is left). Exact, in the type `a * b` has. One partial product a
    /// bit of the narrower operand: a 4-bit sigma times a 6-bit eps is four
    /// gated copies of eps.
    public static func product(_ m: ModuleBuilder, _ a: Signal, _ b: Signal) -> Signal {
        let signed = a.type.isSigned || b.type.isSigned
        // Integers on the raw bits; the fraction comes back at the end.
        let (wide, narrow) = b.width <= a.width ? (a, b) : (b, a)
        let x = wide.type.isSigned ? wide.asSInt : wide.asUInt
        let zero = m.literal(0, .uint(1))
        var terms: [Signal] = []
        for i in 0..<(narrow.width - (narrow.type.isSigned ? 1 : 0)) {
            terms.append(m.mux(narrow[i], x, zero) << i)
        }
        var exact = terms.isEmpty ? m.literal(0, .sint(1)) : AdderTree.sum(terms)
        if narrow.type.isSigned {
            // The sign bit weighs −2^(w−1).
            exact = exact - (m.mux(narrow[narrow.width - 1], x, zero) << (narrow.width - 1))
        }
        // The type of a * b: widths add, a sign bit more for an unsigned
        // operand of a signed product.
        func width(_ s: Signal) -> Int { s.width + (signed && !s.type.isSigned ? 1 : 0) }
        return exact.resized(to: width(a) + width(b)).asFixed(signed: signed, fraction: a.type.fraction + b.type.fraction)
    }
}
