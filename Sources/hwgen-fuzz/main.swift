import ArgumentParser
import Foundation
import Fuzz
import HDL
import Engines
import Harness
import Verilog

/// Unbuffered, so FAIL lines appear as they happen when output is a file.
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

/// Differential fuzzing of the emitter: random modules, emitted and linted,
/// run in Verilator and in the Swift engine, every output compared every cycle.
struct FuzzCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hwgen-fuzz",
        abstract: "Differential fuzzing: random modules in Verilator vs the Swift engine.",
        discussion: """
        Each seed gives one random module (widths 1...130, every operator,
        fixed-point casts, when nests, registers, memories, hierarchy). Modules
        are checked in batches (one Verilator build per batch): the emitted
        Verilog must pass verilator -Wall, and Verilator and the Swift engine
        must agree on every output every cycle. A failing module is shrunk and
        saved as JSON under --save, which the test suite replays.
        Examples:
          hwgen-fuzz --seeds 1-1000
          hwgen-fuzz --seeds 5,17,23 --no-shrink
          hwgen-fuzz --replay Tests/EngineTests/FuzzRegressions
        """)

    @Option(parsing: .unconditional, help: "Seeds: a range A-B, a list A,B,C, or both (1-100,500).")
    var seeds: String = "1-100"

    @Option(parsing: .unconditional, help: "Modules per Verilator build.")
    var batch: Int = 100

    @Option(parsing: .unconditional, help: "Random cycles per batch.")
    var cycles: Int = 200

    @Flag(help: "Report failures without shrinking them.")
    var noShrink = false

    @Option(parsing: .unconditional, help: "Folder for shrunk failing modules (JSON regressions).")
    var save: String = "Tests/EngineTests/FuzzRegressions"

    @Option(parsing: .unconditional, help: "Replay the saved regressions in this folder instead of drawing seeds.")
    var replay: String?

    @Option(parsing: .unconditional, help: "Only write the Verilog of the chosen modules (seeds or --replay) into this folder.")
    var emitTo: String?

    func validate() throws {
        guard (1...1000).contains(batch) else { throw ValidationError("--batch must be in 1...1000, got \(batch)") }
        guard (1...1_000_000).contains(cycles) else { throw ValidationError("--cycles must be in 1...1000000, got \(cycles)") }
        if replay == nil { _ = try parsedSeeds() }
    }

    func parsedSeeds() throws -> [UInt64] {
        var out: [UInt64] = []
        for part in seeds.split(separator: ",", omittingEmptySubsequences: false) {
            let ends = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(ends.count), let a = UInt64(ends[0]), let b = UInt64(ends.last!), a <= b else {
                throw ValidationError("--seeds: cannot read '\(part)'; use A-B (A <= B) or A,B,C of whole numbers")
            }
            guard b - a < 10_000_000, out.count + Int(b - a) < 10_000_000 else {
                throw ValidationError("--seeds: '\(part)' is more than the 10000000 seeds one run takes")
            }
            out += Array(a...b)
        }
        guard !out.isEmpty else { throw ValidationError("--seeds is empty") }
        return out
    }

    func run() throws {
        let err = { (s: String) in FileHandle.standardError.write(Data((s + "\n").utf8)) }
        let campaign = Campaign(cycles: cycles)
        if let out = emitTo {
            let recipes = try replay.map(Regressions.load) ?? parsedSeeds().map(Generator.recipe(seed:))
            // One folder, written the way hwgen emit writes one.
            var files: [(name: String, text: String)] = []
            for r in recipes {
                for f in VerilogEmitter.files(for: try Elaborator.elaborate(RecipeBlock(r))) where !files.contains(where: { $0.name == f.name }) {
                    files.append(f)
                }
            }
            try OutputFolder.write(files, to: out)
            for f in files { say("wrote \(out)/\(f.name)") }
            return
        }
        if let folder = replay {
            let recipes = try Regressions.load(folder)
            err("replaying \(recipes.count) saved modules from \(folder)")
            let failures = try campaign.check(recipes)
            for f in failures { say("FAIL \(f)") }
            say("fuzz replay: \(recipes.count - failures.count) of \(recipes.count) modules pass")
            if !failures.isEmpty { throw ExitCode(1) }
            return
        }
        let all = try parsedSeeds()
        var passed = 0, failed: [Failure] = []
        let start = Date()
        for (b, first) in stride(from: 0, to: all.count, by: batch).enumerated() {
            let chunk = Array(all[first..<min(all.count, first + batch)])
            let t0 = Date()
            let failures = try campaign.check(chunk.map(Generator.recipe(seed:)), seed: chunk[0])
            passed += chunk.count - Set(failures.map(\.recipe.name)).count
            err(String(format: "batch %d: seeds %llu-%llu: %d modules, %d failed (%.1f s; %d passed so far, %.0f s total)",
                       b + 1, chunk.first!, chunk.last!, chunk.count, failures.count, Date().timeIntervalSince(t0),
                       passed, Date().timeIntervalSince(start)))
            for f in failures {
                say("FAIL \(f)")
                failed.append(f)
                guard !noShrink else { continue }
                let (small, detail) = try shrink(f, campaign, log: err)
                let path = try Regressions.save(small, reason: "\(f.kind.rawValue): \(detail)", to: save)
                say("  shrunk from size \(f.recipe.size) to \(small.size): saved \(path) (\(detail))")
            }
        }
        say("fuzz: \(passed) of \(all.count) random modules passed, \(failed.count) failed")
        if !failed.isEmpty { throw ExitCode(1) }
    }

    /// Shrinks with one Verilator build per round (all candidates batched).
    func shrink(_ f: Failure, _ campaign: Campaign, log: @escaping (String) -> Void) throws -> (Recipe, String) {
        let best = try Shrinker.minimise(f, check: { try campaign.check($0, seed: 1) },
                                         progress: { log("  shrink round \($0): size \($1)") })
        return (best.recipe, best.detail)
    }
}

// One line and exit 2 for every bad input, as hwgen.
Interrupts.install()
if let name = CommandLineErrors.repeatedOption(Array(CommandLine.arguments.dropFirst()), repeatable: []) {
    CommandLineErrors.fail("hwgen-fuzz", "\(name) is given twice; give it once")
}
do {
    var command = try FuzzCommand.parseAsRoot()
    try command.run()
} catch let e as ExitCode {
    exit(e.rawValue)
} catch let e as UserError {
    CommandLineErrors.fail("hwgen-fuzz", e.description)
} catch {
    if FuzzCommand.exitCode(for: error) == .success { FuzzCommand.exit(withError: error) }
    CommandLineErrors.fail("hwgen-fuzz", CommandLineErrors.plainMessage(error) ?? FuzzCommand.message(for: error))
}
