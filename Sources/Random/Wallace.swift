import Foundation
import Analysis
import Arithmetic
import HDL

/// Wallace Gaussian generator (Lee, Luk, Villasenor, Zhang, Leong 2005).
///
/// A pool of N = 2^a Gaussian values (24-bit, 18 fraction bits: ±32, which
/// bounds any entry since the pool's sum of squares is N) lives in a RAM
/// preloaded with N normal quantiles scaled so Σx² = N. Each cycle one
/// orthogonal 4-point transform reads p, q, r, s and writes
///     t = ((p + q) + (r + s)) >> 1            (floor)
///     A0: p − t, t − q, t − r, t − s          (first half of a pass)
///     A1: t − p, q − t, r − t, s − t          (second half)
/// at addresses (start + j·stride) xor mask, j = 4i ... 4i+3 for step i, so a
/// pass of N/4 steps touches every entry once. start, stride (forced odd) and
/// mask come from one taus88 word per pass: bits 0.., a.., 2a.. of it.
///
/// Outputs are the four new values times G = c1 + c2·z (sum-of-squares
/// correction, Howes & Thomas), c1 = (1 − 1/N)^(1/4), c2 = sqrt(1 − c1²),
/// z = the first value the previous pass wrote. Fixed point: c1 and c2 are
/// rounded to 20 fraction bits, G = c1 + c2·z is rounded half-even to
/// SQ3.16, each output G·x half-even and saturated to the pool format.
/// Four samples per cycle. The pool RAM is four banks (by the address's low
/// two bits), each read and written once a cycle (LUT RAM); a reset keeps
/// the pool (it stays normalised) and restarts the pass; `valid` is low in
/// reset and on the first cycle after it.
public struct WallaceGRNG: Block {
    public let log2N: Int
    public let seed: UInt64
    /// With an `enable` input the generator advances only on cycles it is
    /// high, so a consumer that stalls still takes the model's sequence.
    public let hasEnable: Bool

    public static let sample = HWType(width: 24, signed: true, fraction: 18)
    public static let gain = HWType(width: 19, signed: true, fraction: 16)
    static let constFraction = 20

    public var n: Int { 1 << log2N }

    public init(log2N: Int = 10, seed: UInt64 = 1, enable: Bool = false) throws {
        // start, stride and mask take 3·log2N bits of one 32-bit taus88 word.
        guard (4...10).contains(log2N) else { throw UserError("Wallace pool size must be 2^4...2^10, got 2^\(log2N)") }
        self.log2N = log2N
        self.seed = seed
        hasEnable = enable
    }

    public var moduleName: String { "wallace_grng_n\(n)_s\(seed)\(hasEnable ? "_en" : "")" }

    /// c1, c2 as integers with 20 fraction bits.
    public var constants: (c1: Int, c2: Int) {
        let c1 = pow(1 - 1 / Double(n), 0.25)
        let c2 = (1 - c1 * c1).squareRoot()
        let scale = Double(1 << WallaceGRNG.constFraction)
        return (Int((c1 * scale).rounded()), Int((c2 * scale).rounded()))
    }

    /// The address generator's seeds (taus88, from `seed`).
    public var tausSeeds: [UInt32] {
        var rng = XorShift64(state: UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1)
        return TauswortheKind.taus88.components.indices.map {
            TauswortheKind.taus88.usableSeed(UInt32(truncatingIfNeeded: rng.next()), component: $0)
        }
    }

