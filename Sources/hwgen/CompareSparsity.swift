import Analysis
import ArgumentParser
import Engines
import Foundation
import Harness
import HDL
import Sparse

struct CompareSparsity: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare-sparsity",
        abstract: "Structured against non-structured pruning of one layer (ADMM-NN-S): both engines emitted, simulated, measured.",
        discussion: """
        Takes a dense float layer, prunes it at each --rates value both ways
        — non-structured (the smallest magnitudes) onto the sparse engine's
        (delta index, level) stream, structured (whole rows and columns, by
        L2 norm) onto the dense engine as a smaller dense layer — quantizes
        each to --levels, and for every engine (and the unpruned dense
        layer): emits it, runs --vectors random activation vectors back to
        back in the chosen engine against the model (0 mismatches required),
        measures cycles per vector, synthesizes it with Yosys (--synth) for
        an area proxy, and counts weight, index and filler bits from the
        generated memories against the storage formula. Then the break-even
        sparsity (below it the sparse engine is slower, or larger, than the
        unpruned dense one) and, with --svg, storage and cycles against the
        pruning rate.
        Examples:
          hwgen compare-sparsity
          hwgen compare-sparsity --rates 0.5,0.9,0.97 --idx-bits 3 --svg plots
          hwgen compare-sparsity --macs 4 --engine swift --synth none
          hwgen compare-sparsity --weights my_net.txt --layer conv_fc --levels 15 --synth none
        """)

    @Option(parsing: .unconditional, help: "A weight file in the hwgen weights format (default: Data/digits_mlp.txt).")
    var weights: String?

    @Option(parsing: .unconditional, help: "The dense layer to prune.")
    var layer = "fc1_dense"

    @Option(parsing: .unconditional, help: "Pruning rates (fractions of weights removed), comma-separated, each in 0 ..< 1.")
    var rates = "0.5,0.75,0.9,0.95"

    @Option(parsing: .unconditional, help: "Levels n per sign (1...127).")
    var levels = 7

    @Option(name: .customLong("idx-bits"), parsing: .unconditional, help: "Bits of a sparse word's delta index (1...16).")
    var idxBits = 4

    @Option(name: .customLong("act-width"), parsing: .unconditional, help: "Activation bits (signed).")
    var actWidth = 8

    @Option(parsing: .unconditional, help: "MACs a cycle of the dense and structured engines (kept columns a word, 1...16); the sparse engine gathers one activation a cycle.")
    var macs = 1

    @Option(parsing: .unconditional, help: "Random activation vectors per engine.")
    var vectors = 20

    @Option(parsing: .unconditional, help: "Yosys target for the area proxy (xilinx, ecp5, ice40, gowin), or none.")
    var synth = "xilinx"

    @Option(parsing: .unconditional, help: "The simulator: verilator or swift.")
    var engine: EngineChoice = .verilator

    @Option(parsing: .unconditional, help: "Write sparsity-storage.svg and sparsity-cycles.svg into this folder.")
    var svg: String?

    @Option(parsing: .unconditional, help: "Seed of the activation vectors.")
    var seed = "1"

    func rateList() throws -> [Double] {
        let list = rates.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !list.isEmpty, list.allSatisfy({ $0 != nil && (0..<1).contains($0!) }) else {
            throw ValidationError("--rates must be fractions in 0 ..< 1 separated by commas, got '\(rates)'")
        }
        return list.map { $0! }
    }

    func validate() throws {
        _ = try rateList()
        if let svg { try UserPaths.refuseNonFolder(svg, "cannot write SVGs into \(svg): it is a file") }
        guard (1...127).contains(levels) else { throw ValidationError("--levels must be in 1...127") }
        guard (1...16).contains(idxBits) else { throw ValidationError("--idx-bits must be in 1...16") }
        guard (2...24).contains(actWidth) else { throw ValidationError("--act-width must be in 2...24") }
        guard (1...16).contains(macs) else { throw ValidationError("--macs must be in 1...16") }
        guard (1...1_000_000).contains(vectors) else { throw ValidationError("--vectors must be in 1...1000000, got \(vectors)") }
        guard synth == "none" || ResourceReport.Target(rawValue: synth) != nil else {
            throw ValidationError("--synth must be xilinx, ecp5, ice40, gowin or none, got '\(synth)'")
        }
    }

    struct Row {
        var rate: Double
        var kind: String
        var layer: SparseLayer
        var storage: (weights: Int, index: Int, fillers: Int, extra: Int)
        var formulaOK: Bool
        var cycles: Int
        var area: String
        var cells: Int?
    }

    func run() throws {
        let seedValue = try parseSeed(seed)
        let path = weights ?? dataFile("digits_mlp.txt")
        let dense = try WeightFile.load(path).layer(layer, in: path)
        let quantizer = LevelQuantizer(levels: levels)
        let sim = try engine.make()
        func build(_ w: [[Double]], _ storage: SparseStorage) throws -> SparseLayer {
            var l = dense
            l.weights = w
            return try SparseLayer(name: l.name, quantized: try quantizer.quantize(l).layer, storage: storage, idxBits: idxBits,
                                   actWidth: actWidth, actFrac: 0, outWidth: 16, outFrac: 0, relu: false,
                                   macs: storage == .dense ? macs : 1)
        }
        func measure(_ rate: Double, _ kind: String, _ l: SparseLayer) throws -> Row {
            log("rate \(rate): \(kind) engine, \(vectors) vectors in \(sim.name)\(synth == "none" ? "" : ", yosys synth_\(synth)")")
            let ir = try Elaborator.elaborate(SparseFC(l))
            let s = l.stimulus(l.randomVectors(vectors, seed: seedValue), seed: seedValue, gaps: false)
            let r = try sim.run(Job(name: "compare-sparsity", ir: ir, ports: SparseLayer.ports, stimulus: s,
                                    expected: l.expected(s), options: RunOptions(recordCycles: true)))
            guard r.passed else { throw UserError("\(kind) engine at rate \(rate) failed against its model: \(r.summary)") }
            let cycles = r.cyclesPerGroup(of: l.rows)
            // Storage from the generated weight memory, split by field.
            let rom = StorageModel.memoryBits(ir, kind: "weights")!
            let words = l.storage == .sparse ? l.words.count : l.keptRowCount * l.denseRowWords
            let measured = rom.width * words
            let st: (Int, Int, Int, Int), formula: Int
            if l.storage == .sparse {
                st = (l.nonZeros * l.levelBits, l.nonZeros * idxBits, l.fillers * (l.levelBits + idxBits), l.sparseLengthBits)
                formula = StorageModel.sparse(l.indices, levelBits: l.levelBits, idxBits: idxBits)
            } else {
                // Padding (a row's last word when macs does not divide the
                // kept columns) counts as weight bits.
                st = (words * l.macs * l.levelBits, 0, 0, l.denseMaskBits)
                formula = StorageModel.structured(l.indices, levelBits: l.levelBits).weights + l.densePaddingBits
            }
            var area = "-", cells: Int? = nil
            if let t = ResourceReport.Target(rawValue: synth) {
                let c = try ResourceReport.synthesize(ir, target: t)
                area = c.byGroup.filter { $0.1 > 0 }.map { "\($0.1) \($0.0)" }.joined(separator: " ")
                cells = c.cells.values.reduce(0, +)
            }
            return Row(rate: rate, kind: kind, layer: l, storage: st, formulaOK: measured == formula && measured == st.0 + st.1 + st.2,
                       cycles: cycles, area: area, cells: cells)
        }
        var rows: [Row] = [try measure(0, "dense (unpruned)", try build(dense.weights, .dense))]
        for r in try rateList() {
            rows.append(try measure(r, "non-structured", try build(Pruning.nonStructured(dense.weights, rate: r), .sparse)))
            rows.append(try measure(r, "structured", try build(Pruning.structured(dense.weights, rate: r), .dense)))
        }
        let bw = LevelQuantizer.indexBits(levels)
        print("compare-sparsity: \(path) layer \(layer) (\(dense.rows)x\(dense.cols)), \(levels) levels (b_w \(bw)), b_idx \(idxBits), \(actWidth)-bit activations; sparse engine one MAC a cycle, dense and structured \(macs); \(vectors) vectors each in \(sim.name), 0 mismatches")
        var table = [["rate", "engine", "kept", "weight b", "index b", "filler b", "len/mask b", "total b", "= formula", "cycles/vec", "= model", "area (\(synth))", "cells"]]
        for r in rows {
            let l = r.layer
            let total = r.storage.weights + r.storage.index + r.storage.fillers + r.storage.extra
            table.append([String(format: "%.2f", r.rate), r.kind, "\(l.nonZeros)", "\(r.storage.weights)", "\(r.storage.index)", "\(r.storage.fillers)",
                          "\(r.storage.extra)", "\(total)", r.formulaOK ? "yes" : "NO", "\(r.cycles)", r.cycles == l.cycles ? "yes" : "NO (\(l.cycles))",
                          r.area, r.cells.map(String.init) ?? "-"])
        }
        printTable(table)

        // Break-even: the storage and cycle models over a fine sweep (the
        // rows above show the models equal the generated engines).
        let base = rows[0].layer
        var storageEven: Double?, cyclesEven: Double?
        var sweep: [(rate: Double, sparse: SparseLayer, structured: SparseLayer)] = []
        for k in 0...98 {
            let r = Double(k) / 100
            let s = try build(Pruning.nonStructured(dense.weights, rate: r), .sparse)
            let t = try build(Pruning.structured(dense.weights, rate: r), .dense)
            sweep.append((r, s, t))
            if storageEven == nil && s.sparseStreamBits + s.sparseLengthBits <= base.denseWeightBits + base.densePaddingBits + base.denseMaskBits { storageEven = r }
            if cyclesEven == nil && s.cycles <= base.cycles { cyclesEven = r }
        }
        func pct(_ r: Double?) -> String { r.map { String(format: "%.0f%%", 100 * $0) } ?? "none below 99%" }
        print("break-even against the unpruned dense engine (\(base.denseWeightBits + base.densePaddingBits + base.denseMaskBits) bits, \(base.cycles) cycles/vector at \(macs) MAC(s) a cycle):")
        print("  storage: the sparse stream is larger below \(pct(storageEven)) sparsity (model: density < b_w/(b_w+b_idx) = \(bw)/\(bw + idxBits), plus fillers and row lengths)")
        print("  cycles:  the sparse engine is slower below \(pct(cyclesEven)) sparsity (one stream word a cycle against \(macs) kept weight(s) a cycle; fillers and row ends cost cycles)")
        print("  against structured: non-structured stores less only when it keeps fewer than b_w/(b_w + b_idx) = \(bw)/\(bw + idxBits) of the weights structured pruning keeps (its pruning must beat structured by (b_w + b_idx)/b_w = \(String(format: "%.2f", Double(bw + idxBits) / Double(bw)))x in kept weights)")
        if let dir = svg {
            let xs = sweep.map { 100 * $0.rate }
            func series(_ name: String, _ ys: [Double], _ colour: String) -> LinePlot.Series {
                LinePlot.Series(name, Array(zip(xs, ys)), colour: colour)
            }
            let storage = LinePlot(title: "\(layer): weight storage against pruning rate", xLabel: "pruning rate (%)", yLabel: "bits", series: [
                series("non-structured (stream + row lengths)", sweep.map { Double($0.sparse.sparseStreamBits + $0.sparse.sparseLengthBits) }, "#c0504d"),
                series("structured (kept block + masks)", sweep.map { Double($0.structured.denseWeightBits + $0.structured.densePaddingBits + $0.structured.denseMaskBits) }, "#4a79a8"),
                series("dense", sweep.map { _ in Double(base.denseWeightBits + base.densePaddingBits + base.denseMaskBits) }, "#888888"),
            ])
            let cycles = LinePlot(title: "\(layer): cycles per vector against pruning rate", xLabel: "pruning rate (%)", yLabel: "cycles", series: [
                series("non-structured", sweep.map { Double($0.sparse.cycles) }, "#c0504d"),
                series("structured", sweep.map { Double($0.structured.cycles) }, "#4a79a8"),
                series("dense", sweep.map { _ in Double(base.cycles) }, "#888888"),
            ])
            if rows.contains(where: { !$0.formulaOK || $0.cycles != $0.layer.cycles }) { throw ExitCode(1) }
            var files = PendingFiles()
            files.add(storage.svg, to: "\(dir)/sparsity-storage.svg")
            files.add(cycles.svg, to: "\(dir)/sparsity-cycles.svg")
            try files.commit()
            print("wrote \(dir)/sparsity-storage.svg and \(dir)/sparsity-cycles.svg")
        }
        if rows.contains(where: { !$0.formulaOK || $0.cycles != $0.layer.cycles }) { throw ExitCode(1) }
    }
}
