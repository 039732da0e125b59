import Foundation
import HDL

/// The outcome of one `verify` run.
public struct VerifyResult: Sendable {
    public let passed: Bool
    /// The harness's verdict line (PASS ... or FAIL ...).
    public let summary: String
    /// The full harness output, for a failure's details.
    public let output: String
    public let reusedBuild: Bool
}

/// Builds a Verilator model of a design with the generic harness (cached by
/// content hash) and runs the design's vectors through it.
public struct VerilatorRunner {
    public var cacheRoot: String
    public var harnessPath: String
    public var log: (String) -> Void

    public init(cacheRoot: String? = nil, harnessPath: String? = nil, log: @escaping (String) -> Void = { _ in }) throws {
        let env = ProcessInfo.processInfo.environment
        self.cacheRoot = cacheRoot ?? env["HWGEN_CACHE"] ?? FileManager.default.currentDirectoryPath + "/.hwgen-cache"
        guard let h = harnessPath ?? VerilatorRunner.findHarness() else {
            throw ToolError("cannot find Testbenches/harness.cpp; run from the hwgen checkout or set HWGEN_ROOT")
        }
        self.harnessPath = h
        self.log = log
    }

    /// Looks for the harness under $HWGEN_ROOT, then upward from the working
    /// folder and from the executable.
    static func findHarness() -> String? {
        let fm = FileManager.default
        var starts: [String] = []
        if let root = ProcessInfo.processInfo.environment["HWGEN_ROOT"] { starts.append(root) }
        starts.append(fm.currentDirectoryPath)
        starts.append((CommandLine.arguments[0] as NSString).deletingLastPathComponent)
        for s in starts {
            var dir = (s as NSString).standardizingPath
            for _ in 0..<8 {
                let p = dir + "/Testbenches/harness.cpp"
                if fm.fileExists(atPath: p) { return p }
                let up = (dir as NSString).deletingLastPathComponent
                if up == dir { break }
                dir = up
            }
        }
        return nil
    }

    /// The design-specific half of the harness: port lists as X-macros.
    public static func portsInclude(_ ir: ModuleIR, _ d: Verifiable) throws -> String {
        func port(_ n: String, _ dir: HDL.Port.Direction) throws -> HDL.Port {
            guard let p = ir.ports.first(where: { $0.name == n && $0.direction == dir }) else {
                throw ToolError("design declares \(dir.rawValue) '\(n)' but \(ir.name) has no such port")
            }
            return p
        }
        let ins = ir.ports.filter { $0.direction == .input }
        var s = "// Written by hwgen for \(ir.name).\n"
        s += "#define HWGEN_HAS_CLK \(ir.usesClock ? 1 : 0)\n"
        s += "#define HWGEN_HAS_RST \(ir.usesReset ? 1 : 0)\n"
        s += "#define HWGEN_HAS_ARST \(ir.usesAsyncReset ? 1 : 0)\n"
        s += "#define HWGEN_INPUTS(X)" + ins.map { " X(\($0.name), \($0.width))" }.joined() + "\n"
        let outs = try d.dataPorts.map { try port($0, .output) }
        s += "#define HWGEN_OUTPUTS(X)" + outs.map { " X(\($0.name), \($0.width))" }.joined() + "\n"
        var fire: [String] = []
        if let v = d.validPort {
            _ = try port(v, .output)
            fire.append("dut.\(v) != 0")
        }
        if let r = d.readyPort {
            _ = try port(r, .input)
            fire.append("dut.\(r) != 0")
        }
        s += "#define HWGEN_VALID (\(fire.isEmpty ? "true" : fire.joined(separator: " && ")))\n"
        if let (v, r) = d.inputStream {
            _ = try port(v, .input)
            _ = try port(r, .output)
            s += "#define HWGEN_HOLD (dut.\(v) != 0 && dut.\(r) == 0)\n"
        } else {
            s += "#define HWGEN_HOLD false\n"
        }
        return s
    }

