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

    public init(window n: Int, outputs: Int = 1, decimate: Bool = true, seed: UInt64 = 1, enable: Bool = false) throws {
        guard PrimitivePolynomials.degrees.contains(n), let p = PrimitivePolynomials.polynomial(degree: n) else {
            throw RandomError("RLF-GRNG window must be 3...128 (the LFSR degree), got \(n)")
        }
        guard (1...64).contains(outputs) else { throw RandomError("RLF-GRNG outputs per cycle must be 1...64, got \(outputs)") }
        guard (decimate ? outputs * n : outputs) <= 4096 else {
            throw RandomError("RLF-GRNG with \(outputs) outputs and window \(n) needs \(outputs * n) lanes; at most 4096")
        }
        polynomial = p
        self.outputs = outputs
        self.decimate = decimate
        self.seed = seed
        hasEnable = enable
    }

    public var moduleName: String { "rlf_grng_n\(n)_k\(outputs)\(decimate ? "_dec" : "")_s\(seed)\(hasEnable ? "_en" : "")" }

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
        let ram = m.memory("window", .uint(lanes), initial: words)
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

        var sums: [Signal] = []
        var zeroLanes: [Signal] = []
        for j in 0..<lanes {
            let s = m.register("sum\(j)", .uint(sumWidth), reset: 0)
            let bOut = oldest.bit(j), bIn = bitIn.bit(j)
            gated {
                m.when(load) {
                    s.assign(0)
                }.elseWhen(running) {
                    s.assign(((s + bIn.asUInt) - bOut.asUInt).asUInt.truncated(to: sumWidth))
                }.otherwise {
                    s.assign((s + bOut.asUInt).truncated(to: sumWidth))   // recount: add each position once
                }
            }
            sums.append(s)
            // After the last recount step S is final; an all-zero lane gets repaired.
            zeroLanes.append((s + bOut.asUInt) == 0)
        }
        let lastRecount = !running & (count == n - 1) & !load
        // The repair bits wait through a stall for the first running step.
        gated { repair.assign(m.mux(lastRecount, m.cat(zeroLanes.reversed()), m.literal(0, .uint(lanes)))) }

        // Outputs: 2S − n for the lanes whose turn it is.
        func sample(_ s: Signal) -> Signal {
            ((s << 1) - n).asUInt.truncated(to: sumWidth + 1).asFixed(signed: true, fraction: 1)
        }
        var outs: [Signal] = []
        for q in 0..<outputs {
            if decimate {
                let group = (0..<n).map { sample(sums[q * n + $0]) }
                outs.append(m.select(ptr, group))
            } else {
                outs.append(sample(sums[q]))
            }
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
