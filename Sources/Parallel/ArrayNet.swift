import Foundation
import Harness
import HDL
import Sparse

/// An integer MLP for the tile array: 8-bit symmetric weights per layer,
/// integer biases at the accumulator's scale, and per layer a
/// requantisation to the next layer's activation format (ReLU between
/// layers; the last layer's logits wider, no ReLU).
public struct ArrayNet: Sendable {
    public struct Layer: Sendable {
        public var name: String
        public var weights: [[Int]]     // [C_out][C_in]
        public var bias: [Int]
        public var requant: Requant
        public var cin: Int { weights.first?.count ?? 0 }
        public var cout: Int { weights.count }
    }
    public var layers: [Layer]
    public static let weightBits = 8

    /// Quantizes float layers: w_q = round(w / s_w), s_w = max|w| / 127;
    /// activations of layer l in `formats[l]` (width, fraction bits).
    public init(float: [WeightLayer], formats: [(width: Int, frac: Int)]) throws {
        precondition(formats.count == float.count + 1)
        var out: [Layer] = []
        for (l, f) in float.enumerated() {
            let maxW = f.weights.joined().map(abs).max() ?? 0
            let sw = maxW > 0 ? maxW / 127 : 1
            let sa = pow(2, -Double(formats[l].frac)), so = pow(2, -Double(formats[l + 1].frac))
            let w = f.weights.map { $0.map { Int(($0 / sw).rounded()) } }
            let b = (f.bias ?? Array(repeating: 0, count: f.rows)).map { Int(($0 / (sw * sa)).rounded()) }
            let last = l == float.count - 1
            let rq = try Requant(scale: sw * sa / so, width: formats[l + 1].width, relu: !last, what: "layer \(f.name)")
            out.append(Layer(name: f.name, weights: w, bias: b, requant: rq))
        }
        layers = out
    }

    public var sizes: [Int] { [layers[0].cin] + layers.map(\.cout) }

    /// The model: one image through every layer, exact integer sums.
    public func infer(_ x: [Int]) -> [Int] {
        var a = x
        for l in layers {
            a = (0..<l.cout).map { o in l.requant.apply(zip(l.weights[o], a).reduce(l.bias[o]) { $0 + $1.0 * $1.1 }) }
        }
        return a
    }

    /// Accumulator bits for layer l: the largest |bias| + sum |w·a| over
    /// activations of `actWidth` bits, with a sign.
    public func accWidth(_ l: Int, actWidth: Int) -> Int {
        let layer = layers[l], amax = 1 << (actWidth - 1)
        let bound = (0..<layer.cout).map { o in abs(layer.bias[o]) + layer.weights[o].reduce(0) { $0 + abs($1) * amax } }.max() ?? 0
        return bitsFor(bound) + 1
    }
}

/// Which tiles hold what, per layer, for a plan over 2^H tiles. Level h
/// of the tree splits on tile bit H-1-h (level 0 the root); a batch is B
/// = 2^H images, image bit H-1-h going with level h. A dp level splits
/// the batch: tile t holds the images whose bits at its dp levels equal
/// its own. An mp level splits the input channels: the tile's slice is
/// the number its mp-level bits spell, slices of ceil(C_in / 2^m).
public struct ArrayPlan: Sendable, Equatable {
    public let levels: Int
    /// choices[l][h].
    public let choices: [[Parallelism]]

    public init(levels: Int, choices: [[Parallelism]]) {
        self.levels = levels
        self.choices = choices
    }

    public var tiles: Int { 1 << levels }
    public var batch: Int { 1 << levels }
    func bit(_ x: Int, level h: Int) -> Int { x >> (levels - 1 - h) & 1 }
    public func mpLevels(_ l: Int) -> [Int] { (0..<levels).filter { choices[l][$0] == .mp } }
    /// Images a tile holds at layer l, and channel slices.
    public func localImages(_ l: Int) -> Int { 1 << mpLevels(l).count }
    public func slice(_ l: Int, cin: Int) -> Int { (cin + localImages(l) - 1) / localImages(l) }

    /// The number x's bits at layer l's mp levels spell, level 0 highest.
    public func mpIndex(_ x: Int, layer l: Int) -> Int { mpLevels(l).reduce(0) { $0 << 1 | bit(x, level: $1) } }

    /// Whether tile t holds image i at layer l.
    public func holds(tile t: Int, image i: Int, layer l: Int) -> Bool {
        (0..<levels).allSatisfy { choices[l][$0] == .mp || bit(t, level: $0) == bit(i, level: $0) }
    }

    /// Parses `auto` handled by the caller, `dp`, `mp`, or per layer
    /// choices separated by ',' with per-level choices separated by '.'
    /// (one choice for a layer stands for every level).
    public static func parse(_ text: String, layers: Int, levels: Int) throws -> ArrayPlan {
        let parts = text.split(separator: ",").map(String.init)
        guard parts.count == 1 || parts.count == layers else {
            throw UserError("parameter plan=\(text) names \(parts.count) layers, the network has \(layers)")
        }
        let per = try parts.map { p -> [Parallelism] in
            let c = try p.split(separator: ".").map { s -> Parallelism in
                guard let v = Parallelism(rawValue: String(s)) else { throw UserError("parameter plan=\(text): '\(s)' is neither dp nor mp") }
                return v
            }
            guard c.count == 1 || c.count == levels else {
                throw UserError("parameter plan=\(text): '\(p)' gives \(c.count) levels, the array has \(levels)")
            }
            return c.count == 1 ? Array(repeating: c[0], count: levels) : c
        }
        return ArrayPlan(levels: levels, choices: parts.count == 1 ? Array(repeating: per[0], count: layers) : per)
    }

    public var text: String {
        choices.map { c in Set(c).count == 1 && !c.isEmpty ? c[0].rawValue : c.map(\.rawValue).joined(separator: ".") }.joined(separator: ",")
    }
}
