import Foundation
import Harness
import HDL
import Sim

/// Runs a job in hwgen's own simulator, with the same protocol and verdict
/// lines as the Verilator harness (Testbenches/harness.cpp): reset, then
/// per cycle drive the inputs, settle, compare a transaction when valid
/// (and ready) are high, clock.
public struct SwiftEngine: Engine {
    public init() {}
    public var name: String { "swift" }

    public func run(_ job: Job) throws -> RunResult {
        let columns = try job.checkedColumns()
        let sim = try Simulator(job.ir)
        let ports = job.ports
        func output(_ n: String) -> SignalInfo { sim.outputs.first { $0.name == n }! }
        func inputIndex(_ n: String) -> Int { sim.inputs.firstIndex { $0.name == n }! }
        let data = ports.data.map(output)
        let valid = ports.valid.map(output)
        let ready = ports.ready.map(inputIndex)
        let stim = job.stimulus, expect = job.expected
        if let t = job.options.trace { try sim.trace(to: t) }
        defer { sim.closeTrace() }
        sim.reset()

        var mismatches = 0, k = 0
        var lines: [String] = [], seen = Set<String>()
        var cycles: [Int] = []
        func report(_ cycle: Int, _ port: String, _ want: String, _ got: String) {
            if mismatches == 0 {
                lines.append("FAIL design=\(job.name) first mismatch: cycle=\(cycle) transaction=\(k) port=\(port) expected=\(want) actual=\(got)")
            }
            if seen.insert(port).inserted {
                lines.append("MISMATCH port=\(port) cycle=\(cycle) expected=\(want) actual=\(got)")
            }
            mismatches += 1
        }
        // The input stream's valid column and ready output, if any.
        let hold = ports.inputStream.map { s in (column: columns[inputIndex(s.valid)], ready: output(s.ready)) }
        // Row r is applied on cycle c; a held offer repeats its row.
        let rows = stim.cycles.count, limit = 64 * rows + 1_000_000
        var c = 0, r = 0
        while r < rows {
            defer { c += 1 }
            if c >= limit {
                report(c, "(stall)", "input taken", "held for \(limit) cycles")
                break
            }
            let row = stim.cycles[r]
            for (i, col) in columns.enumerated() {
                sim.setInput(i, col.map { $0 < row.count ? row[$0] : .zero } ?? .zero)
            }
            sim.eval()
            var fire = valid.map { sim.words($0).contains { $0 != 0 } } ?? true
            if let ready { fire = fire && columns[ready].map { $0 < row.count && !row[$0].isZero } ?? false }
            if fire {
                if job.options.recordCycles { cycles.append(c) }
                if k >= expect.count {
                    report(c, "(valid)", "no transaction", "transaction")
                } else {
                    let e = expect[k]
                    if let want = e.cycle, want != c { report(c, "(latency)", "cycle \(want)", "cycle \(c)") }
                    for (j, port) in data.enumerated() {
                        let want = j < e.values.count ? e.values[j].modPow2(port.width) : nil
                        if want.map({ !sim.matches(port, $0) }) ?? true {
                            report(c, port.name, want.map { $0.toString(radix: 16) } ?? "?",
                                   BigValue(words: sim.words(port)).toString(radix: 16))
                        }
                    }
                }
                k += 1
            }
            let held = hold.map { h in
                h.column.map { $0 < row.count && !row[$0].isZero } ?? false && !sim.words(h.ready).contains { $0 != 0 }
            } ?? false
            if !held { r += 1 }
            sim.tick()
        }
        if k < expect.count { report(c, "(count)", "\(expect.count) transactions", "\(k)") }
        let verdict = mismatches == 0
            ? "PASS design=\(job.name) vectors=\(k) mismatches=0 cycles=\(c)"
            : "FAIL design=\(job.name) vectors=\(k) mismatches=\(mismatches) cycles=\(c)"
        return RunResult(passed: mismatches == 0, summary: verdict, mismatches: lines, transactionCycles: cycles)
    }
}
