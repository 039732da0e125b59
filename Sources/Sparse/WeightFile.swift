import Foundation
import HDL

/// One layer of a weight file: ROWS x COLS reals (a 3x3 convolution: ROWS
/// output channels, COLS = input channels x 9, each kernel row-major), an
/// optional bias per row, and — in a level-index file (`hwgen quantize`) —
/// the integer level of every weight and the scale q.
public struct WeightLayer: Sendable, Equatable {
    public var name: String
    public var weights: [[Double]]
    public var bias: [Double]?
    /// Level-index files: levels n, scale q, the indices in -n...n (0 =
    /// pruned), and whether level k means q·2^(|k|-1) instead of q·|k|.
    public var levels: Int?
    public var q: Double?
    public var pow2 = false
    public var indices: [[Int]]?

    public init(name: String, weights: [[Double]], bias: [Double]? = nil) {
        self.name = name
        self.weights = weights
        self.bias = bias
    }
    public var rows: Int { weights.count }
    public var cols: Int { weights.first?.count ?? 0 }
}

/// The "hwgen weights" text format (README): `#` comments; `layer NAME ROWS
/// COLS [levels N q Q [pow2]]` then ROWS lines of COLS numbers (reals, or
/// with `levels` integers in -N...N), optionally `bias` and ROWS reals on
/// one line; optionally `images N 64` and N lines of 64 pixels 0...16, and
/// `labels` and N digits. Every error is one line naming the file, the
/// line and the entry.
public struct WeightFile: Sendable {
    public var layers: [WeightLayer]
    public var images: [[Int]]
    public var labels: [Int]

    public init(layers: [WeightLayer], images: [[Int]] = [], labels: [Int] = []) {
        self.layers = layers
        self.images = images
        self.labels = labels
    }

    public func layer(_ name: String, in path: String) throws -> WeightLayer {
        guard let l = layers.first(where: { $0.name == name }) else {
            throw UserError("\(path): no layer '\(name)' (layers: \(layers.map(\.name).joined(separator: ", ")))")
        }
        return l
    }

    public static func load(_ path: String) throws -> WeightFile {
        try parse(try InputFiles.text(path, what: "weight file"), path: path)
    }

