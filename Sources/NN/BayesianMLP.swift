import Foundation
import HDL

/// A trained Bayesian MLP in floating point (`Data/digits_bnn.json`, from
/// `Tools/train_digits_bnn.py`): per weight a mean and a standard
/// deviation, ReLU between layers. The float reference the VIBNN hardware
/// model is compared with.
public struct BayesianMLP: Decodable, Sendable {
    public struct Layer: Decodable, Sendable {
        public let w_mu: [[Double]]       // [out][in]
        public let w_sigma: [[Double]]
        public let b_mu: [Double]
        public let b_sigma: [Double]
        public init(w_mu: [[Double]], w_sigma: [[Double]], b_mu: [Double], b_sigma: [Double]) {
            (self.w_mu, self.w_sigma, self.b_mu, self.b_sigma) = (w_mu, w_sigma, b_mu, b_sigma)
        }
    }
    public let sizes: [Int]
    public let input_scale: Double
    public let layers: [Layer]
    public let test_images: [[Int]]
    public let test_labels: [Int]
    public let float_mc_accuracy_16_samples: Double
    public let float_mean_weights_accuracy: Double

    public init(sizes: [Int], input_scale: Double, layers: [Layer], test_images: [[Int]], test_labels: [Int],
                float_mc_accuracy_16_samples: Double, float_mean_weights_accuracy: Double) {
        (self.sizes, self.input_scale, self.layers, self.test_images, self.test_labels) = (sizes, input_scale, layers, test_images, test_labels)
        self.float_mc_accuracy_16_samples = float_mc_accuracy_16_samples
        self.float_mean_weights_accuracy = float_mean_weights_accuracy
    }

