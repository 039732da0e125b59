import Analysis
import Arithmetic
import Foundation
import HDL

/// RAM-based linear-feedback Gaussian generator (VIBNN's RLF-GRNG).
///
/// Each lane is an LFSR of degree n whose whole state, the window of its
/// last n bits, lives in RAM as a circular buffer; one RAM word holds that
/// bit position for all m lanes, so all lanes share the address and tap
/// logic. The running sum S = Σ window bits ~ Binomial(n, 1/2) is kept per
/// lane with one adder: S ← S + b_in − b_out. Output: S − n/2 as signed fixed
/// point with one fraction bit (the raw word is 2S − n); the scale 2/sqrt(n)
/// is left to the consumer's sigma.
///
/// Consecutive sums of one lane overlap (lag-l correlation (n − l)/n). With
/// `decimate` (the default) there are m = k·n lanes and lane j is emitted
/// only on cycles t ≡ j (mod n), so each lane's emitted windows are disjoint
/// and k samples leave per cycle; without it m = k lanes are emitted every
/// cycle (correlated, for the exhaustive histogram test).
///
/// Modes: after reset (RAM keeps its contents), n cycles recount S from the
/// RAM (valid low); `load` writes `seed_word` (bit j for lane j) at the
/// pointer each cycle and restarts the recount when it falls. A lane whose
/// window is all zero after a recount gets a 1 fed in on the next cycle, so
/// no lane can lock up at zero.
public struct RLFGRNG: Block {
    public let polynomial: Polynomial
    public let outputs: Int
    public let decimate: Bool
    public let seed: UInt64
    /// With an `enable` input, a running generator advances only on cycles
    /// it is high (a consumer that stalls takes the same sequence); recount
    /// and loads proceed regardless.
    public let hasEnable: Bool

    public var n: Int { polynomial.degree }
    public var lanes: Int { decimate ? outputs * n : outputs }
    /// Bits of S (0...n).
    public var sumWidth: Int { Int.bitWidth - n.leadingZeroBitCount }
    /// The output word: 2S − n, signed, one fraction bit.
    public var sampleType: HWType { HWType(width: sumWidth + 1, signed: true, fraction: 1) }

    /// Non-zero terms of the feedback polynomial by default. With a
    /// trinomial x^n + x^c + 1, a lane's next window is the XOR of pairs of
    /// bits of its last one, so |S − n/2| predicts the next sample
    /// (corr(x_t², x_{t+n}) = −0.125 at n = 127); each new bit the XOR of
    /// `terms` − 1 old ones makes that dependence fall like
    /// n^−(terms−2)/2 (see `DependenceGates`; measured in the closing note
    /// of the issue that chose 7).
    public static let defaultTerms = 7

    public init(window n: Int, outputs: Int = 1, decimate: Bool = true, seed: UInt64 = 1, enable: Bool = false,
                terms: Int = RLFGRNG.defaultTerms) throws {
        guard PrimitivePolynomials.degrees.contains(n) else {
            throw UserError("RLF-GRNG window must be 3...128 (the LFSR degree), got \(n)")
        }
        guard terms >= 3, terms % 2 == 1, terms <= 15 else {
            throw UserError("RLF-GRNG feedback terms must be odd, 3...15, got \(terms)")
        }
        // Small windows cannot hold many terms: the most that fit.
        guard let p = stride(from: terms, through: 3, by: -2).lazy
            .compactMap({ PrimitivePolynomials.dense(degree: n, terms: $0) }).first else {
            throw UserError("no primitive feedback polynomial of degree \(n) found")
        }
        guard (1...64).contains(outputs) else { throw UserError("RLF-GRNG outputs per cycle must be 1...64, got \(outputs)") }
        guard (decimate ? outputs * n : outputs) <= 4096 else {
            throw UserError("RLF-GRNG with \(outputs) outputs and window \(n) needs \(outputs * n) lanes; at most 4096")
        }
        polynomial = p
        self.outputs = outputs
        self.decimate = decimate
        self.seed = seed
        hasEnable = enable
    }

    public var moduleName: String { "rlf_grng_n\(n)_t\(polynomial.exponents.count)_k\(outputs)\(decimate ? "_dec" : "")_s\(seed)\(hasEnable ? "_en" : "")" }

    /// Initial windows: lane j's bits at positions 0..<n, never all zero.
    public var initialWindows: [[Bool]] {
        var rng = XorShift64(state: seed &* 0x9E37_79B9_7F4A_7C15 | 1)
        func next() -> UInt64 { rng.next() }
        return (0..<lanes).map { _ in
            var w = (0..<n).map { _ in next() & 1 == 1 }
            if !w.contains(true) { w[0] = true }
            return w
        }
    }

