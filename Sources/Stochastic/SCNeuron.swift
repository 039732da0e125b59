import Arithmetic
import HDL

/// How the neuron adds its product streams and activates the sum.
/// `acc`: a parallel counter (exact or APC) into an accumulator that emits
/// a 1 and subtracts `scale` whenever it reaches `scale` — out =
/// clamp(Σ/scale) over the stream, a clipped-linear activation. `sorter`:
/// the ISCA 2019 CONV neuron — a bitonic sorting network over the product
/// bits and F fed-back bits, the accumulator in unary, clamped to 0...F.
/// `majority`: the ISCA FC neuron — a chain of 3-input majority gates.
public enum SCForm: String, Sendable, CaseIterable {
    case acc, sorter, majority
}

/// The parallel counter of the `acc` form: exact, or approximate (APC:
/// each pair of bits through one majority gate whose third input
/// alternates, so it is an AND one cycle and an OR the next; the count of
/// those doubled).
public enum SCCount: String, Sendable, CaseIterable {
    case exact, apc
}

/// A neuron: n operands x_i times n weights w_i (AND unipolar, XNOR
/// bipolar), plus a bias stream, added and activated by `form`.
public struct SCNeuronConfig: Sendable, Hashable {
    public let streams: SCStreams
    public let n: Int
    public let form: SCForm
    public let count: SCCount
    /// The activation's full scale: the sum that gives an all-ones stream.
    public let scale: Int
    /// Fed-back bits of the sorter form (its accumulator's ceiling).
    public let feedback: Int

    public static let fanIns = 1...256

    public init(streams: SCStreams, n: Int, form: SCForm = .acc, count: SCCount = .exact, scale: Int? = nil, feedback: Int? = nil) throws {
        guard SCNeuronConfig.fanIns.contains(n) else {
            throw UserError("fan-in n=\(n) is out of range \(SCNeuronConfig.fanIns.lowerBound)...\(SCNeuronConfig.fanIns.upperBound)")
        }
        let terms = n + 1
        let s = scale ?? SCNeuronConfig.defaultScale(terms: terms, encoding: streams.encoding)
        guard (1...terms).contains(s) else {
            throw UserError("scale=\(s) must be 1...\(terms) (n + 1 terms with the bias)")
        }
        if form == .sorter, streams.encoding == .bipolar, (terms - s) % 2 != 0 {
            throw UserError("scale=\(s) must have the parity of n + 1 = \(terms) for a bipolar sorter neuron (its per-cycle offset (n + 1 − scale)/2 is a whole number of sorted positions)")
        }
        let f = feedback ?? s
        guard (1...512).contains(f) else { throw UserError("feedback=\(f) is out of range 1...512") }
        self.streams = streams
        self.n = n
        self.form = form
        self.count = count
        self.scale = s
        self.feedback = f
    }

    /// About √(n + 1) — the spread of a sum of n + 1 random products — with
    /// the parity of n + 1 in bipolar (so every form can use it).
    static func defaultScale(terms: Int, encoding: SCEncoding) -> Int {
        var s = max(1, Int(Double(terms).squareRoot().rounded()))
        if encoding == .bipolar, (terms - s) % 2 != 0 { s += 1 }
        return min(s, terms)
    }

    /// Product terms: n products and the bias.
    public var terms: Int { n + 1 }
    /// Per-cycle offset in half counts: n + 1 − scale in bipolar (so that
    /// out = Σ of the bipolar values / scale), 0 in unipolar.
    public var offset2: Int { streams.encoding == .bipolar ? terms - scale : 0 }
    /// Inputs of the sorting network: a power of two.
    public var sorterInputs: Int {
        var k = 1
        while k < terms + feedback { k *= 2 }
        return k
    }
    /// Bits of the acc form's accumulator (half counts, signed): room for a
    /// whole stream's sum, so it never wraps.
    public var accWidth: Int {
        let bound = streams.length * (2 * terms + offset2) + 2 * scale
        return Int.bitWidth - bound.leadingZeroBitCount + 1
    }
}

/// The neuron in hardware. Ports: `start`, `x` and `w` (n operands of w
/// bits each, operand i in bits w·i+w−1...w·i), `bias` (w bits): latched
/// on start; `out` (the activated stream), `out_count`, `done`.
public struct SCNeuron: Block {
    public let config: SCNeuronConfig
    public init(_ config: SCNeuronConfig) { self.config = config }

    public var moduleName: String {
        let c = config, s = c.streams
        return "sc_neuron_n\(c.n)_l\(s.length)_\(s.encoding.rawValue.prefix(3))_\(c.form.rawValue)"
    }

