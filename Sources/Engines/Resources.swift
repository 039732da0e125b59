import Foundation
import Harness
import HDL
import Verilog

/// FPGA resources of a design by Yosys synthesis of its emitted Verilog
/// (Debian's Yosys): the report section any design can add.
public struct ResourceReport: DesignReport {
    /// A Yosys target: the synth command and how its cells group.
    public enum Target: String, CaseIterable, Sendable {
        case xilinx, ecp5, ice40, gowin
        var command: String { "synth_\(rawValue)" }
        /// Cell name prefixes by resource, in the order rows are shown.
        var groups: [(String, [String])] {
            switch self {
            case .xilinx: return [("LUT", ["LUT"]), ("LUTRAM", ["RAM32", "RAM64", "RAM128", "RAM256", "SRL"]),
                                  ("FF", ["FD"]), ("carry", ["CARRY"]), ("DSP", ["DSP48"]), ("BRAM", ["RAMB"])]
            case .ecp5: return [("LUT", ["LUT4"]), ("LUTRAM", ["TRELLIS_DPR16X4"]), ("FF", ["TRELLIS_FF"]),
                                ("carry", ["CCU2"]), ("DSP", ["MULT18X18", "ALU54"]), ("BRAM", ["DP16KD", "PDPW16KD"])]
            case .ice40: return [("LUT", ["SB_LUT4"]), ("FF", ["SB_DFF"]), ("carry", ["SB_CARRY"]),
                                 ("DSP", ["SB_MAC16"]), ("BRAM", ["SB_RAM40"])]
            case .gowin: return [("LUT", ["LUT"]), ("LUTRAM", ["RAM16"]), ("FF", ["DFF"]), ("carry", ["ALU"]),
                                 ("DSP", ["MULT"]), ("BRAM", ["SP", "SDP", "DP", "DPB", "SDPB", "SPX9"])]
            }
        }
    }

    public let targets: [Target]
    public init(targets: [Target]) { self.targets = targets }
    public var title: String { "resources" }

    public struct Counts: Sendable {
        public var byGroup: [(String, Int)]
        public var cells: [String: Int]
        public var seconds: Double
        public func count(_ group: String) -> Int { byGroup.first { $0.0 == group }?.1 ?? 0 }
    }

    /// Synthesizes the emitted hierarchy of `ir` for `target`; cell counts
    /// of the flattened design.
    public static func synthesize(_ ir: ModuleIR, target: Target) throws -> Counts {
        guard let yosys = Shell.which("yosys") else { throw UserError("yosys is not installed (apt-get install yosys)") }
        let fm = FileManager.default
        let dir = NSTemporaryDirectory() + "hwgen-synth-\(ProcessInfo.processInfo.processIdentifier)-\(ir.name)"
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        Interrupts.removeOnInterrupt(dir)
        defer { try? fm.removeItem(atPath: dir); Interrupts.done(dir) }
        let e = VerilogEmitter.emission(for: ir)
        for f in e.all { try AtomicFiles.write(f.text, to: "\(dir)/\(f.name)") }
        let files = e.verilog.map(\.name).joined(separator: " ")
        let t0 = Date()
        // ROM files are read relative to the working folder.
        let (status, out) = try Shell.run(yosys, ["-q", "-p", "read_verilog \(files); \(target.command) -flatten -top \(e.top); tee -o stat.txt stat"], cwd: dir)
        let seconds = Date().timeIntervalSince(t0)
        guard status == 0, let stat = try? String(contentsOfFile: "\(dir)/stat.txt", encoding: .utf8) else {
            throw UserError("yosys \(target.command) failed on \(e.top): \(out.split(separator: "\n").last.map(String.init) ?? "")")
        }
        var cells: [String: Int] = [:]
        for line in stat.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let n = Int(parts[1]), !line.contains(":") { cells[String(parts[0]), default: 0] += n }
        }
        let groups = target.groups.map { g in
            (g.0, cells.filter { c in g.1.contains { c.key.hasPrefix($0) } }.values.reduce(0, +))
        }
        return Counts(byGroup: groups, cells: cells, seconds: seconds)
    }

    public func run(_ context: ReportContext) throws -> ReportSection {
        var rows: [ReportRow] = []
        for t in targets {
            context.progress("synthesizing \(context.top) with yosys \(t.command)")
            let c = try ResourceReport.synthesize(context.ir, target: t)
            let text = c.byGroup.filter { $0.1 > 0 || ["LUT", "FF", "DSP", "BRAM"].contains($0.0) }
                .map { "\($0.0) \($0.1)" }.joined(separator: ", ")
            rows.append(ReportRow("yosys \(t.command)", text + String(format: " (%.1f s)", c.seconds)))
        }
        return ReportSection("\(context.top): resources (Yosys \(Self.version ?? "?"))", rows: rows)
    }

    static let version: String? = {
        guard let y = Shell.which("yosys"), let (_, out) = try? Shell.run(y, ["-V"]) else { return nil }
        return out.split(separator: " ").dropFirst().first.map(String.init)
    }()
}
