import ArgumentParser
import Catalog
import Engines
import Foundation
import Harness
import HDL
import Verilog

struct Hwgen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hwgen",
        abstract: "Generate verified, synthesizable Verilog for accelerator blocks.",
        discussion: """
        Examples:
          hwgen list
          hwgen emit --design pe
          hwgen emit --design pe --param data_frac=12 --param rounding=half-up -o out/pe
          hwgen verify --design pe --vectors 100000 --seed 7
          hwgen verify --design requant --param overflow=wrap --trace requant.vcd
          hwgen report --design wallace --svg-dir plots
          hwgen emit --design fft --param n=1024 --param scaling=shift
          hwgen aqfp --input Sources/AQFP/Benchmarks/iscas --equiv
          hwgen quantize --levels 7 Data/digits_mlp.txt
          hwgen compare-sparsity --rates 0.5,0.8,0.9,0.95
          hwgen synth --design pe --target ecp5,ice40 --pnr
        """,
        subcommands: [List.self, Emit.self, Verify.self, Report.self, Aqfp.self, Quantize.self, CompareSparsity.self, PlanParallel.self, GroupScheduleCommand.self, Synth.self])
}

/// Progress lines go to stderr, so stdout stays the result.
func log(_ line: String) { FileHandle.standardError.write(Data("hwgen: \(line)\n".utf8)) }

/// A seed: any 64-bit unsigned number, refused with its range otherwise.
func parseSeed(_ text: String) throws -> UInt64 {
    guard let v = UInt64(text) else {
        throw ValidationError("--seed must be a whole number in 0...\(UInt64.max), got '\(text)'")
    }
    return v
}

/// Options shared by commands that pick a design.
struct DesignOptions: ParsableArguments {
    @Option(name: .long, parsing: .unconditional, help: "The design to use (see 'hwgen list').")
    var design: String

    @Option(name: .customLong("param"), parsing: .unconditionalSingleValue, help: ArgumentHelp("A design parameter, NAME=VALUE; repeatable.", valueName: "NAME=VALUE"))
    var params: [String] = []

    func load() throws -> (AnyDesign, any Design) {
        let entry = try Catalog.find(design)
        return (entry, try entry.instantiate(params))
    }
}

