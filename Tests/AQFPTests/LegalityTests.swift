import Testing
@testable import AQFP

/// The verifier rejects crafted illegal netlists, naming the cell.
@Suite struct LegalityTests {
    /// a, b at level 0; g = MAJ(a, b, 0) at level 1; buffer at 2; output.
    func legal() -> AQFPNetlist {
        var net = AQFPNetlist(options: AQFPOptions(splitterCapacity: 4, inputCapacity: 1), depth: 2)
        net.cells = [
            .init(kind: .input("a"), level: 0, fanins: [], name: "a"),
            .init(kind: .input("b"), level: 0, fanins: [], name: "b"),
            .init(kind: .gate, level: 1, fanins: [.init(cell: 0, inverted: false), .init(cell: 1, inverted: true),
                                                  .init(cell: nil, inverted: false)], name: "g0"),
            .init(kind: .buffer, level: 2, fanins: [.init(cell: 2, inverted: false)], name: "b0"),
        ]
        net.outputs = [("y", 3, false)]
        return net
    }

    func rejected(_ net: AQFPNetlist, naming cell: String, _ what: String) {
        let v = net.violations()
        #expect(v.contains { $0.contains(cell) && $0.contains(what) }, "\(v)")
    }

    @Test func legalIsAccepted() { #expect(legal().violations().isEmpty) }

    @Test func unbalancedPath() {
        var net = legal()
        net.cells[3].level = 3
        net.depth = 3
        rejected(net, naming: "b0", "not balanced")
    }

    @Test func overfullSplitter() {
        var net = legal()
        // A splitter of capacity 4 feeding five buffers.
        net.cells[3] = .init(kind: .splitter, level: 2, fanins: [.init(cell: 2, inverted: false)], name: "s0")
        net.outputs = []
        for k in 0..<5 {
            net.cells.append(.init(kind: .buffer, level: 3, fanins: [.init(cell: 3, inverted: false)], name: "x\(k)"))
            net.outputs.append(("y\(k)", net.cells.count - 1, false))
        }
        net.depth = 3
        rejected(net, naming: "s0", "more than the splitter capacity 4")
    }

    @Test func gateFanoutTwo() {
        var net = legal()
        net.cells.append(.init(kind: .buffer, level: 2, fanins: [.init(cell: 2, inverted: false)], name: "b1"))
        net.outputs.append(("z", 4, false))
        rejected(net, naming: "g0", "drives 2 fanouts; a gate drives exactly one")
    }

    @Test func inputOverCapacity() {
        var net = legal()
        net.cells[2].fanins[1] = .init(cell: 0, inverted: true)   // a read twice
        net.cells[1] = .init(kind: .input("b"), level: 0, fanins: [], name: "b")
        rejected(net, naming: "a", "more than the input capacity 1")
    }

    @Test func unbalancedOutputs() {
        var net = legal()
        net.outputs.append(("early", 2, false))   // the gate, at level 1 (and now fanout 2)
        rejected(net, naming: "early", "outputs are not balanced")
    }

    @Test func fourPhaseDepth() {
        var net = legal()
        net.options.phases = 4
        rejected(net, naming: "y", "not a multiple of 4")
    }

    @Test func negatedSplitterAndOutput() {
        var net = legal()
        net.cells[3] = .init(kind: .splitter, level: 2, fanins: [.init(cell: 2, inverted: true)], name: "s0")
        rejected(net, naming: "s0", "a splitter cannot invert")
        var out = legal()
        out.outputs[0].inverted = true
        rejected(out, naming: "y", "negation belongs to a gate or an inverter")
    }

    @Test func misplacedInput() {
        var net = legal()
        net.cells[0].level = 1
        rejected(net, naming: "a", "inputs are balanced at level 0")
    }
}