    public static func load(_ path: String) throws -> BayesianMLP {
        try JSONDecoder().decode(BayesianMLP.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The packed form of `Tools/train_mnist_bnn.py`: a line "hwgen-bnn 1",
    /// a line of JSON, then little-endian float16 w_mu, w_sigma, b_mu,
    /// b_sigma of each layer, the held-out images (a byte a pixel) and their
    /// labels (a byte each).
    public static func loadPacked(_ path: String) throws -> BayesianMLP {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        func fail(_ why: String) -> Error { UserError("\(path): not a packed hwgen network: \(why)") }
        guard let nl1 = bytes.firstIndex(of: 10), String(decoding: bytes[..<nl1], as: UTF8.self) == "hwgen-bnn 1",
              let nl2 = bytes[(nl1 + 1)...].firstIndex(of: 10) else { throw fail("no 'hwgen-bnn 1' header") }
        struct Header: Decodable {
            let sizes: [Int]; let input_scale: Double; let test_count: Int
            let float_mc_accuracy_16_samples: Double; let float_mean_weights_accuracy: Double
        }
        let h = try JSONDecoder().decode(Header.self, from: Data(bytes[(nl1 + 1)..<nl2]))
        guard h.sizes.count >= 2, h.sizes.allSatisfy({ (1...4096).contains($0) }), (1...100_000).contains(h.test_count) else {
            throw fail("sizes \(h.sizes) or test count \(h.test_count) out of range")
        }
        let params = zip(h.sizes, h.sizes.dropFirst()).reduce(0) { $0 + 2 * ($1.0 + 1) * $1.1 }
        let expected = nl2 + 1 + 2 * params + h.test_count * (h.sizes[0] + 1)
        guard bytes.count == expected else { throw fail("\(bytes.count) bytes, the header implies \(expected)") }
        var at = nl2 + 1
        func halves(_ n: Int) -> [Double] {
            defer { at += 2 * n }
            return (0..<n).map { Double(Float16(bitPattern: UInt16(bytes[at + 2 * $0]) | UInt16(bytes[at + 2 * $0 + 1]) << 8)) }
        }
        func rows(_ flat: [Double], _ width: Int) -> [[Double]] {
            stride(from: 0, to: flat.count, by: width).map { Array(flat[$0..<($0 + width)]) }
        }
        var layers: [Layer] = []
        for (fanIn, fanOut) in zip(h.sizes, h.sizes.dropFirst()) {
            let wm = rows(halves(fanIn * fanOut), fanIn), ws = rows(halves(fanIn * fanOut), fanIn)
            layers.append(Layer(w_mu: wm, w_sigma: ws, b_mu: halves(fanOut), b_sigma: halves(fanOut)))
        }
        let n = h.sizes[0]
        let images = (0..<h.test_count).map { i in bytes[(at + i * n)..<(at + (i + 1) * n)].map(Int.init) }
        at += h.test_count * n
        let labels = bytes[at..<(at + h.test_count)].map(Int.init)
        return BayesianMLP(sizes: h.sizes, input_scale: h.input_scale, layers: layers, test_images: images, test_labels: labels,
                           float_mc_accuracy_16_samples: h.float_mc_accuracy_16_samples,
                           float_mean_weights_accuracy: h.float_mean_weights_accuracy)
    }

    /// Logits of one image with weights w = mu + sigma·eps, eps from `normal`
    /// (nil: the means).
    public func logits(_ pixels: [Int], normal: (() -> Double)? = nil) -> [Double] {
        var a = pixels.map { Double($0) * input_scale }
        for (i, l) in layers.enumerated() {
            var z = [Double](repeating: 0, count: l.b_mu.count)
            for o in z.indices {
                var s = l.b_mu[o] + (normal.map { l.b_sigma[o] * $0() } ?? 0)
                for k in a.indices { s += (l.w_mu[o][k] + (normal.map { l.w_sigma[o][k] * $0() } ?? 0)) * a[k] }
                z[o] = i < layers.count - 1 ? max(0, s) : s
            }
            a = z
        }
        return a
    }

    /// `samples` forward passes of one image, each with freshly sampled
    /// weights, drawn by local reparameterisation: with independent
    /// Gaussian weights a neuron's pre-activation Σ w·a is exactly
    /// N(Σ mu·a, Σ sigma²·a²) given its inputs, and different neurons'
    /// are independent, so drawing it directly gives passes with the same
    /// distribution as drawing every weight, at one normal a neuron instead
    /// of one a weight. The first layer's moments are the same every pass.
    public func sampledLogits(_ pixels: [Int], samples: Int, normal: () -> Double) -> [[Double]] {
        let input = pixels.map { Double($0) * input_scale }
        func moments(_ l: Layer, _ a: [Double]) -> (mean: [Double], sd: [Double]) {
            let squares = a.map { $0 * $0 }
            var mean = [Double](repeating: 0, count: l.b_mu.count), sd = mean
            for o in mean.indices {
                var m = l.b_mu[o], v = l.b_sigma[o] * l.b_sigma[o]
                l.w_mu[o].withUnsafeBufferPointer { wm in
                    l.w_sigma[o].withUnsafeBufferPointer { ws in
                        for k in 0..<a.count {
                            m += wm[k] * a[k]
                            v += ws[k] * ws[k] * squares[k]
                        }
                    }
                }
                (mean[o], sd[o]) = (m, v.squareRoot())
            }
            return (mean, sd)
        }
        let first = moments(layers[0], input)
        return (0..<samples).map { _ in
            var (mean, sd) = first
            for i in layers.indices {
                if i > 0 { (mean, sd) = moments(layers[i], mean) }
                mean = zip(mean, sd).map { $0 + $1 * normal() }
                if i < layers.count - 1 { mean = mean.map { max(0, $0) } }
            }
            return mean
        }
    }

    /// Held-out accuracy with the mean weights.
    public var meanWeightsAccuracy: Double {
        let right = zip(test_images, test_labels).filter { img, label in
            let l = logits(img)
            return l.indices.max { l[$0] < l[$1] } == label
        }.count
        return Double(right) / Double(test_labels.count)
    }
}