    /// N normal quantiles Φ⁻¹((i + 1/2)/N), shuffled by `seed`, scaled so the
    /// sum of squares is N, as raw 18-fraction-bit integers.
    public var initialPool: [Int] {
        func quantile(_ p: Double) -> Double {
            var lo = -10.0, hi = 10.0
            for _ in 0..<80 {
                let mid = (lo + hi) / 2
                if 0.5 * erfc(-mid / 2.0.squareRoot()) < p { lo = mid } else { hi = mid }
            }
            return (lo + hi) / 2
        }
        var xs = (0..<n).map { quantile((Double($0) + 0.5) / Double(n)) }
        let ss = xs.reduce(0) { $0 + $1 * $1 }
        let k = (Double(n) / ss).squareRoot()
        xs = xs.map { $0 * k }
        var rng = XorShift64(state: seed ^ 0xD1B5_4A32_D192_ED03)
        for i in stride(from: n - 1, to: 0, by: -1) {
            xs.swapAt(i, Int(rng.next() % UInt64(i + 1)))
        }
        return xs.map { Int(($0 * Double(1 << WallaceGRNG.sample.fraction)).rounded()) }
    }

    public func build(_ m: ModuleBuilder) throws {
        let a = log2N, steps = n / 4, t = WallaceGRNG.sample
        m.describe("Wallace GRNG: pool of \(n) x \(t), 4 samples/cycle, A0/A1 transforms, sum-of-squares correction")
        // The pool in four banks by the address's low two bits. A step's four
        // addresses always differ there — e·stride mod 4 runs over 0...3 for
        // odd stride, and + start, xor mask keep it a permutation — so each
        // bank takes one read and one write a cycle: LUT RAM a synthesizer
        // maps (one RAM with four write ports became 2^a x 24 flip-flops and
        // ran Yosys past 600 s). The model addresses one flat pool.
        // Computed once: it is a property, and n reads of it cost n pools.
        let pool = initialPool
        let banks = (0..<4).map { b in
            m.memory("pool\(b)", t, initial: stride(from: b, to: n, by: 4).map { BigValue(pool[$0]) })
                .kind("Wallace pool RAM bank")
        }

        // Nothing moves while reset is held (the RAM has no reset): a
        // register that is 0 in reset and 1 from the cycle after gates it all.
        let running = m.register("running", .bool, reset: 0)
        running.assign(m.literal(1, .bool))
        // A seed load reloads the taus88 address generator (a degenerate
        // component takes its reset seed) and restarts the pass; the pool
        // keeps its values. No transform is committed on a load cycle.
        let load = m.input("load", .bool)
        let seedIn = m.input("seed", .uint(96))
        // `go`: this cycle's transform is committed.
        let go = (hasEnable ? running & m.input("enable", .bool) : running) & !load

        // Pass bookkeeping: step i within the pass, and the pass's addressing.
        let step = m.register("step", .uint(a - 2), reset: 0)
        let lastStep = (step == steps - 1) & go
        let taus = try m.instance(try Tausworthe(.taus88, seeds: tausSeeds), name: "addr_rng")
        taus.input("load").assign(load)
        taus.input("seed").assign(seedIn)
        taus.input("enable").assign(lastStep)
        let u = taus.output("u")
        // The pass word: the Tausworthe output at step 0, held for the pass
        // (the generator advances on the pass's last step).
        let word = m.register("pass_word", .uint(32), reset: 0)
        let useWord = m.mux(step == 0, u, word)
        m.when((step == 0) & go) { word.assign(u) }
        let start = useWord.bits(a - 1, 0)
        let strideOdd = m.cat(useWord.bits(2 * a - 1, a + 1), m.literal(1, .bool))
        let maskBits = useWord.bits(3 * a - 1, 2 * a)

        m.when(load) { step.assign(0) }.elseWhen(go) { step.assign(m.mux(lastStep, m.literal(0, .uint(a - 2)), step &+ 1)) }

        // Addresses (start + j·stride) xor mask for j = 4·step + 0...3.
        let j0 = m.cat(step, m.literal(0, .uint(2)))
        var values: [Signal] = []
        var addrs: [Signal] = []
        for e in 0..<4 {
            let j = (j0 | m.literal(e, .uint(a))).asUInt
            let offset = (j * strideOdd).truncated(to: a)
            let addr = ((start &+ offset) ^ maskBits).asUInt
            addrs.append(addr)
        }
        let low = addrs.map { $0.bits(1, 0) }, high = addrs.map { $0.bits(a - 1, 2) }
        // Bank b serves the one lane whose address has low bits b.
        func lane(for b: Int, _ xs: [Signal]) -> Signal {
            m.mux(low[0] == b, xs[0], m.mux(low[1] == b, xs[1], m.mux(low[2] == b, xs[2], xs[3])))
        }
        let bankAddr = (0..<4).map { lane(for: $0, high) }
        let bankData = (0..<4).map { banks[$0].read(addr: bankAddr[$0], synchronous: false) }
        for e in 0..<4 { values.append(m.select(low[e], bankData)) }
        let (p, q, r, s) = (values[0], values[1], values[2], values[3])
        let tt = ((p + q) + (r + s)) >> 1
        let secondHalf = step.msb
        let new0 = m.mux(secondHalf, tt - p, p - tt)
        let new1 = m.mux(secondHalf, q - tt, tt - q)
        let new2 = m.mux(secondHalf, r - tt, tt - r)
        let new3 = m.mux(secondHalf, s - tt, tt - s)
        // |x| ≤ sqrt(Σx²) ≈ sqrt(N) ≤ 32 keeps these in range; saturate anyway.
        let news = [new0, new1, new2, new3].map { $0.cast(to: t, rounding: .truncate, overflow: .saturate) }
        for b in 0..<4 {
            banks[b].write(addr: bankAddr[b], data: lane(for: b, news), enable: go)
        }

        // Sum-of-squares correction: G from the first value of the previous pass.
        let (c1, c2) = constants
        let z = m.register("z", t, reset: 0)
        let gain = m.register("gain", WallaceGRNG.gain, reset: 1)
        m.when((step == 0) & go) { z.assign(news[0]) }
        let cf = WallaceGRNG.constFraction
        let c1s = m.literal(raw: BigValue(c1), HWType(width: cf + 2, signed: true, fraction: cf))
        let c2s = m.literal(raw: BigValue(c2), HWType(width: cf + 2, signed: true, fraction: cf))
        let gNext = (c1s + c2s * z).cast(to: WallaceGRNG.gain, rounding: .halfEven, overflow: .saturate)
        m.when(lastStep) { gain.assign(gNext) }
        let outs = news.map { (gain * $0).cast(to: t, rounding: .halfEven, overflow: .saturate) }
        m.output("valid", running & !load)
        m.output("eps", m.cat(outs.reversed()))
    }
}

