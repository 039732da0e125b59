import Arithmetic
import HDL

/// k Gaussian samples a cycle, each a centred binomial count of n fresh
/// bits: e = popcount(first n/2 bits) − popcount(last n/2 bits), so
/// e + n/2 ~ Binomial(n, 1/2) and 2e/sqrt(n) has unit variance. The bits
/// come from one leap LFSR (`Trinomial`) that makes all k·n of them new
/// every cycle, so each output's samples sit in disjoint windows of the
/// sequence, and so do neighbouring outputs'.
///
/// Cost on a LUT4 FPGA: one XOR LUT a fresh bit (D flip-flops of state),
/// then a popcount tree: 4-bit counts in three LUTs, carry-chain adders
/// above. No table and no multiplier: a consumer folds the constant
/// 2/sqrt(n) into what it multiplies e by (vibnn's sigma).
///
/// Ports: `enable` (advance the LFSR), `eps` (k signed samples, output 0
/// in the low bits), `valid` (high from the second cycle after reset).
/// e passes two registers after the state (partial counts, then e), so it
/// lags the state by two cycles whether or not `enable` is high.
public struct BinomialGRNG: Block {
    public let outputs: Int, bits: Int, seed: UInt64
    public let polynomial: Trinomial

    public static let bitRange = 4...64

    public init(outputs: Int, bits: Int, seed: UInt64) throws {
        guard outputs >= 1 else { throw UserError("a binomial generator needs at least one output, got \(outputs)") }
        guard BinomialGRNG.bitRange.contains(bits) && bits % 2 == 0 else {
            throw UserError("binomial bits n=\(bits) must be even and in \(BinomialGRNG.bitRange)")
        }
        guard let p = Trinomial.forLeap(outputs * bits, clear: bits) else {
            throw UserError("k*n = \(outputs * bits) fresh bits a cycle is more than one LFSR here leaps (\(Trinomial.maxLeap)); use fewer samples or bits, or several generators")
        }
        (self.outputs, self.bits, self.seed, polynomial) = (outputs, bits, seed, p)
    }

    public var leap: Int { outputs * bits }
    /// e in −n/2 ... n/2.
    public var sampleType: HWType { .sint(Int.bitWidth - (bits / 2).leadingZeroBitCount + 1) }
    /// The constant that gives e unit variance.
    public var unitScale: Double { 2 / Double(bits).squareRoot() }

    public var moduleName: String { "binomial_grng_n\(bits)_k\(outputs)_s\(seed)" }

    /// The seed state s_0 ... s_{D−1} (never all zero).
    public var initialState: [Bool] {
        var rng = XorShift64(state: seed &* 0x9E37_79B9_7F4A_7C15 | 1)
        var s = (0..<polynomial.degree).map { _ in rng.next() >> 63 == 1 }
        if !s.contains(true) { s[0] = true }
        return s
    }

