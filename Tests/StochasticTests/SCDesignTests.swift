import Engines
import HDL
import Harness
import Sim
import Testing
@testable import Stochastic

func scMul(_ edit: (inout SCMulDesign.Params) -> Void = { _ in }) throws -> SCMulDesign {
    var p = SCMulDesign.Params()
    edit(&p)
    return try SCMulDesign(p)
}

func scNeuron(_ edit: (inout SCNeuronDesign.Params) -> Void = { _ in }) throws -> SCNeuronDesign {
    var p = SCNeuronDesign.Params()
    edit(&p)
    return try SCNeuronDesign(p)
}

@Suite struct SCDesignTests {
    /// Every form, counter, encoding and source mix in the Swift engine:
    /// every output bit of every cycle equals the model's.
    @Test func neuronFormsMatchTheModel() throws {
        var failures: [String] = []
        for form in SCForm.allCases {
            for encoding in SCEncoding.allCases {
                for (rng, wrng, share) in [(SCSourceKind.lfsr, SCSourceKind?.none, SCSharing.none), (.sobol, nil, .inputs), (.counter, .lfsr, .all)] {
                    let d = try scNeuron {
                        $0.n = encoding == .bipolar ? 9 : 4; $0.streams.length = 32; $0.form = form; $0.streams.encoding = encoding
                        $0.count = rng == .sobol ? .apc : .exact; $0.streams.rng = rng; $0.streams.wrng = wrng; $0.streams.share = share
                    }
                    let r = try SwiftEngine().verify(d, name: "sc_neuron", seed: 3, vectors: 6)
                    if !r.passed { failures.append("\(form) \(encoding) \(rng) \(share): \(r.summary)") }
                }
            }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test func mulMatchesTheModelAndAWrongModelDoesNot() throws {
        let d = try scMul { $0.streams.length = 32; $0.streams.encoding = .bipolar; $0.states = 4 }
        #expect(try SwiftEngine().verify(d, name: "sc_mul", seed: 5, vectors: 20).passed)
        // The comparison is real: the model of another seed disagrees.
        let other = try scMul { $0.streams.length = 32; $0.streams.encoding = .bipolar; $0.states = 4; $0.streams.seed = 2 }
        let stim = d.stimulus(seed: 5, vectors: 20)
        let run = try SwiftEngine().run(Job(name: "sc_mul", ir: try Elaborator.elaborate(d.top), ports: d.ports, stimulus: stim,
                                            expected: other.expected(stim)))
        #expect(!run.passed)
    }

    @Test func poolingMatchesTheModel() throws {
        var failures: [String] = []
        for (k, rng, wrng) in [(2, SCSourceKind.lfsr, SCSourceKind?.none), (8, .sobol, .counter), (16, .counter, .lfsr)] {
            var p = SCPoolDesign.Params()
            p.k = k; p.streams.length = 32; p.streams.rng = rng; p.streams.wrng = wrng; p.streams.encoding = k == 8 ? .bipolar : .unipolar
            let r = try SwiftEngine().verify(try SCPoolDesign(p), name: "sc_pool", seed: 2, vectors: 10)
            if !r.passed { failures.append("k=\(k) \(rng): \(r.summary)") }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    /// Shared and separate sources build as many LFSRs as the sharing says.
    @Test func sharingDecidesTheSourceCount() throws {
        for (share, lfsrs) in [(SCSharing.none, 2 * 9 + 1), (.inputs, 3), (.all, 1)] {
            let d = try scNeuron { $0.n = 9; $0.streams.share = share }
            let ir = try Elaborator.elaborate(d.top)
            #expect(ir.variables.filter { $0.name.hasPrefix("lfsr") }.count == lfsrs, "\(share)")
        }
    }
}
