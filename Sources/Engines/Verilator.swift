import Foundation
import Harness
import HDL
import Verilog

/// Builds a Verilator model of a design with the generic harness (cached by
/// content hash) and runs the design's vectors through it.
public struct VerilatorEngine: Engine {
    public var cacheRoot: String
    public var harnessPath: String
    public var log: (String) -> Void
    /// The verilator executable (checked when the engine is made) and its
    /// `--version` text (part of every cache key).
    public let verilator: String
    let version: String
    public var name: String { "verilator" }

    public init(cacheRoot: String? = nil, harnessPath: String? = nil, log: @escaping (String) -> Void = { _ in }) throws {
        self.cacheRoot = try VerilatorEngine.usableCache(cacheRoot)
        VerilatorEngine.sweep(self.cacheRoot)
        guard let h = harnessPath ?? VerilatorEngine.findHarness() else {
            throw UserError("cannot find Testbenches/harness.cpp; run from the hwgen checkout or set HWGEN_ROOT")
        }
        self.harnessPath = h
        self.log = log
        guard let v = Shell.which("verilator") else {
            throw UserError("verilator is not installed (apt-get install verilator, or run 'make test' as root)")
        }
        verilator = v
        version = try Shell.run(v, ["--version"]).output
    }

    /// The cache folder: `root`, else $HWGEN_CACHE when set and not empty,
    /// else .hwgen-cache in the working folder; made absolute (the model
    /// runs in its own folder) and created, or one line saying why not.
    static func usableCache(_ root: String?) throws -> String {
        let fm = FileManager.default
        var path = root ?? ProcessInfo.processInfo.environment["HWGEN_CACHE"] ?? ""
        if path.isEmpty { path = ".hwgen-cache" }
        if !path.hasPrefix("/") { path = fm.currentDirectoryPath + "/" + path }
        path = (path as NSString).standardizingPath
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw UserError("the cache path \(path) (HWGEN_CACHE) is a file, not a folder") }
        } else if (try? fm.createDirectory(atPath: path, withIntermediateDirectories: true)) == nil {
            throw UserError("cannot create the cache folder \(path) (set HWGEN_CACHE to a writable folder)")
        }
        guard fm.isWritableFile(atPath: path) else {
            throw UserError("the cache folder \(path) is not writable (set HWGEN_CACHE to a writable folder)")
        }
        return path
    }

    /// Removes what processes that no longer exist left in the cache: half
    /// builds (`NAME.tmp-PID`) and run folders (`run-DESIGN-PID-ID`) not kept
    /// for a replay.
    static func sweep(_ root: String) {
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: root)) ?? [] {
            let parts = name.split(separator: "-")
            let pid: Int32?
            if let tmp = name.range(of: ".tmp-") {
                pid = Int32(name[tmp.upperBound...])
            } else if name.hasPrefix("run-"), parts.count >= 4 {
                pid = Int32(parts[parts.count - 2])
            } else {
                pid = nil
            }
            guard let pid, Interrupts.isDead(pid), !fm.fileExists(atPath: "\(root)/\(name)/kept") else { continue }
            try? fm.removeItem(atPath: "\(root)/\(name)")
        }
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
    /// Inputs are listed in the IR's port order; `Job.checkedColumns` has
    /// already checked every watched port against the IR.
    public static func portsInclude(_ ir: ModuleIR, _ ports: TestPorts) -> String {
        func width(_ n: String) -> Int { ir.ports.first { $0.name == n }!.width }
        let ins = ir.ports.filter { $0.direction == .input }
        var s = "// Written by hwgen for \(ir.name).\n"
        s += "#define HWGEN_HAS_CLK \(ir.usesClock ? 1 : 0)\n"
        s += "#define HWGEN_HAS_RST \(ir.usesReset ? 1 : 0)\n"
        s += "#define HWGEN_HAS_ARST \(ir.usesAsyncReset ? 1 : 0)\n"
        s += "#define HWGEN_INPUTS(X)" + ins.map { " X(\($0.name), \($0.width))" }.joined() + "\n"
        s += "#define HWGEN_OUTPUTS(X)" + ports.data.map { " X(\($0), \(width($0)))" }.joined() + "\n"
        let fire = [ports.valid, ports.ready].compactMap { $0 }.map { "dut.\($0) != 0" }
        s += "#define HWGEN_VALID (\(fire.isEmpty ? "true" : fire.joined(separator: " && ")))\n"
        if let (v, r) = ports.inputStream {
            s += "#define HWGEN_HOLD (dut.\(v) != 0 && dut.\(r) == 0)\n"
        } else {
            s += "#define HWGEN_HOLD false\n"
        }
        return s
    }

    /// Builds (or reuses) the Verilator model of the job's IR and runs the
    /// job through it. On a failure the run folder is kept and the result
    /// names the command that replays it.
    public func run(_ job: Job) throws -> RunResult {
        let columns = try job.checkedColumns()
        let ir = job.ir, trace = job.options.trace
        let emission = VerilogEmitter.emission(for: ir)
        let files = emission.all
        let ports = VerilatorEngine.portsInclude(ir, job.ports)
        let harness = try String(contentsOfFile: harnessPath, encoding: .utf8)

        var h = ContentHash()
        h.add(harness)
        h.add(ports)
        h.add(trace == nil ? "notrace" : "trace")
        h.add(version)
        h.add(VerilatorEngine.optimisation(emission.verilog))
        for f in files { h.add(f.name); h.add(f.text) }
        let dir = "\(cacheRoot)/\(emission.top)-\(h.hex.prefix(16))"
        let sim = "\(dir)/obj/sim"
        let fm = FileManager.default
        let reused = fm.isExecutableFile(atPath: sim)
        if !reused {
            log("building the Verilator model of \(emission.top) (cached in \(dir))")
            try Progress.timed("Verilator build of \(emission.top)") {
                try build(dir: dir, top: emission.top, files: files, ports: ports, trace: trace != nil)
            }
        }

        let runDir = "\(cacheRoot)/run-\(job.name)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        try fm.createDirectory(atPath: runDir, withIntermediateDirectories: true)
        Interrupts.removeOnInterrupt(runDir)
        var keep = false
        defer {
            Interrupts.done(runDir)
            // A kept folder is marked, so no later sweep takes it.
            if keep { fm.createFile(atPath: "\(runDir)/kept", contents: Data()) } else { try? fm.removeItem(atPath: runDir) }
        }
        // Columns in the IR's input order, as ports.inc lists them.
        try AtomicFiles.write(job.stimulus.cycles.map { row in
            columns.map { col in col.map { $0 < row.count ? row[$0].toString(radix: 16) : "0" } ?? "0" }
                .joined(separator: " ")
        }.joined(separator: "\n") + "\n", to: "\(runDir)/stim.hex")
        try AtomicFiles.write(job.expected.map { t in
            (["\(t.cycle ?? -1)"] + t.values.map { $0.toString(radix: 16) }).joined(separator: " ")
        }.joined(separator: "\n") + "\n", to: "\(runDir)/expect.hex")
        var args = [job.name, "\(runDir)/stim.hex", "\(runDir)/expect.hex"]
        if job.options.recordCycles { args.append("--cycles") }
        if let t = trace {   // absolute: the model runs in its own folder
            args.append(((t.hasPrefix("/") ? t : FileManager.default.currentDirectoryPath + "/" + t) as NSString).standardizingPath)
        }
        // The model reads its ROM files ($readmemh) from its own folder.
        let (status, out) = try Progress.timed("simulating \(job.expected.count) transactions of \(job.name)") {
            try Shell.run(sim, args, cwd: dir)
        }
        let lines = out.split(separator: "\n").map(String.init)
        guard let summary = lines.last(where: { $0.hasPrefix("PASS") || $0.hasPrefix("FAIL") }) else {
            keep = true
            throw UserError("the simulation of \(job.name) ended without a verdict (exit \(status)); inputs kept in \(runDir): \(out.prefix(300))")
        }
        let passed = status == 0 && summary.hasPrefix("PASS")
        keep = !passed
        return RunResult(
            passed: passed, summary: summary,
            mismatches: lines.filter { $0.contains("first mismatch") || $0.hasPrefix("MISMATCH") },
            transactionCycles: lines.compactMap { $0.hasPrefix("TX cycle=") ? Int($0.dropFirst(9)) : nil },
            keptFolder: passed ? nil : runDir,
            replay: passed ? nil : "cd \(dir) && " + ([sim] + args).joined(separator: " "),
            reusedBuild: reused)
    }

    /// C++ optimisation of a model: -O2 for large ones, where the run
    /// dominates (default vibnn, 280 kB of Verilog: 111k cycles/s at -O1
    /// after a 10 s build, 216k at -O2 after 17 s), -O1 for the many small
    /// ones `make test` builds, where the build does.
    static func optimisation(_ files: [(name: String, text: String)]) -> String {
        files.reduce(0) { $0 + $1.text.utf8.count } > 150_000 ? "-O2" : "-O1"
    }

    /// Builds into a temporary folder and renames it into place, so an
    /// interrupted build never leaves a half-made cache entry.
    func build(dir: String, top: String, files: [(name: String, text: String)],
               ports: String, trace: Bool) throws {
        let fm = FileManager.default
        let tmp = "\(dir).tmp-\(ProcessInfo.processInfo.processIdentifier)"
        try? fm.removeItem(atPath: tmp)
        try fm.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        Interrupts.removeOnInterrupt(tmp)
        defer { Interrupts.done(tmp) }
        for f in files { try AtomicFiles.write(f.text, to: "\(tmp)/\(f.name)") }
        try AtomicFiles.write(ports, to: "\(tmp)/ports.inc")
        let optimisation = VerilatorEngine.optimisation(files.filter { $0.name.hasSuffix(".v") })
        var args = ["--cc", "--exe", "--build", "-j", "2", "--prefix", "Vdut", "--top-module", top,
                    "-Mdir", "\(tmp)/obj", "-o", "sim", "-CFLAGS", "-I\(tmp) \(optimisation)",
                    "-MAKEFLAGS", "OPT_FAST=\(optimisation)"]
        if trace { args.append("--trace") }
        let runtime = runtimeFolder(trace: trace, optimisation: optimisation)
        let runtimeObjects = VerilatorEngine.objects(in: runtime)
        if !runtimeObjects.isEmpty {
            // Link the cached runtime instead of compiling it again.
            args += ["-MAKEFLAGS", "VM_GLOBAL_FAST=", "-MAKEFLAGS", "VM_GLOBAL_SLOW=",
                     "-LDFLAGS", runtimeObjects.map { "\(runtime)/\($0)" }.joined(separator: " ")]
        }
        args.append(harnessPath)
        args += files.filter { $0.name.hasSuffix(".v") }.map { "\(tmp)/\($0.name)" }
        let (status, out) = try Shell.run(verilator, args)
        guard status == 0 else {
            try? fm.removeItem(atPath: tmp)
            let firstError = out.split(separator: "\n").first { $0.hasPrefix("%Warning") || $0.contains("%Error") || $0.contains("error:") }
            throw UserError("Verilator build of \(top) failed: \(firstError.map(String.init) ?? String(out.suffix(300)))")
        }
        if runtimeObjects.isEmpty { saveRuntime(from: "\(tmp)/obj", to: runtime) }
        // The include path baked into the build names tmp; ports.inc is
        // only read at compile time, so the rename is safe.
        if rename(tmp, dir) != 0 {
            // A damaged entry (its model deleted) is replaced; a complete
            // one means another process won the race.
            if !fm.isExecutableFile(atPath: "\(dir)/obj/sim") {
                try? fm.removeItem(atPath: dir)
                if rename(tmp, dir) == 0 { return }
            }
            try? fm.removeItem(atPath: tmp)
        }
    }

    /// Verilator's runtime library (verilated.cpp and its kin) takes about
    /// 8 of the 11 s a small model's build takes, and is the same for every
    /// design: it is compiled once per Verilator version, trace setting and
    /// optimisation, kept here, and linked into later builds.
    func runtimeFolder(trace: Bool, optimisation: String) -> String {
        var h = ContentHash()
        h.add(version)
        h.add(trace ? "trace" : "notrace")
        h.add(optimisation)
        return "\(cacheRoot)/verilator-runtime-\(h.hex.prefix(16))"
    }

    static func objects(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasPrefix("verilated") && $0.hasSuffix(".o") }.sorted()
    }

    /// Keeps a full build's runtime objects; made in a temporary folder and
    /// renamed into place, so a concurrent build sees all of them or none.
    func saveRuntime(from obj: String, to runtime: String) {
        let fm = FileManager.default
        let built = VerilatorEngine.objects(in: obj)
        guard !built.isEmpty, !fm.fileExists(atPath: runtime) else { return }
        let tmp = "\(runtime).tmp-\(ProcessInfo.processInfo.processIdentifier)"
        try? fm.removeItem(atPath: tmp)
        do {
            try fm.createDirectory(atPath: tmp, withIntermediateDirectories: true)
            for o in built { try fm.copyItem(atPath: "\(obj)/\(o)", toPath: "\(tmp)/\(o)") }
            if rename(tmp, runtime) != 0 { try? fm.removeItem(atPath: tmp) }
        } catch {
            try? fm.removeItem(atPath: tmp)
        }
    }
}