    public func build(_ m: ModuleBuilder) throws {
        let n = self.n, lanes = self.lanes
        m.describe("RLF-GRNG: \(lanes) lanes of a degree-\(n) LFSR (p(x) = \(polynomial)) in a \(n) x \(lanes) RAM")
        m.describe("\(outputs) sample(s)/cycle, \(decimate ? "decimated by \(n) (disjoint windows)" : "every cycle (overlapping windows)")")
        let load = m.input("load", .bool)
        let seedWord = m.input("seed_word", .uint(lanes))
        let enable = hasEnable ? m.input("enable", .bool) : nil

        let windows = initialWindows
        let words = (0..<n).map { pos in
            (0..<lanes).reduce(BigValue.zero) { windows[$1][pos] ? $0 + BigValue.pow2($1) : $0 }
        }
        let ram = m.memory("window", .uint(lanes), initial: words).kind("RLF window RAM")
        let aw = ram.addressWidth

        // Pointer: position of the oldest bit a(t); taps at pointer + c.
        let ptr = m.register("ptr", .uint(aw), reset: 0)
        func wrapped(_ offset: Int) -> Signal {
            // (ptr + offset) mod n, ptr < n.
            if offset == 0 { return ptr }
            let sum = ptr.extended(to: aw + 1) &+ offset        // < 2n, fits
            return m.mux(sum >= n, sum &- n, sum).truncated(to: aw)
        }
        let oldest = ram.read(addr: ptr, synchronous: false)
        var feedback = oldest
        for c in polynomial.taps where c > 0 {
            feedback = feedback ^ ram.read(addr: wrapped(c), synchronous: false)
        }

        // Mode: recount counter (0...n; n = running), loading flag.
        let count = m.register("recount", .uint(sumWidth), reset: 0)
        let running = count == n
        let repair = m.register("repair", .uint(lanes), reset: 0)
        let bitIn = feedback | repair

        // A stalled running generator (enable low, no load) holds every state.
        let advance = enable.map { load | !running | $0 }
        func gated(_ body: () -> Void) {
            if let advance { m.when(advance, body) } else { body() }
        }

        let write = m.wire("write", .bool)
        write.assign(enable.map { load | (running & $0) } ?? (load | running))
        ram.write(addr: ptr, data: m.mux(load, seedWord, bitIn), enable: write)

        let nextPtr = wrapped(1)
        gated { ptr.assign(nextPtr) }
        m.when(load) {
            count.assign(0)
        }.elseWhen(!running) {
            count.assign(count &+ 1)
        }

        // The per-lane sums, bit-sliced: plane b holds bit b of every lane's
        // S, so one cycle's update is a few lane-wide logic operations (the
        // same gates as a counter per lane, but a few hundred Verilog
        // lines instead of one always block per lane, and fast in
        // Verilator). S moves by +1 (`up`), −1 (`down`) or 0; bit b toggles
        // where every lower bit carries (up and 1) or borrows (down and 0).
        let zeros = m.literal(0, .uint(lanes))
        let up = m.mux(running, bitIn & ~oldest, oldest)     // recount adds each position once
        let down = m.mux(running, ~bitIn & oldest, zeros)
        var planes: [Signal] = []
        var toggle = up | down
        for b in 0..<sumWidth {
            let plane = m.register("sum_b\(b)", .uint(lanes), reset: 0)
            gated { plane.assign(m.mux(load, zeros, plane ^ toggle)) }
            if b + 1 < sumWidth { toggle = toggle & (plane ^ down) }
            planes.append(plane)
        }
        // After the last recount step S + b_out is final; an all-zero lane
        // gets repaired.
        let zeroLanes = ~planes.reduce(oldest) { $0 | $1 }
        let lastRecount = !running & (count == n - 1) & !load
        // The repair bits wait through a stall for the first running step.
        gated { repair.assign(m.mux(lastRecount, zeroLanes, zeros)) }

        // Outputs: 2S − n for the lanes whose turn it is (lane q·n + ptr
        // when decimated: bit ptr of each plane's group).
        func sample(_ s: Signal) -> Signal {
            ((s << 1) - n).asUInt.truncated(to: sumWidth + 1).asFixed(signed: true, fraction: 1)
        }
        var outs: [Signal] = []
        for q in 0..<outputs {
            let bits = planes.map { plane -> Signal in
                decimate ? (plane.bits(q * n + n - 1, q * n) >> ptr).bit(0) : plane.bit(q)
            }
            outs.append(sample(m.cat(bits.reversed())))
        }
        m.output("valid", running)
        m.output("eps", m.cat(outs.reversed()))
    }
}

