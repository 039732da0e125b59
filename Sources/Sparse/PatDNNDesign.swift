import Foundation
import Harness
import HDL

/// `patdnn`: a pattern-sparse 3x3 convolution layer (PatDNN) on the lane
/// engine, every lane of every output group against the FKW model.
public struct PatDNNDesign: Design {
    public enum Net: String, CaseIterable, Sendable { case random, digits }
    public struct Params: ParamSet {
        var net = Net.random
        var weights = ""
        var cin = 16, cout = 32, height = 16, width = 16
        var patterns = 8
        var connectivity: Int? = nil
        var lanes = 8
        var weightBits = 8
        var actWidth = 8, actFrac = 4, outWidth = 8, outFrac = 4
        var relu = true
        var zeroKernels = 10
        var seed = 1
        public init() {}
        public init(_ edit: (inout Params) -> Void) { edit(&self) }
        public static var specs: [Param<Self>] { [
            .choice("net", \.net, "random: seeded dense weights, pattern-pruned here; digits: conv2 of the pattern-pruned digits CNN (8->16, 8x8)"),
            .custom("weights", \.weights, allowed: "a weight file, or empty", parse: { $0 }, render: { $0.isEmpty ? "digits" : $0 },
                    "net=digits: a file in the hwgen weights format with layers conv1, conv2, fc (empty: Data/digits_cnn.txt)"),
            .int("cin", \.cin, 1...64, "net=random: input channels"),
            .int("cout", \.cout, 1...128, "net=random: output channels (filters)"),
            .int("height", \.height, 1...64, "net=random: feature map rows"),
            .int("width", \.width, 2...64, "net=random: feature map columns"),
            .int("patterns", \.patterns, 1...56, "K: the pattern set's size (a pattern id is ceil(log2 K) bits)"),
            .int("connectivity", \.connectivity, 0...100, "percent of the kernels removed by connectivity pruning, weakest first (auto: 25 for net=random, 0 for net=digits, already pruned)"),
            .int("lanes", \.lanes, 1...32, "filters computed in parallel, 4 MACs each"),
            .int("weight_bits", \.weightBits, 2...16, "bits of a stored weight"),
            .int("act_width", \.actWidth, 2...16, "activation bits (signed)"),
            .int("act_frac", \.actFrac, 0...16, "activation fraction bits"),
            .int("out_width", \.outWidth, 2...24, "output bits (signed)"),
            .int("out_frac", \.outFrac, 0...24, "output fraction bits"),
            .flag("relu", \.relu, "ReLU on the outputs"),
            .int("zero_kernels", \.zeroKernels, 0...100, "net=random: percent of kernels generated all zero (filter 0 has none left)"),
            .int("seed", \.seed, 0...1_000_000, "net=random: the weights' seed"),
        ] }
    }

    // No synthesis by default: synth_xilinx of the default takes ~36 s
    // (`hwgen report --design patdnn --synth xilinx`; figures in the README).
    public static let name = "patdnn"
    public static let summary = "PatDNN pattern-sparse 3x3 conv: FKW-encoded weights, shared window, lanes of 4 MACs with 9->4 tap select"
    public static let unit = "image"
    public static var testSets: [Params] { [
        Params { $0.net = .digits },
        // Filters not a multiple of the lanes, odd sizes, few patterns.
        Params { $0.cin = 5; $0.cout = 13; $0.height = 5; $0.width = 7; $0.lanes = 4; $0.patterns = 3; $0.connectivity = 40
                 $0.weightBits = 5; $0.actWidth = 6; $0.outWidth = 12; $0.relu = false; $0.zeroKernels = 30 },
        Params { $0.cin = 3; $0.cout = 5; $0.height = 3; $0.width = 2; $0.lanes = 8; $0.patterns = 1; $0.connectivity = 0 },
    ] }

    public static var reportSets: [Params] { [Params(), Params { $0.net = .digits }] }

    public static var defaultPath: String { dataFile("digits_cnn.txt") }

    public let params: Params
    public let layer: PatternLayer
    public let engine: PatternConv
    /// net=digits: the file (images, the other layers).
    public let file: WeightFile?

    public init(_ p: Params) throws {
        params = p
        let w: WeightLayer, cin: Int, h: Int, wd: Int
        switch p.net {
        case .random:
            w = PatDNNDesign.randomLayer(p)
            cin = p.cin; h = p.height; wd = p.width
            file = nil
        case .digits:
            let path = p.weights.isEmpty ? PatDNNDesign.defaultPath : p.weights
            let f = try WeightFile.load(path)
            w = try f.layer("conv2", in: path)
            let c1 = try f.layer("conv1", in: path)
            guard c1.cols == 9, w.cols == c1.rows * 9 else {
                throw UserError("\(path): conv1 must be 3x3 from one channel and conv2 take its \(c1.rows) channels (\(c1.rows * 9) weights a filter)")
            }
            cin = c1.rows; h = 8; wd = 8
            file = f
        }
        let enc = try PatternEncoding(weights: w.weights, bias: w.bias, cin: cin, patternCount: p.patterns,
                                      connectivity: p.connectivity ?? (p.net == .random ? 25 : 0), weightBits: p.weightBits)
        layer = try PatternLayer(enc, height: h, width: wd, lanes: p.lanes, actWidth: p.actWidth, actFrac: p.actFrac,
                                 outWidth: p.outWidth, outFrac: p.outFrac, relu: p.relu)
        engine = PatternConv(layer)
    }

