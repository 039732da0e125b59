import HDL
import Sim

/// Runs a design's vectors through hwgen's own simulator, with the same
/// protocol and verdict lines as the Verilator harness (Testbenches/harness.cpp):
/// reset, then per cycle drive the inputs, settle, compare a transaction
/// when valid (and ready) are high, clock.
public struct SwiftEngine {
    public init() {}

    public func verify(name: String, _ d: Verifiable, seed: UInt64, vectors: Int,
                       trace: String? = nil) throws -> VerifyResult {
        let ir = try Elaborator.elaborate(d.top)
        let stim = d.stimulus(seed: seed, vectors: vectors)
        return try run(name: name, ir: ir, d, stim, d.expected(stim), trace: trace)
    }

    /// Compares `sim`'s outputs with `expect` over `stim`.
    public func run(name: String, ir: ModuleIR, _ d: Verifiable, _ stim: Stimulus, _ expect: [Transaction],
                    trace: String? = nil) throws -> VerifyResult {
        let sim = try Simulator(ir)
        func output(_ n: String) throws -> SignalInfo {
            guard let s = sim.outputs.first(where: { $0.name == n }) else {
                throw ToolError("design declares output '\(n)' but \(ir.name) has no such port")
            }
            return s
        }
        let data = try d.dataPorts.map(output)
        let valid = try d.validPort.map(output)
        // The stimulus names its ports; map them onto the input order.
        let columns = sim.inputs.map { i in stim.ports.firstIndex(of: i.name) }
        var ready: Int? = nil
        if let r = d.readyPort {
            guard let k = sim.inputs.firstIndex(where: { $0.name == r }) else {
                throw ToolError("design declares input '\(r)' but \(ir.name) has no such port")
            }
            ready = k
        }
        if let t = trace { try sim.trace(to: t) }
        defer { sim.closeTrace() }
        sim.reset()

        var mismatches = 0, k = 0
        var first = ""
        func report(_ cycle: Int, _ port: String, _ want: String, _ got: String) {
            if mismatches == 0 {
                first = "FAIL design=\(name) first mismatch: cycle=\(cycle) transaction=\(k) port=\(port) expected=\(want) actual=\(got)"
            }
            mismatches += 1
        }
        // The input stream's valid (input) and ready (output), if any.
        var hold: (valid: Int, ready: SignalInfo)? = nil
        if let (v, r) = d.inputStream {
            guard let vi = sim.inputs.firstIndex(where: { $0.name == v }), let col = columns[vi] else {
                throw ToolError("design declares input '\(v)' but \(ir.name) or its stimulus has no such port")
            }
            hold = (col, try output(r))
        }
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
            if let r = ready, let col = columns[r], col < row.count { fire = fire && !row[col].isZero }
            else if ready != nil { fire = false }
            if fire {
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
                h.valid < row.count && !row[h.valid].isZero && !sim.words(h.ready).contains { $0 != 0 }
            } ?? false
            if !held { r += 1 }
            sim.tick()
        }
        if k < expect.count { report(c, "(count)", "\(expect.count) transactions", "\(k)") }
        let verdict = mismatches == 0
            ? "PASS design=\(name) vectors=\(k) mismatches=0 cycles=\(c)"
            : "FAIL design=\(name) vectors=\(k) mismatches=\(mismatches) cycles=\(c)"
        let out = (first.isEmpty ? "" : first + "\n") + verdict + "\n"
        return VerifyResult(passed: mismatches == 0, summary: verdict, output: out, reusedBuild: false)
    }
}