/// The generator in software: each lane an explicit n-bit window with the
/// LFSR recurrence a(t+n) = a(t) + Σ a(t+c), the same modes as the hardware.
public struct RLFModel {
    public let g: RLFGRNG
    var windows: [[Bool]]     // lane -> RAM contents by position
    var ptr = 0
    var count = 0             // recount progress; n = running
    var sums: [Int]
    var repair: [Bool]

    public init(_ g: RLFGRNG) {
        self.g = g
        windows = g.initialWindows
        sums = Array(repeating: 0, count: g.lanes)
        repair = Array(repeating: false, count: g.lanes)
    }

    /// Reset: the RAM keeps its contents; everything else restarts.
    public mutating func reset() {
        ptr = 0
        count = 0
        sums = Array(repeating: 0, count: g.lanes)
        repair = Array(repeating: false, count: g.lanes)
    }

    public var valid: Bool { count == g.n }

    /// The samples (2S − n, raw) shown this cycle, one per output.
    public var samples: [Int] {
        (0..<g.outputs).map { q in
            let lane = g.decimate ? q * g.n + ptr : q
            return 2 * sums[lane] - g.n
        }
    }

    /// One clock edge (`enable` as the hardware's input; true without one).
    public mutating func step(load: Bool, seedWord: BigValue, enable: Bool = true) {
        let n = g.n
        let running = count == n
        if running && !load && !enable { return }
        let lastRecount = !running && count == n - 1 && !load
        var newRepair = Array(repeating: false, count: g.lanes)
        let tapPositions = g.polynomial.taps.filter { $0 > 0 }.map { (ptr + $0) % n }
        for j in 0..<g.lanes {
            // Read in place: a local copy of the window would make the write
            // below copy the whole array (copy-on-write) every step.
            let out = windows[j][ptr]
            var fb = out
            for t in tapPositions { fb = fb != windows[j][t] }
            let bIn = fb || repair[j]
            if lastRecount { newRepair[j] = sums[j] + (out ? 1 : 0) == 0 }
            if load {
                windows[j][ptr] = seedWord.bit(j)
                sums[j] = 0
            } else if running {
                windows[j][ptr] = bIn
                sums[j] += (bIn ? 1 : 0) - (out ? 1 : 0)
            } else {
                sums[j] += out ? 1 : 0
            }
        }
        repair = newRepair
        if load { count = 0 } else if !running { count += 1 }
        ptr = (ptr + 1) % n
    }
}

/// RLF-GRNGs as a `GaussianSource`: generators of window n, one output per
/// eps value (at most 64 outputs and 4096 lanes per generator, generator i
/// seeded seed + i); a sample (2S − n)/2 becomes eps = (2S − n)/sqrt(n) by a
/// constant multiply.
///
/// Decimated (the default), n lanes stand behind each output and a lane is
/// shown every n-th cycle, so one output's samples come from disjoint
/// windows. Undecimated (the VIBNN paper's form), one lane per output shows
/// its sum every cycle: n times fewer lanes (the RAM and the running-sum
/// adders are most of the generator's area), but consecutive samples of an
/// output share n − 1 of their n bits (lag-l correlation (n − l)/n).
public struct RLFSource: GaussianSource {
    public let window: Int
    /// Feedback polynomial terms (`RLFGRNG.defaultTerms` unless asked).
    public let terms: Int
    public let decimate: Bool
    public init(window: Int, terms: Int = RLFGRNG.defaultTerms, decimate: Bool = true) {
        self.window = window
        self.terms = terms
        self.decimate = decimate
    }

    public var tag: String { "rlf\(window)" + (terms == RLFGRNG.defaultTerms ? "" : "t\(terms)") + (decimate ? "" : "u") }
    public var description: String { "rlf(window: \(window), terms: \(terms)\(decimate ? "" : ", undecimated"))" }
    public func generated(for count: Int) -> Int { count }

    public func generators(count: Int, seed: UInt64) throws -> [RLFGRNG] {
        let per = decimate ? min(64, 4096 / window) : 64
        var out: [RLFGRNG] = []
        var left = count
        while left > 0 {
            let k = min(per, left)
            out.append(try RLFGRNG(window: window, outputs: k, decimate: decimate, seed: seed &+ UInt64(out.count), enable: true,
                                   terms: terms))
            left -= k
        }
        return out
    }

    /// 2/sqrt(n) with `fraction` + 8 fraction bits.
    func scale(fraction: Int) -> Int {
        Int((2 / Double(window).squareRoot() * Double(1 << (fraction + 8))).rounded())
    }

