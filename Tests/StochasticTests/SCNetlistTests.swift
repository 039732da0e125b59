import Engines
import Harness
import HDL
import Testing
import Verilog
@testable import Stochastic

/// The Verilog of every SC design at its defaults and test sets passes the
/// three lint tools (make test lints only the defaults in Generated/).
@Suite struct SCNetlistTests {
    static var blocks: [(String, any Block)] {
        get throws {
            try ([SCMulDesign.Params()] + SCMulDesign.testSets).map { ("sc_mul \($0.summary)", try SCMulDesign($0).top) }
                + ([SCNeuronDesign.Params()] + SCNeuronDesign.testSets).map { ("sc_neuron \($0.summary)", try SCNeuronDesign($0).top) }
                + ([SCPoolDesign.Params()] + SCPoolDesign.testSets).map { ("sc_pool \($0.summary)", try SCPoolDesign($0).top) }
        }
    }

    @Test func everyTestSetIsLintClean() throws {
        for (name, block) in try SCNetlistTests.blocks {
            let e = VerilogEmitter.emission(for: try Elaborator.elaborate(block))
            #expect(try Lint.check(e.all, top: e.top) == [], "\(name)")
        }
    }
}
