import ArgumentParser
import Engines
import Foundation
import Harness
import HDL
import Parallel

struct GroupScheduleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group-schedule",
        abstract: "Emit Prague's conflict-free periodic schedule of disjoint groups for the partial all-reduce, and its sequencer ROM.",
        discussion: """
        N = K^R nodes; round r groups the nodes whose base-K digits differ
        only in digit r, each group a ring in digit order. The schedule is
        checked (groups disjoint and covering, one ring per group) and run
        in the model: after R = log_K N rounds every node must hold the sum
        over all nodes, a full all-reduce. The ROM rows are the schedule as
        data, per round: each node's position p (its first send chunk) and
        its predecessor; the allreduce design's sequencer ROM holds the
        same as the first send address p x chunk and a predecessor-mux
        select.
        --measure builds the allreduce hardware for each --elems and times
        one all-reduce in the simulator: the ring over all N nodes, a full
        period of the partial schedule, and one round of it.
        Examples:
          hwgen group-schedule --n 16 --k 4
          hwgen group-schedule --n 8 --k 2 --rom schedule.hex
          hwgen group-schedule --n 16 --k 2 --measure --elems 16,64,256
        """)

    @Option(parsing: .unconditional, help: "Nodes N (2...4096), a power of K.")
    var n: Int

    @Option(parsing: .unconditional, help: "Group size K (2...N; K = N: one ring).")
    var k: Int

    @Option(parsing: .unconditional, help: "Write the sequencer ROM ($readmemh: per round, node 0 in the low bits: position then predecessor) to this file.")
    var rom: String?

    @Flag(help: "Simulate the allreduce hardware and report measured cycles (N up to 64).")
    var measure = false

    @Option(parsing: .unconditional, help: "With --measure: elements per node, comma separated.")
    var elems = "16,64"

    @Option(parsing: .unconditional, help: "With --measure: the simulator.")
    var engine: EngineChoice = .swift

    @Option(parsing: .unconditional, help: "Seed of the random vectors of the checks.")
    var seed = "1"

    func validate() throws {
        guard (2...4096).contains(n) else { throw ValidationError("--n must be in 2...4096, got \(n)") }
        if measure && n > 64 { throw ValidationError("--measure simulates at most 64 nodes, got \(n)") }
        if measure { _ = try sizes() }
        if let rom { try PendingFiles.check(rom, what: "ROM file") }
    }

    func run() throws {
        let seedValue = try parseSeed(seed)
        let s = try GroupSchedule(nodes: n, groupSize: k)
        print("\(n) nodes, groups of \(k): \(s.rounds) round\(s.rounds == 1 ? "" : "s") a period")
        for r in 0..<s.rounds {
            let gs = s.groups(round: r)
            let shown = gs.prefix(8).map { "{" + $0.map(String.init).joined(separator: " ") + "}" }.joined(separator: " ")
            print("round \(r): \(gs.count) group\(gs.count == 1 ? "" : "s") \(shown)\(gs.count > 8 ? " ..." : "")")
        }
        let conflicts = s.conflicts
        print("conflict-free: \(conflicts.isEmpty ? "yes" : "no: " + conflicts.joined(separator: "; "))")
        let full = GroupSchedule.checkPeriod(s, seed: seedValue)
        print("after \(s.rounds) round\(s.rounds == 1 ? "" : "s") every node holds the full all-reduce: \(full ? "yes" : "NO") (64 random vectors in the model)")
        guard conflicts.isEmpty && full else { throw UserError("the schedule failed its checks") }

        let pb = bitsFor(k - 1), nb = bitsFor(n - 1)
        var lines: [String] = []
        for r in 0..<s.rounds {
            var word = BigValue.zero
            for i in 0..<n {
                word = word + (BigValue(s.position(i, round: r) + (s.predecessor(i, round: r) << pb)) << (i * (pb + nb)))
            }
            let hex = word.toString(radix: 16)
            lines.append(String(repeating: "0", count: max(0, (n * (pb + nb) + 3) / 4 - hex.count)) + hex)
        }
        print("sequencer ROM: \(s.rounds) word\(s.rounds == 1 ? "" : "s") of \(n) x (\(pb)-bit position + \(nb)-bit predecessor) = \(n * (pb + nb)) bits")
        if n <= 16 {
            for r in 0..<s.rounds {
                print("  round \(r): p = " + (0..<n).map { String(s.position($0, round: r)) }.joined(separator: " ")
                      + "; from = " + (0..<n).map { String(s.predecessor($0, round: r)) }.joined(separator: " "))
            }
        }
        if measure { try measureCycles(s, seedValue) }
        // Written once everything else has succeeded.
        if let path = rom {
            try AtomicFiles.write(lines.joined(separator: "\n") + "\n", to: path)
            print("wrote \(path)")
        }
    }

    func sizes() throws -> [Int] {
        try elems.split(separator: ",", omittingEmptySubsequences: false).map { t -> Int in
            guard let v = Int(t.trimmingCharacters(in: .whitespaces)), (1...4096).contains(v) else {
                throw ValidationError("--elems: '\(t)' is not a size in 1...4096 (give sizes separated by commas)")
            }
            return v
        }
    }

    func measureCycles(_ s: GroupSchedule, _ seed: UInt64) throws {
        let sizes = try sizes()
        let sim = try engine.make()
        var table = [["elems", "schedule", "rounds", "chunk", "cycles (measured)", "= formula", "link use"]]
        let ring = try GroupSchedule(nodes: n, groupSize: n)
        for m in sizes {
            var cases: [(String, GroupSchedule, Int)] = [("ring over \(n)", ring, 1)]
            if k < n { cases += [("groups of \(k), period", s, s.rounds), ("groups of \(k), one round", s, 1)] }
            for (name, sched, rounds) in cases {
                let c = try AllReduceConfig(schedule: sched, elems: m, width: 16, op: .sum, roundsPerOp: rounds)
                log("measure: \(name), \(m) elements in \(sim.name)")
                let ir = try Elaborator.elaborate(RingAllReduce(c))
                let op = try c.measureOpCycles(ir: ir, engine: sim, seed: seed)
                let reduce = op - 2 * m
                let busy = rounds * 2 * (sched.groupSize - 1) * c.chunk
                table.append(["\(m)", name, "\(rounds)", "\(c.chunk)", "\(reduce)", reduce == c.reduceCycles ? "yes" : "NO (\(c.reduceCycles))",
                              String(format: "%.1f%%", 100 * Double(busy) / Double(max(1, reduce)))])
            }
        }
        print("")
        print("one all-reduce (load and read-out excluded), 16-bit sums, \(sim.name) engine, 0 mismatches:")
        printTable(table)
    }
}
