import Foundation
import Harness
import HDL

/// The vibnn report: the accelerator's shape, its throughput measured in
/// the context's engine (images back to back, results checked against the
/// model) beside the schedule and the VIBNN paper, and (net=digits) the
/// accuracy of the bit-exact model against the float Monte-Carlo network.
public struct VIBNNReport: DesignReport {
    public let design: VIBNNDesign
    public init(design: VIBNNDesign) { self.design = design }
    public var title: String { "vibnn" }

    /// The VIBNN paper's headline throughput (Cai et al., ASPLOS 2018 abstract).
    public static let paperImagesPerSecond = 321_543.4

    public func run(_ context: ReportContext) throws -> ReportSection {
        let c = design.config, o = context.options
        let images = max(4, o.transactions)
        var rows = [
            ReportRow("network", "\(c.sizes.map(String.init).joined(separator: "-")) MLP, eps from \(c.eps)"),
            ReportRow("PEs x MACs per PE", "\(c.pes) x \(c.macs)"),
            ReportRow("GRNG samples/cycle used", "\(c.samplers) (of \(c.epsLanes) generated)"),
            ReportRow("weights sampled per image", "\(c.weightsPerImage) (\(c.macSlotsPerImage) multiplier slots in \(c.stepsPerImage) steps)"),
            ReportRow("cycles/image (schedule)", "\(c.cyclesPerImage)"),
        ]
        context.progress("running \(images) images back to back in the \(context.engine.name) engine")
        let tx = try measure(images: images, engine: context.engine, ir: context.ir)
        // Steady state: skip the first two intervals (generator warm-up, first load).
        let steady = Double(tx[images - 1] - tx[2]) / Double(images - 3)
        // The schedule is the documented contract; a slower array is a bug.
        rows.append(ReportRow("cycles/image (\(context.engine.name))", String(format: "%.1f (images 3...\(images), back to back)", steady),
                              bound: "= \(c.cyclesPerImage)", pass: Int(steady.rounded()) == c.cyclesPerImage))
        rows.append(ReportRow("first result after reset", "\(tx[0]) cycles"))
        let perSecond = o.clockMHz * 1e6 / steady
        rows.append(ReportRow("images/s at \(String(format: "%g", o.clockMHz)) MHz", String(format: "%.1f (%@)", perSecond, o.clockSource)))
        // The paper's figure is for its MNIST network; a ratio only means something on that shape.
        let paper = VIBNNReport.paperImagesPerSecond
        rows.append(ReportRow("VIBNN paper, MNIST MLP", c.sizes == [784, 200, 200, 10]
            ? String(format: "%.1f images/s (%.2fx ours)", paper, paper / perSecond)
            : String(format: "%.1f images/s (784-200-200-10; not this network)", paper)))
        if design.net != nil {
            let n = o.mcSamples
            context.progress("accuracy: \(n) forward passes per held-out image, float and bit-exact")
            let a = try accuracy(samples: n, progress: context.progress)
            rows.append(ReportRow("accuracy float mean weights", String(format: "%.4f", a.meanWeights)))
            rows.append(ReportRow("accuracy float MC (\(n) samples)",
                                  String(format: "%.4f (mean of %d runs, sd %.4f)", a.float, a.floatRuns.count, a.floatSD)))
            rows.append(ReportRow("accuracy bit-exact (\(n) samples)",
                                  String(format: "%.4f (mean of %d runs: %@)", a.hardware, a.hardwareRuns.count,
                                         a.hardwareRuns.map { String(format: "%.4f", $0) }.joined(separator: ", "))))
            let gap = abs(a.hardware - a.float) * 100
            rows.append(ReportRow("bit-exact vs float MC (points)", String(format: "%.2f", gap), bound: "<= 1", pass: gap <= 1))
        }
        return ReportSection("\(context.top): VIBNN schedule, throughput, accuracy", rows: rows)
    }