/// The generator in software: Int pool, the taus88 model, the same steps,
/// roundings from `FixedValue` (checked against exact rationals).
public struct WallaceModel {
    public let g: WallaceGRNG
    public private(set) var pool: [Int]
    var taus: TauswortheModel
    var step = 0, word: UInt32 = 0, z = 0, gain = 1 << 16
    public private(set) var running = false

    public init(_ g: WallaceGRNG) throws {
        self.g = g
        pool = g.initialPool
        taus = TauswortheModel(try Tausworthe(.taus88, seeds: g.tausSeeds))
    }

    /// Reset: the pool stays; the pass and the address generator restart.
    public mutating func reset() throws {
        taus = TauswortheModel(try Tausworthe(.taus88, seeds: g.tausSeeds))
        step = 0; word = 0; z = 0; gain = 1 << 16
        running = false
    }

    static func saturate(_ v: Int) -> Int { min(max(v, -(1 << 23)), (1 << 23) - 1) }

    /// One cycle: the four samples shown (raw, 18 fraction bits; nil on the
    /// idle cycle after reset and on a load), then the edge. `load` with
    /// `seeds` reloads the address generator and restarts the pass.
    public mutating func cycle(load: Bool = false, seeds: [UInt32] = []) -> [Int]? {
        guard running else {
            running = true
            if load { taus.load(seeds); step = 0 }
            return nil
        }
        if load {
            taus.load(seeds)
            step = 0
            return nil
        }
        let lastStep = step == g.n / 4 - 1
        let zBefore = z
        let news = transform()
        let outs = news.map {
            FixedValue.cast(raw: BigValue(gain) * BigValue($0), fromFraction: 34, to: WallaceGRNG.sample,
                            rounding: .halfEven, overflow: .saturate).raw.intValue!
        }
        if lastStep {
            // The next pass's gain, from the first value of this one.
            let (c1, c2) = g.constants
            gain = FixedValue.cast(raw: (BigValue(c1) << 18) + BigValue(c2) * BigValue(zBefore), fromFraction: 38,
                                   to: WallaceGRNG.gain, rounding: .halfEven, overflow: .saturate).raw.intValue!
        }
        return outs
    }

