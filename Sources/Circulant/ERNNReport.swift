import Foundation
import FFT
import Harness
import HDL

/// The ernn report: the PWL units' largest error against the exact
/// functions, held-out accuracy of the float cell (exact sigmoid/tanh) and
/// of the bit-exact model, storage and multiplies per step against dense
/// gate matrices, cycles per step and per image measured against the
/// formulas, and the E-RNN paper's configuration as figures (no run).
public struct ERNNReport: DesignReport {
    public let design: ERNNDesign
    public var title: String { "ernn" }

    /// The E-RNN / C-LSTM TIMIT LSTM: 153 inputs, 1024 hidden, a 512
    /// projection; gate matrix 4096 x (153 + 512), projection 512 x 1024.
    public static let paper = (inputs: 153, hidden: 1024, projection: 512)

    /// Storage, multiplies and cycles per step of the paper's LSTM built
    /// from this design's units (gate unit, then a projection unit, then
    /// the cell update one hidden unit a cycle), with block size k.
    public static func paperRows(k: Int, lanes: Int, width: Int, wWidth: Int) throws -> [ReportRow] {
        let (x, h, r) = paper
        func layer(_ m: Int, _ n: Int) throws -> (CirculantLayer, CirculantMV) {
            var c = CirculantConfig(m: m, n: n, k: k)
            c.lanes = min(lanes, c.q, k / 2)
            c.inWidth = width; c.inFrac = width - 2; c.outWidth = width; c.outFrac = width - 6; c.wWidth = wWidth
            let zero = Array(repeating: Array(repeating: Array(repeating: 0.0, count: k), count: c.q), count: c.p)
            let l = try CirculantLayer(c, matrix: try CirculantMatrix(m: m, n: n, k: k, columns: zero))
            return (l, CirculantMV(l))
        }
        let (g, gu) = try layer(4 * h, x + r), (p, pu) = try layer(r, h)
        func unitCycles(_ l: CirculantLayer, _ u: CirculantMV) -> Int {
            u.latency + (l.config.p - 1) * l.config.groups * l.config.q + l.config.half
        }
        let step = unitCycles(g, gu) + h + unitCycles(p, pu)
        let stored = g.weightWords + p.weightWords, dense = g.denseWords + p.denseWords
        let mults = gu.multipliesPerProduct + pu.multipliesPerProduct
        let denseMults = g.denseMultiplies + p.denseMultiplies
        return [
            ReportRow("E-RNN LSTM (153 in, 1024 hidden, 512 proj), k=\(k): weights", "\(stored) reals vs dense \(dense): \(CirculantReport.ratio(dense, stored)) smaller"),
            ReportRow("  multiplies per step", "\(mults) (FFTs included) vs dense \(denseMults): \(CirculantReport.ratio(denseMults, mults)) fewer"),
            ReportRow("  cycles per step, \(g.config.lanes) lane(s)", "\(step) (gate unit \(unitCycles(g, gu)), cell update \(h), projection \(unitCycles(p, pu)))"),
        ]
    }

    public func run(_ context: ReportContext) throws -> ReportSection {
        let d = design, m = d.model, net = d.net, H = net.hidden
        var rows: [ReportRow] = []
        rows.append(ReportRow("cell", "\(d.params.cell.rawValue.uppercased()), \(H) hidden, gate matrix \(4 * H)x\(8 + H) and classifier 10x\(H), block-circulant k=\(net.k); \(m.config.width)-bit fixed point, \(m.config.wWidth)-bit spectra"))
        // The GRU has no cell state: its tanh is the candidate's, and the
        // cell-state table is not built.
        let tables = d.params.cell == .lstm ? [("sigmoid (gates)", m.sigmoid), ("tanh (gates)", m.tanh), ("tanh (cell state)", m.tanhCell)]
            : [("sigmoid (gates)", m.sigmoid), ("tanh (candidate)", m.tanh)]
        for (name, p) in tables {
            rows.append(ReportRow("PWL \(name), \(p.segments) segments over ±\(p.range)", String(format: "max error %.5f", p.maxError)))
        }
        context.progress("accuracy: \(net.testImages.count) held-out sequences through the float cell and the bit-exact model")
        let float = net.floatAccuracy
        rows.append(ReportRow("float accuracy (exact sigmoid/tanh)", String(format: "%.4f (training script: %.4f)", float, net.trainedAccuracy),
                              bound: "= script", pass: abs(float - net.trainedAccuracy) < 1e-9))
        var right = 0, saturated = 0
        for (img, label) in zip(net.testImages, net.testLabels) {
            let y = try m.infer(img)
            right += CircNNNet.argmax(y.logits) == label ? 1 : 0
            saturated += y.saturated.contains(true) ? 1 : 0
        }
        let exact = Double(right) / Double(net.testLabels.count)
        rows.append(ReportRow("bit-exact model accuracy", String(format: "%.4f (%d/%d; %d sequences saturated somewhere)", exact, right, net.testLabels.count, saturated),
                              bound: "float ± 0.01", pass: abs(exact - float) <= 0.01))

        let g = m.gates, c = m.classifier, gu = d.accelerator.gateUnit
        rows.append(ReportRow("weights (reals)", "gates \(g.weightWords) vs dense \(g.denseWords) (\(CirculantReport.ratio(g.denseWords, g.weightWords))), classifier \(c.weightWords) vs \(c.denseWords)"))
        let perStep = gu.multipliesPerProduct
        rows.append(ReportRow("gate multiplies per step", "\(perStep) (FFTs included) vs dense \(g.denseMultiplies): \(CirculantReport.ratio(g.denseMultiplies, perStep)) fewer"))

        // Timing: images back to back.
        let n = 4, images = Array(net.testImages.prefix(n))
        let firsts = try DigitsImages.firstOutputs(d, images: images, stimulus: d.stimulus(images, seed: context.options.seed, gaps: false), context: context)
        let per = (firsts[n - 1] - firsts[1]) / (n - 2)
        let acc = d.accelerator
        rows.append(ReportRow("cycles per image (measured, back to back)", "\(per) (8 steps of \(acc.stepCycles): gate unit latency \(gu.latency), its outputs, \(H) cell updates)",
                              bound: "= \(acc.imageCycles)", pass: per == acc.imageCycles))
        rows.append(ReportRow("throughput at \(Int(context.options.clockMHz)) MHz", String(format: "%.0f sequences/s", context.options.clockMHz * 1e6 / Double(acc.imageCycles))))
        rows += try ERNNReport.paperRows(k: 8, lanes: d.params.lanes, width: m.config.width, wWidth: m.config.wWidth)
        rows += try ERNNReport.paperRows(k: 16, lanes: d.params.lanes, width: m.config.width, wWidth: m.config.wWidth)
        rows.append(ReportRow("E-RNN paper (quoted, not measured here)", "up to 37.4x energy efficiency vs ESE, > 2x vs C-LSTM (FPGA, TIMIT)"))
        let cycles = context.engine.name == "verilator" ? 1_000_000 : 50_000
        context.progress("simulation speed: \(cycles) cycles in the \(context.engine.name) engine")
        if let rate = try context.engine.cyclesPerSecond(context.ir, cycles: cycles) {
            rows.append(ReportRow("\(context.engine.name) cycles/s", String(format: "%.2f M", rate / 1e6)))
        }
        return ReportSection("\(context.top): E-RNN cell", rows: rows)
    }
}