    public static func parse(_ text: String, path: String) throws -> WeightFile {
        let lines = InputFiles.lf(text).split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        }
        var i = 0
        var file = WeightFile(layers: [])
        func fail(_ line: Int, _ msg: String) -> UserError { UserError("\(path):\(line + 1): \(msg)") }
        func fields(_ k: Int) -> [Substring] { lines[k].split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }) }
        /// The next non-blank line at or after i.
        func nextLine(_ what: String) throws -> (Int, [Substring]) {
            while i < lines.count {
                let f = fields(i)
                i += 1
                if !f.isEmpty { return (i - 1, f) }
            }
            throw UserError("\(path): the file ends where \(what) was expected")
        }
        func count(_ s: Substring, _ line: Int, _ what: String, _ range: ClosedRange<Int>) throws -> Int {
            guard let n = Int(s), range.contains(n) else { throw fail(line, "\(what) '\(s)' must be an integer in \(range)") }
            return n
        }
        func real(_ s: Substring, _ line: Int, _ entry: String) throws -> Double {
            guard let v = Double(s) else { throw fail(line, "\(entry) = '\(s)' is not a number") }
            guard v.isFinite else { throw fail(line, "\(entry) = \(s) is not finite") }
            return v
        }
        while i < lines.count {
            let f = fields(i)
            let at = i
            i += 1
            if f.isEmpty { continue }
            switch f[0] {
            case "layer":
                guard f.count == 4 || f.count == 8 || f.count == 9 else {
                    throw fail(at, "expected 'layer NAME ROWS COLS [levels N q Q [pow2]]'")
                }
                let name = String(f[1])
                if file.layers.contains(where: { $0.name == name }) { throw fail(at, "layer '\(name)' is given twice") }
                let rows = try count(f[2], at, "layer \(name) ROWS", 1...65_536)
                let cols = try count(f[3], at, "layer \(name) COLS", 1...65_536)
                var layer = WeightLayer(name: name, weights: [])
                if f.count > 4 {
                    guard f[4] == "levels", f[6] == "q", f.count == 8 || f[8] == "pow2" else {
                        throw fail(at, "expected 'layer NAME ROWS COLS levels N q Q [pow2]'")
                    }
                    let n = try count(f[5], at, "layer \(name) levels", 1...32_767)
                    let q = try real(f[7], at, "layer \(name) q")
                    guard q > 0, q.isNormal, (q * 65536 * Double(1 << 30)).isFinite else { throw fail(at, "layer \(name) q = \(f[7]) must be positive (a normal double, at most 1e290)") }
                    layer.levels = n
                    layer.q = q
                    layer.pow2 = f.count == 9
                    if layer.pow2 && n > 30 { throw fail(at, "layer \(name): pow2 levels need n <= 30, got \(n)") }
                    layer.indices = []
                }
                for r in 0..<rows {
                    let (ln, row) = try nextLine("row \(r) of layer \(name)")
                    guard row.count == cols else {
                        throw fail(ln, "layer \(name) row \(r) has \(row.count) entries, expected \(cols) (COLS)")
                    }
                    if let n = layer.levels {
                        var ks: [Int] = []
                        for (c, s) in row.enumerated() {
                            guard let k = Int(s) else { throw fail(ln, "layer \(name) [\(r)][\(c)] = '\(s)' is not an integer level") }
                            guard k >= -n && k <= n else { throw fail(ln, "layer \(name) [\(r)][\(c)] = \(k) is out of range: levels are -\(n)...\(n)") }
                            ks.append(k)
                        }
                        layer.indices!.append(ks)
                        layer.weights.append(ks.map { WeightLayer.value($0, q: layer.q!, pow2: layer.pow2) })
                    } else {
                        layer.weights.append(try row.enumerated().map { try real($1, ln, "layer \(name) [\(r)][\($0)]") })
                    }
                }
                file.layers.append(layer)
            case "bias":
                guard var last = file.layers.popLast(), last.bias == nil else {
                    throw fail(at, "'bias' must follow a layer's rows (once)")
                }
                guard f.count == last.rows + 1 else {
                    throw fail(at, "layer \(last.name) bias has \(f.count - 1) entries, expected \(last.rows) (ROWS)")
                }
                last.bias = try f.dropFirst().enumerated().map { try real($1, at, "layer \(last.name) bias[\($0)]") }
                file.layers.append(last)
            case "images":
                guard f.count == 3, f[2] == "64" else { throw fail(at, "expected 'images N 64'") }
                let n = try count(f[1], at, "images N", 0...1_000_000)
                for k in 0..<n {
                    let (ln, row) = try nextLine("image \(k)")
                    guard row.count == 64 else { throw fail(ln, "image \(k) has \(row.count) pixels, expected 64") }
                    file.images.append(try row.enumerated().map { try count($1, ln, "image \(k) pixel \($0)", 0...16) })
                }
            case "labels":
                file.labels = try f.dropFirst().enumerated().map { try count($1, at, "label \($0)", 0...9) }
                guard file.labels.count == file.images.count else {
                    throw fail(at, "\(file.labels.count) labels for \(file.images.count) images")
                }
            default:
                throw fail(at, "expected 'layer', 'bias', 'images' or 'labels', found '\(f[0])'")
            }
        }
        guard !file.layers.isEmpty else { throw UserError("\(path): no layer in the file") }
        return file
    }

    /// The file's text: parse(text) gives this value back (reals to 9
    /// significant digits, as the training script writes them).
    public var text: String {
        var out = "# hwgen weights\n"
        func g(_ v: Double) -> String { String(format: "%.9g", v) }
        for l in layers {
            out += "layer \(l.name) \(l.rows) \(l.cols)"
            if let n = l.levels, let q = l.q, let ks = l.indices {
                out += " levels \(n) q \(String(format: "%.17g", q))\(l.pow2 ? " pow2" : "")\n"
                for r in ks { out += r.map(String.init).joined(separator: " ") + "\n" }
            } else {
                out += "\n"
                for r in l.weights { out += r.map(g).joined(separator: " ") + "\n" }
            }
            if let b = l.bias { out += "bias " + b.map(g).joined(separator: " ") + "\n" }
        }
        if !images.isEmpty {
            out += "images \(images.count) 64\n"
            for img in images { out += img.map(String.init).joined(separator: " ") + "\n" }
            out += "labels " + labels.map(String.init).joined(separator: " ") + "\n"
        }
        return out
    }
}

extension WeightLayer {
    /// The real value of level index k: ±q·|k|, or ±q·2^(|k|-1) with pow2.
    public static func value(_ k: Int, q: Double, pow2: Bool) -> Double {
        if k == 0 { return 0 }
        let mag = pow2 ? Double(1 << (abs(k) - 1)) : Double(abs(k))
        return (k < 0 ? -1 : 1) * q * mag
    }
}