    /// Seeded dense weights; `zeroKernels` percent of the kernels all zero,
    /// and every kernel of filter 0.
    static func randomLayer(_ p: Params) -> WeightLayer {
        var rng = SplitMix64(seed: UInt64(p.seed) ^ 0x9A7D)
        let a = 1 / Double(p.cin * 9).squareRoot()
        var w: [[Double]] = []
        for f in 0..<p.cout {
            var row: [Double] = []
            for _ in 0..<p.cin {
                let zero = f == 0 || rng.unit() * 100 < Double(p.zeroKernels)
                row += (0..<9).map { _ in zero ? 0 : a * (2 * rng.unit() - 1) }
            }
            w.append(row)
        }
        return WeightLayer(name: "random", weights: w, bias: (0..<p.cout).map { _ in 0.2 * (rng.unit() - 0.5) })
    }

    public var top: any Block { engine }
    public var ports: TestPorts {
        TestPorts(valid: "out_valid", inputStream: ("in_valid", "in_ready"), data: ["out_y", "out_ids", "out_mask"])
    }
    public var transactionsPerUnit: Int { layer.height * layer.width * layer.groups }
    public var defaultVectors: Int { 6 }
    public var reports: [any DesignReport] { [PatDNNReport(design: self)] }

    /// Images [y][x][channel]: zeros, all largest, all smallest, then (for
    /// net=digits, the held-out digits through conv1) random ones.
    public func images(seed: UInt64, count: Int) -> [[[[Int]]]] {
        let l = layer, hi = (1 << (l.actWidth - 1)) - 1, lo = -hi - 1
        func constant(_ v: Int) -> [[[Int]]] { Array(repeating: Array(repeating: Array(repeating: v, count: l.cin), count: l.width), count: l.height) }
        var out = [constant(0), constant(hi), constant(lo)]
        var rng = SplitMix64(seed: seed ^ 0xB47D)
        for i in 0..<count {
            if let f = file, i < f.images.count, let x = try? conv1(f.images[i]) {
                out.append(x)
            } else {
                out.append((0..<l.height).map { _ in (0..<l.width).map { _ in (0..<l.cin).map { _ in Int(rng.next() % UInt64(hi - lo + 1)) + lo } } })
            }
        }
        return out
    }

    /// net=digits: conv1 in float on a digit (pixels / 16), ReLU, rounded
    /// to the activation format (saturated).
    public func conv1(_ pixels: [Int]) throws -> [[[Int]]] {
        guard let f = file else { return [] }
        let c1 = try f.layer("conv1", in: "weights")
        let hi = (1 << (params.actWidth - 1)) - 1
        return (0..<8).map { y in (0..<8).map { x in c1.weights.enumerated().map { c, k in
            var v = c1.bias?[c] ?? 0
            for t in 0..<9 {
                let yy = y + t / 3 - 1, xx = x + t % 3 - 1
                if yy >= 0 && yy < 8 && xx >= 0 && xx < 8 { v += k[t] * Double(pixels[yy * 8 + xx]) / 16 }
            }
            return min(hi, Int((max(0, v) * pow(2, Double(params.actFrac))).rounded()))
        } } }
    }

    public func stimulus(seed: UInt64, vectors: Int) -> Stimulus {
        stimulus(images(seed: seed, count: vectors), seed: seed, gaps: true)
    }

    public func stimulus(_ imgs: [[[[Int]]]], seed: UInt64, gaps: Bool) -> Stimulus {
        var s = Stimulus(ports: ["in_valid", "in_x"])
        var rng = SplitMix64(seed: seed ^ 0x6A95)
        let aw = layer.actWidth
        for img in imgs {
            for row in img {
                for px in row {
                    while gaps && rng.next() % 8 == 0 { s.add([:]) }
                    let word = px.enumerated().reduce(BigValue.zero) { $0 + (BigValue($1.1).modPow2(aw) << ($1.0 * aw)) }
                    s.add(["in_valid": 1, "in_x": word])
                }
            }
        }
        for _ in 0..<(layer.cycles + 8) { s.add([:]) }
        return s
    }

    public func expected(_ s: Stimulus) throws -> [Transaction] {
        let l = layer, aw = l.actWidth, ow = l.outWidth, ib = bitsFor(max(1, l.cout - 1))
        let pixels = s.cycles.filter { !$0[0].isZero }.map { w in (0..<l.cin).map { (w[1] >> ($0 * aw)).wrapped(width: aw, signed: true).intValue! } }
        let per = l.height * l.width
        var out: [Transaction] = []
        for start in stride(from: 0, to: pixels.count - per + 1, by: per) {
            let img = (0..<l.height).map { y in (0..<l.width).map { x in pixels[start + y * l.width + x] } }
            for o in l.infer(img) {
                func pack(_ v: [Int], _ w: Int) -> BigValue { v.enumerated().reduce(BigValue.zero) { $0 + (BigValue($1.1).modPow2(w) << ($1.0 * w)) } }
                out.append(Transaction(cycle: nil, values: [pack(o.y, ow), pack(o.ids, ib), pack(o.mask.map { $0 ? 1 : 0 }, 1)]))
            }
        }
        return out
    }
}
