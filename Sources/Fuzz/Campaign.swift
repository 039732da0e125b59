import Foundation
import HDL
import Sim
import Engines
import Harness
import Verilog

/// Many recipes side by side in one top module, so one Verilator build
/// checks a whole batch (a build costs seconds; a small module, nothing).
struct BatchTop: Block {
    let recipes: [Recipe]
    let tag: String
    var moduleName: String { "fuzz_\(tag)" }

    func build(_ m: ModuleBuilder) throws {
        for (k, r) in recipes.enumerated() {
            let h = try m.instance(RecipeBlock(r), name: "u\(k)")
            for (j, t) in r.inputs.enumerated() { h.input("i\(j)").assign(m.input("m\(k)_i\(j)", t.hw)) }
            for j in r.outputs.indices { m.output("m\(k)_o\(j)", h.output("o\(j)")) }
        }
    }
}

/// Why a recipe failed: the emitted Verilog is not lint-clean, Verilator and
/// the Swift engine disagree, or the recipe could not even be built.
public struct Failure: Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable { case lint, mismatch, elaboration, tool }
    public let recipe: Recipe
    public let kind: Kind
    public let detail: String
    public var description: String { "\(recipe.name): \(kind.rawValue): \(detail)" }
    public init(recipe: Recipe, kind: Kind, detail: String) {
        self.recipe = recipe
        self.kind = kind
        self.detail = detail
    }
}

/// Emits, lints and runs batches of recipes in both engines.
public struct Campaign {
    public var cycles: Int
    public var log: (String) -> Void

    public init(cycles: Int = 200, log: @escaping (String) -> Void = { _ in }) {
        self.cycles = cycles
        self.log = log
    }

    /// Checks `recipes` (unique names) together; returns the failures.
    public func check(_ recipes: [Recipe], seed: UInt64 = 1) throws -> [Failure] {
        var failures: [Failure] = []
        var good: [Recipe] = []
        for r in recipes {
            do {
                _ = try Elaborator.elaborate(RecipeBlock(r))
                good.append(r)
            } catch {
                failures.append(Failure(recipe: r, kind: .elaboration, detail: "\(error)".prefix(400).description))
            }
        }
        guard !good.isEmpty else { return failures }
        guard let verilator = Shell.which("verilator") else {
            throw UserError("verilator is not installed (apt-get install verilator, or run 'make test' as root)")
        }
        let fm = FileManager.default
        let dir = NSTemporaryDirectory() + "hwgen-fuzz-\(ProcessInfo.processInfo.processIdentifier)-\(UInt64.random(in: 0...UInt64.max))"
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: dir) }

        // 1. Lint: the emitted Verilog must be warning-free. Modules that
        // fail are left out of the simulation (Verilator would not build them).
        let (lintBatch, lintIR) = try batch(good)
        let emission = VerilogEmitter.emission(for: lintIR)
        let files = emission.verilog
        for f in emission.all { try AtomicFiles.write(f.text, to: "\(dir)/\(f.name)") }
        let (_, lintOut) = try Shell.run(verilator, ["--lint-only", "-Wall", "--top-module", emission.top]
                                         + files.map { "\(dir)/\($0.name)" })
        var linted = Set<String>()
        for line in lintOut.split(separator: "\n") where line.hasPrefix("%Warning") || line.hasPrefix("%Error") {
            if line.hasPrefix("%Error: Exiting due to") { continue }
            guard let r = owner(line, lintBatch.recipes) else {
                throw UserError("lint problem outside any fuzz module: \(line)")
            }
            if linted.insert(r.name).inserted {
                failures.append(Failure(recipe: r, kind: .lint, detail: String(line.prefix(300))))
            }
        }
        var pending = good.filter { !linted.contains($0.name) }

        // 2. Simulate what is left in both engines; a module that breaks the
        // build is reported and the rest run again without it.
        while !pending.isEmpty {
            let (b, ir) = try batch(pending)
            do {
                failures += try simulate(b, ir, seed: seed, cacheRoot: dir + "/cache")
                break
            } catch let error as UserError {
                guard let r = owner(Substring(error.description), pending) else { throw error }
                failures.append(Failure(recipe: r, kind: .tool, detail: String(error.description.prefix(400))))
                pending.removeAll { $0.name == r.name }
            }
        }
        return failures
    }

    func batch(_ recipes: [Recipe]) throws -> (BatchTop, ModuleIR) {
        var tag = ContentHash()
        for r in recipes { tag.add(r.name) }
        let b = BatchTop(recipes: recipes, tag: String(tag.hex.prefix(10)))
        return (b, try Elaborator.elaborate(b))
    }

    /// The recipe a file name or message belongs to (fz12_<hash>.v,
    /// fz12_c0_<hash>.v: fz12; the longest match, so not fz1).
    func owner(_ text: Substring, _ recipes: [Recipe]) -> Recipe? {
        recipes.filter { text.contains("/\($0.name)_") }
            .max { $0.name.count < $1.name.count }
    }

    /// Runs the batch in the Swift engine, then in Verilator on the same
    /// vectors with every output compared every cycle.
    func simulate(_ batch: BatchTop, _ ir: ModuleIR, seed: UInt64, cacheRoot: String) throws -> [Failure] {
        let sim = try Simulator(ir)
        var rng = SplitMix64(seed: seed)
        var stim = Stimulus(ports: sim.inputs.map(\.name))
        var expect: [Transaction] = []
        sim.reset()
        for c in 0..<cycles {
            let row = sim.inputs.map { rng.bits($0.width) }
            for (i, v) in row.enumerated() { sim.setInput(i, v) }
            stim.cycles.append(row)
            sim.eval()
            expect.append(Transaction(cycle: c, values: sim.outputs.map { BigValue(words: sim.words($0)) }))
            sim.tick()
        }
        // Random inputs every cycle, every output on every cycle expected as
        // the Swift engine computed it.
        let job = Job(name: ir.name, ir: ir, ports: TestPorts(data: sim.outputs.map(\.name)), stimulus: stim, expected: expect)
        let result = try VerilatorEngine(cacheRoot: cacheRoot).run(job)
        guard !result.passed else { return [] }
        var failures: [Failure] = []
        var mismatched = Set<String>()
        for line in result.mismatches where line.hasPrefix("MISMATCH port=m") {
            let port = line.dropFirst("MISMATCH port=m".count).prefix { $0.isNumber }
            guard let k = Int(port), k < batch.recipes.count else { continue }
            if mismatched.insert(batch.recipes[k].name).inserted {
                failures.append(Failure(recipe: batch.recipes[k], kind: .mismatch, detail: String(line.prefix(400))))
            }
        }
        if mismatched.isEmpty {
            throw UserError("Verilator and the Swift engine disagree outside any fuzz output: \(result.summary)")
        }
        return failures
    }
}
