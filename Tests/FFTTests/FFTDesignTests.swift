import Foundation
import Testing
@testable import FFT
import Engines
import Harness
import HDL

func design(_ edit: (inout FFTDesign.Params) -> Void) throws -> FFTDesign {
    var p = FFTDesign.Params()
    edit(&p)
    return try FFTDesign(p)
}

@Suite struct FFTPlanTests {
    /// The declared widths hold the worst inputs: the model checks every
    /// intermediate against its width and throws on a value outside it.
    @Test func widthsHoldTheDirectedWorstCases() throws {
        for n in [2, 4, 8, 16, 32, 64] {
            for (w, arch, input) in [(8, FFTDesign.Architecture.streaming, FFTDesign.Input.complex), (12, .streaming, .real), (16, .parallel, .complex)] {
                if arch == .parallel && n > 64 || input == .real && n < 4 { continue }
                for scaling in [ScalingSchedule.grow, .shift] {
                    // Truncation errs furthest (a whole LSB); half-up the other way.
                    for rounding in [RoundingMode.truncate, .halfUp] {
                        for dir in FFTDesign.Direction.allCases {
                            let d = try design { $0.n = n; $0.inWidth = w; $0.twiddleWidth = w + 4; $0.arch = arch; $0.input = input
                                                 $0.scaling = scaling; $0.rounding = rounding; $0.direction = dir }
                            for f in d.directedFrames() { _ = try d.model(f.words, nyquist: f.nyquist) }
                        }
                    }
                }
            }
        }
    }

    /// Radix-2² needs log4(N) - 1 complex multipliers for N a power of 4;
    /// radix-2 one per stage from N down to 16 (the 8-point stage's twiddles
    /// are multiples of 45°, no multiplier).
    @Test func multiplierCounts() throws {
        for k in 1...6 {
            let n = 1 << (2 * k)
            #expect(try plan(n, radix: .twoSquared).complexMultipliers == k - 1)
        }
        for s in 3...12 {
            #expect(try plan(1 << s, radix: .two).complexMultipliers == s - 3)
        }
    }

    /// Rounded half-even into t signed bits, except an exact +1 (W^0, and
    /// +j where it appears), which is 2^(t-1): the ROM multipliers pass it
    /// exactly. A value that only rounds up to 1 is clamped below it.
    @Test func twiddlesAreRoundedHalfEvenAndUnityIsExact() {
        for width in [4, 8, 16, 20] {
            let t = TwiddleTable(n: 64, width: width, inverse: false)
            let scale = Double(1 << (width - 1))
            for e in 0..<64 {
                let w = t.value(e)
                let a = 2 * Double.pi * Double(e) / 64
                let (c, s) = (cos(a), -sin(a))
                func ok(_ q: Int, _ x: Double) -> Bool {
                    abs(x.rounded() - x) < 1e-12 && abs(x) == 1 ? Double(q) == x * scale : abs(Double(q) - min(x * scale, scale - 1)) <= 0.5 + 1e-9
                }
                #expect(ok(w.c, e % 16 == 0 ? c.rounded() : c), "e=\(e) c=\(w.c)")
                #expect(ok(w.d, e % 16 == 0 ? s.rounded() : s), "e=\(e) d=\(w.d)")
            }
            #expect(t.value(0) == Twiddle(Int(scale), 0))
            #expect(t.value(32) == Twiddle(-Int(scale), 0))
            #expect(t.value(48) == Twiddle(0, Int(scale)))
            #expect(TwiddleTable(n: 64, width: width, inverse: true).value(16) == Twiddle(0, Int(scale)))
            // cos(2π/4096) rounds to 1.0 in 8 bits but is not 1: clamped.
            #expect(TwiddleTable(n: 4096, width: 8, inverse: false).value(1).c == 127)
        }
    }

    @Test func schedulesAreChecked() throws {
        #expect(throws: UserError.self) { try plan(16, scaling: .given([1, 1, 1])) }
        #expect(throws: UserError.self) { try plan(16, out: 10) }
        #expect(try plan(16, out: 10, clip: true).canSaturate)
        #expect(ScalingSchedule("0,1,2") == .given([0, 1, 2]))
        #expect(ScalingSchedule("0,3") == nil)
        #expect(ScalingSchedule("") == nil)
        #expect(try plan(64, scaling: .shift).totalShift == 6)
    }
}

/// Configurations across N, widths, twiddle widths, direction, input kind,
/// rounding and architecture, in hwgen's own engine (no compile step), a
/// few random frames each after the directed ones; `make soak` runs the
/// full matrix with 10^4 frames in Verilator.
@Suite struct FFTEngineMatrix {
    static var configs: [FFTDesign.Params] {
        var out: [FFTDesign.Params] = []
        var i = 0
        for n in [2, 4, 8, 16, 32, 64] {
            for input in FFTDesign.Input.allCases where !(input == .real && n < 4) {
                for dir in FFTDesign.Direction.allCases {
                    for rounding in RoundingMode.allCases {
                        var p = FFTDesign.Params()
                        p.n = n; p.input = input; p.direction = dir; p.rounding = rounding
                        p.inWidth = [8, 12, 16][i % 3]
                        p.twiddleWidth = p.inWidth + (i % 2 == 0 ? 0 : 4)
                        p.mults = i % 5 == 0 ? .four : .three
                        p.scaling = i % 4 == 1 ? .shift : .grow
                        if input == .complex && i % 3 == 2 { p.order = .bitReversed }
                        if input == .complex && i % 7 == 3 { p.arch = .parallel }
                        out.append(p)
                        i += 1
                    }
                }
            }
        }
        return out
    }

    @Test func everyConfigurationMatchesTheModel() throws {
        let engine = SwiftEngine()
        var failures: [String] = []
        for p in FFTEngineMatrix.configs {
            let d = try FFTDesign(p)
            let r = try engine.verify(d, name: "fft", seed: 11, vectors: 4)
            if !r.passed { failures.append("\(p.summary): \(r.summary)") }
        }
        #expect(failures.isEmpty, "\(failures)")
        #expect(FFTEngineMatrix.configs.count >= 60)
    }

    /// Frames back to back come out back to back, the first on the cycle
    /// the generator declares; with gaps, each frame's latency is the same.
    @Test func latencyIsTheDeclaredOne() throws {
        for p in [FFTDesign.Params(), try design { $0.input = .real; $0.n = 16 }.params, try design { $0.arch = .parallel; $0.n = 8 }.params] {
            let d = try FFTDesign(p)
            let frames = FFTAccuracy.uniformFrames(d, amplitude: 1, count: 3, seed: 1)
            let ir = try Elaborator.elaborate(d.top)
            let s = d.stimulus(frames: frames, seed: 1, gaps: false)
            let r = try SwiftEngine().run(Job(name: "fft", ir: ir, ports: d.ports, stimulus: s, expected: try d.expected(s),
                                              options: RunOptions(recordCycles: true)))
            #expect(r.passed)
            #expect(r.transactionCycles.first == d.latency)
            #expect(r.transactionCycles == Array(d.latency..<d.latency + 3 * d.words))
        }
    }
}
