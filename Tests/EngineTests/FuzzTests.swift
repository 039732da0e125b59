import Foundation
import Testing
import HDL
import Sim
import Fuzz
import Engines
import Harness
import Verilog

/// The folder of shrunk modules the fuzzer saved, next to this file.
let regressionFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/FuzzRegressions"

/// Outputs of `r` in the Swift engine over `cycles` cycles of seeded inputs.
func trace(_ r: Recipe, cycles: Int, seed: UInt64) throws -> [[BigValue]] {
    let sim = try Simulator(try Elaborator.elaborate(RecipeBlock(r)))
    var rng = SplitMix64(seed: seed)
    sim.reset()
    var out: [[BigValue]] = []
    for _ in 0..<cycles {
        for (i, input) in sim.inputs.enumerated() { sim.setInput(i, rng.bits(input.width)) }
        sim.eval()
        out.append(sim.outputs.map { BigValue(words: sim.words($0)) })
        sim.tick()
    }
    return out
}

@Suite struct FuzzGenerator {
    @Test func sameSeedSameModule() throws {
        for seed: UInt64 in [1, 42, 9999] {
            #expect(Generator.recipe(seed: seed) == Generator.recipe(seed: seed))
            let a = VerilogEmitter.files(for: try Elaborator.elaborate(RecipeBlock(Generator.recipe(seed: seed))))
            let b = VerilogEmitter.files(for: try Elaborator.elaborate(RecipeBlock(Generator.recipe(seed: seed))))
            #expect(a.map(\.text) == b.map(\.text))
        }
        #expect(Generator.recipe(seed: 1) != Generator.recipe(seed: 2))
    }

    /// The generator must reach what it promises: all widths up to 130,
    /// every operator, casts, whens, registers of both resets, memories, children.
    @Test func coversTheLanguage() throws {
        var widths = Set<Int>(), ops = Set<String>(), kinds = Set<String>()
        var asyncRegs = 0, syncRegs = 0, roms = 0, rams = 0, preloaded = 0, nested = 0
        func walk(_ r: Recipe) {
            r.inputs.forEach { widths.insert($0.width) }
            for reg in r.registers where reg.reset != nil { if reg.async { asyncRegs += 1 } else { syncRegs += 1 } }
            for m in r.memories {
                if m.rom == nil { rams += 1 } else if m.writable == true { preloaded += 1 } else { roms += 1 }
            }
            if !r.children.isEmpty { nested += 1 }
            for s in r.steps {
                kinds.insert(String(describing: s).prefix { $0 != "(" }.description)
                if case .binary(let op, _, _) = s { ops.insert(op.rawValue) }
                if case .unary(let op, _) = s { ops.insert(op.rawValue) }
                if case .cast(_, _, let rd, let ov) = s { ops.insert("\(rd)/\(ov)") }
            }
            r.children.forEach(walk)
        }
        for seed: UInt64 in 1...600 { walk(Generator.recipe(seed: seed)) }
        #expect(widths.contains(1) && widths.contains(64) && widths.contains(65) && widths.contains(130))
        #expect(ops.isSuperset(of: BinOp.allCases.map(\.rawValue)))
        #expect(ops.isSuperset(of: UnOp.allCases.map(\.rawValue)))
        #expect(ops.isSuperset(of: Rounding.allCases.flatMap { r in Overflow.allCases.map { "\(r.rawValue)/\($0.rawValue)" } }))
        #expect(kinds.count == 15, "\(kinds.sorted())")   // every Step kind but pass
        #expect(asyncRegs > 50 && syncRegs > 50 && roms > 10 && rams > 10 && preloaded > 10 && nested > 50)
    }

    /// Shrinking must not change what a module computes, only drop what
    /// no output depends on.
    @Test func compactionKeepsBehaviour() throws {
        for seed: UInt64 in 1...40 {
            let r = Generator.recipe(seed: seed)
            let c = Shrinker.compacted(r)
            #expect(c.steps.count <= r.steps.count)
            #expect(try trace(r, cycles: 30, seed: seed) == trace(c, cycles: 30, seed: seed), "seed \(seed)")
        }
    }

    /// With a stand-in failure ("has a multiplication"), the shrinker must
    /// reach a module that is little more than that multiplication.
    @Test func shrinkerFindsASmallFailingModule() throws {
        func hasMul(_ r: Recipe) -> Bool {
            r.steps.contains { if case .binary(.mul, _, _) = $0 { return true } else { return false } }
        }
        let seed = (1...200).map(UInt64.init).first { hasMul(Generator.recipe(seed: $0)) && Generator.recipe(seed: $0).steps.count > 10 }!
        let start = Failure(recipe: Generator.recipe(seed: seed), kind: .mismatch, detail: "stand-in")
        let small = Shrinker.minimise(start, check: { cands in
            cands.filter { hasMul(Shrinker.compacted($0)) }.map { Failure(recipe: $0, kind: .mismatch, detail: "stand-in") }
        })
        #expect(hasMul(small.recipe))
        #expect(small.recipe.steps.count <= 2, "\(small.recipe.steps)")
        #expect(small.recipe.size < start.recipe.size / 3)
        #expect(small.recipe.name == start.recipe.name)
    }
}

// Verilator builds: one at a time.
@Suite(.serialized) struct FuzzAgainstVerilator {
    /// Every module the fuzzer ever shrunk and saved must now pass.
    @Test func savedRegressionsPass() throws {
        let recipes = try Regressions.load(regressionFolder)
        #expect(recipes.count >= 5)
        let failures = try Campaign(cycles: 300).check(recipes)
        #expect(failures.isEmpty, "\(failures)")
    }

}
