import Foundation
import Harness
import HDL

/// Where a pruned FC layer comes from: a layer of a weight file (reals,
/// quantized here by the deterministic scan, or level indices as `hwgen
/// quantize` writes them), or seeded random weights at a given density
/// with the awkward cases built in.
public enum LayerSource {
    /// `rows` x `cols` uniform weights, each kept with probability
    /// density/100; row 0 pruned whole, row 1's only weight in the last
    /// column (the longest gap), the last column pruned everywhere.
    public static func random(rows: Int, cols: Int, density: Int, seed: UInt64) -> WeightLayer {
        var rng = SplitMix64(seed: seed)
        var w = (0..<rows).map { _ in (0..<cols).map { _ in rng.unit() * 100 < Double(density) ? 2 * rng.unit() - 1 : 0 } }
        for c in 0..<cols {
            w[0][c] = 0
            if rows > 1 { w[1][c] = c == cols - 1 ? 0.75 : 0 }
            if c == cols - 1 { for r in 2..<max(2, rows) { w[r][c] = 0 } }
        }
        let bias = (0..<rows).map { _ in rng.unit() - 0.5 }
        return WeightLayer(name: "random", weights: w, bias: bias)
    }

    /// The named layer of `path`, quantized to `levels` (a level-index
    /// layer is taken as it is, its levels checked against `levels`).
    public static func load(_ path: String, layer: String, quantizer: LevelQuantizer) throws -> WeightLayer {
        let l = try WeightFile.load(path).layer(layer, in: path)
        if let n = l.levels {
            guard n == quantizer.levels, l.pow2 == quantizer.pow2 else {
                throw UserError("\(path): layer \(layer) is quantized to \(n)\(l.pow2 ? " pow2" : "") levels, but levels=\(quantizer.levels)\(quantizer.pow2 ? " pow2" : "") was asked")
            }
            return l
        }
        return try quantizer.quantize(l).layer
    }
}

/// `admm`: one level-quantized, pruned FC layer (ADMM-NN) on the sparse or
/// the structured engine, every output of every vector against the model.
public struct ADMMDesign: Design {
    public enum Net: String, CaseIterable, Sendable { case digits, random }
    public struct Params: ParamSet {
        var net = Net.digits
        var layer = "fc1"
        var weights = ""
        var rows = 24, cols = 70, density = 20, seed = 1
        var levels = 7
        var pow2 = false
        var pow2Scale = false
        var storage = SparseStorage.sparse
        var idxBits = 4
        var macs = 1
        var actWidth = 8, actFrac = 4, outWidth = 8, outFrac = 4
        var relu = true
        public init() {}
        public init(_ edit: (inout Params) -> Void) { edit(&self) }
        public static var specs: [Param<Self>] { [
            .choice("net", \.net, "digits: a layer of the ADMM-pruned digits MLP (or of `weights`); random: seeded weights of rows x cols at density"),
            .custom("layer", \.layer, allowed: "a layer name", parse: { $0.isEmpty ? nil : $0 }, render: { $0 },
                    "the layer of the weight file (digits MLP: fc1 64->32, fc2 32->10; fc1_dense, fc2_dense unpruned)"),
            .custom("weights", \.weights, allowed: "a weight file, or empty", parse: { $0 }, render: { $0.isEmpty ? "digits" : $0 },
                    "a file in the hwgen weights format (empty: Data/digits_mlp.txt)"),
            .int("rows", \.rows, 1...1024, "net=random: output neurons"),
            .int("cols", \.cols, 2...1024, "net=random: inputs"),
            .int("density", \.density, 0...100, "net=random: percent of weights kept"),
            .int("seed", \.seed, 0...1_000_000, "net=random: the weights' seed"),
            .int("levels", \.levels, 1...127, "levels n: weights in ±q ... ±n·q, stored in ceil(log2(2n+1)) bits"),
            .flag("pow2", \.pow2, "power-of-two levels ±q·2^k, k < n (the MAC is a shift)"),
            .flag("pow2_scale", \.pow2Scale, "q rounded to a power of two after the scan: requantisation is a shift when the formats allow"),
            .choice("storage", \.storage, "sparse: (delta, level) stream; dense: kept rows x kept columns"),
            .int("idx_bits", \.idxBits, 1...16, "bits of a sparse word's delta index (gaps past 2^b - 1 take fillers)"),
            .int("macs", \.macs, 1...16, "storage=dense: MACs a cycle (kept columns a word); the sparse engine gathers one"),
            .int("act_width", \.actWidth, 2...24, "input activation bits (signed)"),
            .int("act_frac", \.actFrac, 0...24, "input activation fraction bits (digits pixels 0..16: 4)"),
            .int("out_width", \.outWidth, 2...24, "output bits (signed)"),
            .int("out_frac", \.outFrac, 0...24, "output fraction bits"),
            .flag("relu", \.relu, "ReLU on the outputs"),
        ] }
    }

