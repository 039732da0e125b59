import Testing
import HDL
import Random
import Sim

@Suite struct Primitive {
    @Test func everyDegreeHasOne() {
        var found = 0
        for n in PrimitivePolynomials.degrees {
            if let p = PrimitivePolynomials.polynomial(degree: n) {
                #expect(p.degree == n)
                found += 1
            }
        }
        #expect(found == 126)
    }
}

@Suite struct LFSRPeriod {
    /// A separate, word-level Fibonacci LFSR: the period of the sequence
    /// from seed 1 must be exactly 2^n − 1 for every degree up to 20.
    @Test(arguments: 3...20)
    func fullPeriodUpToDegree20(n: Int) throws {
        let p = try #require(PrimitivePolynomials.polynomial(degree: n))
        let taps = p.taps.reduce(UInt32(0)) { $0 | (1 << UInt32($1)) }
        var s: UInt32 = 1
        var period = 0
        repeat {
            let fb = UInt32((s & taps).nonzeroBitCount & 1)
            s = (s >> 1) | (fb << UInt32(n - 1))
            period += 1
        } while s != 1 && period <= 1 << n
        #expect(period == (1 << n) - 1, "\(p)")
    }

    @Test func modelMatchesTheWordLevelLFSR() throws {
        let lfsr = try LFSR(degree: 17, seed: 12345)
        var model = LFSRModel(lfsr)
        let taps = lfsr.polynomial.taps.reduce(UInt32(0)) { $0 | (1 << UInt32($1)) }
        var s: UInt32 = 12345
        for _ in 0..<5000 {
            let want = s & 1 == 1
            let fb = UInt32((s & taps).nonzeroBitCount & 1)
            s = (s >> 1) | (fb << 16)
            #expect(model.step() == want)
        }
        #expect(model.state == BigValue(Int(s)))
    }

    @Test func nonPrimitivePolynomialsAreRefused() {
        #expect(!Polynomial([4, 3, 2, 1, 0]).isPrimitive)    // irreducible, order 5
        #expect(!Polynomial([4, 2, 0]).isPrimitive)          // (x^2 + x + 1)^2
        #expect(!Polynomial([8, 1]).isPrimitive)             // no constant term
        #expect(Polynomial([4, 1, 0]).isPrimitive)
        #expect(throws: UserError.self) { try LFSR(degree: 4, seed: 1, polynomial: Polynomial([4, 3, 2, 1, 0])) }
        #expect(throws: UserError.self) { try LFSR(degree: 16, seed: 0) }
        #expect(throws: UserError.self) { try LFSR(degree: 8, seed: 256) }
        #expect(throws: UserError.self) { try LFSR(degree: 2, seed: 1) }
    }

    /// Leap-ahead hardware (k bits per cycle) in the Swift engine against the
    /// bit-serial model.
    @Test(arguments: [(7, 1), (7, 3), (7, 20), (64, 64), (100, 33), (128, 128)])
    func leapAheadMatchesTheModel(n: Int, k: Int) throws {
        let lfsr = try LFSR(degree: n, bitsPerCycle: k, seed: BigValue(77))
        let sim = try Simulator(try Elaborator.elaborate(lfsr))
        var model = LFSRModel(lfsr)
        sim.reset()
        try sim.poke("enable", 1)
        for _ in 0..<300 {
            sim.eval()
            #expect(try sim.peek("bits") == model.peek(k))
            sim.tick()
            model.advance(k)
        }
    }
}

@Suite struct TauswortheChecks {
    @Test func seedsThatWouldDegenerateAreRefused() {
        #expect(throws: UserError.self) { try Tausworthe(.taus88, seeds: [1, 100, 100]) }
        #expect(throws: UserError.self) { try Tausworthe(.taus113, seeds: [100, 100, 100, 127]) }
        #expect(throws: UserError.self) { try Tausworthe(.taus113, seeds: [100, 100, 100]) }
    }

    /// Every output bit is set about half the time (within 5 sigma over
    /// 2^16 words): catches a wrong shift or mask, not subtle defects.
    @Test(arguments: TauswortheKind.allCases)
    func bitsAreBalanced(kind: TauswortheKind) throws {
        var model = TauswortheModel(try Tausworthe(kind, seeds: [12345, 12345, 12345, 12345].prefix(kind.components.count).map { $0 }))
        let n = 1 << 16
        var ones = [Int](repeating: 0, count: 32)
        for _ in 0..<n {
            model.step()
            let u = model.output
            for b in 0..<32 where (u >> UInt32(b)) & 1 == 1 { ones[b] += 1 }
        }
        let sigma = (Double(n) / 4).squareRoot()
        for b in 0..<32 { #expect(abs(Double(ones[b]) - Double(n) / 2) < 5 * sigma, "bit \(b): \(ones[b])") }
    }
}

@Suite struct WallaceLoad {
    /// A load right after reset with all-zero seeds (every component
    /// degenerate, so each takes its reset seed) gives the reset sequence;
    /// a load with other seeds changes the addressing and so the samples.
    @Test func loadRestartsTheAddressGenerator() throws {
        let g = try WallaceGRNG(log2N: 6, seed: 3)
        func run(_ seeds: [UInt32]?) throws -> [[Int]] {
            var m = try WallaceModel(g)
            try m.reset()
            _ = m.cycle(load: seeds != nil, seeds: seeds ?? [])
            return (0..<200).compactMap { _ in m.cycle() }
        }
        let plain = try run(nil)
        #expect(try run([0, 0, 0]) == plain)
        #expect(try run([0x1234_5678, 0x9ABC_DEF0, 0x0F0F_0F0F]) != plain)
    }
}
