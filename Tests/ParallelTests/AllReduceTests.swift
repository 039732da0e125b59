import Foundation
import Engines
import Harness
import HDL
import Parallel
import Testing

@Suite struct GroupScheduleTests {
    /// Conflict-free on every shape, and a period of rounds is a full
    /// all-reduce while one round short of it is not.
    @Test(arguments: [(2, 2), (8, 2), (9, 3), (16, 4), (64, 4), (27, 3), (32, 32), (125, 5)])
    func periodIsFullAllReduce(n: Int, k: Int) throws {
        let s = try GroupSchedule(nodes: n, groupSize: k)
        #expect(s.conflicts.isEmpty, "\(s.conflicts)")
        var rng = SplitMix64(seed: 77)
        let x = (0..<n).map { _ in (0..<3).map { _ in Int(rng.next() % 1000) - 500 } }
        let total = (0..<3).map { e in x.reduce(0) { $0 + $1[e] } }
        // From any starting round: the schedule is periodic.
        for start in 0..<s.rounds {
            #expect(s.reduce(x, from: start).allSatisfy { $0 == total })
        }
        if s.rounds > 1 {
            #expect(s.reduce(x, count: s.rounds - 1).contains { $0 != total })
        }
        // Each round: groups of K nodes that differ in one base-K digit.
        for r in 0..<s.rounds {
            for g in s.groups(round: r) {
                #expect(g.count == k)
                for (a, b) in zip(g, g.dropFirst()) { #expect(b - a == Int(pow(Double(k), Double(r)))) }
                #expect(Set(g.map { s.predecessor($0, round: r) }) == Set(g))
            }
        }
    }

    @Test func refusesWhatItCannotSchedule() {
        #expect(throws: UserError.self) { try GroupSchedule(nodes: 12, groupSize: 4) }
        #expect(throws: UserError.self) { try GroupSchedule(nodes: 8, groupSize: 1) }
        #expect(throws: UserError.self) { try GroupSchedule(nodes: 4, groupSize: 8) }
    }
}

@Suite struct AllReduceRunTests {
    func config(_ n: Int, _ k: Int, elems: Int, width: Int = 12, op: ReduceOp, rounds: Int? = nil) throws -> AllReduceConfig {
        let s = try GroupSchedule(nodes: n, groupSize: k)
        return try AllReduceConfig(schedule: s, elems: elems, width: width, op: op, roundsPerOp: rounds ?? s.rounds)
    }

    /// The hardware in the Swift engine against the model, and its cycles
    /// per operation against the sequencer's formula.
    @Test(arguments: [(4, 4, 9, ReduceOp.sum, 1), (8, 2, 5, .mean, 3), (9, 3, 4, .sum, 2), (16, 4, 3, .mean, 1), (2, 2, 1, .mean, 1)])
    func hardwareMatchesModel(n: Int, k: Int, elems: Int, op: ReduceOp, rounds: Int) throws {
        let c = try config(n, k, elems: elems, op: op, rounds: rounds)
        let ir = try Elaborator.elaborate(RingAllReduce(c))
        let s = c.stimulus(c.operations(seed: 5, count: 8), seed: 5, gaps: true)
        let r = try SwiftEngine().run(Job(name: "t", ir: ir, ports: AllReduceConfig.ports, stimulus: s, expected: c.expected(s)))
        #expect(r.passed, "\(r.summary)")
        #expect(try c.measureOpCycles(ir: ir, engine: SwiftEngine(), seed: 3) == c.opCycles)
    }

    /// The mean: a group sum shifted by log2 K, rounded half up, checked
    /// on numbers worked by hand.
    @Test func meanRoundsHalfUp() throws {
        var m = AllReduceModel(try config(2, 2, elems: 4, width: 4, op: .mean))
        let y = m.run([[1, -1, 7, -8], [0, -2, 7, -8]])
        // (1 + 0)/2 = 0.5 -> 1; (-1 - 2)/2 = -1.5 -> -1; 7; -8.
        #expect(y == [[1, -1, 7, -8], [1, -1, 7, -8]])
    }

    @Test func refusesBadConfigs() throws {
        let s = try GroupSchedule(nodes: 9, groupSize: 3)
        #expect(throws: UserError.self) { try AllReduceConfig(schedule: s, elems: 4, width: 8, op: .mean, roundsPerOp: 2) }
        #expect(throws: UserError.self) { try AllReduceConfig(schedule: s, elems: 4, width: 8, op: .sum, roundsPerOp: 3) }
    }
}
