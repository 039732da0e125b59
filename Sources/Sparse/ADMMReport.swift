import Foundation
import Harness
import HDL

/// The admm report: the stored image against the storage model, cycles per
/// vector measured against the controller's formula, and for the digits
/// MLP the held-out accuracy from float dense to the bit-exact model.
public struct ADMMReport: DesignReport {
    public let design: ADMMDesign
    public var title: String { "admm" }

    public func run(_ context: ReportContext) throws -> ReportSection {
        let l = design.layer
        var rows: [ReportRow] = []
        let nnz = StorageModel.nonZeros(l.indices), total = l.rows * l.cols
        rows.append(ReportRow("layer", String(format: "%@ %dx%d, %d of %d weights kept (%.1fx pruned), %d levels%@ in %d bits, q = %.6g",
                                              l.name, l.rows, l.cols, nnz, total, Double(total) / Double(max(1, nnz)), l.levels,
                                              l.pow2 ? " (powers of two)" : "", l.levelBits, l.q)))
        rows.append(ReportRow("requantisation", l.mult == 1 ? "a shift by \(l.shift)" : "x \(l.mult) >> \(l.shift)"))

        // Storage: the generated weight memory against the formula.
        let stored = StorageModel.memoryBits(context.ir, kind: "weights")
        let storedWords = l.storage == .sparse ? l.words.count : l.keptRowCount * l.denseRowWords
        let measured = (stored?.width ?? 0) * storedWords
        let formula: Int, what: String
        if l.storage == .sparse {
            formula = StorageModel.sparse(l.indices, levelBits: l.levelBits, idxBits: l.idxBits)
            what = "(nnz \(nnz) + fillers \(StorageModel.fillers(l.indices, idxBits: l.idxBits))) x (b_w \(l.levelBits) + b_idx \(l.idxBits))"
        } else {
            formula = StorageModel.structured(l.indices, levelBits: l.levelBits).weights + l.densePaddingBits
            what = "kept \(l.keptRowCount) x \(l.keptColCount) x b_w \(l.levelBits)" + (l.densePaddingBits > 0 ? " + \(l.densePaddingBits) padding (\(l.macs) a word)" : "")
        }
        rows.append(ReportRow("weight memory bits (generated ROM)", "\(measured) = \(what); dense would be \(StorageModel.dense(l.indices, levelBits: l.levelBits))",
                              bound: "= \(formula)", pass: measured == formula))
        rows.append(ReportRow(l.storage == .sparse ? "row-length bits" : "row and column mask bits",
                              l.storage == .sparse ? "\(l.sparseLengthBits) (\(l.rows) x \(l.lengthBits))" : "\(l.denseMaskBits)"))

        // Cycles: vectors back to back.
        let vs = design.vectors(seed: context.options.seed, count: 4)
        var s = Stimulus(ports: ["in_valid", "in_x"])
        for v in vs { for x in v { s.add(["in_valid": 1, "in_x": BigValue(x).modPow2(l.actWidth)]) } }
        for _ in 0..<(l.cycles + 8) { s.add([:]) }
        context.progress("cycles: \(vs.count) vectors back to back in the \(context.engine.name) engine")
        let run = try context.engine.run(Job(name: ADMMDesign.name, ir: context.ir, ports: design.ports, stimulus: s,
                                             expected: try design.expected(s), options: RunOptions(recordCycles: true)))
        guard run.passed else { throw UserError("the back-to-back run failed: \(run.summary)") }
        let per = run.cyclesPerGroup(of: l.rows)
        rows.append(ReportRow("cycles per vector (measured, back to back)", "\(per) = load \(l.cols) + words \(storedWords) + rows \(l.rows)",
                              bound: "= \(l.cycles)", pass: per == l.cycles))
        rows.append(ReportRow("MAC utilisation", String(format: "%.1f%% of the compute cycles' %d MAC slot(s) do a useful MAC", 100 * Double(nnz) / Double(max(1, (l.cycles - l.cols) * l.macs)), l.macs)))

        if design.params.net == .digits, design.params.layer == "fc1", !design.images.isEmpty {
            rows += try accuracy(context)
        }
        return ReportSection("\(context.top): ADMM-NN level-quantized layer", rows: rows)
    }

    /// Held-out accuracy: float dense → ADMM-pruned → level-quantized
    /// (float arithmetic) → bit-exact (both layers through the engine's
    /// model, fc2 at the same levels and formats).
    func accuracy(_ context: ReportContext) throws -> [ReportRow] {
        let p = design.params
        let path = p.weights.isEmpty ? ADMMDesign.defaultPath : p.weights
        let file = try WeightFile.load(path)
        guard let fc2 = file.layers.first(where: { $0.name == "fc2" }) else { return [] }
        context.progress("accuracy: \(file.images.count) held-out images")
        let quantizer = LevelQuantizer(levels: p.levels, pow2: p.pow2, pow2Scale: p.pow2Scale)
        func floatNet(_ a: WeightLayer, _ b: WeightLayer) -> Double {
            var right = 0
            for (img, label) in zip(file.images, file.labels) {
                let x = img.map { Double($0) / 16 }
                let h = a.weights.enumerated().map { r, w in max(0, zip(w, x).reduce(a.bias?[r] ?? 0) { $0 + $1.0 * $1.1 }) }
                let z = b.weights.enumerated().map { r, w in zip(w, h).reduce(b.bias?[r] ?? 0) { $0 + $1.0 * $1.1 } }
                right += argmax(z) == label ? 1 : 0
            }
            return Double(right) / Double(file.labels.count)
        }
        var rows: [ReportRow] = []
        let fc1 = try file.layer("fc1", in: path)
        if let d1 = file.layers.first(where: { $0.name == "fc1_dense" }), let d2 = file.layers.first(where: { $0.name == "fc2_dense" }) {
            rows.append(ReportRow("accuracy, float dense", String(format: "%.4f", floatNet(d1, d2))))
        }
        let pruned = floatNet(fc1, fc2)
        rows.append(ReportRow("accuracy, float pruned", String(format: "%.4f", pruned)))
        let q1 = try LayerSource.load(path, layer: "fc1", quantizer: quantizer), q2 = try LayerSource.load(path, layer: "fc2", quantizer: quantizer)
        let quant = floatNet(q1, q2)
        rows.append(ReportRow("accuracy, float quantized (\(p.levels) levels)", String(format: "%.4f", quant)))
        let hw2 = try SparseLayer(name: "fc2", quantized: q2, storage: p.storage, idxBits: p.idxBits, actWidth: p.outWidth,
                                  actFrac: p.outFrac, outWidth: 16, outFrac: 8, relu: false)
        var right = 0
        for (img, label) in zip(file.images, file.labels) {
            right += argmax(hw2.infer(design.layer.infer(img)).map(Double.init)) == label ? 1 : 0
        }
        let exact = Double(right) / Double(file.labels.count)
        rows.append(ReportRow("accuracy, bit-exact hardware model (fc1 here, fc2 on the same engine)", String(format: "%.4f", exact),
                              bound: "quantized ± 0.03", pass: abs(exact - quant) <= 0.03))
        return rows
    }
}

func argmax(_ z: [Double]) -> Int { z.indices.max { z[$0] < z[$1] || (z[$0] == z[$1] && $0 > $1) } ?? 0 }
