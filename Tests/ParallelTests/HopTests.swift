import Engines
import Harness
import HDL
@testable import Parallel
import Testing

@Suite struct HopTests {
    /// Random stalls with a straggler: neighbour gaps never pass s, queues
    /// never pass 2s + 1, every worker keeps completing iterations (no
    /// deadlock), and with a backup threshold the bound is reached.
    @Test(arguments: [(8, 1, 2, 1), (6, 2, 3, 2), (9, 1, 1, 1), (7, 3, 4, 4), (4, 1, 5, 1)])
    func boundedStaleness(n: Int, degree: Int, s: Int, k: Int) throws {
        let c = try HopConfig(workers: n, degree: degree, staleness: s, threshold: k, work: 3)
        var model = HopModel(c)
        var rng = SplitMix64(seed: 4242)
        var last = model.iteration
        for cycle in 0..<6000 {
            // Worker 0 stalls most of the time; every 500 cycles another
            // worker freezes for 200.
            let frozen = (cycle / 500) % n
            model.step(stall: (0..<n).map { w in (w == frozen && cycle % 500 < 200) || Int(rng.next() % 100) < (w == 0 ? 70 : 15) })
            if cycle % 1000 == 999 {
                #expect(zip(model.iteration, last).allSatisfy { $0 > $1 }, "a worker made no progress in 1,000 cycles: \(model.iteration)")
                last = model.iteration
            }
        }
        #expect(model.maxGap <= s)
        #expect(model.maxQueue <= c.queueDepth)
        let k0 = c.neighbours(0).count
        if k < k0 { #expect(model.maxGap == s, "the straggler should hold its neighbours s ahead") }
    }

    /// Waiting for every neighbour's fresh update is lockstep: gaps of 1.
    @Test func allNeighboursIsLockstep() throws {
        let c = try HopConfig(workers: 6, degree: 1, staleness: 5, threshold: 0, work: 2)
        var model = HopModel(c)
        var rng = SplitMix64(seed: 9)
        for _ in 0..<3000 { model.step(stall: (0..<6).map { Int(rng.next() % 100) < ($0 == 0 ? 80 : 10) }) }
        #expect(model.maxGap == 1)
    }

    /// The hardware against the model, every cycle, in the Swift engine.
    @Test(arguments: [(5, 2, 2, 2), (3, 1, 1, 1), (2, 1, 4, 1)])
    func hardwareMatchesModel(n: Int, degree: Int, s: Int, k: Int) throws {
        var p = HopDesign.Params()
        p.n = n; p.degree = degree; p.s = s; p.k = k; p.work = 2
        let d = try HopDesign(p)
        let ir = try Elaborator.elaborate(d.top)
        let st = d.stimulus(seed: 17, vectors: 1500)
        let r = try SwiftEngine().run(Job(name: "t", ir: ir, ports: d.ports, stimulus: st, expected: try d.expected(st)))
        #expect(r.passed, "\(r.summary)")
    }

    @Test func refusesBadConfigs() {
        #expect(throws: UserError.self) { try HopConfig(workers: 8, degree: 1, staleness: 2, threshold: 3, work: 1) }
        #expect(throws: UserError.self) { try HopConfig(workers: 1, degree: 1, staleness: 2, threshold: 1, work: 1) }
    }
}
