import Foundation
import HDL

/// The trained block-circulant LSTM and GRU (`Data/digits_ernn.json`, from
/// `Tools/train_ernn.py`): the 8x8 digits read row by row (8 steps of 8
/// pixels), H hidden units, one gate matrix 4H x (8 + H) over [x_t; h_t-1]
/// with rows gate-major (LSTM i, f, g, o; GRU z, r, n_x, n_h), then a
/// classifier 10 x H on the last h; all block-circulant with k = 8.
public struct ERNNNet: Sendable {
    public enum Cell: String, CaseIterable, Sendable, Hashable { case lstm, gru }
    struct Matrix: Decodable { let columns: [[[Double]]]; let bias: [Double] }
    struct Trained: Decodable {
        let gates: Matrix
        let classifier: Matrix
        let float_accuracy: Double
        let largest_preactivation: Double
    }
    struct File: Decodable {
        let hidden: Int, inputs: Int, k: Int, steps: Int
        let lstm: Trained, gru: Trained
        let test_images: [[Int]]
        let test_labels: [Int]
    }

    public let cell: Cell
    public let hidden: Int, inputs: Int, k: Int, steps: Int
    public let gates: CirculantMatrix, gateBias: [Double]
    public let classifier: CirculantMatrix, classifierBias: [Double]
    public let trainedAccuracy: Double
    public let testImages: [[Int]]
    public let testLabels: [Int]

    public static func load(_ path: String, cell: Cell) throws -> ERNNNet {
        let data = try InputFiles.data(path, what: "ernn network")
        let f: File
        do { f = try JSONDecoder().decode(File.self, from: data) } catch {
            throw UserError("\(path) is not an ernn network file (see Tools/train_ernn.py): \(error)")
        }
        guard f.inputs == 8, f.steps == 8, f.hidden >= 2, f.hidden % 2 == 0, f.k == 8 || f.k == 4, f.hidden % f.k == 0 else {
            throw UserError("\(path): ernn needs 8 inputs x 8 steps, an even hidden size that k (4 or 8) divides; got inputs \(f.inputs), steps \(f.steps), hidden \(f.hidden), k \(f.k)")
        }
        let t = cell == .lstm ? f.lstm : f.gru
        let gates = try CirculantMatrix(m: 4 * f.hidden, n: f.inputs + f.hidden, k: f.k, columns: t.gates.columns)
        let classifier = try CirculantMatrix(m: 10, n: f.hidden, k: f.k, columns: t.classifier.columns)
        guard t.gates.bias.count == 4 * f.hidden, t.classifier.bias.count == 10 else {
            throw UserError("\(path): the biases must have \(4 * f.hidden) and 10 values")
        }
        return ERNNNet(cell: cell, hidden: f.hidden, inputs: f.inputs, k: f.k, steps: f.steps, gates: gates, gateBias: t.gates.bias,
                       classifier: classifier, classifierBias: t.classifier.bias, trainedAccuracy: t.float_accuracy,
                       testImages: f.test_images, testLabels: f.test_labels)
    }

    static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    /// Float64 logits of an image (pixels 0...16), exact sigmoid and tanh.
    public func logits(_ pixels: [Int]) -> [Double] {
        let H = hidden
        var h = [Double](repeating: 0, count: H), c = h
        for t in 0..<steps {
            let v = pixels[(t * 8)..<(t * 8 + 8)].map { Double($0) / 16 } + h
            let a = zip(gates.times(v), gateBias).map { $0 + $1 }
            for j in 0..<H {
                switch cell {
                case .lstm:
                    let i = ERNNNet.sigmoid(a[j]), f = ERNNNet.sigmoid(a[H + j]), g = Foundation.tanh(a[2 * H + j]), o = ERNNNet.sigmoid(a[3 * H + j])
                    c[j] = f * c[j] + i * g
                    h[j] = o * Foundation.tanh(c[j])
                case .gru:
                    let z = ERNNNet.sigmoid(a[j]), r = ERNNNet.sigmoid(a[H + j])
                    let n = Foundation.tanh(a[2 * H + j] + r * a[3 * H + j])
                    h[j] = n + z * (h[j] - n)
                }
            }
        }
        return zip(classifier.times(h), classifierBias).map { $0 + $1 }
    }

    public var floatAccuracy: Double {
        let right = zip(testImages, testLabels).filter { CircNNNet.argmax(logits($0)) == $1 }.count
        return Double(right) / Double(testLabels.count)
    }
}
