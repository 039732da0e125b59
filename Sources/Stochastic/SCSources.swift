import Harness
import HDL
import Random
import Synchronization

/// Sobol direction numbers, made from their definition (Bratley and Fox):
/// dimension 1 is van der Corput (v_k = 2^−k); dimension j ≥ 2 takes the
/// (j−1)-th primitive polynomial over GF(2) in order of degree then value
/// (x + 1, x^2 + x + 1, x^3 + x + 1, ...), initial m_1 = 1 and m_2..m_s
/// odd numbers below 2^k drawn from a generator seeded by (j, k) — all-ones
/// initial values would make the top s bits of every dimension equal those
/// of dimension 1, and a dimension whose degree reaches w a copy of it —
/// and the
/// recurrence m_k = 2a_1·m_{k−1} ⊕ ... ⊕ 2^(s−1)a_(s−1)·m_(k−s+1) ⊕ 2^s·m_(k−s) ⊕ m_(k−s).
public enum SobolDirections {
    struct Search { var list = [Polynomial([1, 0])], degree = 2, code = 0 }
    static let search = Mutex(Search())

    /// The primitive polynomial of dimension `j` ≥ 2.
    static func polynomial(dimension j: Int) -> Polynomial {
        search.withLock { s in
            while s.list.count < j - 1 {
                // Degree d, middle exponents 1..d−1 from the bits of `code`.
                if s.code >= 1 << (s.degree - 1) { s.degree += 1; s.code = 0 }
                let p = Polynomial([s.degree, 0] + (1..<s.degree).filter { s.code >> ($0 - 1) & 1 == 1 })
                s.code += 1
                if p.isPrimitive { s.list.append(p) }
            }
            return s.list[j - 2]
        }
    }

    /// v_1 ... v_w of dimension `j` (1-based) as w-bit integers (v_k = m_k·2^(w−k)).
    public static func numbers(dimension j: Int, width w: Int) -> [UInt64] {
        if j == 1 { return (1...w).map { 1 << UInt64(w - $0) } }
        let p = polynomial(dimension: j), s = p.degree
        var m: [UInt64] = []
        for k in 1...w {
            if k <= s {
                var r = SplitMix64(seed: UInt64(j) << 32 | UInt64(k))
                m.append(k == 1 ? 1 : (r.next() >> UInt64(64 - k)) | 1)
                continue
            }
            var v = m[k - 1 - s] ^ (m[k - 1 - s] << UInt64(s))
            for i in 1..<s where p.exponents.contains(s - i) { v ^= m[k - 1 - i] << UInt64(i) }
            m.append(v)
        }
        return (1...w).map { m[$0 - 1] << UInt64(w - $0) }
    }
}

/// One random source of an SNG bank, as the hardware builds it and the
/// model steps it.
public enum SCSource: Hashable, Sendable {
    case lfsr(seed: UInt64)
    case sobol(dimension: Int)
    case counter

    /// Instance `k` of `kind` (see `SCStreams.instance`).
    static func make(_ kind: SCSourceKind, instance k: Int, streams: SCStreams) -> SCSource {
        switch kind {
        case .lfsr: return .lfsr(seed: streams.lfsrSeed(k))
        case .sobol: return .sobol(dimension: k + 1)
        case .counter: return .counter
        }
    }
}

/// The software side: each source's w-bit number this cycle, then a step.
/// Written from the definitions (the LFSR recurrence bit by bit, where the
/// hardware leaps w steps with parity masks; a Sobol point as the XOR of
/// the direction numbers the index's Gray code selects, where the hardware
/// XORs per output bit), not from the hardware.
public struct SCSourceModel {
    let source: SCSource
    let width: Int
    let degree: Int
    let taps: UInt64
    var state: UInt64 = 0
    var index: UInt64 = 0
    let directions: [UInt64]

    public init(_ source: SCSource, streams: SCStreams) {
        self.source = source
        width = streams.width
        degree = streams.polynomial.degree
        taps = streams.polynomial.taps.reduce(0) { $0 | 1 << UInt64($1) }
        if case .lfsr(let s) = source { state = s }
        if case .sobol(let d) = source { directions = SobolDirections.numbers(dimension: d, width: streams.width) } else { directions = [] }
    }

    /// The number on this cycle: LFSR a(t)..a(t+w−1) (bit j = a(t+j));
    /// Sobol point `index` mod 2^w of the dimension; the counter's phase.
    public var value: UInt64 {
        let mask: UInt64 = (1 << UInt64(width)) - 1
        switch source {
        case .lfsr: return state & mask
        case .counter: return index & mask
        case .sobol:
            // The point of index i: XOR of v_k over the set bits of i's Gray code.
            let i = index & mask, g = i ^ (i >> 1)
            var x: UInt64 = 0
            for k in 0..<width where g >> UInt64(k) & 1 == 1 { x ^= directions[k] }
            return x
        }
    }

