import Foundation
import Harness
import HDL

/// `fft`: the streaming FFT/IFFT against its bit-exact model, every bin of
/// every frame compared on its cycle.
public struct FFTDesign: Design {
    public enum Order: String, CaseIterable, Sendable { case natural, bitReversed = "bit-reversed" }
    public enum Direction: String, CaseIterable, Sendable { case forward, inverse }

    public struct Params: ParamSet {
        var n = 64, inWidth = 16, twiddleWidth = 20
        var outWidth: Int? = nil
        var guardBits = 2
        var direction = Direction.forward
        var scaling = ScalingSchedule.grow
        var rounding = RoundingMode.halfEven
        var order = Order.natural
        var mults = MultiplierStyle.three
        var radix = Radix.twoSquared
        var clip = false
        public init() {}
        init(_ edit: (inout Params) -> Void) { edit(&self) }
        public static var specs: [Param<Self>] { [
            .int("n", \.n, 1...4096, "points per frame, a power of two"),
            .int("in_width", \.inWidth, 2...24, "bits of each input part (signed integers)"),
            .int("tw_width", \.twiddleWidth, 1...24, "twiddle bits (signed, width-1 fraction bits, rounded half-even)"),
            .int("out_width", \.outWidth, 2...48, "bits of each output part (auto: what the scaling needs for every input in range)"),
            .int("guard", \.guardBits, 0...8, "extra fraction bits carried through the stages"),
            .choice("dir", \.direction, "forward: exp(-2πi nk/N); inverse: exp(+2πi nk/N), unnormalised"),
            .custom("scaling", \.scaling, allowed: "grow|shift|s1,s2,... (a right shift 0...2 per stage)",
                    parse: ScalingSchedule.init, render: \.description,
                    "grow: keep every bit (output = DFT); shift: halve after each stage (output = DFT/N); or a shift per stage"),
            .choice("rounding", \.rounding, "how every stage and the output drop bits (convergent: half-even)"),
            .choice("order", \.order, "output bin order (natural: through a reorder buffer)"),
            .choice("mults", \.mults, "real multipliers per complex multiplier"),
            .choice("radix", \.radix, "SDF decomposition: 22 (radix-2², log4(N)-1 complex multipliers) or 2 (log2(N)-2)"),
            .flag("clip", \.clip, "allow an out_width narrower than the bound: saturate, with the sticky out_overflow"),
        ] }
    }

    public static let name = "fft"
    public static let summary = "streaming radix-2² SDF FFT/IFFT, 1 sample/cycle, bit-exact model, no-overflow widths"
    public static let unit = "frame"
    public static let synthTargets = ["xilinx"]
    public static var testSets: [Params] { [
        Params { $0.n = 16; $0.inWidth = 8; $0.twiddleWidth = 12; $0.rounding = .truncate; $0.order = .bitReversed },
        Params { $0.n = 8; $0.inWidth = 12; $0.twiddleWidth = 12; $0.direction = .inverse; $0.rounding = .halfUp; $0.mults = .four },
        Params { $0.n = 2; $0.inWidth = 8; $0.twiddleWidth = 8 },
        Params { $0.n = 4; $0.inWidth = 12; $0.twiddleWidth = 16; $0.scaling = .shift; $0.order = .bitReversed },
        Params { $0.n = 256; $0.inWidth = 16; $0.twiddleWidth = 16; $0.scaling = .shift; $0.direction = .inverse },
        Params { $0.n = 32; $0.radix = .two; $0.inWidth = 12; $0.twiddleWidth = 16; $0.scaling = .given([1, 0, 1, 0, 2]) },
        Params { $0.n = 64; $0.outWidth = 16; $0.clip = true; $0.rounding = .halfUp },
    ] }
    public static var reportSets: [Params] { [Params { $0.n = 16 }, Params()] }

    public let params: Params
    public let plan: FFTPlan
    public let fft: StreamingFFT

    public init(_ p: Params) throws {
        if p.twiddleWidth < 2 {
            throw UserError("parameter tw_width=\(p.twiddleWidth) is too narrow: a twiddle needs a sign and at least one fraction bit")
        }
        params = p
        plan = try FFTPlan(n: p.n, inWidth: p.inWidth, twiddleWidth: p.twiddleWidth, outWidth: p.outWidth,
                           guardBits: p.guardBits, radix: p.radix, inverse: p.direction == .inverse,
                           schedule: p.scaling, rounding: p.rounding, clip: p.clip)
        fft = StreamingFFT(plan: plan, style: p.mults, natural: p.order == .natural)
    }