    public func build(_ m: ModuleBuilder) throws {
        let d = polynomial.degree, mid = polynomial.middle, l = leap
        m.describe("binomial GRNG: \(outputs) sample(s)/cycle, each popcount(\(bits / 2)) - popcount(\(bits / 2)) of fresh bits from a leap-\(l) LFSR on \(polynomial)")
        let enable = m.input("enable", .bool)
        var words = [UInt64](repeating: 0, count: (d + 63) / 64)
        for (i, b) in initialState.enumerated() where b { words[i >> 6] |= 1 << UInt64(i & 63) }
        // Bit i is s_{t+i}: bit 0 the oldest. All `leap` new bits are XORs
        // of two state bits, since leap ≤ D − M.
        let state = m.register("state", .uint(d), resetValue: BigValue(words: words), enable: enable)
        let fresh = state.bits(mid + l - 1, mid) ^ state.bits(l - 1, 0)
        state.assign(l == d ? fresh : m.cat(fresh, state.bits(d - 1, l)))
        let newest = state.bits(d - 1, d - l)
        let half = bits / 2
        var samples: [Signal] = []
        for j in 0..<outputs {
            func counts(_ from: Int) -> [Signal] {
                stride(from: 0, to: half, by: 4).map { g in
                    BinomialGRNG.count(newest.bits(from + min(g + 4, half) - 1, from + g), m)
                }
            }
            // Stage 1: counts of 4 bits (LUTs) and their first sums; stage 2:
            // the rest of each half's sum and the difference.
            let a = BinomialGRNG.pairSums(counts(j * bits)), b = BinomialGRNG.pairSums(counts(j * bits + half))
            let ra = a.enumerated().map { m.register("pa\(j)_\($0.offset)", next: $0.element) }
            let rb = b.enumerated().map { m.register("pb\(j)_\($0.offset)", next: $0.element) }
            let e = AdderTree.sum(ra) - AdderTree.sum(rb)
            samples.append(m.register("e\(j)", next: e.resized(to: sampleType.width)))
        }
        m.output("eps", m.cat(samples.reversed()))
        let warm = m.register("warm", .uint(2), reset: 0)
        warm.assign(m.mux(warm == 2, warm, warm + 1).resized(to: 2))
        m.output("valid", warm == 2)
    }

    /// The number of ones in up to 4 bits, as logic (three LUT4s) rather
    /// than adds, which a synthesiser would put on carry chains.
    static func count(_ x: Signal, _ m: ModuleBuilder) -> Signal {
        switch x.width {
        case 1: return x.asUInt
        case 2: return m.cat(x[1] & x[0], x[1] ^ x[0])
        case 3:
            let s = x[0] ^ x[1]
            return m.cat((x[0] & x[1]) | (s & x[2]), s ^ x[2])
        default:
            let s1 = x[0] ^ x[1], c1 = x[0] & x[1], s2 = x[2] ^ x[3], c2 = x[2] & x[3]
            let carry = s1 & s2
            return m.cat((c1 & c2) | ((c1 ^ c2) & carry), c1 ^ c2 ^ carry, s1 ^ s2)
        }
    }

    /// One level of pairwise sums (an odd count passes through), as a level
    /// of `AdderTree.sum`: the first level goes before the register.
    static func pairSums(_ xs: [Signal]) -> [Signal] {
        stride(from: 0, to: xs.count, by: 2).map { $0 + 1 < xs.count ? xs[$0] + xs[$0 + 1] : xs[$0] }
    }
}

/// The generator in software: the same LFSR bits, the same windows.
public struct BinomialModel {
    public let g: BinomialGRNG
    var sequence: LeapSequence
    /// Bits of the state's newest `leap` start here: s_{d−leap+c·leap} at cycle c.
    var window: Int

    public init(_ g: BinomialGRNG) {
        self.g = g
        sequence = LeapSequence(g.polynomial, state: g.initialState)
        window = g.polynomial.degree - g.leap
    }

    /// The samples e of the current state (what `eps` shows two cycles later).
    public var samples: [Int] {
        let half = g.bits / 2
        return (0..<g.outputs).map { j in
            let at = window + j * g.bits
            return sequence.ones(at, half) - sequence.ones(at + half, half)
        }
    }

    /// One enabled clock edge.
    public mutating func step() {
        window += g.leap
        sequence.extend(to: window + g.leap, keepFrom: window)
    }
}

extension BinomialGRNG {
    /// `perOutput` consecutive samples of every output, one array each.
    public func freeRunningSamples(perOutput: Int) -> [[Int]] {
        var model = BinomialModel(self)
        var out = [[Int]](repeating: [], count: outputs)
        for j in out.indices { out[j].reserveCapacity(perOutput) }
        for _ in 0..<perOutput {
            for (j, e) in model.samples.enumerated() { out[j].append(e) }
            model.step()
        }
        return out
    }
}

