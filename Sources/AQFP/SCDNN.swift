import HDL
import Stochastic

/// One SC cycle of an SC neuron (Stochastic's `SCNeuron`, sorter or
/// majority form) as a MIG: the SNGs (comparators code > r, each a chain of
/// majority gates: the carry of code + ~r), the products (XNOR bipolar, AND
/// unipolar) and the activation — the bitonic sorter with its fed-back
/// residue (CONV), or the majority chain (FC).
///
/// Inputs, in order: `first` (the stream's first cycle: the residue starts
/// at 0), x_i_b, w_i_b, bias_b (operand codes, bit b of operand i), rx_i_b,
/// rw_i_b, rb_b (this cycle's random numbers: on AQFP each SNG's true RNG,
/// here given from outside by a seeded source), fb_k (the residue in unary,
/// sorter only). Outputs: `out`, then fb_next_k (sorter only).
public enum SCNeuronMIG {
    public static func build(_ c: SCNeuronConfig) throws -> MIG {
        guard c.form == .sorter || c.form == .majority else {
            throw UserError("form=\(c.form.rawValue) has no AQFP netlist; scdnn builds the sorter (CONV) and majority (FC) neurons")
        }
        let n = c.n, w = c.streams.width
        var m = MIG()
        let first = c.form == .sorter ? m.input("first") : .zero
        // Operand i's bit b is name_i_b; the single bias operand's, name_b.
        func operand(_ name: String, _ count: Int?) -> [[MIGLit]] {
            (0..<(count ?? 1)).map { i in (0..<w).map { b in m.input(count == nil ? "\(name)_\(b)" : "\(name)_\(i)_\(b)") } }
        }
        let x = operand("x", n), wt = operand("w", n), bias = operand("bias", nil)[0]
        let rx = operand("rx", n), rw = operand("rw", n), rb = operand("rb", nil)[0]
        let f = c.form == .sorter ? c.feedback : 0
        let fb = (0..<f).map { m.input("fb_\($0)") }
        // code > r: the carry out of code + ~r, least significant bit first.
        func sng(_ code: [MIGLit], _ r: [MIGLit]) -> MIGLit {
            var carry = MIGLit.zero
            for b in 0..<w { carry = m.maj(code[b], !r[b], carry) }
            return carry
        }
        var terms: [MIGLit] = []
        for i in 0..<n {
            let a = sng(x[i], rx[i]), b = sng(wt[i], rw[i])
            terms.append(c.streams.encoding == .unipolar ? m.and(a, b) : !m.xor(a, b))
        }
        terms.append(sng(bias, rb))
        switch c.form {
        case .sorter:
            // The residue is cleared on a stream's first cycle.
            let residue = fb.map { m.and($0, !first) }
            let k = c.sorterInputs
            var v = terms + residue + Array(repeating: MIGLit.zero, count: k - terms.count - f)
            var size = 2
            while size <= k {
                var j = size / 2
                while j >= 1 {
                    for i in 0..<k where i ^ j > i {
                        let l = i ^ j
                        let hi = m.or(v[i], v[l]), lo = m.and(v[i], v[l])
                        (v[i], v[l]) = i & size == 0 ? (hi, lo) : (lo, hi)
                    }
                    j /= 2
                }
                size *= 2
            }
            func at(_ j: Int) -> MIGLit { j < k ? v[j] : .zero }
            let off = c.offset2 / 2
            let out = at(off + c.scale - 1)
            m.output("out", out)
            for q in 0..<f { m.output("fb_next_\(q)", m.mux(out, at(off + c.scale + q), at(off + q))) }
        default:
            var chain = terms
            // An even count gets the neutral pad the SC neuron uses: a stream
            // toggling each cycle; here given as one more input.
            if chain.count % 2 == 0 { chain.append(m.input("pad")) }
            var y = chain[0]
            for q in stride(from: 1, to: chain.count, by: 2) { y = m.maj(y, chain[q], chain[q + 1]) }
            m.output("out", y)
        }
        return m
    }
}