    /// `count` transforms without producing outputs (for long pool studies).
    public mutating func advancePool(_ count: Int) {
        for _ in 0..<count { _ = transform() }
    }

    /// One transform on the pool (the edge of a running cycle, minus the gain).
    mutating func transform() -> [Int] {
        let a = g.log2N, n = g.n, steps = n / 4
        let w = step == 0 ? taus.output : word
        let start = Int(w) & (n - 1)
        let stride = (Int(w >> UInt32(a)) & (n - 1)) | 1
        let mask = Int(w >> UInt32(2 * a)) & (n - 1)
        let addrs = (0..<4).map { e in ((start + (4 * step + e) * stride) & (n - 1)) ^ mask }
        let (p, q, r, s) = (pool[addrs[0]], pool[addrs[1]], pool[addrs[2]], pool[addrs[3]])
        let t = (p + q + r + s) >> 1
        let second = step >= steps / 2
        let news = (second ? [t - p, q - t, r - t, s - t] : [p - t, t - q, t - r, t - s]).map(WallaceModel.saturate)
        for e in 0..<4 { pool[addrs[e]] = news[e] }
        if step == steps - 1 { taus.step() }
        if step == 0 {
            word = taus.output
            z = news[0]
        }
        step = step == steps - 1 ? 0 : step + 1
        return news
    }

    /// Σx² of the pool, in units of 1 (the raw values carry 18 fraction bits).
    public var sumOfSquares: Double {
        pool.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(1 << 36)
    }
}

/// `banks` independent Wallace pools side by side (seeds seed, seed+1, ...):
/// 4·banks samples per cycle, bank b's in bits 96b ... 96b+95 of `eps`;
/// `load` reloads every bank, bank b from bits 96b ... 96b+95 of `seed`.
public struct WallaceBanks: Block {
    public let banks: [WallaceGRNG]

    public init(banks: Int, log2N: Int = 10, seed: UInt64 = 1) throws {
        guard (1...64).contains(banks) else { throw UserError("Wallace banks must be 1...64, got \(banks)") }
        self.banks = try (0..<banks).map { try WallaceGRNG(log2N: log2N, seed: seed &+ UInt64($0)) }
    }

    public var moduleName: String { "wallace_banks\(banks.count)_n\(banks[0].n)_s\(banks[0].seed)" }

    public func build(_ m: ModuleBuilder) throws {
        m.describe("\(banks.count) Wallace pools of \(banks[0].n) values: \(4 * banks.count) samples/cycle")
        let load = m.input("load", .bool)
        let seed = m.input("seed", .uint(96 * banks.count))
        var outs: [Signal] = []
        var valid: Signal? = nil
        for (b, g) in banks.enumerated() {
            let u = try m.instance(g, name: "bank\(b)")
            u.input("load").assign(load)
            u.input("seed").assign(seed.bits(96 * b + 95, 96 * b))
            outs.append(u.output("eps"))
            valid = valid ?? u.output("valid")
        }
        m.output("valid", valid!)
        m.output("eps", m.cat(outs.reversed()))
    }
}

/// Wallace pools as a `GaussianSource`: one pool per 4 eps values (pool i
/// seeded seed + i), samples cast half-even and saturated to the format.
public struct WallaceSource: GaussianSource {
    public let log2N: Int
    public init(log2N: Int) { self.log2N = log2N }

    public var tag: String { "wallace\(1 << log2N)" }
    public var description: String { "wallace(log2N: \(log2N))" }
    public func generated(for count: Int) -> Int { 4 * ((count + 3) / 4) }

