import Foundation
import FFT
import Harness
import HDL

/// The circnn report: held-out accuracy of the float block-circulant net,
/// the dense float net of the same shape and the bit-exact model; storage
/// and multiplies against the dense network; cycles per image measured
/// against the conv unit's formula (the bottleneck).
public struct CircNNReport: DesignReport {
    public let design: CircNNDesign
    public var title: String { "circnn" }

    /// Cycles per image when images keep coming: the slowest stage — the
    /// conv unit's 36 products at its cycles per product, fc1 or fc2 at
    /// theirs, or the image load (64 pixels and a restart).
    public static func cyclesPerImage(_ layers: [CirculantLayer]) -> Double {
        let units = layers.map(CirculantMV.init)
        return max(65, Double(CircNNNet.positions) * units[0].cyclesPerProduct, units[1].cyclesPerProduct, units[2].cyclesPerProduct)
    }

    public func run(_ context: ReportContext) throws -> ReportSection {
        let d = design, net = d.net
        var rows: [ReportRow] = []
        let formats = d.config.fractions(net)
        rows.append(ReportRow("network", "conv 3x3x8 (k=8, 36 im2col products) → fc1 288→64 (k=16) → fc2 64→10 (k=8); \(d.config.width)-bit activations, fractions \(formats.map(String.init).joined(separator: "/")), \(d.config.wWidth)-bit spectra"))

        // Accuracy on the held-out images.
        context.progress("accuracy: \(net.testImages.count) held-out images through the float net and the bit-exact model")
        let float = net.floatAccuracy
        rows.append(ReportRow("float block-circulant accuracy", String(format: "%.4f (training script: %.4f)", float, net.trainedCirculantAccuracy),
                              bound: "= script", pass: abs(float - net.trainedCirculantAccuracy) < 1e-9))
        rows.append(ReportRow("float dense accuracy (same shape)", String(format: "%.4f", net.denseAccuracy)))
        let model = CircNNModel(d.layers)
        var right = 0, agree = 0, saturated = 0
        for (img, label) in zip(net.testImages, net.testLabels) {
            let y = try model.infer(img)
            let guess = CircNNNet.argmax(y.logits)
            right += guess == label ? 1 : 0
            agree += guess == CircNNNet.argmax(net.logits(img)) ? 1 : 0
            saturated += y.saturated.contains(true) ? 1 : 0
        }
        let exact = Double(right) / Double(net.testLabels.count)
        rows.append(ReportRow("bit-exact model accuracy", String(format: "%.4f (%d/%d; same class as float on %d; %d images saturated)", exact, right, net.testLabels.count, agree, saturated),
                              bound: "float ± 0.01", pass: abs(exact - float) <= 0.01))

        // Storage and multiplies against the dense network.
        let L = d.layers
        let weights = L.reduce(0) { $0 + $1.weightWords }, dense = L.reduce(0) { $0 + $1.denseWords }
        rows.append(ReportRow("weights (reals)", "\(weights) vs dense \(dense): \(CirculantReport.ratio(dense, weights)) smaller (conv \(L[0].weightWords) vs \(L[0].denseWords), fc1 \(L[1].weightWords) vs \(L[1].denseWords), fc2 \(L[2].weightWords) vs \(L[2].denseWords))"))
        let units = L.map(CirculantMV.init)
        let counts = [CircNNNet.positions, 1, 1]
        let perImage = (0..<3).reduce(0) { $0 + counts[$1] * units[$1].multipliesPerProduct }
        let densePerImage = (0..<3).reduce(0) { $0 + counts[$1] * L[$1].denseMultiplies }
        rows.append(ReportRow("multiplies per image", "\(perImage) (FFTs included) vs dense \(densePerImage): \(CirculantReport.ratio(densePerImage, perImage)) fewer"))

        // Timing: images back to back in the engine.
        let n = 9, images = Array(net.testImages.prefix(n))
        let firsts = try DigitsImages.firstOutputs(d, images: images, stimulus: d.stimulus(images, seed: context.options.seed, gaps: false), context: context)
        let per = Double(firsts[n - 1] - firsts[n - 5]) / 4
        let formula = CircNNReport.cyclesPerImage(L)
        rows.append(ReportRow("latency (measured)", "\(firsts[0]) cycles from the first pixel offered to the first logits"))
        rows.append(ReportRow("cycles per image (measured, back to back)", String(format: "%g (stages: conv 36 x %g, fc1 %g, fc2 %g)", per,
                                                                                  units[0].cyclesPerProduct, units[1].cyclesPerProduct, units[2].cyclesPerProduct),
                              bound: String(format: "= %g", formula), pass: per == formula))
        let mhz = context.options.clockMHz
        rows.append(ReportRow("throughput at \(Int(mhz)) MHz", String(format: "%.0f images/s", mhz * 1e6 / formula)))
        let cycles = context.engine.name == "verilator" ? 1_000_000 : 50_000
        context.progress("simulation speed: \(cycles) cycles in the \(context.engine.name) engine")
        if let rate = try context.engine.cyclesPerSecond(context.ir, cycles: cycles) {
            rows.append(ReportRow("\(context.engine.name) cycles/s", String(format: "%.2f M", rate / 1e6)))
        }
        return ReportSection("\(context.top): CirCNN digits network", rows: rows)
    }
}
