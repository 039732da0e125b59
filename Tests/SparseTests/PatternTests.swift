import Testing
import Harness
@testable import Sparse

/// The PatDNN encoder's invariants, checked from its output.
@Suite struct PatternTests {
    @Test func fiftySixCandidates() {
        let c = KernelPattern.candidates
        #expect(c.count == 56 && Set(c).count == 56)
        #expect(c.allSatisfy { $0.taps.count == 4 && $0.taps.contains(4) })
    }

    func encode(k: Int, conn: Int, seed: UInt64) throws -> (PatternEncoding, [[Double]]) {
        var p = PatDNNDesign.Params()
        p.cin = 6; p.cout = 11; p.seed = Int(seed); p.zeroKernels = 20
        let w = PatDNNDesign.randomLayer(p).weights
        return (try PatternEncoding(weights: w, bias: nil, cin: 6, patternCount: k, connectivity: conn, weightBits: 6), w)
    }

    @Test(arguments: [(8, 25), (3, 0), (1, 60)])
    func encoderInvariants(k: Int, conn: Int) throws {
        let (e, w) = try encode(k: k, conn: conn, seed: UInt64(k + conn))
        let f = e.fkw
        #expect(e.patterns.count == k && Set(e.patterns).count == k)
        #expect(Set(f.reorder) == Set(0..<11) && f.reorder.count == 11)
        #expect(f.offset.first == 0 && f.offset.last == f.kernels && zip(f.offset, f.offset.dropFirst()).allSatisfy { $0 <= $1 })
        // Longest filters first; kernels sorted by pattern; stride agrees.
        let lengths = (0..<11).map(f.length)
        #expect(zip(lengths, lengths.dropFirst()).allSatisfy { $0 >= $1 })
        for r in 0..<11 {
            #expect(f.stride[r].first == 0 && f.stride[r].last == lengths[r])
            let pats = (0..<lengths[r]).map { f.pattern(r, $0) }
            #expect(pats == pats.sorted())
            for p in 0..<k { #expect(f.stride[r][p + 1] - f.stride[r][p] == pats.filter { $0 == p }.count) }
        }
        // Connectivity pruning removed its share of the non-zero kernels.
        #expect(f.kernels == e.candidateKernels - e.candidateKernels * conn / 100)
        // Each kept kernel: on its pattern, the best of the set, weights the
        // projected ones rounded to the scale.
        for r in 0..<11 {
            let orig = f.reorder[r]
            for s in 0..<lengths[r] {
                let j = f.offset[r] + s, c = f.index[j], p = f.pattern(r, s)
                let kern = Array(w[orig][c * 9..<c * 9 + 9])
                for other in e.patterns { #expect(e.patterns[p].kept(kern) >= other.kept(kern)) }
                for t in 0..<9 where !e.patterns[p].taps.contains(t) { #expect(e.projected[orig][c][t] == 0) }
                for (i, t) in e.patterns[p].taps.enumerated() {
                    #expect(abs(Double(f.weights[j][i]) * e.scale - kern[t]) <= e.scale / 2 + 1e-12)
                }
            }
        }
        // Filter 0 was generated empty.
        #expect(f.length(f.reorder.firstIndex(of: 0)!) == 0)
    }

    /// The schedule: groups' steps are their longest filters, utilisation
    /// the kernels over the lane-steps.
    @Test func schedule() throws {
        let (e, _) = try encode(k: 4, conn: 10, seed: 2)
        let l = try PatternLayer(e, height: 4, width: 5, lanes: 4, actWidth: 8, actFrac: 4, outWidth: 8, outFrac: 4, relu: true)
        #expect(l.groups == 3)
        let lengths = (0..<11).map(e.fkw.length)
        #expect(l.groupSteps == [max(1, lengths[0...3].max()!), max(1, lengths[4...7].max()!), max(1, lengths[8...10].max()!)])
        #expect(abs(l.utilisation - Double(e.fkw.kernels) / Double(4 * l.groupSteps.reduce(0, +))) < 1e-12)
        #expect(l.cycles == 20 + 4 * 4 * 6 + 20 * l.groupSteps.reduce(0, +))
    }
}
