import Foundation
import HDL
import NN
import Random
import Verification

/// `hwgen report --design vibnn`: the accelerator's size, its throughput
/// measured in Verilator, and (net=digits) the accuracy of the bit-exact
/// model against the float Monte-Carlo network.
public struct VIBNNReport {
    public let design: VIBNNDesign
    /// The VIBNN paper's headline throughput (Cai et al., ASPLOS 2018 abstract).
    public static let paperImagesPerSecond = 321_543.4

    public init(params: [String]) throws {
        guard let d = try Registry.find("vibnn").instantiate(params) as? VIBNNDesign else {
            throw ParamError("design 'vibnn' did not build")
        }
        design = d
    }

    /// Memory bits by kind across the hierarchy (by memory name).
    public static func memoryBits(_ ir: ModuleIR) -> [String: Int] {
        var out: [String: Int] = [:]
        // Banks of one kind share a stem: images0, images1, ... count as images.
        for m in ir.memories { out[String(m.name.prefix { !$0.isNumber }), default: 0] += m.width * m.depth }
        for inst in ir.instances {
            for (k, v) in memoryBits(inst.module) { out[k, default: 0] += v }
        }
        return out
    }

    /// Images offered back to back (each pixel held until taken), so the
    /// interval between results is the accelerator's own.
    struct BackToBack: Verifiable {
        let d: VIBNNDesign
        let count: Int
        var top: any Block { d.top }
        var validPort: String? { d.validPort }
        var inputStream: (valid: String, ready: String)? { d.inputStream }
        var dataPorts: [String] { d.dataPorts }
        var latency: Int { d.latency }
        func stimulus(seed: UInt64, vectors: Int) -> Stimulus {
            d.stimulus(images: d.images(seed: seed, count: count), seed: seed, denseCount: count)
        }
        func expected(_ s: Stimulus) -> [Transaction] { d.expected(s) }
    }

    /// Runs `images` images back to back in Verilator (checked against the
    /// model) and returns the cycle of each result.
    public func measure(images: Int, log: @escaping (String) -> Void) throws -> [Int] {
        setenv("HWGEN_TX_CYCLES", "1", 1)
        defer { unsetenv("HWGEN_TX_CYCLES") }
        let r = try VerilatorRunner(log: log).verify(name: "vibnn", BackToBack(d: design, count: images), seed: 1, vectors: 0)
        guard r.passed else { throw ToolError("the Verilator run disagrees with the model: \(r.summary)") }
        return r.output.split(separator: "\n").compactMap { line in
            line.hasPrefix("TX cycle=") ? Int(line.dropFirst(9)) : nil
        }
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
        guard let net = design.net else { throw ParamError("accuracy needs trained weights: --param net=digits") }
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
        let floats = (0..<floatRuns).map { _ in run { net.logits($0, normal: normal) } }
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