    /// eps for every sample a generator can show, indexed by the sample
    /// word 2S − n without its low bit (constant: n's parity), as a signed
    /// (width − 1)-bit number: round-half-even(sample · k) saturated to
    /// `format`, k = 2/sqrt(n) with `fraction` + 8 fraction bits.
    /// Unreachable indices (|2S − n| > n) hold their value all the same.
    func epsTable(format: HWType, sampleWidth: Int) -> [BigValue] {
        let k = BigValue(scale(fraction: format.fraction))
        let entries = 1 << (sampleWidth - 1)
        return (0..<entries).map { a in
            let j = a >= entries / 2 ? a - entries : a           // the index as signed
            let sample = 2 * j + window % 2
            return FixedValue.cast(raw: BigValue(sample) * k, fromFraction: 1 + format.fraction + 8, to: format,
                                   rounding: .halfEven, overflow: .saturate).raw
        }
    }

    public func build(_ m: ModuleBuilder, count: Int, format: HWType, seed: UInt64,
                      enable: Signal) throws -> (eps: [Signal], valid: Signal) {
        var eps: [Signal] = []
        var valid: Signal? = nil
        for (i, g) in try generators(count: count, seed: seed).enumerated() {
            let u = try m.instance(g, name: "grng\(i)")
            u.input("load").assign(m.literal(0, .bool))
            u.input("seed_word").assign(m.literal(0, .uint(g.lanes)))
            u.input("enable").assign(enable)
            valid = valid.map { $0 & u.output("valid") } ?? u.output("valid")
            let w = g.sampleType.width, all = u.output("eps")
            // A sample takes n + 1 values, so scaling and rounding are a
            // table (LUT ROM on an FPGA), not a multiply by a 20-bit
            // constant (four DSP blocks a sample on ECP5). The sample is
            // registered as shown (cutting the path from the generator's
            // window select), its eps after the table (GaussianSource.build).
            let table = m.rom("eps_table\(i)", format, contents: epsTable(format: format, sampleWidth: w)).kind("eps scaling table")
            for q in 0..<g.outputs {
                let sample = m.register("eps_p\(i)_\(q)", next: all.bits(w * q + w - 1, w * q + 1))
                eps.append(m.register("eps_q\(i)_\(q)", next: table.read(addr: sample, synchronous: false)))
            }
        }
        return (eps, valid!)
    }

    struct Model: EpsModel {
        var generators: [RLFModel]
        let k: Int, width: Int
        mutating func next() -> [Int] {
            var raw: [Int] = []
            for i in generators.indices {
                // sample·k has 1 + fraction + 8 fraction bits.
                raw += generators[i].samples.map { Raw.signed(Raw.halfEven($0 * k, shift: 9), bits: width) }
                generators[i].step(load: false, seedWord: .zero, enable: true)
            }
            return raw
        }
    }

    public func model(count: Int, format: HWType, seed: UInt64) throws -> any EpsModel {
        var gens = try generators(count: count, seed: seed).map { RLFModel($0) }
        for i in gens.indices {
            gens[i].reset()
            // The recount after reset runs without enable.
            while !gens[i].valid { gens[i].step(load: false, seedWord: .zero, enable: false) }
        }
        return Model(generators: gens, k: scale(fraction: format.fraction), width: format.width)
    }

    public var target: any GaussianTarget { BinomialTarget(n: window) }
}

/// (2S − n)/sqrt(n) with S ~ Binomial(n, 1/2): the RLF generator's exact
/// output distribution.
public struct BinomialTarget: GaussianTarget {
    public let n: Int
    public init(n: Int) { self.n = n }

    var probabilities: [Double] {
        (0...n).map { k in
            let logChoose = Statistics.logGamma(Double(n + 1)) - Statistics.logGamma(Double(k + 1)) - Statistics.logGamma(Double(n - k + 1))
            return exp(logChoose - Double(n) * log(2.0))
        }
    }

    public func chiSquare(_ xs: [Double]) -> (statistic: Double, dof: Int, p: Double) {
        var counts = [Int](repeating: 0, count: n + 1)
        for x in xs { counts[Int(((x * Double(n).squareRoot() + Double(n)) / 2).rounded())] += 1 }
        let r = Statistics.chiSquare(observed: counts, probabilities: probabilities)
        return (r.statistic, r.dof, r.p)
    }

    public func tailProbability(_ k: Double) -> Double {
        let sn = Double(n).squareRoot()
        return probabilities.enumerated().reduce(0.0) { abs(Double(2 * $1.offset - n) / sn) > k ? $0 + $1.element : $0 }
    }

    public var reach: Double { Double(n).squareRoot() }
    public var isContinuous: Bool { false }
    public var bins: (width: Double, offset: Double) {
        let w = 2 / Double(n).squareRoot()
        return (w, n % 2 == 0 ? w / 2 : 0)
    }
}
