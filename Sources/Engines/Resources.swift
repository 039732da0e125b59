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
        public var command: String { "synth_\(rawValue)" }
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

        /// How a fit group is counted where it is not one cell per unit,
        /// for the error line.
        func fitNote(_ group: String) -> String? {
            switch (self, group) {
            case (.ecp5, "LUT"): return "LUT4 + 2 per CCU2C + 6 per DPR16X4"
            case (.xilinx, "LUT"): return "LUTs + LUT RAM"
            case (.xilinx, "BRAM"): return "RAMB18 units"
            case (.gowin, "LUT"): return "LUT4 + ALU"
            default: return nil
            }
        }

        /// Units of a device resource the cells of a synthesis use: what a
        /// part's capacity is stated in (an estimate for LUTs where carry
        /// or RAM cells take several; place and route has the exact count).
        func fitUse(_ group: String, _ cells: [String: Int]) -> Int {
            func sum(_ prefixes: [String], weight: (String) -> Int = { _ in 1 }) -> Int {
                cells.filter { c in prefixes.contains { c.key.hasPrefix($0) } }.reduce(0) { $0 + $1.value * weight($1.key) }
            }
            switch (self, group) {
            case (.ecp5, "LUT"):
                return sum(["LUT4", "CCU2", "TRELLIS_DPR16X4"]) { $0.hasPrefix("CCU2") ? 2 : $0.hasPrefix("TRELLIS_DPR") ? 6 : 1 }
            case (.ecp5, "DSP"): return sum(["MULT18X18"])
            case (.xilinx, "LUT"):
                return sum(["LUT", "RAM32", "RAM64", "RAM128", "RAM256", "SRL"]) { c in
                    ["RAM32M", "RAM64M", "RAM128X1D", "RAM256"].contains { c.hasPrefix($0) } ? 4
                        : ["RAM32X1D", "RAM64X1D", "RAM128"].contains { c.hasPrefix($0) } ? 2 : 1
                }
            case (.xilinx, "BRAM"): return sum(["RAMB"]) { $0.hasPrefix("RAMB36") ? 2 : 1 }
            case (.gowin, "LUT"): return sum(["LUT", "ALU"])
            default: return sum(groups.first { $0.0 == group }?.1 ?? [])
            }
        }
    }

    public let targets: [Target]
    /// Place and route each (ice40, ecp5) on the target's standard device.
    public let pnr: Bool
    public init(targets: [Target], pnr: Bool = false) { self.targets = targets; self.pnr = pnr }
    public var title: String { "resources" }

    public struct Counts: Sendable {
        public var target: Target
        public var byGroup: [(String, Int)]
        public var cells: [String: Int]
        public var seconds: Double
        /// The device the counts were checked against.
        public var device: Device? = nil
        /// Place and route, when asked for.
        public var placed: PlaceRoute.Result? = nil
        public func count(_ group: String) -> Int { byGroup.first { $0.0 == group }?.1 ?? 0 }
        /// Counts from Yosys' cell statistics, grouped by resource.
        public init(target: Target, cells: [String: Int], seconds: Double = 0) {
            self.target = target
            self.cells = cells
            self.seconds = seconds
            byGroup = target.groups.map { g in
                (g.0, cells.filter { c in g.1.contains { c.key.hasPrefix($0) } }.values.reduce(0, +))
            }
        }

        /// Device units of a fit group (LUT, FF, BRAM, DSP).
        public func fitUse(_ group: String) -> Int { target.fitUse(group, cells) }
    }

    /// Synthesizes the emitted hierarchy of `ir` for `target`; cell counts
    /// of the flattened design.
    public static func synthesize(_ ir: ModuleIR, target: Target) throws -> Counts {
        try synthesize(ir, target: target, options: SynthOptions())
    }

    /// Synthesis with options: the device (DSP mapping on parts that have
    /// DSPs), LUT multipliers instead (`dsp: false`), a time limit, and
    /// place and route of the result (`options.pnr`).
    public static func synthesize(_ ir: ModuleIR, target: Target, options: SynthOptions) throws -> Counts {
        guard let yosys = Shell.which("yosys") else { throw UserError("yosys is not installed (apt-get install yosys)") }
        let device = options.device ?? Device.standard(for: target)
        // Hours of Yosys on a design that cannot fit are not worth running.
        if let why = device.cannotHold(ir) {
            throw UserError("\(ir.name) cannot fit \(device.part) (\(target.rawValue)): \(why); Yosys not run")
        }
        let fm = FileManager.default
        sweepScratch()
        let dir = NSTemporaryDirectory() + "hwgen-synth-\(ProcessInfo.processInfo.processIdentifier)-\(ir.name)-\(target.rawValue)"
        try? fm.removeItem(atPath: dir)
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        Interrupts.removeOnInterrupt(dir)
        defer { try? fm.removeItem(atPath: dir); Interrupts.done(dir) }
        let e = VerilogEmitter.emission(for: ir)
        for f in e.all { try AtomicFiles.write(f.text, to: "\(dir)/\(f.name)") }
        let files = e.verilog.map(\.name).joined(separator: " ")
        // synth_gowin flattens unasked (and has no -flatten option).
        var flags = (target == .gowin ? "" : "-flatten ") + "-top \(e.top)"
        switch target {
        case .ice40: if options.dsp && device.count("DSP") > 0 { flags += " -dsp" }
        case .ecp5, .xilinx: if !options.dsp { flags += " -nodsp" }
        case .gowin: break      // Yosys maps no Gowin multipliers
        }
        if options.pnr && device.pnrArguments == nil {
            throw UserError("no open place and route for \(target.rawValue) devices: --pnr works on ice40 and ecp5")
        }
        let t0 = Date()
        // ROM files are read relative to the working folder. The netlist
        // is written for nextpnr, and for a kept folder (the user's own
        // place and route).
        let write = options.pnr || options.keep != nil ? "; write_json netlist.json" : ""
        let script = "read_verilog \(files); \(target.command) \(flags)\(write); tee -o stat.txt stat"
        let run = try Shell.run(yosys, ["-q", "-p", script], cwd: dir, timeout: options.timeout)
        let seconds = Date().timeIntervalSince(t0)
        if run.timedOut {
            throw UserError("yosys \(target.command) of \(e.top) ran past the time limit of \(String(format: "%g", options.timeout ?? 0)) s")
        }
        guard run.status == 0, let stat = try? String(contentsOfFile: "\(dir)/stat.txt", encoding: .utf8) else {
            let lines = run.output.split(separator: "\n")
            let why = lines.first { $0.hasPrefix("ERROR") } ?? lines.last ?? ""
            throw UserError("yosys \(target.command) failed on \(e.top): \(why)")
        }
        var cells: [String: Int] = [:]
        for line in stat.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let n = Int(parts[1]), !line.contains(":") { cells[String(parts[0]), default: 0] += n }
        }
        var counts = Counts(target: target, cells: cells, seconds: seconds)
        counts.device = device
        // Place and route only what synthesis says can fit (callers check
        // `device.overflow`): nextpnr would spend minutes before failing
        // on the same count.
        if options.pnr && device.overflow(counts) == nil {
            counts.placed = try PlaceRoute.run(folder: dir, device: device, options: options)
        }
        if let keep = options.keep { try keepFolder(dir, as: keep) }
        return counts
    }

    /// The scratch folder's files written to `keep` the way `emit` writes a
    /// folder: a user's files there stay, hwgen's earlier ones are replaced.
    static func keepFolder(_ dir: String, as keep: String) throws {
        var files: [(name: String, text: String)] = []
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted() where !name.hasPrefix(".") {
            guard UserPaths.kind("\(dir)/\(name)") == .file, let data = FileManager.default.contents(atPath: "\(dir)/\(name)") else { continue }
            files.append((name, String(decoding: data, as: UTF8.self)))
        }
        try OutputFolder.write(files, to: keep)
    }

    /// Scratch folders of synthesis runs whose process died (SIGKILL).
    static func sweepScratch() {
        let root = NSTemporaryDirectory()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] where name.hasPrefix("hwgen-synth-") {
            let fields = name.split(separator: "-")
            guard fields.count >= 4, let pid = Int32(fields[2]), Interrupts.isDead(pid),
                  UserPaths.kind(root + name) == .folder else { continue }
            // Only a folder that holds hwgen's Verilog is its scratch.
            let inside = (try? FileManager.default.contentsOfDirectory(atPath: root + name)) ?? []
            guard inside.contains(where: { $0.hasSuffix(".v") && OutputFolder.isGenerated(root + name + "/" + $0) }) else { continue }
            try? FileManager.default.removeItem(atPath: root + name)
        }
    }

    public func run(_ context: ReportContext) throws -> ReportSection {
        var rows: [ReportRow] = []
        var clock: (mhz: Double, source: String)? = nil
        for t in targets {
            var o = SynthOptions()
            o.pnr = pnr
            let device = Device.standard(for: t)
            context.progress("synthesizing \(context.top) with yosys \(t.command)\(pnr ? ", then nextpnr on \(device.part)" : "")")
            let c = try ResourceReport.synthesize(context.ir, target: t, options: o)
            let text = c.byGroup.filter { $0.1 > 0 || ["LUT", "FF", "DSP", "BRAM"].contains($0.0) }
                .map { "\($0.0) \($0.1)" }.joined(separator: ", ")
            rows.append(ReportRow("yosys \(t.command)", text + String(format: " (%.1f s)", c.seconds)))
            if let over = device.overflow(c) {
                rows.append(ReportRow("  \(device.part)", "does not fit: \(over)"))
            }
            if let p = c.placed, let f = p.fmax {
                let comb = p.utilisation.first { ["TRELLIS_COMB", "ICESTORM_LC"].contains($0.0) }
                let use = comb.map { String(format: ", %@ %d/%d", $0.0, $0.1, $0.2) } ?? ""
                rows.append(ReportRow("  nextpnr \(device.part)", String(format: "Fmax %.1f MHz%@ (%.1f s)", f, use, p.seconds)))
                if clock == nil { clock = ((f * 10).rounded(.down) / 10, "whole-design Fmax, nextpnr on \(device.part)") }
            }
        }
        var section = ReportSection("\(context.top): resources (Yosys \(Self.version ?? "?"))", rows: rows)
        section.placedClock = clock
        return section
    }

    public static let version: String? = {
        guard let y = Shell.which("yosys"), let (_, out) = try? Shell.run(y, ["-V"]) else { return nil }
        return out.split(separator: " ").dropFirst().first.map(String.init)
    }()
}