    public func build(_ m: ModuleBuilder) throws {
        let c = config, s = c.streams, w = s.width, n = c.n
        m.describe("SC neuron: \(n) \(s.encoding.rawValue) products + bias, \(c.form.rawValue) form, L = \(s.length), sources \(s.kind.rawValue)/\(s.weightKind.rawValue), sharing \(s.sharing.rawValue)")
        let frame = SCFrame(m, length: s.length)
        let x = frame.operand("x_q", m.input("x", .uint(n * w)))
        let wt = frame.operand("w_q", m.input("w", .uint(n * w)))
        let bias = frame.operand("bias_q", m.input("bias", .uint(w)))
        let bank = SCSourceBank(m, streams: s, pairs: n)
        var terms: [Signal] = []
        for i in 0..<n {
            let xs = bank.stream(x.bits(w * i + w - 1, w * i), side: 0, index: i)
            let ws = bank.stream(wt.bits(w * i + w - 1, w * i), side: 1, index: i)
            terms.append(s.encoding == .unipolar ? xs & ws : ~(xs ^ ws))
        }
        terms.append(bank.stream(bias, side: 2, index: 0))
        let products = m.wire("products", m.cat(terms.reversed()))
        let bits = (0..<c.terms).map { products.bit($0) }

        let out: Signal
        switch c.form {
        case .acc:
            let count = c.count == .exact ? AdderTree.sum(bits) : SCNeuron.apc(bits, toggle: frame.t.bit(0))
            let acc = m.register("acc", .sint(c.accWidth), reset: 0)
            let sum = m.wire("acc_next", (acc + (count << 1) - c.offset2).resized(to: c.accWidth))
            out = m.wire("fire", sum >= 2 * c.scale)
            let next = m.mux(out, sum - 2 * c.scale, sum).resized(to: c.accWidth)
            m.when(frame.busy) { acc.assign(next) }
            m.when(frame.start) { acc.assign(0) }
        case .sorter:
            let f = c.feedback, off = c.offset2 / 2
            let fb = m.register("feedback", .uint(f), reset: 0)
            let zeros = c.sorterInputs - c.terms - f
            let sorted = SCNeuron.bitonicSort(bits + (0..<f).map { fb.bit($0) } + Array(repeating: m.literal(0, .bool), count: zeros))
            func at(_ j: Int) -> Signal { j < sorted.count ? sorted[j] : m.literal(0, .bool) }
            out = m.wire("fire", at(off + c.scale - 1))
            // The residue in unary: positions off (+ scale if fired) onward.
            let next = (0..<f).map { m.mux(out, at(off + c.scale + $0), at(off + $0)) }
            m.when(frame.busy) { fb.assign(m.cat(next.reversed())) }
            m.when(frame.start) { fb.assign(0) }
        case .majority:
            var chain = bits
            if chain.count % 2 == 0 { chain.append(frame.t.bit(0)) }   // a neutral half stream
            var y = chain[0]
            for k in stride(from: 1, to: chain.count, by: 2) { y = SCNeuron.majority(y, chain[k], chain[k + 1]) }
            out = m.wire("fire", y)
        }
        frame.stream("out", out)
    }

    static func majority(_ a: Signal, _ b: Signal, _ c: Signal) -> Signal { (a & b) | (b & c) | (a & c) }

    /// APC: bit pairs (2j, 2j+1) each through MAJ(a, b, c) with c = (t + j)
    /// mod 2 — an AND when c = 0, an OR when c = 1. (a AND b) + (a OR b) =
    /// a + b, so each pair is unbiased over any two cycles whatever its
    /// inputs' values (a fixed AND/OR choice per pair is unbiased only
    /// when the pairs are alike: 21 counts off on average at n = 25); the
    /// count of those doubled, plus an odd last bit. `toggle` is t mod 2.
    static func apc(_ bits: [Signal], toggle: Signal) -> Signal {
        var pairs: [Signal] = []
        for j in 0..<(bits.count / 2) {
            pairs.append(majority(bits[2 * j], bits[2 * j + 1], j % 2 == 0 ? toggle : ~toggle))
        }
        var total = pairs.isEmpty ? nil : AdderTree.sum(pairs) << 1
        if bits.count % 2 == 1 { total = total.map { $0 + bits[bits.count - 1] } ?? bits[bits.count - 1] }
        return total!
    }

    /// Batcher's bitonic network on single bits, largest first: each
    /// compare-exchange is an OR (max) and an AND (min). `bits.count` is a
    /// power of two.
    static func bitonicSort(_ bits: [Signal]) -> [Signal] {
        var v = bits
        let n = v.count
        var k = 2
        while k <= n {
            var j = k / 2
            while j >= 1 {
                for i in 0..<n {
                    let l = i ^ j
                    guard l > i else { continue }
                    // Descending where i's k-block is even, ascending where odd:
                    // merged, the whole is descending.
                    let descending = i & k == 0
                    let hi = v[i] | v[l], lo = v[i] & v[l]
                    (v[i], v[l]) = descending ? (hi, lo) : (lo, hi)
                }
                j /= 2
            }
            k *= 2
        }
        return v
    }
}
