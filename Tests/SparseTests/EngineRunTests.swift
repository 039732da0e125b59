import Testing
import Engines
import Harness
import HDL
@testable import Sparse

/// Both engines of the family in hwgen's Swift simulator against their
/// models on the awkward cases (verify-all runs every test set in both
/// simulators as well).
@Suite struct EngineRunTests {
    func run(_ d: any Design, vectors: Int) throws -> RunResult {
        let ir = try Elaborator.elaborate(d.top)
        let s = d.stimulus(seed: 11, vectors: vectors)
        return try SwiftEngine().run(Job(name: "t", ir: ir, ports: d.ports, stimulus: s, expected: try d.expected(s)))
    }

    @Test func sparseWithFillersAndEmptyRows() throws {
        var p = ADMMDesign.Params()
        p.net = .random; p.rows = 7; p.cols = 23; p.density = 20; p.idxBits = 2; p.levels = 2
        let d = try ADMMDesign(p)
        #expect(d.layer.fillers > 0 && d.layer.rowLengths[0] == 0)
        let r = try run(d, vectors: 6)
        #expect(r.passed, "\(r.summary)")
    }

    @Test func patternWithPartialGroup() throws {
        var p = PatDNNDesign.Params()
        p.cin = 3; p.cout = 6; p.height = 3; p.width = 4; p.lanes = 4; p.patterns = 2
        let d = try PatDNNDesign(p)
        #expect(d.layer.groups == 2)
        let r = try run(d, vectors: 1)
        #expect(r.passed, "\(r.summary)")
    }
}