    /// Elaborates, builds (or reuses) and runs `design`.
    public func verify(name: String, _ d: Verifiable, seed: UInt64, vectors: Int,
                       trace: String? = nil) throws -> VerifyResult {
        guard let verilator = Shell.which("verilator") else {
            throw ToolError("verilator is not installed (apt-get install verilator, or run 'make test' as root)")
        }
        let ir = try Elaborator.elaborate(d.top)
        let files = VerilogEmitter.files(for: ir)
        let ports = try VerilatorRunner.portsInclude(ir, d)
        let harness = try String(contentsOfFile: harnessPath, encoding: .utf8)

        var h = ContentHash()
        h.add(harness)
        h.add(ports)
        h.add(trace == nil ? "notrace" : "trace")
        h.add(try Shell.run(verilator, ["--version"]).output)
        for f in files { h.add(f.name); h.add(f.text) }
        let dir = "\(cacheRoot)/\(ir.name)-\(h.hex.prefix(16))"
        let sim = "\(dir)/obj/sim"
        let fm = FileManager.default
        let reused = fm.isExecutableFile(atPath: sim)
        if !reused {
            log("building the Verilator model of \(ir.name) (cached in \(dir))")
            try build(verilator, dir: dir, top: ir.name, files: files, ports: ports, trace: trace != nil)
        }

        log("running \(name) (seed \(seed), \(vectors) random vectors)")
        let stim = d.stimulus(seed: seed, vectors: vectors)
        let expect = d.expected(stim)
        let runDir = "\(cacheRoot)/run-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        try fm.createDirectory(atPath: runDir, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: runDir) }
        try AtomicFiles.write(stim.cycles.map { $0.map { $0.toString(radix: 16) }.joined(separator: " ") }
            .joined(separator: "\n") + "\n", to: "\(runDir)/stim.hex")
        try AtomicFiles.write(expect.map { t in
            (["\(t.cycle ?? -1)"] + t.values.map { $0.toString(radix: 16) }).joined(separator: " ")
        }.joined(separator: "\n") + "\n", to: "\(runDir)/expect.hex")
        var args = [name, "\(runDir)/stim.hex", "\(runDir)/expect.hex"]
        if let t = trace { args.append((t as NSString).standardizingPath) }
        let (status, out) = try Shell.run(sim, args)
        let verdict = out.split(separator: "\n").last { $0.hasPrefix("PASS") || $0.hasPrefix("FAIL") }
        guard let summary = verdict.map(String.init) else {
            throw ToolError("the simulation of \(name) ended without a verdict (exit \(status)): \(out.prefix(300))")
        }
        return VerifyResult(passed: status == 0 && summary.hasPrefix("PASS"), summary: summary, output: out,
                            reusedBuild: reused)
    }

    /// Builds into a temporary folder and renames it into place, so an
    /// interrupted build never leaves a half-made cache entry.
    func build(_ verilator: String, dir: String, top: String, files: [(name: String, text: String)],
               ports: String, trace: Bool) throws {
        let fm = FileManager.default
        let tmp = "\(dir).tmp-\(ProcessInfo.processInfo.processIdentifier)"
        try? fm.removeItem(atPath: tmp)
        try fm.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        for f in files { try AtomicFiles.write(f.text, to: "\(tmp)/\(f.name)") }
        try AtomicFiles.write(ports, to: "\(tmp)/ports.inc")
        var args = ["--cc", "--exe", "--build", "-j", "2", "--prefix", "Vdut", "--top-module", top,
                    "-Mdir", "\(tmp)/obj", "-o", "sim", "-CFLAGS", "-I\(tmp) -O1",
                    "-MAKEFLAGS", "OPT_FAST=-O1"]
        if trace { args.append("--trace") }
        args.append(harnessPath)
        args += files.map { "\(tmp)/\($0.name)" }
        let (status, out) = try Shell.run(verilator, args)
        guard status == 0 else {
            try? fm.removeItem(atPath: tmp)
            let firstError = out.split(separator: "\n").first { $0.hasPrefix("%Warning") || $0.contains("%Error") || $0.contains("error:") }
            throw ToolError("Verilator build of \(top) failed: \(firstError.map(String.init) ?? String(out.suffix(300)))")
        }
        // The include path baked into the build names tmp; ports.inc is
        // only read at compile time, so the rename is safe.
        if rename(tmp, dir) != 0 {
            try? fm.removeItem(atPath: tmp)   // another process won the race
        }
    }
}
