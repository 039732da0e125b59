import ArgumentParser
import Foundation
import HDL
import Designs
import Verification

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
          hwgen report --design grng --param kind=wallace --svg wallace.svg
        """,
        subcommands: [List.self, Emit.self, Verify.self, Report.self])
}

/// Options shared by commands that pick a design.
struct DesignOptions: ParsableArguments {
    @Option(name: .long, help: "The design to use (see 'hwgen list').")
    var design: String

    @Option(name: .customLong("param"), help: ArgumentHelp("A design parameter, NAME=VALUE; repeatable.", valueName: "NAME=VALUE"))
    var params: [String] = []

    func load() throws -> (DesignEntry, any Verifiable) {
        let entry = try Registry.find(design)
        return (entry, try entry.instantiate(params))
    }
}

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the designs, one line each, with their parameters and defaults.",
        discussion: "Examples:\n  hwgen list\n  hwgen list --details")

    @Flag(help: "Print only the design names.")
    var names = false

    @Flag(help: "Print each parameter on its own line with its allowed values.")
    var details = false

    @Flag(help: "Print the parameter sets 'make test' verifies, one per line.")
    var testSets = false

    func run() throws {
        for d in Registry.designs {
            if names { print(d.name); continue }
            if testSets {
                for set in [[]] + d.testParams { print(([d.name] + set).joined(separator: " ")) }
                continue
            }
            let defaults = d.params.map { "\($0.name)=\($0.defaultValue)" }.joined(separator: " ")
            print("\(d.name.padding(toLength: 8, withPad: " ", startingAt: 0)) \(d.summary) [\(defaults)]")
            guard details else { continue }
            for p in d.params {
                print("    \(p.name)=\(p.defaultValue)  (\(p.allowed))  \(p.help)")
            }
        }
    }
}

struct Emit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a design's Verilog files and a filelist.",
        discussion: """
        Examples:
          hwgen emit --design pe                 # into Generated/pe
          hwgen emit --design pe -o build/pe --param out_frac=14
        """)

    @OptionGroup var options: DesignOptions

    @Option(name: [.customShort("o"), .long], help: "Output folder (default: Generated/<design>).")
    var output: String?

    func run() throws {
        let (entry, design) = try options.load()
        let ir = try Elaborator.elaborate(design.top)
        let files = VerilogEmitter.files(for: ir)
        let dir = output ?? "Generated/\(entry.name)"
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw ToolError("cannot create output folder \(dir)")
        }
        // Everything is rendered before the first write, and each file is
        // renamed into place, so an error never leaves a half-written set.
        let filelist = files.map(\.name).joined(separator: "\n") + "\n"
        for f in files {
            try AtomicFiles.write(f.text, to: "\(dir)/\(f.name)")
            print("wrote \(dir)/\(f.name)")
        }
        try AtomicFiles.write(filelist, to: "\(dir)/\(entry.name).f")
        print("wrote \(dir)/\(entry.name).f (top: \(ir.name))")
        try AtomicFiles.write(Emit.fusesocCore(design: entry.name, summary: entry.summary, top: ir.name,
                                               files: files.map(\.name)), to: "\(dir)/\(entry.name).core")
        print("wrote \(dir)/\(entry.name).core (FuseSoC)")
    }
}

extension Emit {
    /// A FuseSoC CAPI2 core description, so the folder drops into FuseSoC flows.
    static func fusesocCore(design: String, summary: String, top: String, files: [String]) -> String {
        var s = "CAPI=2:\n"
        s += "name: hwgen:designs:\(design):0.1\n"
        // YAML double-quoted string: keep it free of double quotes.
        s += "description: \"\(String(summary.map { $0 == "\"" ? "'" : $0 }))\"\n"
        s += "filesets:\n  rtl:\n    file_type: verilogSource\n    files:\n"
        for f in files { s += "      - \(f)\n" }
        s += "targets:\n  default:\n    filesets: [rtl]\n    toplevel: \(top)\n"
        return s
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a design against its Swift golden model, in Verilator or hwgen's own simulator.",
        discussion: """
        Prints 'PASS design=D vectors=N mismatches=0 cycles=C' or the first
        mismatch (cycle, port, expected, actual); exits 1 on any mismatch.
        --engine verilator (default) checks the emitted Verilog; --engine swift
        checks the elaborated design in hwgen's simulator, without a C++ build.
        Examples:
          hwgen verify --design pe
          hwgen verify --design pe --engine swift --vectors 10000
          hwgen verify --design pe --param guard=2 --seed 3 --vectors 5000 --trace pe.vcd
        """)

    @OptionGroup var options: DesignOptions

    @Option(help: "Seed of the random vectors.")
    var seed: UInt64 = 1

    @Option(help: "Number of random vectors (directed vectors are added).")
    var vectors: Int = 100_000

    @Option(help: "Write a VCD waveform of the run to this file.")
    var trace: String?

    @Option(help: "Simulator: verilator (the emitted Verilog) or swift (hwgen's own).")
    var engine: Engine = .verilator

    enum Engine: String, ExpressibleByArgument, CaseIterable {
        case verilator, swift
    }

    func validate() throws {
        guard (0...50_000_000).contains(vectors) else {
            throw ValidationError("--vectors must be in 0...50000000, got \(vectors)")
        }
    }

    func run() throws {
        let (entry, design) = try options.load()
        let log = { (line: String) in FileHandle.standardError.write(Data("hwgen: \(line)\n".utf8)) }
        // Verilator's tracer fails silently on a bad path: check it first.
        if let t = trace, !FileManager.default.createFile(atPath: t, contents: nil) {
            throw ToolError("cannot write the trace file \(t)")
        }
        let r: VerifyResult
        switch engine {
        case .verilator:
            r = try VerilatorRunner(log: log).verify(name: entry.name, design, seed: seed, vectors: vectors, trace: trace)
        case .swift:
            log("running \(entry.name) in the swift engine (seed \(seed), \(vectors) random vectors)")
            r = try SwiftEngine().verify(name: entry.name, design, seed: seed, vectors: vectors, trace: trace)
        }
        if !r.passed {
            // The first mismatch names the cycle, port, expected and actual.
            for line in r.output.split(separator: "\n") where line.contains("first mismatch") { print(line) }
        }
        print(r.summary)
        if !r.passed { throw ExitCode(1) }
    }
}

extension Report {
    func runVIBNN() throws {
        let log = { (line: String) in FileHandle.standardError.write(Data("hwgen: \(line)\n".utf8)) }
        let report = try VIBNNReport(params: options.params)
        let c = report.design.config
        let ir = try Elaborator.elaborate(report.design.top)
        let (regs, _) = ir.stateBits
        let mem = VIBNNReport.memoryBits(ir)
        func row(_ name: String, _ value: String) { print(name.padding(toLength: 34, withPad: " ", startingAt: 0) + value) }
        print("\(ir.name): \(c.sizes.map(String.init).joined(separator: "-")) MLP, eps from \(c.eps)")
        row("PEs x MACs per PE", "\(c.pes) x \(c.macs)")
        row("mu/sigma ROM bits (banks)", "\(mem["bank", default: 0])")
        row("input RAM bits (2 images)", "\(mem["images", default: 0])")
        row("GRNG RAM bits", "\(mem["window", default: 0] + mem["pool", default: 0])")
        row("register bits", "\(regs)")
        row("GRNG samples/cycle used", "\(c.samplers) (of \(c.epsLanes) generated)")
        row("weights sampled per image", "\(c.weightsPerImage) (\(c.macSlotsPerImage) multiplier slots in \(c.stepsPerImage) steps)")
        row("cycles/image (schedule)", "\(c.cyclesPerImage)")
        let tx = try report.measure(images: images, log: log)
        guard tx.count == images else { throw ToolError("expected \(images) results from Verilator, got \(tx.count)") }
        // Steady state: skip the first two intervals (generator warm-up, first load).
        let steady = Double(tx[images - 1] - tx[2]) / Double(images - 3 > 0 ? images - 3 : 1)
        row("cycles/image (Verilator)", images > 3 ? String(format: "%.1f", steady) + " (images 3...\(images), back to back)" : "n/a")
        row("first result after reset", "\(tx[0]) cycles")
        // The schedule is the documented contract; a slower array is a bug.
        if images > 3 && Int(steady.rounded()) != c.cyclesPerImage {
            print("FAIL measured \(steady) cycles/image, schedule says \(c.cyclesPerImage)")
            throw ExitCode(1)
        }
        let perSecond = clockMhz * 1e6 / steady
        row("images/s at \(String(format: "%g", clockMhz)) MHz", String(format: "%.1f (stated clock; see make fmax)", perSecond))
        // The paper's figure is for its MNIST network; a ratio only means something on that shape.
        row("VIBNN paper, MNIST MLP", c.sizes == [784, 200, 200, 10]
            ? String(format: "%.1f images/s (%.2fx ours)", VIBNNReport.paperImagesPerSecond, VIBNNReport.paperImagesPerSecond / perSecond)
            : String(format: "%.1f images/s (784-200-200-10; not this network)", VIBNNReport.paperImagesPerSecond))
        if report.design.net != nil {
            log("accuracy: \(mcSamples) forward passes per held-out image, float and bit-exact")
            let a = try report.accuracy(samples: mcSamples, progress: log)
            row("accuracy float mean weights", String(format: "%.4f", a.meanWeights))
            row("accuracy float MC (\(mcSamples) samples)", String(format: "%.4f (mean of %d runs, sd %.4f)", a.float, a.floatRuns.count, a.floatSD))
            row("accuracy bit-exact (\(mcSamples) samples)", String(format: "%.4f (mean of %d runs: %@)", a.hardware, a.hardwareRuns.count,
                                                              a.hardwareRuns.map { String(format: "%.4f", $0) }.joined(separator: ", ")))
            let gap = abs(a.hardware - a.float) * 100
            print(gap <= 1 ? String(format: "PASS bit-exact within %.2f points of float (bound 1)", gap)
                           : String(format: "FAIL bit-exact %.2f points from float (bound 1)", gap))
            if gap > 1 { throw ExitCode(1) }
        }
    }
}

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Statistics of a Gaussian generator against the spec's acceptance gates; size, throughput and accuracy of the VIBNN accelerator.",
        discussion: """
        For vibnn: PEs, memory bits by kind, generator samples/cycle, cycles per
        image measured in Verilator (images back to back, results checked against
        the model), images/s at --clock-mhz beside the VIBNN paper's figure; with
        --param net=digits also the held-out accuracy of the float Monte-Carlo
        network and of the bit-exact model (exits 1 if they differ by more than
        one point).
          hwgen report --design vibnn
          hwgen report --design vibnn --param net=digits --param grng=wallace

        For generators:
        Draws samples from the generator's bit-exact model (the one 'hwgen verify'
        checks the Verilog against) and prints each gate: chi-square against the
        exact target, KS and Anderson-Darling (Wallace), moments, tail counts,
        autocorrelation per lane (lags 1...64), cross-lane correlation (lags
        0...8), and the two-level check over 32 seeds. Exits 1 if a gate fails.
        Examples:
          hwgen report --design grng --param kind=rlf
          hwgen report --design grng --param kind=wallace --svg wallace.svg
          hwgen report --design rlf --param n=63 --samples 65536
        """)

    @OptionGroup var options: DesignOptions

    @Option(help: "Samples for the one-level gates (the spec's CI figure is 2^20).")
    var samples: Int = 1 << 20

    @Option(help: "Seeds for the two-level check.")
    var seeds: Int = 32

    @Option(help: "Samples per seed in the two-level check.")
    var perSeed: Int = 1 << 16

    @Option(help: "Write an SVG histogram of the samples against the target density.")
    var svg: String?

    @Option(help: "vibnn: images run back to back in Verilator.")
    var images: Int = 6

    @Option(help: "vibnn: the clock images/s are stated at (below the PE Fmax 'make fmax' finds on an ECP5-85: 96-131 MHz).")
    var clockMhz: Double = 90

    @Option(help: "vibnn, net=digits: forward passes averaged per image.")
    var mcSamples: Int = 16

    func validate() throws {
        guard (1_000...(1 << 26)).contains(samples) else { throw ValidationError("--samples must be in 1000...67108864, got \(samples)") }
        guard (2...1000).contains(seeds) else { throw ValidationError("--seeds must be in 2...1000, got \(seeds)") }
        guard (1_000...(1 << 24)).contains(perSeed) else { throw ValidationError("--per-seed must be in 1000...16777216, got \(perSeed)") }
        guard (3...1000).contains(images) else { throw ValidationError("--images must be in 3...1000, got \(images)") }
        guard clockMhz > 0 && clockMhz <= 2000 else { throw ValidationError("--clock-mhz must be in (0, 2000], got \(clockMhz)") }
        guard (1...256).contains(mcSamples) else { throw ValidationError("--mc-samples must be in 1...256, got \(mcSamples)") }
    }

    func run() throws {
        if options.design == "vibnn" { return try runVIBNN() }
        let report = try GRNGReport.make(design: options.design, params: options.params)
        if let path = svg, !FileManager.default.createFile(atPath: path, contents: nil) {
            throw ToolError("cannot write the SVG file \(path)")
        }
        let log = { (line: String) in FileHandle.standardError.write(Data("hwgen: \(line)\n".utf8)) }
        let ir = try Elaborator.elaborate(report.block)
        let (regs, mem) = ir.stateBits
        print("generator \(ir.name): \(report.samplesPerCycle) sample(s)/cycle, \(mem) RAM bits, \(regs) register bits")
        let (rows, xs) = try report.gates(samples: samples, seeds: seeds, perSeed: perSeed, progress: log)
        let width = (rows.map(\.name.count).max() ?? 10) + 2
        for r in rows {
            print("\(r.name.padding(toLength: width, withPad: " ", startingAt: 0))\(r.value.padding(toLength: 12, withPad: " ", startingAt: 0))\(r.bound.padding(toLength: 18, withPad: " ", startingAt: 0))\(r.pass ? "PASS" : "FAIL")")
        }
        if let path = svg {
            try AtomicFiles.write(report.svg(xs, title: "\(ir.name): \(xs.count) samples"), to: path)
            print("wrote \(path)")
        }
        let failed = rows.filter { !$0.pass }.count
        print(failed == 0 ? "PASS all \(rows.count) gates" : "FAIL \(failed) of \(rows.count) gates")
        if failed > 0 { throw ExitCode(1) }
    }
}
