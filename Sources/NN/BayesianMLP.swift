import Foundation

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
    }
    public let sizes: [Int]
    public let input_scale: Double
    public let layers: [Layer]
    public let test_images: [[Int]]
    public let test_labels: [Int]
    public let float_mc_accuracy_16_samples: Double
    public let float_mean_weights_accuracy: Double

    public static func load(_ path: String) throws -> BayesianMLP {
        try JSONDecoder().decode(BayesianMLP.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
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

    /// Held-out accuracy with the mean weights.
    public var meanWeightsAccuracy: Double {
        let right = zip(test_images, test_labels).filter { img, label in
            let l = logits(img)
            return l.indices.max { l[$0] < l[$1] } == label
        }.count
        return Double(right) / Double(test_labels.count)
    }
}