    public var top: any Block { fft }
    public var ports: TestPorts {
        TestPorts(valid: "out_valid", data: ["out_start", "out_re", "out_im", "out_overflow"], latency: fft.latency)
    }
    public var defaultVectors: Int { max(16, (1 << 16) / plan.n) }
    public var transactionsPerUnit: Int { plan.n }
    public var reports: [any DesignReport] { [FFTReport(design: self)] }

    // MARK: stimulus

    /// The directed frames: an impulse at every index, DC at both extremes,
    /// every bin's tone, alternating ±full scale (for N > 256, 64 indices
    /// and bins spread over the frame, the ends included).
    public func directedFrames() -> [[ComplexInt]] {
        let n = plan.n, hi = (1 << (plan.inWidth - 1)) - 1, lo = -(1 << (plan.inWidth - 1))
        let picks = n <= 256 ? Array(0..<n) : Array(Set((0..<64).map { $0 * n / 64 } + [1, n / 2, n - 1])).sorted()
        var frames: [[ComplexInt]] = []
        for i in picks {
            frames.append((0..<n).map { $0 == i ? ComplexInt(hi, lo) : .zero })
        }
        frames.append(Array(repeating: ComplexInt(hi, hi), count: n))
        frames.append(Array(repeating: ComplexInt(lo, lo), count: n))
        frames.append((0..<n).map { $0 % 2 == 0 ? ComplexInt(hi, hi) : ComplexInt(lo, lo) })
        frames.append((0..<n).map { $0 % 2 == 0 ? ComplexInt(hi, lo) : ComplexInt(lo, hi) })
        for k in picks {
            frames.append((0..<n).map { t in
                let (c, s) = TwiddleTable.unit(k * t, n)
                return ComplexInt(Int((Double(hi) * c).rounded()), Int((Double(hi) * s).rounded()))
            })
        }
        return frames
    }

    /// Random frames: full-range bits, with some at a random smaller amplitude.
    public func randomFrames(seed: UInt64, count: Int) -> [[ComplexInt]] {
        var rng = SplitMix64(seed: seed)
        let w = plan.inWidth
        return (0..<count).map { _ in
            let shrink = rng.next() % 4 == 0 ? Int(rng.next() % UInt64(w - 1)) : 0
            return (0..<plan.n).map { _ in
                func part() -> Int { (Int(truncatingIfNeeded: rng.next()) >> (64 - w)) >> shrink }
                return ComplexInt(part(), part())
            }
        }
    }

    public func stimulus(seed: UInt64, vectors: Int) -> Stimulus {
        stimulus(frames: directedFrames() + randomFrames(seed: seed, count: vectors), seed: seed)
    }

    /// Frames mostly back to back, some after a gap of 1...N idle cycles.
    public func stimulus(frames: [[ComplexInt]], seed: UInt64, gaps: Bool = true) -> Stimulus {
        var s = Stimulus(ports: ["in_valid", "in_start", "in_re", "in_im"])
        var rng = SplitMix64(seed: seed ^ 0x5EED)
        let w = plan.inWidth
        func bits(_ x: Int) -> BigValue { BigValue(x).modPow2(w) }
        for f in frames {
            if gaps && rng.next() % 4 == 0 {
                for _ in 0..<Int(1 + rng.next() % UInt64(plan.n)) {
                    s.add(["in_valid": 0, "in_start": 0, "in_re": bits(Int(rng.next() % 7) - 3), "in_im": 0])
                }
            }
            for (i, x) in f.enumerated() {
                s.add(["in_valid": 1, "in_start": i == 0 ? 1 : 0, "in_re": bits(x.re), "in_im": bits(x.im)])
            }
        }
        for _ in 0..<fft.latency + 2 { s.add(["in_valid": 0]) }
        return s
    }

    // MARK: model

    public func expected(_ s: Stimulus) throws -> [Transaction] {
        let model = FFTModel(plan)
        let w = plan.inWidth, ow = plan.outWidth
        func value(_ b: BigValue) -> Int { b.wrapped(width: w, signed: true).intValue ?? 0 }
        var out: [Transaction] = []
        var frame: [ComplexInt] = [], firstCycle = 0
        var sticky = false
        for (c, row) in s.cycles.enumerated() where !row[0].isZero {
            if !row[1].isZero { frame = []; firstCycle = c }
            frame.append(ComplexInt(value(row[2]), value(row[3])))
            guard frame.count == plan.n else { continue }
            let y = try model.transform(frame)
            let (bins, sat) = params.order == .natural ? (y.natural, y.naturalSaturated) : (y.bitReversed, y.saturated)
            for (i, z) in bins.enumerated() {
                sticky = sticky || sat[i]
                out.append(Transaction(cycle: firstCycle + fft.latency + i, values: [
                    i == 0 ? .one : .zero, BigValue(z.re).modPow2(ow), BigValue(z.im).modPow2(ow), sticky ? .one : .zero]))
            }
        }
        return out
    }
}
