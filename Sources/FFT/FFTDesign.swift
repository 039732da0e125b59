import Foundation
import Harness
import HDL

/// `fft`: the streaming FFT/IFFT (complex or real input) or the fully
/// parallel one against its bit-exact model, every bin of every frame
/// compared on its cycle.
public struct FFTDesign: Design {
    public enum Order: String, CaseIterable, Sendable { case natural, bitReversed = "bit-reversed" }
    public enum Direction: String, CaseIterable, Sendable { case forward, inverse }
    public enum Input: String, CaseIterable, Sendable { case complex, real }
    public enum Architecture: String, CaseIterable, Sendable { case streaming, parallel }

    public struct Params: ParamSet {
        var n = 64, inWidth = 16, twiddleWidth = 20
        var arch = Architecture.streaming
        var outWidth: Int? = nil
        var guardBits = 2
        var direction = Direction.forward
        var input = Input.complex
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
            .choice("arch", \.arch, "streaming: one sample per cycle (SDF pipeline); parallel: a whole frame per cycle (n <= 64)"),
            .int("in_width", \.inWidth, 2...24, "bits of each input part (signed integers)"),
            .int("tw_width", \.twiddleWidth, 1...24, "twiddle bits (signed, width-1 fraction bits, rounded half-even)"),
            .int("out_width", \.outWidth, 2...48, "bits of each output part (auto: what the scaling needs for every input in range)"),
            .int("guard", \.guardBits, 0...8, "extra fraction bits carried through the stages"),
            .choice("dir", \.direction, "forward: exp(-2πi nk/N); inverse: exp(+2πi nk/N), unnormalised"),
            .choice("input", \.input, "complex: N complex samples per frame; real: N real samples (two per cycle, N/2 + 1 bins), or with dir=inverse a Hermitian spectrum to N real samples"),
            .custom("scaling", \.scaling, allowed: "grow|shift|s1,s2,... (a right shift 0...2 per stage)",
                    parse: ScalingSchedule.init, render: \.description,
                    "grow: keep every bit (output = DFT); shift: halve after each stage (output = DFT/N); or a shift per stage"),
            .choice("rounding", \.rounding, "how every stage and the output drop bits (convergent: half-even)"),
            .choice("order", \.order, "output bin order (natural: through a reorder buffer)"),
            .choice("mults", \.mults, "real multipliers per complex multiplier"),
            .choice("radix", \.radix, "SDF decomposition: 22 (radix-2², log4(N)-1 complex multipliers) or 2 (one per stage down to N=16)"),
            .flag("clip", \.clip, "allow an out_width narrower than the bound: saturate, with the sticky out_overflow"),
        ] }
    }

    public static let name = "fft"
    public static let summary = "FFT/IFFT: streaming radix-2² SDF at 1 sample/cycle, real-input, or fully parallel; bit-exact model, no-overflow widths"
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
        Params { $0.input = .real },
        Params { $0.arch = .parallel; $0.n = 16 },
        Params { $0.arch = .parallel; $0.n = 8; $0.inWidth = 12; $0.twiddleWidth = 16; $0.direction = .inverse; $0.mults = .four; $0.rounding = .truncate; $0.order = .bitReversed },
        Params { $0.arch = .parallel; $0.n = 32; $0.inWidth = 8; $0.twiddleWidth = 12; $0.scaling = .shift; $0.rounding = .halfUp },
        Params { $0.arch = .parallel; $0.n = 2; $0.inWidth = 8; $0.twiddleWidth = 8 },
        Params { $0.input = .real; $0.n = 4; $0.inWidth = 8; $0.twiddleWidth = 12; $0.rounding = .truncate; $0.mults = .four },
        Params { $0.input = .real; $0.direction = .inverse; $0.n = 16; $0.inWidth = 12; $0.twiddleWidth = 16; $0.scaling = .shift },
        Params { $0.input = .real; $0.direction = .inverse; $0.n = 128; $0.order = .bitReversed; $0.rounding = .halfUp },
    ] }
    public static var reportSets: [Params] { [Params { $0.n = 16 }, Params()] }

    public let params: Params
    /// The implementation: a complex streaming FFT or the real one.
    public enum Core {
        case complex(FFTPlan, StreamingFFT)
        case real(RealFFTPlan, RealFFT)
        case parallel(FFTPlan, ParallelFFT)
    }
    public let core: Core

    public init(_ p: Params) throws {
        if p.twiddleWidth < 2 {
            throw UserError("parameter tw_width=\(p.twiddleWidth) is too narrow: a twiddle needs a sign and at least one fraction bit")
        }
        params = p
        let inverse = p.direction == .inverse
        if p.arch == .parallel {
            guard p.input == .complex else { throw UserError("parameter input=real is not offered with arch=parallel (use arch=streaming)") }
            guard p.n <= ParallelFFT.largest else {
                throw UserError("parameter n=\(p.n) is too large for arch=parallel (at most \(ParallelFFT.largest): every point is hardware; use arch=streaming)")
            }
            let plan = try FFTPlan(n: p.n, inWidth: p.inWidth, twiddleWidth: p.twiddleWidth, outWidth: p.outWidth,
                                   guardBits: p.guardBits, radix: p.radix, inverse: inverse,
                                   schedule: p.scaling, rounding: p.rounding, clip: p.clip, parallel: true)
            core = .parallel(plan, ParallelFFT(plan: plan, style: p.mults, natural: p.order == .natural))
            return
        }
        switch p.input {
        case .complex:
            let plan = try FFTPlan(n: p.n, inWidth: p.inWidth, twiddleWidth: p.twiddleWidth, outWidth: p.outWidth,
                                   guardBits: p.guardBits, radix: p.radix, inverse: inverse,
                                   schedule: p.scaling, rounding: p.rounding, clip: p.clip)
            core = .complex(plan, StreamingFFT(plan: plan, style: p.mults, natural: p.order == .natural))
        case .real:
            if !inverse && p.order == .bitReversed {
                throw UserError("parameter order=bit-reversed is not offered with input=real dir=forward: the split stage's buffer delivers bins in natural order")
            }
            let plan = try RealFFTPlan(n: p.n, inWidth: p.inWidth, twiddleWidth: p.twiddleWidth, outWidth: p.outWidth,
                                       guardBits: p.guardBits, radix: p.radix, inverse: inverse,
                                       schedule: p.scaling, rounding: p.rounding, clip: p.clip)
            core = .real(plan, RealFFT(plan: plan, style: p.mults, natural: p.order == .natural))
        }
    }

    /// The complex plan (nil in real mode).
    public var plan: FFTPlan? {
        switch core {
        case .complex(let p, _), .parallel(let p, _): return p
        case .real: return nil
        }
    }
    public var isReal: Bool { plan == nil }
    public var isParallel: Bool { params.arch == .parallel }
    public var isRealForward: Bool { isReal && params.direction == .forward }
    /// Words (cycles) per frame: N, or N/2 in real mode.
    public var words: Int { isParallel ? 1 : frameWords }
    /// Complex words in a frame (N, or N/2 pairs of real samples).
    public var frameWords: Int { params.input == .real ? params.n / 2 : params.n }
    public var latency: Int {
        switch core {
        case .complex(_, let f): return f.latency
        case .real(_, let f): return f.latency
        case .parallel(_, let f): return f.latency
        }
    }
    public var outWidth: Int {
        switch core {
        case .complex(let p, _): return p.outWidth
        case .real(let p, _): return p.outWidth
        case .parallel(let p, _): return p.outWidth
        }
    }
    /// Real multipliers of the architecture.
    public var multipliers: Int {
        switch core {
        case .complex(_, let f): return f.multipliers
        case .real(_, let f): return f.multipliers
        case .parallel(_, let f): return f.constantMultipliers
        }
    }

    public var top: any Block {
        switch core {
        case .complex(_, let f): return f
        case .real(_, let f): return f
        case .parallel(_, let f): return f
        }
    }
    public var ports: TestPorts {
        if isParallel { return TestPorts(valid: "out_valid", data: ["out_re", "out_im", "out_overflow"], latency: latency) }
        let mirror = isRealForward ? ["out_mirror_re", "out_mirror_im"] : []
        return TestPorts(valid: "out_valid", data: ["out_start", "out_re", "out_im"] + mirror + ["out_overflow"], latency: latency)
    }
    public var defaultVectors: Int { max(16, (1 << 16) / params.n) }
    public var transactionsPerUnit: Int { words }
    public var reports: [any DesignReport] { [FFTReport(design: self)] }

    // MARK: model

    /// One frame through the model: the outputs in port order (main, then
    /// the mirror in real forward mode) and whether each saturated.
    public func model(_ frame: [ComplexInt], nyquist: Int) throws -> (main: [ComplexInt], mirror: [ComplexInt], saturated: [Bool]) {
        switch core {
        case .complex(let p, _), .parallel(let p, _):
            let y = try FFTModel(p).transform(frame)
            return params.order == .natural ? (y.natural, [], y.naturalSaturated) : (y.bitReversed, [], y.saturated)
        case .real(let p, _):
            let y = try RealFFTModel(p).transform(frame, nyquist: nyquist)
            if p.inverse && params.order == .bitReversed {
                let bits = p.half.trailingZeroBitCount
                return ((0..<p.half).map { y.main[FFTModel.bitReverse($0, bits: bits)] }, [],
                        (0..<p.half).map { y.saturated[FFTModel.bitReverse($0, bits: bits)] })
            }
            return (y.main, y.mirror, y.saturated)
        }
    }

    public func expected(_ s: Stimulus) throws -> [Transaction] {
        let w = params.inWidth, ow = outWidth
        func value(_ b: BigValue) -> Int { b.wrapped(width: w, signed: true).intValue ?? 0 }
        var out: [Transaction] = []
        var frame: [ComplexInt] = [], firstCycle = 0, nyquist = 0
        var sticky = false
        if isParallel { return try expectedParallel(s) }
        let nyqColumn = s.ports.firstIndex(of: "in_nyq")
        for (c, row) in s.cycles.enumerated() where !row[0].isZero {
            if !row[1].isZero {
                frame = []
                firstCycle = c
                nyquist = nyqColumn.map { value(row[$0]) } ?? 0
            }
            frame.append(ComplexInt(value(row[2]), value(row[3])))
            guard frame.count == words else { continue }
            let y = try model(frame, nyquist: nyquist)
            for (i, z) in y.main.enumerated() {
                sticky = sticky || y.saturated[i]
                var values = [i == 0 ? BigValue.one : .zero, BigValue(z.re).modPow2(ow), BigValue(z.im).modPow2(ow)]
                if !y.mirror.isEmpty { values += [BigValue(y.mirror[i].re).modPow2(ow), BigValue(y.mirror[i].im).modPow2(ow)] }
                values.append(sticky ? .one : .zero)
                out.append(Transaction(cycle: firstCycle + latency + i, values: values))
            }
        }
        return out
    }

    /// Parallel form: one frame per valid cycle, packed.
    func expectedParallel(_ s: Stimulus) throws -> [Transaction] {
        let n = params.n, w = params.inWidth, ow = outWidth
        var out: [Transaction] = [], sticky = false
        func unpack(_ v: BigValue) -> [Int] {
            (0..<n).map { v.floorShiftRight($0 * w).modPow2(w).wrapped(width: w, signed: true).intValue ?? 0 }
        }
        func pack(_ xs: [Int]) -> BigValue {
            xs.enumerated().reduce(BigValue.zero) { $0 + (BigValue($1.element).modPow2(ow) << ($1.offset * ow)) }
        }
        for (c, row) in s.cycles.enumerated() where !row[0].isZero {
            let (re, im) = (unpack(row[1]), unpack(row[2]))
            let y = try model((0..<n).map { ComplexInt(re[$0], im[$0]) }, nyquist: 0)
            sticky = sticky || y.saturated.contains(true)
            out.append(Transaction(cycle: c + latency, values: [pack(y.main.map(\.re)), pack(y.main.map(\.im)), sticky ? .one : .zero]))
        }
        return out
    }
}
