import HDL

/// A Fibonacci LFSR over a primitive polynomial p(x) = x^n + Σ x^c, giving
/// `bitsPerCycle` bits of the sequence a(t+n) = Σ a(t+c) each enabled cycle.
///
/// The state holds a(t) ... a(t+n−1) (bit i = a(t+i)); the outputs are
/// a(t) ... a(t+k−1) (bit j = a(t+j)). Jumping k steps at once is linear, so
/// every next-state and output bit is the parity of a fixed subset of the
/// state ("leap-ahead"), computed here at elaboration.
///
/// Ports: `enable` (advance), `load` + `seed` (load a seed; a zero seed loads
/// the reset seed instead, so the generator cannot lock up at zero), `bits`.
public struct LFSR: Block {
    public let polynomial: Polynomial
    public let bitsPerCycle: Int
    public let seed: BigValue

    public var degree: Int { polynomial.degree }

    public init(degree: Int, bitsPerCycle: Int = 1, seed: BigValue, polynomial: Polynomial? = nil) throws {
        guard PrimitivePolynomials.degrees.contains(degree) else {
            throw UserError("LFSR degree must be 3...128, got \(degree)")
        }
        let p = polynomial ?? PrimitivePolynomials.polynomial(degree: degree)!
        guard p.degree == degree, p.isPrimitive else {
            throw UserError("polynomial \(p) is not primitive of degree \(degree): the LFSR would not reach its full period")
        }
        guard (1...128).contains(bitsPerCycle) else {
            throw UserError("LFSR bits per cycle must be 1...128, got \(bitsPerCycle)")
        }
        guard !seed.isNegative, seed.magnitudeBitWidth <= degree else {
            throw UserError("LFSR seed \(seed) does not fit \(degree) bits")
        }
        guard !seed.isZero else {
            throw UserError("LFSR seed 0 is not allowed: an all-zero state never leaves zero")
        }
        self.polynomial = p
        self.bitsPerCycle = bitsPerCycle
        self.seed = seed
    }

    public var moduleName: String {
        "lfsr_d\(degree)_k\(bitsPerCycle)_t\(polynomial.taps.map(String.init).joined(separator: "_"))_s\(seed.toString(radix: 16))"
    }

    /// For each of a(t) ... a(t+count−1): the state bits whose parity it is.
    public func leapAhead(_ count: Int) -> [BigValue] {
        var seq = (0..<degree).map { BigValue.pow2($0) }
        while seq.count < count {
            let m = seq.count - degree
            seq.append(polynomial.taps.reduce(BigValue.zero) { $0.xor(seq[m + $1]) })
        }
        return Array(seq.prefix(count))
    }

    public func build(_ m: ModuleBuilder) throws {
        let n = degree, k = bitsPerCycle
        m.describe("Fibonacci LFSR, p(x) = \(polynomial), \(k) bit(s) per cycle, reset seed 0x\(seed.toString(radix: 16))")
        let enable = m.input("enable", .bool)
        let load = m.input("load", .bool)
        let seedIn = m.input("seed", .uint(n))
        let state = m.register("state", .uint(n), resetValue: seed)
        let masks = leapAhead(n + k)
        func parity(_ mask: BigValue) -> Signal {
            let top = mask.magnitudeBitWidth - 1
            if mask == BigValue.pow2(top) { return state.bit(top) }   // a plain shift
            return (state & m.literal(raw: mask, .uint(n))).xorReduce
        }
        let outBits = (0..<k).map { parity(masks[$0]) }
        m.output("bits", m.cat(outBits.reversed()))
        let next = m.cat((0..<n).map { parity(masks[k + $0]) }.reversed())
        let reseed = m.mux(seedIn == 0, m.literal(raw: seed, .uint(n)), seedIn)
        m.when(load) {
            state.assign(reseed)
        }.elseWhen(enable) {
            state.assign(next)
        }
    }
}

/// The LFSR as plain software: one bit at a time through the recurrence,
/// independent of the leap-ahead matrices the hardware uses. The window
/// a(t) ... a(t+n−1) is kept in two words (bit i = a(t+i)).
public struct LFSRModel {
    public let degree: Int
    public let resetSeed: BigValue
    let tapLo: UInt64, tapHi: UInt64
    var lo: UInt64 = 0, hi: UInt64 = 0

    public init(_ lfsr: LFSR) {
        degree = lfsr.degree
        resetSeed = lfsr.seed
        var tl: UInt64 = 0, th: UInt64 = 0
        for c in lfsr.polynomial.taps { if c < 64 { tl |= 1 << UInt64(c) } else { th |= 1 << UInt64(c - 64) } }
        tapLo = tl
        tapHi = th
        load(lfsr.seed)
    }

    public var state: BigValue { BigValue(words: [lo, hi]) }

    /// One step of the recurrence; returns a(t).
    public mutating func step() -> Bool {
        let out = lo & 1 == 1
        let fb = ((lo & tapLo).nonzeroBitCount + (hi & tapHi).nonzeroBitCount) & 1
        lo = (lo >> 1) | (hi << 63)
        hi >>= 1
        let top = degree - 1
        if top < 64 { lo |= UInt64(fb) << UInt64(top) } else { hi |= UInt64(fb) << UInt64(top - 64) }
        return out
    }

    /// The `k` bits the hardware shows now (bit j = a(t+j)), without advancing.
    public func peek(_ k: Int) -> BigValue {
        var copy = self
        var words = [UInt64](repeating: 0, count: (k + 63) / 64)
        for j in 0..<k where copy.step() { words[j / 64] |= 1 << UInt64(j % 64) }
        return BigValue(words: words)
    }

    public mutating func advance(_ k: Int) { for _ in 0..<k { _ = step() } }

    /// Loads a seed (zero loads the reset seed, as the hardware does).
    public mutating func load(_ seed: BigValue) {
        let w = (seed.isZero ? resetSeed : seed).modPow2(degree).words(count: 2)
        lo = w[0]
        hi = w[1]
    }
}