    public func generators(count: Int, seed: UInt64) throws -> [WallaceGRNG] {
        try (0..<(count + 3) / 4).map { try WallaceGRNG(log2N: log2N, seed: seed &+ UInt64($0), enable: true) }
    }

    public func build(_ m: ModuleBuilder, count: Int, format: HWType, seed: UInt64,
                      enable: Signal) throws -> (eps: [Signal], valid: Signal) {
        var eps: [Signal] = []
        var valid: Signal? = nil
        for (i, g) in try generators(count: count, seed: seed).enumerated() {
            let u = try m.instance(g, name: "grng\(i)")
            u.input("enable").assign(enable)
            u.input("load").assign(m.literal(0, .bool))
            u.input("seed").assign(m.literal(0, .uint(96)))
            valid = valid.map { $0 & u.output("valid") } ?? u.output("valid")
            let t = WallaceGRNG.sample, all = u.output("eps")
            for q in 0..<4 {
                let s = m.register("eps_raw\(i)_\(q)", next: all.bits(t.width * q + t.width - 1, t.width * q))
                    .asFixed(signed: true, fraction: t.fraction)
                eps.append(m.register("eps_q\(i)_\(q)", next: s.cast(to: format, rounding: .halfEven, overflow: .saturate)))
            }
        }
        return (eps, valid!)
    }

    struct Model: EpsModel {
        var pools: [WallaceModel]
        let shift: Int, width: Int
        mutating func next() -> [Int] {
            var raw: [Int] = []
            for i in pools.indices {
                raw += pools[i].cycle()!.map { Raw.signed(Raw.halfEven($0, shift: shift), bits: width) }
            }
            return raw
        }
    }

    public func model(count: Int, format: HWType, seed: UInt64) throws -> any EpsModel {
        var pools = try generators(count: count, seed: seed).map { try WallaceModel($0) }
        for i in pools.indices {
            try pools[i].reset()
            _ = pools[i].cycle()          // the idle cycle after reset
        }
        return Model(pools: pools, shift: WallaceGRNG.sample.fraction - format.fraction, width: format.width)
    }

    public var target: any GaussianTarget { NormalTarget(lsbFraction: WallaceGRNG.sample.fraction, reach: min(32, Double(1 << log2N).squareRoot())) }
}

/// N(0, 1) observed through an output grid of 2^−lsbFraction: the Wallace
/// generator's target (the pool's Σx² = N bounds its reach).
public struct NormalTarget: GaussianTarget {
    public let lsbFraction: Int
    public let reach: Double
    public init(lsbFraction: Int, reach: Double) {
        self.lsbFraction = lsbFraction
        self.reach = reach
    }

    /// The normal integrated over each output code.
    public func chiSquare(_ xs: [Double]) -> (statistic: Double, dof: Int, p: Double) {
        let lsb = Double(1 << lsbFraction)
        var codes: [Int: Int] = [:]
        for x in xs { codes[Int((x * lsb).rounded()), default: 0] += 1 }
        let lo = min(codes.keys.min() ?? 0, -Int(6 * lsb)), hi = max(codes.keys.max() ?? 0, Int(6 * lsb))
        var observed: [Int] = [], probs: [Double] = []
        observed.reserveCapacity(hi - lo + 1)
        probs.reserveCapacity(hi - lo + 1)
        var below = Statistics.normalCDF((Double(lo) - 0.5) / lsb)
        for c in lo...hi {
            let above = c == hi ? 1.0 : Statistics.normalCDF((Double(c) + 0.5) / lsb)
            observed.append(codes[c] ?? 0)
            probs.append(above - (c == lo ? 0 : below))
            below = above
        }
        let r = Statistics.chiSquare(observed: observed, probabilities: probs)
        return (r.statistic, r.dof, r.p)
    }

    public func tailProbability(_ k: Double) -> Double { 2 * Statistics.normalCDF(-k) }
    public var isContinuous: Bool { true }
    public var bins: (width: Double, offset: Double) { (0.1, 0.05) }
}