    public mutating func step() {
        index &+= 1
        guard case .lfsr = source else { return }
        for _ in 0..<width {
            let fb = UInt64((state & taps).nonzeroBitCount & 1)
            state = (state >> 1) | (fb << UInt64(degree - 1))
        }
    }
}

/// The sources of one SC circuit in software, as the hardware has them:
/// each distinct source once (SNGs sharing one read the same model), all
/// stepped every cycle.
struct SCSourceSet {
    let streams: SCStreams
    private(set) var models: [SCSourceModel] = []
    private var index: [SCSource: Int] = [:]

    init(_ streams: SCStreams) { self.streams = streams }

    /// The model of `kind`'s instance `instance`, added on first use.
    mutating func add(_ kind: SCSourceKind, instance: Int) -> Int {
        let src = SCSource.make(kind, instance: instance, streams: streams)
        if let k = index[src] { return k }
        models.append(SCSourceModel(src, streams: streams))
        index[src] = models.count - 1
        return models.count - 1
    }

    /// The source of operand `i` of `side` (see `SCStreams.instance`).
    mutating func add(side: Int, index i: Int, pairs: Int) -> Int {
        add(streams.kind(side: side), instance: streams.instance(side: side, index: i, pairs: pairs))
    }

    func value(_ k: Int) -> UInt64 { models[k].value }

    mutating func step() { for k in models.indices { models[k].step() } }
}

/// The sources of one SC circuit in hardware: each distinct instance built
/// once (a shared source is one register set feeding several SNGs), all
/// stepping every cycle from reset.
final class SCSourceBank {
    let m: ModuleBuilder
    let streams: SCStreams
    /// The w-bit phase counter every Sobol and counter source reads.
    let phase: Signal
    /// Operand pairs of the circuit (numbers the extra streams' sources).
    let pairs: Int
    var built: [SCSource: Signal] = [:]
    var lfsrCount = 0
    /// For each of a(t) ... a(t+n+w−1): the state bits whose parity it is.
    lazy var leapMasks: [BigValue] = {
        let n = streams.polynomial.degree, w = streams.width
        return (try? LFSR(degree: n, bitsPerCycle: w, seed: .one, polynomial: streams.polynomial))?.leapAhead(n + w) ?? []
    }()

    init(_ m: ModuleBuilder, streams: SCStreams, pairs: Int) {
        self.m = m
        self.streams = streams
        self.pairs = pairs
        phase = m.register("phase", .uint(streams.width), reset: 0)
        phase.assign(phase &+ 1)
    }

    /// The w-bit number of `source` this cycle.
    func number(_ source: SCSource) -> Signal {
        if let s = built[source] { return s }
        let w = streams.width
        let s: Signal
        switch source {
        case .counter:
            s = phase
        case .lfsr(let seed):
            // Leap-ahead by w steps a cycle: the masks come from the Random
            // family's LFSR (the same recurrence the model steps bit by bit).
            let n = streams.polynomial.degree, masks = leapMasks
            let state = m.register("lfsr\(lfsrCount)", .uint(n), resetValue: BigValue(seed))
            lfsrCount += 1
            func parity(_ mask: BigValue) -> Signal {
                let top = mask.magnitudeBitWidth - 1
                if mask == BigValue.pow2(top) { return state.bit(top) }
                return (state & m.literal(raw: mask, .uint(n))).xorReduce
            }
            state.assign(m.cat((0..<n).map { parity(masks[w + $0]) }.reversed()))
            s = state.bits(w - 1, 0)
        case .sobol(let d):
            let v = SobolDirections.numbers(dimension: d, width: w)
            let gray = phase ^ (phase >> 1).extended(to: w)
            // Bit b of the point: parity of the Gray bits k whose v_k has bit b.
            var bits: [Signal] = []
            for b in 0..<w {
                let mask = (0..<w).reduce(UInt64(0)) { v[$1] >> UInt64(b) & 1 == 1 ? $0 | 1 << UInt64($1) : $0 }
                bits.append(mask == 0 ? m.literal(0, .bool) : (gray & m.literal(raw: BigValue(mask), .uint(w))).xorReduce)
            }
            s = m.wire("sobol\(d)", m.cat(bits.reversed()))
        }
        built[source] = s
        return s
    }

    /// An SNG: 1 when `operand` > the source's number (P = a/2^w).
    func stream(_ operand: Signal, side: Int, index: Int) -> Signal {
        let k = streams.instance(side: side, index: index, pairs: pairs)
        return operand > (number(SCSource.make(streams.kind(side: side), instance: k, streams: streams)))
    }
}
