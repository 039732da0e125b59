import Harness
import Testing
@testable import AQFP

/// The spec's known small case (the reference result of the open AQFP
/// buffer-insertion tool): f1 = c AND d, f2 = c OR d, f3 = d AND e,
/// f4 = f2 AND f3; outputs 0, a, b, b, b, f1, f3, f4.
func knownCase() -> MIG {
    var m = MIG()
    let a = m.input("a"), b = m.input("b"), c = m.input("c"), d = m.input("d"), e = m.input("e")
    let f1 = m.and(c, d), f2 = m.or(c, d), f3 = m.and(d, e), f4 = m.and(f2, f3)
    for (k, l) in [MIGLit.zero, a, b, b, b, f1, f3, f4].enumerated() { m.output("o\(k)", l) }
    return m
}

/// Random input words and the check that the netlist, read as
/// combinational logic (buffers and splitters as wires), is the MIG.
func sameFunction(_ mig: MIG, _ net: AQFPNetlist, words: Int = 4, seed: UInt64 = 99) -> Bool {
    var rng = SplitMix64(seed: seed)
    let inputs = mig.inputs.map { _ in (0..<words).map { _ in rng.next() } }
    return net.evaluateCombinational(inputs) == mig.evaluate(inputs)
}

@Suite struct InsertionTests {
    @Test func knownCaseASAPBalanced() throws {
        let o = AQFPOptions(splitterCapacity: 2, inputCapacity: 1, schedule: .asap)
        let net = try AQFPFlow.run(knownCase(), o)
        #expect(net.counts.bufferSplitters == 23)
        #expect(net.depth == 5)
        #expect(net.counts.constants == 1)
        #expect(net.violations().isEmpty)
        #expect(sameFunction(knownCase(), net))
    }

    @Test func knownCaseDepthOptimalUnbalanced() throws {
        let o = AQFPOptions(splitterCapacity: 2, inputCapacity: 1, balanceInputs: false, balanceOutputs: false,
                            schedule: .depth)
        let net = try AQFPFlow.run(knownCase(), o)
        #expect(net.depth == 4)
        #expect(net.violations().isEmpty)
        #expect(sameFunction(knownCase(), net))
        // Balanced, the depth-optimal schedule reaches depth 4 too, and the
        // optimiser never needs more cells than ASAP at the same depth.
        let balanced = try AQFPFlow.run(knownCase(), AQFPOptions(splitterCapacity: 2, schedule: .optimised))
        #expect(balanced.depth == 4)
    }

    /// The best published results without logic optimisation (capacity 4,
    /// balanced I/O): c17, adder8 and sorter32 reached, c432 at least
    /// reached, mult8 within 3% of 1,690 at the same depth 70 (the flow
    /// gives 1,725: 2.1%).
    @Test(arguments: [("c17", 12, 5), ("adder8", 371, 33), ("c432", 839, 37), ("sorter32", 480, 30), ("mult8", 1690 * 103 / 100, 70)])
    func publishedTargets(name: String, bufferSplitters: Int, depth: Int) throws {
        let mig = try AQFPBenchmarks.mig(name)
        let net = try AQFPFlow.run(mig, AQFPOptions())
        #expect(net.counts.bufferSplitters <= bufferSplitters, "\(name): \(net.counts.bufferSplitters)")
        #expect(net.depth <= depth)
        #expect(net.counts.gates == mig.gateCount)
        #expect(net.counts.jj == 6 * net.counts.gates + 2 * (net.counts.bufferSplitters + net.counts.constants))
        #expect(sameFunction(mig, net))
    }

    /// Every schedule, capacity, input capacity, balance and phase count
    /// gives a legal netlist with the MIG's function; the depth-optimal
    /// schedules are never deeper than ASAP, and the optimiser never costs
    /// more cells than the plain depth-optimal levels.
    @Test(arguments: ["c17", "adder1", "counter16", "knownCase"])
    func everyOptionIsLegal(name: String) throws {
        let mig = name == "knownCase" ? knownCase() : try AQFPBenchmarks.mig(name)
        for cap in 2...4 {
            for ci in [1, 3] {
                for balance in [true, false] {
                    for phases in [1, 4] {
                        var nets: [AQFPSchedule: AQFPNetlist] = [:]
                        for s in AQFPSchedule.allCases {
                            let o = AQFPOptions(splitterCapacity: cap, inputCapacity: ci, balanceInputs: balance,
                                                balanceOutputs: balance, phases: phases, schedule: s)
                            let net = try AQFPFlow.run(mig, o)
                            #expect(net.violations().isEmpty, "\(name) \(o): \(net.violations().first ?? "")")
                            #expect(sameFunction(mig, net), "\(name) \(o)")
                            #expect(net.depth % phases == 0)
                            nets[s] = net
                        }
                        #expect(nets[.depth]!.depth <= nets[.asap]!.depth)
                        #expect(nets[.optimised]!.depth == nets[.depth]!.depth)
                        if balance {
                            #expect(nets[.optimised]!.counts.bufferSplitters <= nets[.depth]!.counts.bufferSplitters)
                        }
                    }
                }
            }
        }
    }

    /// A complemented output reads an inverter or a gate negated for free,
    /// never a negated edge.
    @Test func complementedOutputs() throws {
        var m = MIG()
        let a = m.input("a"), b = m.input("b"), c = m.input("c")
        let g = m.maj(a, b, c), h = m.and(a, !b)
        m.output("y0", !g)       // a gate read only here: negated for free
        m.output("y1", !h)
        m.output("y2", h)        // h read twice, once negated: an inverter
        m.output("y3", !a)       // an input, negated
        m.output("y4", .one)
        for s in AQFPSchedule.allCases {
            let net = try AQFPFlow.run(m, AQFPOptions(splitterCapacity: 2, schedule: s))
            #expect(net.violations().isEmpty)
            #expect(net.outputs.allSatisfy { !$0.inverted })
            #expect(net.counts.inverters >= 2)
            #expect(sameFunction(m, net))
        }
    }
}
