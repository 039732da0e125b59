import Engines
import FFT
import Foundation
import Harness
import HDL
import Sim
import Testing
@testable import Circulant

func circulant(_ edit: (inout CirculantDesign.Params) -> Void = { _ in }) throws -> CirculantDesign {
    var p = CirculantDesign.Params()
    edit(&p)
    return try CirculantDesign(p)
}

@Suite struct CirculantMatrixTests {
    /// The dense matrix, built column by column by rotating the previous
    /// column down one row, is the one `element` describes: block (i, j)
    /// has w_ij as its FIRST column.
    @Test func firstColumnConvention() throws {
        let w = CirculantMatrix.random(m: 11, n: 13, k: 4, seed: 5)
        var dense = Array(repeating: Array(repeating: 0.0, count: 16), count: 12)
        for i in 0..<3 {
            for j in 0..<4 {
                var column = w.columns[i][j]
                for c in 0..<4 {
                    for r in 0..<4 { dense[4 * i + r][4 * j + c] = column[r] }
                    column = [column[3]] + column.prefix(3)      // rotate down one row
                }
            }
        }
        let given = w.dense
        for r in 0..<11 { for c in 0..<13 { #expect(given[r][c] == dense[r][c]) } }
        #expect(w.columns[1][2][0] == w.element(4, 8) && w.columns[1][2][1] == w.element(5, 8) && w.columns[1][2][1] == w.element(6, 9))
    }

    /// Circular convolution: the inverse DFT of DFT(w)·DFT(x) (float, the
    /// frequency-domain product the unit computes) is the dense block times x.
    @Test func frequencyDomainProductIsTheDenseOne() throws {
        let k = 8
        let w = CirculantMatrix.random(m: k, n: k, k: k, seed: 9)
        var rng = SplitMix64(seed: 3)
        let x = (0..<k).map { _ in 2 * rng.unit() - 1 }
        let (W, X) = (CirculantMatrix.realDFT(w.columns[0][0]), CirculantMatrix.realDFT(x))
        // Bins above k/2 are the conjugates of those below (real signals).
        func bin(_ s: [(re: Double, im: Double)], _ f: Int) -> (Double, Double) {
            f <= k / 2 ? (s[f].re, s[f].im) : (s[k - f].re, -s[k - f].im)
        }
        let full: [(Double, Double)] = (0..<k).map { (f: Int) -> (Double, Double) in
            let (a, b) = (bin(W, f), bin(X, f))
            return (a.0 * b.0 - a.1 * b.1, a.0 * b.1 + a.1 * b.0)
        }
        let y = (0..<k).map { t in
            (0..<k).reduce(0.0) { s, f in
                let a = 2 * Double.pi * Double(f * t) / Double(k)
                return s + (full[f].0 * cos(a) - full[f].1 * sin(a)) / Double(k)
            }
        }
        for (a, b) in zip(y, w.times(x)) { #expect(abs(a - b) < 1e-12) }
    }

    @Test func spectraStoreKRealsPerBlock() throws {
        let w = CirculantMatrix.random(m: 32, n: 48, k: 16, seed: 2)
        let s = try CirculantSpectra(w, width: 12)
        #expect(s.words.count == 2 && s.words[0].count == 3 && s.words[0][0].count == 8)
        // The largest part fits and one more fraction bit would not.
        let parts = s.words.joined().joined().flatMap { [abs($0.re), abs($0.im)] }
        #expect(parts.max()! <= 2047 && parts.max()! > 1023)
        #expect(s.largestError(w) <= 0.5 * pow(2, -Double(s.fraction)) + 1e-15)
    }
}

@Suite struct CirculantUnitTests {
    /// Sizes not multiples of k, k from 4 to 64, several lanes, both
    /// rounding modes that differ: the RTL in the Swift engine matches the
    /// model on every output beat.
    @Test func everyConfigurationMatchesTheModel() throws {
        let configs: [(Int, Int, Int, Int)] = [(8, 8, 4, 1), (9, 14, 4, 2), (20, 33, 8, 4), (40, 17, 16, 1), (33, 70, 16, 4), (70, 130, 64, 2), (64, 64, 64, 1)]
        var failures: [String] = []
        for (m, n, k, lanes) in configs {
            for rounding in [RoundingMode.halfEven, .truncate] {
                let d = try circulant { $0.m = m; $0.n = n; $0.k = k; $0.lanes = lanes; $0.rounding = rounding; $0.seed = m }
                let r = try SwiftEngine().verify(d, name: "circulant", seed: 7, vectors: 4)
                if !r.passed { failures.append("m=\(m) n=\(n) k=\(k) lanes=\(lanes) \(rounding): \(r.summary)") }
            }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    /// The model against float64 y = W x (dense, first-column convention):
    /// every row within its derived bound, which is not vacuous (under
    /// 1/256 of full scale, and some error comes within 1% of it).
    @Test func modelIsWithinTheDerivedBoundOfFloat() throws {
        for (m, n, k) in [(48, 40, 8), (37, 50, 16), (64, 200, 64), (20, 9, 4), (130, 64, 32)] {
            for rounding in [RoundingMode.halfEven, .truncate] {
                let d = try circulant { $0.m = m; $0.n = n; $0.k = k; $0.rounding = rounding }
                let model = CirculantModel(d.layer)
                var worst = 0.0, largestBound = 0.0, checked = 0
                for x in d.vectors(seed: 4, count: 40) {
                    let y = try model.product(x), bound = model.errorBound(x), ref = model.reference(x)
                    for r in 0..<m where !y.overflow[r / 2] {
                        let e = abs(Double(y.y[r]) - ref[r])
                        #expect(e <= bound[r], "m=\(m) n=\(n) k=\(k) row \(r): error \(e) > bound \(bound[r])")
                        worst = max(worst, e / bound[r])
                        largestBound = max(largestBound, bound[r])
                        checked += 1
                    }
                }
                #expect(checked > 20 * m)
                // Measured: 3-25x inside; the bound stays under 1/256 of full scale.
                #expect(largestBound < Double(1 << 15) / 256, "k=\(k): bound \(largestBound) LSB")
                #expect(worst > 0.01)
            }
        }
    }

    /// Counters in simulation: q forward FFTs and p inverse FFTs per product.
    @Test func countersShowQFFTsAndPIFFTsPerProduct() throws {
        let d = try circulant { $0.m = 37; $0.n = 50; $0.k = 16 }
        let c = d.layer.config
        let sim = try Simulator(try Elaborator.elaborate(d.top))
        sim.reset()
        let xs = d.vectors(seed: 2, count: 3)
        for (u, x) in xs.prefix(3).enumerated() {
            for b in 0..<d.layer.userBeats {
                let word = (BigValue(2 * b + 1 < c.n ? x[2 * b + 1] : 0).modPow2(16) << 16) + BigValue(x[2 * b]).modPow2(16)
                try sim.poke("in_valid", 1)
                try sim.poke("in_data", word)
                sim.eval()
                while try sim.peek("in_ready").isZero { sim.step(); sim.eval() }
                sim.step()
            }
            try sim.poke("in_valid", 0)
            sim.step(d.unit.latency + 10)
            #expect(try sim.peek("fft_frames") == BigValue((u + 1) * c.q))
            #expect(try sim.peek("ifft_frames") == BigValue((u + 1) * c.p))
        }
        #expect(c.q == 4 && c.p == 3)
    }

    /// Gapless products: every output beat on the cycle the generator's
    /// schedule gives, and the steady-state interval its formula.
    @Test(arguments: [(48, 40, 8, 1, 2), (8, 64, 8, 1, 2), (16, 16, 8, 2, 2), (37, 50, 16, 2, 2), (16, 16, 8, 2, 4), (8, 9, 8, 1, 8)])
    func cyclesMatchTheFormula(_ shape: (Int, Int, Int, Int, Int)) throws {
        let d = try circulant { $0.m = shape.0; $0.n = shape.1; $0.k = shape.2; $0.lanes = shape.3; $0.banks = shape.4 }
        let c = d.layer.config, count = 20
        let s = d.stimulus(d.vectors(seed: 1, count: count).prefix(count).map { $0 }, seed: 1, gaps: false)
        let ir = try Elaborator.elaborate(d.top)
        let r = try VerilatorEngine().run(Job(name: "circulant", ir: ir, ports: d.ports, stimulus: s, expected: try d.expected(s),
                                             options: RunOptions(recordCycles: true)))
        #expect(r.passed, "\(r.summary)")
        let firsts = d.unit.schedule(count)
        var want: [Int] = []
        for f in firsts {
            for b in 0..<d.layer.outBeats { want.append(f + (b / c.half) * c.groups * c.q + b % c.half) }
        }
        #expect(r.transactionCycles == want)
        #expect(firsts[0] == d.unit.latency + 1)     // the first beat is taken on cycle 1
        // The steady state repeats every `banks` products at most: 8 of them.
        let tail = Double(firsts[count - 1] - firsts[count - 9]) / 8
        #expect(tail == d.unit.cyclesPerProduct, "measured \(tail), formula \(d.unit.cyclesPerProduct)")
    }

    /// Weight memory: p·q·k reals, in the ROMs the IR declares.
    @Test func weightMemoryIsPQKWords() throws {
        for (m, n, k, lanes) in [(48, 40, 8, 1), (37, 50, 16, 2), (64, 200, 64, 2)] {
            let d = try circulant { $0.m = m; $0.n = n; $0.k = k; $0.lanes = lanes }
            let s = IRSummary(try Elaborator.elaborate(d.top))
            let c = d.layer.config
            #expect(s.memoryBits["weight spectra ROM"] == c.p * c.q * c.k * c.wWidth)
            #expect(d.layer.weightWords == c.p * c.q * c.k)
            #expect(s.multipliers == 4 * lanes + 2 * d.unit.forwardFFT.multipliers)
        }
    }

    /// A narrow accumulator saturates on full-scale inputs, flagged on the
    /// beats of that block only.
    @Test func saturationIsFlagged() throws {
        let d = try circulant { $0.m = 13; $0.n = 9; $0.inWidth = 8; $0.inFrac = 6; $0.wWidth = 8; $0.outWidth = 8; $0.outFrac = 4; $0.accWidth = 16 }
        let model = CirculantModel(d.layer)
        let flags = try d.vectors(seed: 1, count: 30).flatMap { try model.product($0).overflow }
        #expect(flags.contains(true) && flags.contains(false))
        let r = try SwiftEngine().verify(d, name: "circulant", seed: 1, vectors: 30)
        #expect(r.passed, "\(r.summary)")
    }

    @Test func badParametersAreRefused() throws {
        func message(_ edit: (inout CirculantDesign.Params) -> Void) -> String {
            do { _ = try circulant(edit); return "" } catch { return "\(error)" }
        }
        #expect(message { $0.k = 12 }.contains("power of two"))
        #expect(message { $0.k = 2 }.contains("power of two in 4...128"))
        #expect(message { $0.m = 20; $0.n = 30; $0.k = 64 }.contains("larger than the matrix"))
        #expect(message { $0.lanes = 8 }.contains("lanes=8"))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("circulant-bad-\(getpid()).json")
        try "[[[1.0, 2.0]]]".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(message { $0.weights = file.path }.contains("must be 6 x 5 blocks of 8 reals"))
        #expect(message { $0.weights = "/nonexistent/w.json" }.contains("cannot read the weights file"))
    }
}
