import Engines
import Harness
import HDL
import Testing
@testable import AQFP

/// Random graphs (seeded) with constants, complemented outputs, outputs
/// read twice, inputs read directly and unused inputs, through every
/// schedule and random options: always legal, always the MIG's function,
/// and phase-accurate in the Swift engine.
@Suite struct RandomMIGTests {
    struct Rng {
        var g: SplitMix64
        init(s: UInt64) { g = SplitMix64(seed: s) }
        mutating func next(_ n: Int) -> Int { Int(g.next() % UInt64(n)) }
    }

    static func graph(seed: UInt64) -> MIG {
        var r = Rng(s: seed)
        var m = MIG()
        var pool = (0..<(3 + r.next(6))).map { m.input("x\($0)") }
        _ = m.input("unused")
        for _ in 0..<(5 + r.next(60)) {
            func pick() -> MIGLit {
                let l = r.next(8) == 0 ? MIGLit.zero : pool[max(0, pool.count - 1 - r.next(min(pool.count, 12)))]
                return l.flipped(r.next(2) == 1)
            }
            pool.append(m.maj(pick(), pick(), pick()))
        }
        for k in 0..<(1 + r.next(6)) {
            let l = r.next(10) == 0 ? MIGLit.one : pool[pool.count - 1 - r.next(min(pool.count, 20))]
            m.output("y\(k)", l.flipped(r.next(2) == 1))
        }
        m.output("again", m.outputs[0].lit)
        m.output("direct", !pool[0])
        return m
    }

    @Test(arguments: 1...24)
    func randomGraph(seed: Int) throws {
        let mig = Self.graph(seed: UInt64(seed))
        var r = Rng(s: UInt64(seed) &* 977)
        for s in AQFPSchedule.allCases {
            let o = AQFPOptions(splitterCapacity: 2 + r.next(3), inputCapacity: 1 + r.next(4), balanceInputs: r.next(2) == 0,
                                balanceOutputs: r.next(2) == 0, phases: r.next(2) == 0 ? 1 : 4, schedule: s)
            let net = try AQFPFlow.run(mig, o)
            #expect(net.violations().isEmpty, "seed \(seed) \(o): \(net.violations().first ?? "")")
            #expect(sameFunction(mig, net, seed: UInt64(seed)), "seed \(seed) \(o)")
            if seed % 4 == 0 {
                let res = try simulate(mig, net, AQFPModule(net, name: "r\(seed)", clocking: o.phases == 4 && r.next(2) == 0 ? .strict : .phased),
                                       vectors: 300, seed: UInt64(seed))
                #expect(res.passed, "seed \(seed) \(o): \(res.summary)")
            }
        }
    }
}
