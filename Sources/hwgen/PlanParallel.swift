import ArgumentParser
import Engines
import Foundation
import HDL
import Parallel

struct PlanParallel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan-parallel",
        abstract: "Plan data/model parallelism per layer over 2^H accelerators (HyPar's hierarchical dynamic programme).",
        discussion: """
        Per level, a dynamic programme over the layers picks dp (split the
        batch, exchange weight gradients A(dW)) or mp (split input channels,
        exchange partial sums A(F_out)) with the inter-layer costs of a
        layout change; then every layer is halved along its choice and the
        next level is planned. Total communication = sum over levels of
        2^h x the level's cost. The two trivial plans (all dp, all mp) are
        evaluated with the same model beside it.

        NETWORK is a shipped network (alexnet, vgg11, vgg16, lenet5) or a
        file: `conv NAME C_in C_out H W K [stride S] [pad P]` and
        `fc NAME C_in C_out` lines, `#` comments (README).
        Examples:
          hwgen plan-parallel --network alexnet --batch 512 --levels 1
          hwgen plan-parallel --network vgg16 --accelerators 16 --json plan.json --svg plan.svg
          hwgen plan-parallel --network my_net.txt --batch 64 --levels 3
        """)

    @Option(parsing: .unconditional, help: "A shipped network (alexnet, vgg11, vgg16, lenet5) or a network file.")
    var network = "alexnet"

    @Option(parsing: .unconditional, help: "Batch size.")
    var batch = 512

    @Option(parsing: .unconditional, help: "Levels H: 2^H accelerators (0...20).")
    var levels: Int?

    @Option(parsing: .unconditional, help: "Accelerators, a power of two (instead of --levels).")
    var accelerators: Int?

    @Option(parsing: .unconditional, help: "Bytes per element of every tensor.")
    var bytes = 2.0

    @Option(parsing: .unconditional, help: "Write the plan and the trivial plans as JSON to this file ('-': standard output, no table).")
    var json: String?

    @Option(parsing: .unconditional, help: "Write an SVG of the per-level choices to this file.")
    var svg: String?

    func validate() throws {
        guard batch > 0 && batch <= 1 << 30 else { throw ValidationError("--batch must be in 1...\(1 << 30), got \(batch)") }
        guard bytes > 0, bytes <= 1_048_576 else { throw ValidationError("--bytes must be in (0, 1048576], got \(bytes)") }
        if levels != nil && accelerators != nil { throw ValidationError("give --levels or --accelerators, not both") }
        if let h = levels, !(0...20).contains(h) { throw ValidationError("--levels must be in 0...20, got \(h)") }
        if let n = accelerators, n < 1 || n > 1 << 20 || n & (n - 1) != 0 {
            throw ValidationError("--accelerators must be a power of two from 1 to 2^20, got \(n)")
        }
    }

    func run() throws {
        if let svg { try PendingFiles.check(svg, what: "SVG file") }
        if let json, json != "-" { try PendingFiles.check(json, what: "JSON file") }
        let net = try Network.load(network)
        let h = levels ?? accelerators.map { $0.trailingZeroBitCount } ?? 1
        let start = Date()
        let out = PlanOutput(ParallelPlanner(network: net, batch: batch, bytesPerElement: bytes), levels: h)
        let ms = Date().timeIntervalSince(start) * 1000
        // Both files or neither.
        var files = PendingFiles()
        if let path = svg { files.add(out.svg, to: path) }
        if let path = json, path != "-" { files.add(out.json, to: path) }
        try files.commit()
        if json == "-" {
            print(out.json, terminator: "")
            return
        }
        print("\(net.name), batch \(batch), \(out.accelerators) accelerator\(out.accelerators == 1 ? "" : "s") (\(h) level\(h == 1 ? "" : "s")), \(String(format: "%g", bytes)) bytes an element")
        for lv in out.plan.levels {
            print("")
            print("level \(lv.level): \(PlanOutput.bytes(lv.cost)) x \(1 << lv.level) = \(PlanOutput.bytes(lv.weighted))")
            var table = [["layer", "choice", "batch", "C_in", "intra", "inter"]]
            for st in lv.steps {
                table.append([st.layer, st.choice.rawValue, String(format: "%g", st.batch), String(format: "%g", st.cin),
                              PlanOutput.bytes(st.intra), PlanOutput.bytes(st.inter)])
            }
            printTable(table)
        }
        print("")
        var totals = [["plan", "total communication", "vs HyPar"]]
        for p in [out.plan, out.allDP, out.allMP] {
            totals.append([p.name, PlanOutput.bytes(p.total), out.plan.total > 0 ? String(format: "%.2fx", p.total / out.plan.total) : "-"])
        }
        printTable(totals)
        if let path = json { print("wrote \(path)") }
        if let path = svg { print("wrote \(path)") }
        log(String(format: "planned in %.2f ms", ms))
    }
}
