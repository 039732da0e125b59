import Testing
import Harness
import HDL
import Random

/// The binomial generator: its trinomials, its word-parallel model, and the
/// gates that judge dependence between neighbouring outputs.
@Suite struct Binomial {
    /// The table holds only irreducible trinomials (Rabin's test on words).
    @Test func everyTableTrinomialIsIrreducible() {
        for p in Trinomial.all where p.middle < p.degree / 2 { #expect(p.isIrreducible, "\(p)") }
    }

    /// The word test agrees with the project's independent GF(2) field
    /// arithmetic (`Polynomial.isPrimitive`) on every trinomial of degree 89
    /// and 127 (Mersenne exponents: irreducible is primitive).
    @Test(arguments: [89, 127])
    func wordTestAgreesWithTheFieldTest(degree: Int) {
        for m in 1..<degree {
            let word = Trinomial(degree: degree, middle: m).isIrreducible
            #expect(word == Polynomial([degree, m, 0]).isPrimitive, "x^\(degree) + x^\(m) + 1")
        }
    }

    /// The chosen LFSR leaps k·n bits and no relation s_t + s_t+M + s_t+D
    /// has two bits in one n-bit window.
    @Test(arguments: [(1, 4), (1, 32), (3, 6), (16, 32), (256, 32), (512, 32), (512, 64), (300, 32)])
    func trinomialFitsTheLeap(k: Int, n: Int) throws {
        let g = try BinomialGRNG(outputs: k, bits: n, seed: 1)
        let p = g.polynomial
        #expect(p.degree - p.middle >= k * n && p.middle > n && p.degree - p.middle > n)
        #expect(Trinomial.all.contains(p))
    }

    @Test func tooManyBitsAreRefused() {
        #expect(throws: UserError.self) { try BinomialGRNG(outputs: 1024, bits: 64, seed: 1) }
        #expect(throws: UserError.self) { try BinomialGRNG(outputs: 4, bits: 7, seed: 1) }
        #expect(throws: UserError.self) { try BinomialGRNG(outputs: 0, bits: 8, seed: 1) }
    }

    /// The model's samples equal popcounts of a bit-by-bit recurrence (one
    /// bit a step, no words); x^89 + x^38 + 1 (the small leaps) makes its
    /// words 51 bits at a time.
    @Test(arguments: [(1, 4), (2, 16), (3, 6), (5, 10), (40, 32)])
    func modelEqualsTheBitRecurrence(k: Int, n: Int) throws {
        let g = try BinomialGRNG(outputs: k, bits: n, seed: 77)
        let d = g.polynomial.degree, m = g.polynomial.middle, leap = k * n
        let cycles = 40
        var s = g.initialState
        while s.count < d + leap * cycles { s.append(s[s.count - d + m] != s[s.count - d]) }
        let got = g.freeRunningSamples(perOutput: cycles)
        for c in 0..<cycles {
            for j in 0..<k {
                let at = d - leap + c * leap + j * n
                let a = s[at..<(at + n / 2)].filter { $0 }.count, b = s[(at + n / 2)..<(at + n)].filter { $0 }.count
                #expect(got[j][c] == a - b, "cycle \(c) output \(j)")
            }
        }
    }

    /// Every gate of the report, neighbours included, at 2^18 samples of
    /// k = 256 (the vibnn shape) on a seed the reports do not use.
    @Test func gatesPassAtTheVIBNNWidth() throws {
        let design = try BinomialDesign(try BinomialDesign.Params.parse(["k=256", "seed=4242"], design: "binomial"))
        let gates = try #require(design.reports.first as? GRNGGates)
        let rows = try gates.gates(samples: 1 << 18, seeds: 8, perSeed: 1 << 14).rows
        let failed = rows.filter { $0.pass == false }
        #expect(failed.isEmpty, "\(failed.map { "\($0.name): \($0.value)" })")
        #expect(rows.contains { $0.name.hasPrefix("neighbours") })
    }

    /// A negative control for the neighbour gates: independent outputs
    /// pass; outputs that share half their bits with the next (a leap too
    /// short for its outputs) fail.
    @Test func neighbourGatesCatchSharedBits() throws {
        let g = try BinomialGRNG(outputs: 9, bits: 16, seed: 5)
        var model = BinomialModel(g)
        var own = [[Double]](repeating: [], count: 8), shared = own
        for _ in 0..<(1 << 13) {
            let e = model.samples.map(Double.init)
            for j in 0..<8 {
                own[j].append(e[j] / 2)
                shared[j].append((e[j] + e[j + 1]) / 8.0.squareRoot())
            }
            model.step()
        }
        let good = DependenceGates.neighbourRows(own, lags: 0...8)
        #expect(good.allSatisfy { $0.pass == true }, "\(good.map(\.value))")
        let bad = DependenceGates.neighbourRows(shared, lags: 0...8)
        #expect(bad[0].pass == false && bad.last?.pass == false, "\(bad.map(\.value))")
    }
}