    public static let synthTargets = ["xilinx"]
    public static let name = "admm"
    public static let summary = "ADMM-NN level-quantized pruned FC layer: sparse (delta, level) or structured dense engine, one MAC a cycle"
    public static var testSets: [Params] { [
        Params { $0.storage = .dense; $0.macs = 4 },
        Params { $0.layer = "fc2"; $0.pow2 = true; $0.levels = 4; $0.relu = false; $0.pow2Scale = true },
        // Sizes that fit nothing, an empty row, a gap past 2^idx_bits - 1.
        Params { $0.net = .random; $0.rows = 13; $0.cols = 37; $0.density = 15; $0.idxBits = 2; $0.levels = 3; $0.actWidth = 6; $0.outWidth = 10 },
        Params { $0.net = .random; $0.rows = 13; $0.cols = 37; $0.density = 15; $0.storage = .dense; $0.levels = 3; $0.pow2 = true; $0.macs = 3 },
        Params { $0.net = .random; $0.rows = 3; $0.cols = 5; $0.density = 0; $0.idxBits = 1 },
    ] }

    public static var defaultPath: String { dataFile("digits_mlp.txt") }

    public let params: Params
    public let layer: SparseLayer
    public let engine: SparseFC
    /// Held-out images (digits fc1 inputs), when the file has them.
    public let images: [[Int]]

    public init(_ p: Params) throws {
        params = p
        guard p.actFrac < p.actWidth + 8, p.outFrac < p.outWidth + 8 else {
            throw UserError("act_frac and out_frac must stay below their widths + 8")
        }
        let quantizer = LevelQuantizer(levels: p.levels, pow2: p.pow2, pow2Scale: p.pow2Scale)
        if p.pow2 && p.levels > 16 { throw UserError("parameter levels=\(p.levels) with pow2=yes is too many: at most 16 (2^15 q)") }
        let w: WeightLayer
        switch p.net {
        case .digits:
            let path = p.weights.isEmpty ? ADMMDesign.defaultPath : p.weights
            w = try LayerSource.load(path, layer: p.layer, quantizer: quantizer)
            images = p.layer.hasPrefix("fc1") && w.cols == 64 ? ((try? WeightFile.load(path).images) ?? []) : []
        case .random:
            w = try quantizer.quantize(LayerSource.random(rows: p.rows, cols: p.cols, density: p.density, seed: UInt64(p.seed))).layer
            images = []
        }
        layer = try SparseLayer(name: w.name, quantized: w, storage: p.storage, idxBits: p.idxBits, actWidth: p.actWidth,
                                actFrac: p.actFrac, outWidth: p.outWidth, outFrac: p.outFrac, relu: p.relu, macs: p.macs)
        engine = SparseFC(layer)
    }

    public var top: any Block { engine }
    public var ports: TestPorts { SparseLayer.ports }
    public var transactionsPerUnit: Int { layer.rows }
    public var defaultVectors: Int { 200 }
    public var reports: [any DesignReport] { [ADMMReport(design: self)] }

    /// Directed vectors (zeros, all largest, all smallest, alternating, one
    /// hot), the held-out images for the digits fc1, then random ones.
    public func vectors(seed: UInt64, count: Int) -> [[Int]] {
        let n = layer.cols, hi = (1 << (layer.actWidth - 1)) - 1, lo = -hi - 1
        var out: [[Int]] = [Array(repeating: 0, count: n), Array(repeating: hi, count: n), Array(repeating: lo, count: n),
                            (0..<n).map { $0 % 2 == 0 ? hi : lo }, (0..<n).map { $0 == n - 1 ? hi : 0 }]
        // Held-out digits (pixels 0...16 need act_width >= 6) for half.
        let digits = hi >= 16 ? images.prefix(count / 2).filter { $0.count == n } : []
        out += digits
        out += layer.randomVectors(count - digits.count, seed: seed)
        return out
    }

    public func stimulus(seed: UInt64, vectors count: Int) -> Stimulus {
        layer.stimulus(vectors(seed: seed, count: count), seed: seed, gaps: true)
    }

    public func expected(_ s: Stimulus) throws -> [Transaction] { layer.expected(s) }
}
