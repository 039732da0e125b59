import Foundation
import FFT
import HDL

/// The trained block-circulant CNN (`Data/digits_circnn.json`, from
/// `Tools/train_circnn.py`): conv 3x3 1→8 (valid, 6x6 positions, im2col
/// patches times an 8 x 9 block-circulant matrix) + bias, ReLU; fc1
/// 288→64 + bias, ReLU (input order position·8 + channel); fc2 64→10 + bias.
public struct CircNNNet: Sendable {
    public struct Layer: Decodable, Sendable {
        public let name: String
        public let m: Int, n: Int, k: Int
        public let columns: [[[Double]]]
        public let bias: [Double]
    }
    struct File: Decodable {
        let layers: [Layer]
        let largest_activation: [Double]
        let test_images: [[Int]]
        let test_labels: [Int]
        let float_circulant_accuracy: Double
        let float_dense_accuracy: Double
        let dense_weights: Int
    }

    public let layers: [Layer]
    public let matrices: [CirculantMatrix]
    public let largestActivation: [Double]
    public let testImages: [[Int]]
    public let testLabels: [Int]
    /// Held-out accuracies the training script measured.
    public let trainedCirculantAccuracy: Double, denseAccuracy: Double

    /// The shape every file must have: (m, n) of conv, fc1, fc2.
    public static let shape = [(8, 9), (64, 288), (10, 64)]
    public static let positions = 36

    public static func load(_ path: String) throws -> CircNNNet {
        let data = try InputFiles.data(path, what: "circnn network")
        let f: File
        do { f = try JSONDecoder().decode(File.self, from: data) } catch {
            throw UserError("\(path) is not a circnn network file (see Tools/train_circnn.py): \(error)")
        }
        guard f.layers.count == 3, zip(f.layers, shape).allSatisfy({ $0.m == $1.0 && $0.n == $1.1 && $0.bias.count == $1.0 }) else {
            let got = f.layers.map { "\($0.name) \($0.m)x\($0.n) (bias \($0.bias.count))" }.joined(separator: ", ")
            throw UserError("\(path): the circnn layers must be conv 8x9, fc1 64x288, fc2 10x64 with a bias per row, got \(got)")
        }
        let matrices = try f.layers.map { try CirculantMatrix(m: $0.m, n: $0.n, k: $0.k, columns: $0.columns) }
        guard f.test_images.allSatisfy({ $0.count == 64 && $0.allSatisfy { (0...31).contains($0) } }), f.test_images.count == f.test_labels.count else {
            throw UserError("\(path): test images must be 64 pixels in 0...31 each, one label per image")
        }
        return CircNNNet(layers: f.layers, matrices: matrices, largestActivation: f.largest_activation, testImages: f.test_images,
                         testLabels: f.test_labels, trainedCirculantAccuracy: f.float_circulant_accuracy, denseAccuracy: f.float_dense_accuracy)
    }

    /// The 36 im2col patches of an image (any numbers), patch r·6 + c,
    /// element dr·3 + dc.
    public static func patches<T>(_ image: [T]) -> [[T]] {
        var out: [[T]] = []
        for r in 0..<6 {
            for c in 0..<6 { out.append((0..<9).map { (i: Int) -> T in image[(r + i / 3) * 8 + c + i % 3] }) }
        }
        return out
    }

    /// Float64 logits of an image (pixels 0...16).
    public func logits(_ pixels: [Int]) -> [Double] {
        let x = pixels.map { Double($0) / 16 }
        let fm = CircNNNet.patches(x).flatMap { p in
            zip(matrices[0].times(p), layers[0].bias).map { max(0, $0 + $1) }
        }
        let h = zip(matrices[1].times(fm), layers[1].bias).map { max(0, $0 + $1) }
        return zip(matrices[2].times(h), layers[2].bias).map { $0 + $1 }
    }

    /// Held-out accuracy of the float block-circulant net.
    public var floatAccuracy: Double {
        let right = zip(testImages, testLabels).filter { img, label in CircNNNet.argmax(logits(img)) == label }.count
        return Double(right) / Double(testLabels.count)
    }

    public static func argmax<T: Comparable>(_ v: [T]) -> Int { v.indices.max { v[$0] < v[$1] }! }
}