/// The simulator a command runs.
enum EngineChoice: String, ExpressibleByArgument, CaseIterable {
    case verilator, swift
    func make() throws -> any Engine {
        switch self {
        case .verilator: return try VerilatorEngine(log: log)
        case .swift: return SwiftEngine()
        }
    }
}

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the designs, one line each, with their parameters and defaults.",
        discussion: "Examples:\n  hwgen list\n  hwgen list --details\n  hwgen list --test-sets")

    @Flag(help: "Print only the design names.")
    var names = false

    @Flag(help: "Print each parameter on its own line with its allowed values.")
    var details = false

    @Flag(help: "Print the parameter sets 'make test' verifies (the defaults first), one per line: DESIGN NAME=VALUE ...")
    var testSets = false

    @Flag(help: "Print the parameter sets 'make test' reports on, one per line: DESIGN NAME=VALUE ...")
    var reports = false

    func run() throws {
        let column = Catalog.designs.map(\.name.count).max() ?? 8
        for d in Catalog.designs {
            if names { print(d.name); continue }
            if testSets || reports {
                for set in testSets ? [[]] + d.testSets : d.reportSets { print(([d.name] + set).joined(separator: " ")) }
                continue
            }
            print("\(d.name.padding(toLength: column, withPad: " ", startingAt: 0)) \(d.summary) [\(d.defaults)]")
            guard details else { continue }
            for p in d.params {
                print("    \(p.name)=\(p.defaultValue)  (\(p.allowed))  \(p.help)")
            }
        }
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a design against its Swift golden model, in Verilator or hwgen's own simulator.",
        discussion: """
        Prints 'PASS design=D vectors=N mismatches=0 cycles=C' or the first
        mismatch (cycle, port, expected, actual) and a command that replays
        the run; exits 1 on any mismatch.
        --engine verilator (default) checks the emitted Verilog; --engine swift
        checks the elaborated design in hwgen's simulator, without a C++ build.
        Examples:
          hwgen verify --design pe
          hwgen verify --design pe --engine swift --vectors 10000
          hwgen verify --design pe --param guard=2 --seed 3 --vectors 5000 --trace pe.vcd
          hwgen verify --design fft --param n=256 --param input=real --vectors 200
        """)

    @OptionGroup var options: DesignOptions

    @Option(parsing: .unconditional, help: "Seed of the random vectors.", transform: parseSeed)
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Random transactions, directed ones added, in the design's unit (vibnn: images; fft: frames; the rest: vectors). Default: the design's (100000 vectors; vibnn 20-100 images by size), a quarter of it in the swift engine.")
    var vectors: Int?

    @Option(parsing: .unconditional, help: "Write a VCD waveform of the run to this file.")
    var trace: String?

    @Option(parsing: .unconditional, help: "Simulator: verilator (the emitted Verilog) or swift (hwgen's own).")
    var engine: EngineChoice = .verilator

    func validate() throws {
        if let vectors, !(0...50_000_000).contains(vectors) {
            throw ValidationError("--vectors must be in 0...50000000, got \(vectors)")
        }
    }

    func run() throws {
        let (entry, design) = try options.load()
        // hwgen's own simulator is the slower engine on large designs (the
        // default vibnn: 100,000 cycles in 4 minutes, debug build): a
        // quarter of the count unless one is given.
        let vectors = self.vectors ?? (engine == .swift ? max(1, design.defaultVectors / 4) : design.defaultVectors)
        // The waveform goes to a temporary name beside the trace file and
        // is renamed into place when the run has finished (passed or not):
        // an error or an interrupt leaves no empty or truncated trace.
        // Verilator's tracer fails silently on a bad path: check it first.
        var tmpTrace: String? = nil
        if let t = trace {
            try PendingFiles.check(t, what: "trace file")
            let tmp = AtomicFiles.temporaryName(for: try UserPaths.absolute(t))
            Interrupts.removeOnInterrupt(tmp)
            if let e = UserPaths.writeWhole(Data(), to: tmp) { throw UserError("cannot write the trace file \(t): \(UserPaths.reason(e))") }
            tmpTrace = tmp
        }
        defer { if let tmp = tmpTrace { unlink(tmp); Interrupts.done(tmp) } }
        let sim = try engine.make()
        log("running \(entry.name) in the \(sim.name) engine (seed \(seed), \(vectors) random \(entry.unit)s)")
        let r = try sim.verify(design, name: entry.name, seed: seed, vectors: vectors, options: RunOptions(trace: tmpTrace))
        if let tmp = tmpTrace, let t = trace, rename(tmp, try UserPaths.absolute(t)) != 0 {
            throw UserError("cannot write the trace file \(t): \(UserPaths.reason(errno))")
        }
        if !r.passed {
            for line in r.mismatches { print(line) }
        }
        // The engines count transactions; say them in the design's unit.
        print(r.verdict(unit: entry.unit, per: design.transactionsPerUnit))
        guard r.passed else {
            if let dir = r.keptFolder { print("run folder kept: \(dir)") }
            if let cmd = r.replay { print("replay the simulation: \(cmd)") }
            let params = options.params.map { " --param \($0)" }.joined()
            print("replay: hwgen verify --design \(entry.name)\(params) --seed \(seed) --vectors \(vectors) --engine \(engine.rawValue) --trace \(entry.name).vcd")
            throw ExitCode(1)
        }
    }
}

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Size, measured timing and the design's own checks, as a table.",
        discussion: """
        Every design gets a first section from its IR (modules, IR nodes,
        registers, memory bits by kind, multipliers) and a run of its own
        stimulus in the engine, checked against the model (first transaction,
        cycles per transaction). Then the design's own sections: the spec's
        statistical gates for rlf and wallace (chi-square against the exact
        target, KS and Anderson-Darling, moments, tails, autocorrelation,
        cross-lane correlation, two-level check; histogram SVG); for vibnn the
        schedule against cycles/image measured back to back, images/s beside
        the paper, and with net=digits the accuracy of the bit-exact model
        against the float Monte-Carlo network; for fft the plan, multipliers
        (architecture vs IR), SQNR against float64 over N, the round trip,
        an amplitude sweep to full scale (SVG), latency and frame rate
        measured. Any design: Yosys resources with --synth TARGETS, and
        nextpnr's Fmax with --pnr (as 'hwgen synth').
        Rows with a bound print PASS or FAIL; exits 1 if any fails.
        Examples:
          hwgen report --design pe
          hwgen report --design wallace --svg-dir plots
          hwgen report --design rlf --param n=63 --samples 65536
          hwgen report --design vibnn --param net=digits --param grng=wallace
          hwgen report --design fft --param n=16 --synth xilinx,ecp5
          hwgen report --design pe --synth ice40,ecp5 --pnr
        """)

    @OptionGroup var options: DesignOptions

    @Option(parsing: .unconditional, help: "Simulator for the measured runs: verilator or swift.")
    var engine: EngineChoice = .verilator

    @Option(parsing: .unconditional, help: "Random transactions of the measured run in the first section (default: a tenth of verify's).")
    var vectors: Int?

    @Option(parsing: .unconditional, help: "Seed of the vectors and the samples.", transform: parseSeed)
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Samples for statistical gates (the GRNG spec's figure is 2^20).")
    var samples: Int = 1 << 20

    @Option(parsing: .unconditional, help: "Seeds of a two-level check.")
    var seeds: Int = 32

    @Option(parsing: .unconditional, help: "Samples per seed in a two-level check.")
    var perSeed: Int = 1 << 16

    @Option(parsing: .unconditional, help: "Transactions (vibnn: images) run back to back for throughput.")
    var images: Int = 6

    @Option(parsing: .unconditional, help: "The clock throughputs are stated at (vibnn: below the PE Fmax 'make fmax' finds on an ECP5-85, 96-131 MHz).")
    var clockMhz: Double = 90

    @Option(parsing: .unconditional, help: "Monte-Carlo forward passes per input for accuracy figures.")
    var mcSamples: Int = 16

    @Option(parsing: .unconditional, help: "Write each section's SVG figure into this folder as DESIGN-SECTION.svg.")
    var svgDir: String?

    @Option(parsing: .unconditional, help: "Yosys targets for a resource section, comma-separated (xilinx, ecp5, ice40, gowin), or none. Default: the design's (fft: xilinx; the rest: none).")
    var synth: String?

    @Flag(help: "With --synth: place and route each ice40/ecp5 target with nextpnr (Fmax; 'make pnr-tools' installs nextpnr).")
    var pnr = false

    func synthTargets(_ entry: AnyDesign) throws -> [ResourceReport.Target] {
        let text = synth ?? entry.synthTargets.joined(separator: ",")
        if text == "none" || (synth == nil && text.isEmpty) { return [] }
        return try text.split(separator: ",", omittingEmptySubsequences: false).map {
            guard let t = ResourceReport.Target(rawValue: String($0)) else {
                throw ValidationError("--synth: unknown target '\($0)' (targets: \(ResourceReport.Target.allCases.map(\.rawValue).joined(separator: ", ")), or none)")
            }
            return t
        }
    }

    func validate() throws {
        if let vectors, !(0...50_000_000).contains(vectors) { throw ValidationError("--vectors must be in 0...50000000, got \(vectors)") }
        guard (1_000...(1 << 26)).contains(samples) else { throw ValidationError("--samples must be in 1000...67108864, got \(samples)") }
        guard (2...1000).contains(seeds) else { throw ValidationError("--seeds must be in 2...1000, got \(seeds)") }
        guard (1_000...(1 << 24)).contains(perSeed) else { throw ValidationError("--per-seed must be in 1000...16777216, got \(perSeed)") }
        guard (4...1000).contains(images) else { throw ValidationError("--images must be in 4...1000, got \(images)") }
        guard clockMhz > 0 && clockMhz <= 2000 else { throw ValidationError("--clock-mhz must be in (0, 2000], got \(clockMhz)") }
        guard (1...256).contains(mcSamples) else { throw ValidationError("--mc-samples must be in 1...256, got \(mcSamples)") }
        if pnr && (synth == nil || synth == "none") { throw ValidationError("--pnr places and routes the --synth targets: give --synth ice40 or --synth ecp5") }
    }

    func run() throws {
        let (entry, design) = try options.load()
        if let dir = svgDir { try UserPaths.refuseNonFolder(dir, "cannot write SVGs into \(dir): it is a file") }
        // The figures are written when every section has run.
        var figures = PendingFiles(), wrote: [String] = []
        var o = ReportOptions()
        o.vectors = vectors; o.seed = seed; o.samples = samples; o.seeds = seeds; o.perSeed = perSeed
        o.transactions = images; o.clockMHz = clockMhz; o.mcSamples = mcSamples
        let ir = try Elaborator.elaborate(design.top)
        var context = ReportContext(name: entry.name, ir: ir, top: VerilogEmitter.emission(for: ir).top,
                                    engine: try engine.make(), options: o, progress: log)
        var failed = 0, checks = 0
        let targets = try synthTargets(entry)
        let resources: [any DesignReport] = targets.isEmpty ? [] : [ResourceReport(targets: targets, pnr: pnr)]
        for report in [GenericReport(design)] + resources + design.reports {
            let section = try report.run(context)
            // Throughputs after a placed-and-routed section use its Fmax.
            if let clock = section.placedClock {
                context.options.clockMHz = clock.mhz
                context.options.clockSource = clock.source
            }
            print(section.title)
            let width = (section.rows.map(\.name.count).max() ?? 10) + 2
            let valueWidth = min(40, (section.rows.map(\.value.count).max() ?? 10) + 2)
            for r in section.rows {
                var line = r.name.padding(toLength: width, withPad: " ", startingAt: 0)
                line += r.bound.isEmpty && r.pass == nil ? r.value : r.value.padding(toLength: max(valueWidth, r.value.count + 2), withPad: " ", startingAt: 0)
                if !r.bound.isEmpty || r.pass != nil { line += r.bound.padding(toLength: 16, withPad: " ", startingAt: 0) }
                if let p = r.pass { line += p ? "PASS" : "FAIL" }
                print(line)
            }
            if let svg = section.svg, let dir = svgDir {
                let path = "\(dir)/\(entry.name)-\(report.title).svg"
                figures.add(svg, to: path)
                wrote.append(path)
            }
            print("")
            failed += section.failed
            checks += section.rows.filter { $0.pass != nil }.count
        }
        try figures.commit()
        for path in wrote { print("wrote \(path)") }
        print(failed == 0 ? "PASS report design=\(entry.name): \(checks) checks" : "FAIL report design=\(entry.name): \(failed) of \(checks) checks failed")
        if failed > 0 { throw ExitCode(1) }
    }
}
