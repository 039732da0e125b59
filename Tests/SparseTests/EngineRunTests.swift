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

    /// The dense engine, `macs` kept columns a word: padding in a row's
    /// last word, and a layer with nothing kept.
    @Test(arguments: [(3, 20), (4, 0), (1, 0)])
    func denseWideWords(macs: Int, density: Int) throws {
        var p = ADMMDesign.Params()
        p.net = .random; p.rows = 5; p.cols = 19; p.density = density; p.storage = .dense; p.macs = macs
        let d = try ADMMDesign(p)
        let l = d.layer
        #expect(l.denseRowWords == (l.keptColCount + macs - 1) / macs)
        #expect(l.denseWords.count == l.keptRowCount * l.denseRowWords)
        #expect(l.densePaddingBits == l.keptRowCount * (l.denseRowWords * macs - l.keptColCount) * l.levelBits)
        #expect(l.cycles == 19 + l.keptRowCount * l.denseRowWords + 5)
        let r = try run(d, vectors: 6)
        #expect(r.passed, "\(r.summary)")
    }

    @Test func sparseRefusesWideWords() {
        var p = ADMMDesign.Params()
        p.macs = 2
        #expect(throws: (any Error).self) { try ADMMDesign(p) }
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