/// Binomial generators as a `GaussianSource`. Asked for its lattice type
/// (`lattice.type`), a lane gives e itself (eps = e · 2/sqrt(n), the
/// constant left to the consumer); asked for any other format, e passes an
/// unregistered scaling table (e is two registers past the state already). Up to 1,024 outputs a generator
/// (generator i seeded seed + i).
public struct BinomialSource: GaussianSource {
    public let bits: Int
    public init(bits: Int) { self.bits = bits }

    public var tag: String { "bin\(bits)" }
    public var description: String { "binomial(bits: \(bits))" }
    public func generated(for count: Int) -> Int { count }
    public var lattice: (scale: Double, type: HWType)? {
        (2 / Double(bits).squareRoot(), .sint(Int.bitWidth - (bits / 2).leadingZeroBitCount + 1))
    }

    public func generators(count: Int, seed: UInt64) throws -> [BinomialGRNG] {
        var out: [BinomialGRNG] = [], left = count
        while left > 0 {
            let k = min(1024, left)
            out.append(try BinomialGRNG(outputs: k, bits: bits, seed: seed &+ UInt64(out.count)))
            left -= k
        }
        return out
    }

    /// eps for each e in −2^(w−1) ... 2^(w−1) − 1 (index e mod 2^w):
    /// round-half-even(e · 2/sqrt(n)) saturated to `format`, the constant
    /// with format.fraction + 8 fraction bits (as the RLF's table).
    func epsTable(format: HWType, sampleWidth w: Int) -> [BigValue] {
        let k = BigValue(Int((2 / Double(bits).squareRoot() * Double(1 << (format.fraction + 8))).rounded()))
        return (0..<(1 << w)).map { a in
            let e = a >= 1 << (w - 1) ? a - (1 << w) : a
            return FixedValue.cast(raw: BigValue(e) * k, fromFraction: format.fraction + 8, to: format,
                                   rounding: .halfEven, overflow: .saturate).raw
        }
    }

    public func build(_ m: ModuleBuilder, count: Int, format: HWType, seed: UInt64,
                      enable: Signal) throws -> (eps: [Signal], valid: Signal) {
        var eps: [Signal] = []
        var valid: Signal? = nil
        let raw = format == lattice!.type
        for (i, g) in try generators(count: count, seed: seed).enumerated() {
            let u = try m.instance(g, name: "grng\(i)")
            u.input("enable").assign(enable)
            valid = valid.map { $0 & u.output("valid") } ?? u.output("valid")
            let w = g.sampleType.width, all = u.output("eps")
            // e is already two registers past the state.
            if raw {
                eps += (0..<g.outputs).map { all.bits(w * $0 + w - 1, w * $0).asSInt }
                continue
            }
            // The table read is not registered, to keep the two-cycle lag:
            // it sits in the consumer's path (a LUT ROM of 2^w entries).
            let table = m.rom("eps_table\(i)", format, contents: epsTable(format: format, sampleWidth: w)).kind("eps scaling table")
            for q in 0..<g.outputs {
                eps.append(table.read(addr: all.bits(w * q + w - 1, w * q), synchronous: false))
            }
        }
        return (eps, valid!)
    }

    struct Model: EpsModel {
        var generators: [BinomialModel]
        let table: [Int]?, width: Int
        mutating func next() -> [Int] {
            var out: [Int] = []
            for i in generators.indices {
                out += generators[i].samples.map { e in table.map { $0[e & ((1 << width) - 1)] } ?? e }
                generators[i].step()
            }
            return out
        }
    }

    public func model(count: Int, format: HWType, seed: UInt64) throws -> any EpsModel {
        let gens = try generators(count: count, seed: seed)
        let w = lattice!.type.width
        let table = format == lattice!.type ? nil
            : epsTable(format: format, sampleWidth: w).map { $0.wrapped(width: format.width, signed: format.isSigned).intValue! }
        return Model(generators: gens.map { BinomialModel($0) }, table: table, width: w)
    }

    public var target: any GaussianTarget { BinomialTarget(n: bits) }
}