    /// Runs `images` images offered back to back (each pixel held until
    /// taken, so the interval between results is the accelerator's own),
    /// checked against the model; the cycle of each result.
    public func measure(images: Int, engine: any Engine, ir: ModuleIR) throws -> [Int] {
        let d = design
        let stim = d.stimulus(images: d.images(seed: 1, count: images), seed: 1, denseCount: images)
        let r = try engine.run(Job(name: VIBNNDesign.name, ir: ir, ports: d.ports, stimulus: stim,
                                   expected: try d.expected(stim), options: RunOptions(recordCycles: true)))
        guard r.passed else { throw UserError("the \(engine.name) run disagrees with the model: \(r.summary)") }
        guard r.transactionCycles.count == images else {
            throw UserError("expected \(images) results from \(engine.name), got \(r.transactionCycles.count)")
        }
        return r.transactionCycles
    }

    /// Held-out accuracy of the float network (eps from a Gaussian source)
    /// and of the bit-exact model (eps from the hardware generators), each
    /// predicting by the mean softmax of `samples` forward passes per image.
    /// A Monte-Carlo accuracy varies from run to run by about half a point
    /// at 16 samples, so the float one is averaged over `floatRuns` runs and
    /// the bit-exact one over `hardwareRuns` (its eps stream continues).
    public struct Accuracy {
        public var meanWeights: Double
        public var floatRuns: [Double]
        public var hardwareRuns: [Double]
        public var float: Double { floatRuns.reduce(0, +) / Double(floatRuns.count) }
        public var hardware: Double { hardwareRuns.reduce(0, +) / Double(hardwareRuns.count) }
        public var floatSD: Double {
            let m = float
            return (floatRuns.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(max(1, floatRuns.count - 1))).squareRoot()
        }
    }

    public func accuracy(samples: Int, floatRuns: Int = 8, hardwareRuns: Int = 2, progress: (String) -> Void = { _ in }) throws -> Accuracy {
        guard let net = design.net else { throw UserError("accuracy needs trained weights: --param net=digits") }
        var rng = SplitMix64(seed: 2018)
        func normal() -> Double { rng.normal() }
        func softmax(_ z: [Double]) -> [Double] {
            let m = z.max()!
            let e = z.map { exp($0 - m) }
            let s = e.reduce(0, +)
            return e.map { $0 / s }
        }
        func argmax(_ v: [Double]) -> Int { v.indices.max { v[$0] < v[$1] }! }
        /// Accuracy of predicting by the mean softmax of `samples` passes.
        func run(_ logits: ([Int]) -> [Double]) -> Double {
            var right = 0
            for (pixels, label) in zip(net.test_images, net.test_labels) {
                var p = [Double](repeating: 0, count: net.sizes.last!)
                for _ in 0..<samples { p = zip(p, softmax(logits(pixels))).map(+) }
                if argmax(p) == label { right += 1 }
            }
            return Double(right) / Double(net.test_labels.count)
        }
        let mean = Double(zip(net.test_images, net.test_labels).filter { argmax(net.logits($0)) == $1 }.count)
            / Double(net.test_labels.count)
        let floats = (0..<floatRuns).map { _ in
            Double(zip(net.test_images, net.test_labels).filter { pixels, label in
                let p = net.sampledLogits(pixels, samples: samples, normal: normal).map(softmax)
                    .reduce([Double](repeating: 0, count: net.sizes.last!)) { zip($0, $1).map(+) }
                return argmax(p) == label
            }.count) / Double(net.test_labels.count)
        }
        var model = try VIBNNModel(design.config, design.weights)
        let scale = Double(1 << VIBNNConfig.logitFraction)
        var hws: [Double] = []
        for r in 0..<hardwareRuns {
            progress("bit-exact model, run \(r + 1) of \(hardwareRuns)")
            hws.append(run { model.infer(design.activations($0)).map { Double($0) / scale } })
        }
        return Accuracy(meanWeights: mean, floatRuns: floats, hardwareRuns: hws)
    }
}
