import HDL
import Harness
import Random
import Testing
@testable import Stochastic

@Suite struct SCSourceTests {
    /// The fast LFSR source model steps the same sequence as the Random
    /// family's bit-serial LFSR model: w bits a(t)..a(t+w−1) a cycle.
    @Test(arguments: [(256, [31, 3, 0]), (1024, [20, 3, 0]), (64, [9, 4, 0]), (4096, [64, 4, 3, 1, 0])])
    func lfsrMatchesTheBitSerialRecurrence(length: Int, exponents: [Int]) throws {
        let poly = Polynomial(exponents)
        let s = try SCStreams(length: length, encoding: .unipolar, kind: .lfsr, sharing: .none, polynomial: poly, seed: 9)
        let seed = s.lfsrSeed(3)
        var fast = SCSourceModel(.lfsr(seed: seed), streams: s)
        var slow = LFSRModel(try LFSR(degree: poly.degree, seed: BigValue(seed), polynomial: poly))
        for _ in 0..<300 {
            #expect(BigValue(fast.value) == slow.peek(s.width))
            fast.step()
            slow.advance(s.width)
        }
    }

    /// Dimension 1 over a period visits every number once; dimensions 1
    /// and 2 form a (0, m, 2)-net: every dyadic box of area 1/L holds
    /// exactly one point — the property that makes Sobol products accurate.
    @Test(arguments: [16, 256, 1024])
    func sobolFirstTwoDimensionsAreANet(length: Int) throws {
        let s = try SCStreams(length: length, encoding: .unipolar, kind: .sobol, sharing: .none)
        var d1 = SCSourceModel(.sobol(dimension: 1), streams: s), d2 = SCSourceModel(.sobol(dimension: 2), streams: s)
        var points: [(Int, Int)] = []
        for _ in 0..<length {
            points.append((Int(d1.value), Int(d2.value)))
            d1.step()
            d2.step()
        }
        #expect(Set(points.map(\.0)).count == length)
        let m = s.width
        for i in 0...m {
            // Boxes 2^i wide in x (in units of 1/L... as bit prefixes): x >> (m − i), y >> i.
            var seen = Set<Int>()
            for (x, y) in points { seen.insert((x >> (m - i)) << m | (y >> i)) }
            #expect(seen.count == length, "i = \(i)")
        }
    }

    @Test func sobolPolynomialsArePrimitiveInOrder() {
        let first = (2...6).map { SobolDirections.polynomial(dimension: $0).exponents }
        #expect(first == [[1, 0], [2, 1, 0], [3, 1, 0], [3, 2, 0], [4, 1, 0]])
        for j in 3...60 { #expect(SobolDirections.polynomial(dimension: j).isPrimitive) }
        // Direction numbers: odd m_k below 2^k, v_k = m_k·2^(w−k).
        for j in 1...40 {
            for (k, v) in SobolDirections.numbers(dimension: j, width: 10).enumerated() {
                let mk = v >> UInt64(10 - k - 1)
                #expect(mk % 2 == 1 && mk < 1 << UInt64(k + 1) && v & ((1 << UInt64(10 - k - 1)) - 1) == 0, "dimension \(j) k \(k + 1)")
            }
        }
    }

    @Test func sccOfKnownStreams() {
        #expect(SCStatistics.scc(pa: 0.5, pb: 0.25, pab: 0.25) == 1)          // b inside a
        #expect(SCStatistics.scc(pa: 0.5, pb: 0.5, pab: 0) == -1)             // disjoint
        #expect(SCStatistics.scc(pa: 0.5, pb: 0.25, pab: 0.125) == 0)         // independent
        #expect(SCStatistics.scc(pa: 0, pb: 0.5, pab: 0) == nil)
    }
}
