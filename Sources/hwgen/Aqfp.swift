import AQFP
import ArgumentParser
import Engines
import Foundation
import Harness
import HDL
import Verilog

struct Aqfp: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aqfp",
        abstract: "Run netlists through the AQFP flow: splitters and buffers, legality, JJ and depth, phase-accurate Verilog.",
        discussion: """
        Reads structural Verilog (.v: scalar assigns and gate primitives, as
        in the AQFP benchmark sets) or AIGER (.aig binary, .aag ASCII), builds
        the majority-inverter graph, assigns levels (--schedule), inserts
        splitters and buffers, checks legality and prints one table row per
        netlist: gates, buffers, splitters, inverters, buffers+splitters, JJ
        (6 per gate, 2 per buffer/inverter/splitter), depth, the flow time,
        and the best published figures where known. Each netlist is also
        simulated phase-accurately in the Swift engine against the MIG
        (--vectors, 0 to skip). With --equiv, Yosys proves the netlist with
        its buffers stripped equivalent to the source file (.v sources).
        Examples:
          hwgen aqfp --input Sources/AQFP/Benchmarks/iscas/c432.v
          hwgen aqfp --input Sources/AQFP/Benchmarks/iscas --equiv
          hwgen aqfp --input my.aig --capacity 3 --phases 4 --emit out/aqfp
          hwgen aqfp --input adder.v --schedule asap --unbalanced
        """)

    @Option(parsing: .unconditional, help: "A netlist file (.v, .aig, .aag) or a folder of them.")
    var input: String

    @Option(parsing: .unconditional, help: "Splitter capacity, 2...4.")
    var capacity = 4

    @Option(parsing: .unconditional, help: "Cells one primary input may drive, 1...4.")
    var ci = 1

    @Option(parsing: .unconditional, help: "Levels: asap, depth or optimised.")
    var schedule: AQFPSchedule = .optimised

    @Option(parsing: .unconditional, help: "Clock phases: 1, or 4 (depth a multiple of 4).")
    var phases = 1

    @Flag(help: "Do not balance inputs and outputs.")
    var unbalanced = false

    @Option(parsing: .unconditional, help: "Verilog clocking: phased (every edge) or strict (per-phase enables; needs --phases 4).")
    var clocking: AQFPClocking = .phased

    @Option(parsing: .unconditional, help: "Random vectors simulated phase-accurately per netlist (0: none).")
    var vectors = 10_000

    @Option(parsing: .unconditional, help: "Seed of the random vectors.")
    var seed = "1"

    @Flag(help: "Prove the stripped netlist equivalent to the source with Yosys (.v inputs).")
    var equiv = false

    @Option(parsing: .unconditional, help: "Write each netlist's phase-accurate Verilog into DIR/<name>.")
    var emit: String?

    func validate() throws {
        try AQFPOptions(splitterCapacity: capacity, inputCapacity: ci, phases: phases).validate()
        if clocking == .strict && phases != 4 { throw ValidationError("--clocking strict needs --phases 4") }
        guard (0...10_000_000).contains(vectors) else { throw ValidationError("--vectors must be in 0...10000000, got \(vectors)") }
    }

    func files() throws -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDir) else {
            throw UserError("\(input): no such file or folder")
        }
        guard isDir.boolValue else { return [input] }
        let names = try FileManager.default.contentsOfDirectory(atPath: input).sorted()
            .filter { ["v", "aig", "aag"].contains(($0 as NSString).pathExtension.lowercased()) }
        guard !names.isEmpty else { throw UserError("\(input): no .v, .aig or .aag files") }
        return names.map { "\(input)/\($0)" }
    }

    func run() throws {
        let seedValue = try parseSeed(seed)
        if let emit { try UserPaths.refuseNonFolder(emit, "cannot emit into \(emit): it is a file, not a folder") }
        let options = AQFPOptions(splitterCapacity: capacity, inputCapacity: ci, balanceInputs: !unbalanced,
                                  balanceOutputs: !unbalanced, phases: phases, schedule: schedule)
        let list = try files()
        var table: [[String]] = [["netlist", "PI", "PO", "gates", "buf", "inv", "spl", "B/S", "JJ", "depth",
                                  "published B/S JJ depth", "time s", "checks"]]
        var failed = false
        // Every netlist's folder is written after all of them have passed.
        var emissions: [(files: [(name: String, text: String)], folder: String)] = []
        // Every netlist is read and checked before any is run, so a bad
        // one stops the command before it has done (and said) anything.
        let migs = try list.map { path in
            let m = try AQFPFlow.read(path: path)
            do { try AQFPFlow.refuseUnbuildable(m) } catch let e as UserError { throw UserError("\(path): \(e.description)") }
            return m
        }
        for (path, mig) in zip(list, migs) {
            let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            let start = Date()
            if list.count > 1 || mig.gateCount > 2000 { log("\(name): \(mig.gateCount) gates, depth \(mig.depth)") }
            let net = try AQFPFlow.run(mig, options)
            let seconds = Date().timeIntervalSince(start)
            let c = net.counts
            var checks = ["legal"]
            let module = AQFPModule(net, name: "aqfp_\(name)", clocking: clocking)
            if vectors > 0 {
                let ir = try Elaborator.elaborate(module)
                let stim = aqfpStimulus(inputs: mig.inputNames, depth: net.depth, clocking: clocking, seed: seedValue,
                                        vectors: vectors)
                let ports = TestPorts(valid: "out_valid", data: mig.outputs.map(\.name))
                let r = try SwiftEngine().run(Job(name: name, ir: ir, ports: ports, stimulus: stim,
                                                  expected: aqfpExpected(mig, stim)))
                checks.append(r.passed ? "sim \(vectors) ok" : "SIM FAILED")
                if !r.passed { failed = true; log("\(name): \(r.summary) \(r.mismatches.first ?? "")") }
            }
            if equiv {
                if (path as NSString).pathExtension.lowercased() == "v" {
                    let r = try equivalence(source: path, net: net, name: name)
                    checks.append(r.equivalent ? String(format: "yosys equiv (%.1f s)", r.seconds) : "NOT EQUIVALENT")
                    if !r.equivalent { failed = true; log("\(name): \(r.detail)") }
                } else {
                    checks.append("equiv: .v only")
                }
            }
            if let dir = emit {
                let e = VerilogEmitter.emission(for: try Elaborator.elaborate(module))
                emissions.append((e.all, "\(dir)/\(name)"))
            }
            // The published figures are for capacity 4, balanced I/O, one
            // phase; other settings are not comparable.
            let comparable = capacity == 4 && ci == 1 && !unbalanced && phases == 1
            let pub = comparable ? AQFPBenchmarks.published[name].map { "\($0.bufferSplitters) \($0.jj) \($0.depth)" } ?? "-" : "-"
            table.append([name, "\(mig.inputs.count)", "\(mig.outputs.count)", "\(c.gates)", "\(c.buffers)",
                          "\(c.inverters)", "\(c.splitters)", "\(c.bufferSplitters)", "\(c.jj)", "\(net.depth)", pub,
                          String(format: "%.2f", seconds), checks.joined(separator: ", ")])
        }
        print("AQFP flow: splitter capacity \(capacity), input capacity \(ci), \(unbalanced ? "unbalanced" : "balanced") I/O, \(phases) phase(s), schedule \(schedule.rawValue)")
        let widths = table[0].indices.map { k in table.map { $0[k].count }.max()! }
        for row in table {
            print(row.enumerated().map { k, cell in
                k == 0 || k >= 10 ? cell.padding(toLength: widths[k], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[k] - cell.count) + cell
            }.joined(separator: "  "))
        }
        if failed { throw ExitCode(1) }
        for e in emissions { try OutputFolder.write(e.files, to: e.folder) }
        if let dir = emit { print("wrote the phase-accurate Verilog into \(dir)/<netlist>") }
    }

    /// The netlist with buffers and splitters stripped against the source.
    func equivalence(source: String, net: AQFPNetlist, name: String) throws -> Equivalence.Result {
        let text = try InputFiles.text(source, what: "netlist")
        guard let top = text.firstMatch(of: /module\s+([A-Za-z_][A-Za-z0-9_$]*)/)?.1 else {
            throw UserError("\(source): no module found")
        }
        let stripped = AQFPModule(net, name: "aqfp_stripped_\(name)", stripped: true)
        let e = VerilogEmitter.emission(for: try Elaborator.elaborate(stripped))
        return try Equivalence.check(gold: (text, String(top)),
                                     gate: (e.verilog.map(\.text).joined(separator: "\n"), e.top))
    }
}

extension AQFPSchedule: ExpressibleByArgument {}
extension AQFPClocking: ExpressibleByArgument {}
