import Foundation
import Harness
import HDL

/// The fft design's stimulus: directed frames, then random ones, mostly
/// back to back, some after a gap.
extension FFTDesign {
    /// A frame as it enters the design: the words, and the Nyquist bin
    /// (inverse real mode only).
    public struct Frame: Sendable {
        public var words: [ComplexInt]
        public var nyquist = 0
    }

    /// The directed frames: an impulse at every index, DC at both extremes,
    /// every bin's tone, alternating ±full scale, the most negative value
    /// everywhere (for more than 256 points, 64 indices and bins spread
    /// over the frame, the ends included). In real forward mode these are
    /// real sample sequences packed in pairs; in real inverse mode spectra.
    public func directedFrames() -> [Frame] {
        let n = params.n, hi = (1 << (params.inWidth - 1)) - 1, lo = -(1 << (params.inWidth - 1))
        let picks = n <= 256 ? Array(0..<n) : Array(Set((0..<64).map { $0 * n / 64 } + [1, n / 2, n - 1])).sorted()
        var seqs: [[ComplexInt]] = []
        for i in picks { seqs.append((0..<n).map { $0 == i ? ComplexInt(hi, lo) : .zero }) }
        seqs.append(Array(repeating: ComplexInt(hi, hi), count: n))
        seqs.append(Array(repeating: ComplexInt(lo, lo), count: n))
        seqs.append((0..<n).map { $0 % 2 == 0 ? ComplexInt(hi, hi) : ComplexInt(lo, lo) })
        seqs.append((0..<n).map { $0 % 2 == 0 ? ComplexInt(hi, lo) : ComplexInt(lo, hi) })
        for k in picks {
            seqs.append((0..<n).map { t in
                let (c, s) = TwiddleTable.unit(k * t, n)
                return ComplexInt(Int((Double(hi) * c).rounded()), Int((Double(hi) * s).rounded()))
            })
        }
        switch params.input {
        case .complex:
            return seqs.map { Frame(words: $0) }
        case .real where params.direction == .forward:
            // Real parts as the samples; the imaginary parts as a second set.
            let reals = seqs.map { $0.map(\.re) } + seqs.map { $0.map(\.im) }
            return reals.map { x in Frame(words: (0..<n / 2).map { ComplexInt(x[2 * $0], x[2 * $0 + 1]) }) }
        case .real:
            return seqs.map { Frame(words: Array($0[0..<n / 2]), nyquist: $0[n / 2].re) }
        }
    }

    /// Random frames: full-range bits, some at a random smaller amplitude.
    public func randomFrames(seed: UInt64, count: Int) -> [Frame] {
        var rng = SplitMix64(seed: seed)
        let w = params.inWidth
        return (0..<count).map { _ in
            let shrink = rng.next() % 4 == 0 ? Int(rng.next() % UInt64(w - 1)) : 0
            func part() -> Int { (Int(truncatingIfNeeded: rng.next()) >> (64 - w)) >> shrink }
            return Frame(words: (0..<frameWords).map { _ in ComplexInt(part(), part()) }, nyquist: part())
        }
    }

    public func stimulus(seed: UInt64, vectors: Int) -> Stimulus {
        stimulus(frames: directedFrames() + randomFrames(seed: seed, count: vectors), seed: seed)
    }

    /// Frames mostly back to back, some (with `gaps`) after 1...N idle cycles.
    public func stimulus(frames: [Frame], seed: UInt64, gaps: Bool = true) -> Stimulus {
        if isParallel { return parallelStimulus(frames: frames, seed: seed, gaps: gaps) }
        let nyq = isReal && params.direction == .inverse
        var s = Stimulus(ports: ["in_valid", "in_start", "in_re", "in_im"] + (nyq ? ["in_nyq"] : []))
        var rng = SplitMix64(seed: seed ^ 0x5EED)
        let w = params.inWidth
        func bits(_ x: Int) -> BigValue { BigValue(x).modPow2(w) }
        for f in frames {
            if gaps && rng.next() % 4 == 0 {
                for _ in 0..<Int(1 + rng.next() % UInt64(words)) {
                    s.add(["in_valid": 0, "in_start": 0, "in_re": bits(Int(rng.next() % 7) - 3), "in_im": 0])
                }
            }
            for (i, x) in f.words.enumerated() {
                var row: [String: BigValue] = ["in_valid": 1, "in_start": i == 0 ? 1 : 0, "in_re": bits(x.re), "in_im": bits(x.im)]
                // The Nyquist input matters only with the start; other cycles carry noise.
                if nyq { row["in_nyq"] = bits(i == 0 ? f.nyquist : Int(rng.next() % 5) - 2) }
                s.add(row)
            }
        }
        for _ in 0..<latency + 2 { s.add(["in_valid": 0]) }
        return s
    }

    /// One frame per valid cycle, packed; idle cycles between some.
    func parallelStimulus(frames: [Frame], seed: UInt64, gaps: Bool) -> Stimulus {
        var s = Stimulus(ports: ["in_valid", "in_re", "in_im"])
        var rng = SplitMix64(seed: seed ^ 0x5EED)
        let w = params.inWidth
        func pack(_ xs: [Int]) -> BigValue {
            xs.enumerated().reduce(BigValue.zero) { $0 + (BigValue($1.element).modPow2(w) << ($1.offset * w)) }
        }
        for f in frames {
            if gaps && rng.next() % 4 == 0 {
                s.add(["in_valid": 0, "in_re": rng.bits(params.n * w), "in_im": 0])
            }
            s.add(["in_valid": 1, "in_re": pack(f.words.map(\.re)), "in_im": pack(f.words.map(\.im))])
        }
        for _ in 0..<latency + 2 { s.add(["in_valid": 0]) }
        return s
    }
}
