import Foundation
import Harness
import HDL
import Sparse

/// `array`: an MLP on 2^H tiles following a parallelism plan (HyPar's, or
/// one given), every logit of every image against the integer model.
public struct ArrayDesign: Design {
    public enum Net: String, CaseIterable, Sendable { case digits, random }
    public struct Params: ParamSet {
        var net = Net.digits
        var sizes = "20,13,7"
        var seed = 1
        var tiles = 4
        var plan = "auto"
        var actWidth = 8, inFrac = 4, actFrac = 4
        var outWidth = 16, outFrac = 8
        public init() {}
        public init(_ edit: (inout Params) -> Void) { edit(&self) }
        public static var specs: [Param<Self>] { [
            .choice("net", \.net, "digits: the 64-32-10 digits MLP (Data/digits_mlp.txt, dense layers, 8-bit weights); random: seeded layers of `sizes`"),
            .custom("sizes", \.sizes, allowed: "layer sizes, e.g. 20,13,7", parse: { t in
                let v = t.split(separator: ",").compactMap { Int($0) }
                return v.count >= 2 && v.count == t.split(separator: ",").count && v.allSatisfy { (1...256).contains($0) } ? t : nil
            }, render: { $0 }, "net=random: inputs, then each layer's outputs (1...256 each)"),
            .int("seed", \.seed, 0...1_000_000, "net=random: the weights' seed"),
            .int("tiles", \.tiles, 1...16, "tiles 2^H (a power of two); a batch is as many images"),
            .custom("plan", \.plan, allowed: "auto, dp, mp, or per layer choices (',') with per level choices ('.')",
                    parse: { $0.isEmpty ? nil : $0 }, render: { $0 },
                    "auto: HyPar's planner at batch = tiles; e.g. dp.mp,mp: layer 1 dp at level 0 and mp at level 1, layer 2 mp"),
            .int("act_width", \.actWidth, 4...16, "input and hidden activation bits (signed)"),
            .int("in_frac", \.inFrac, 0...16, "input fraction bits (digits pixels 0...16: 4)"),
            .int("act_frac", \.actFrac, 0...16, "hidden activation fraction bits"),
            .int("out_width", \.outWidth, 4...32, "logit bits (signed)"),
            .int("out_frac", \.outFrac, 0...24, "logit fraction bits"),
        ] }
    }

    public static let name = "array"
    public static let summary = "MLP inference on 2^H tiles on a binary tree following a HyPar plan: reduce-add at mp nodes, select at dp nodes"
    public static let unit = "image"
    public static var testSets: [Params] { [
        Params { $0.tiles = 2 },
        Params { $0.tiles = 2; $0.plan = "dp,mp" },
        // A layout change at each level (a plan that swaps its choices in
        // both layers would hide a wrong dp select: it cancels out).
        Params { $0.tiles = 4; $0.plan = "dp.mp,mp.dp" },
        Params { $0.net = .random; $0.sizes = "13,7,5,3"; $0.tiles = 4; $0.plan = "mp,dp,mp.dp"; $0.actWidth = 6; $0.outWidth = 12 },
        Params { $0.net = .random; $0.sizes = "5,3"; $0.tiles = 1 },
    ] }

    public static var defaultPath: String { dataFile("digits_mlp.txt") }

    public let params: Params
    public let net: ArrayNet
    public let plan: ArrayPlan
    public let block: TileArray
    /// Held-out digits and labels (net=digits).
    public let images: [[Int]], labels: [Int]
    /// The float layers the net was quantized from.
    public let float: [WeightLayer]

    public init(_ p: Params) throws {
        params = p
        guard p.tiles & (p.tiles - 1) == 0 else { throw UserError("parameter tiles=\(p.tiles) is not a power of two") }
        let H = p.tiles.trailingZeroBitCount
        switch p.net {
        case .digits:
            let file = try WeightFile.load(ArrayDesign.defaultPath)
            float = [try file.layer("fc1_dense", in: ArrayDesign.defaultPath), try file.layer("fc2_dense", in: ArrayDesign.defaultPath)]
            images = file.images
            labels = file.labels
        case .random:
            let sizes = p.sizes.split(separator: ",").compactMap { Int($0) }
            var rng = SplitMix64(seed: UInt64(p.seed))
            float = (1..<sizes.count).map { l in
                WeightLayer(name: "fc\(l)", weights: (0..<sizes[l]).map { _ in (0..<sizes[l - 1]).map { _ in 2 * rng.unit() - 1 } },
                            bias: (0..<sizes[l]).map { _ in rng.unit() - 0.5 })
            }
            images = []
            labels = []
        }
        let L = float.count
        let formats = [(p.actWidth, p.inFrac)] + Array(repeating: (p.actWidth, p.actFrac), count: L - 1) + [(p.outWidth, p.outFrac)]
        net = try ArrayNet(float: float, formats: formats.map { (width: $0.0, frac: $0.1) })
        if p.plan == "auto" {
            let planned = ParallelPlanner(network: ArrayDesign.network(net), batch: 1 << H).plan(levels: H)
            plan = ArrayPlan(levels: H, choices: (0..<L).map { l in (0..<H).map { planned.levels[$0].steps[l].choice } })
        } else {
            plan = try ArrayPlan.parse(p.plan, layers: L, levels: H)
        }
        block = TileArray(net: net, plan: plan, actWidth: p.actWidth, outWidth: p.outWidth)
    }

    /// The MLP as the planner sees it: fc layers.
    public static func network(_ net: ArrayNet) -> Network {
        Network(name: "mlp", layers: net.layers.map { NetworkLayer(.fc, $0.name, cin: $0.cin, cout: $0.cout) })
    }

    public var top: any Block { block }
    public var ports: TestPorts { TestPorts(valid: "out_valid", inputStream: (valid: "in_valid", ready: "in_ready"), data: ["out_y"]) }
    public var transactionsPerUnit: Int { net.sizes.last! }
    public var defaultVectors: Int { 40 }
    public var reports: [any DesignReport] { [ArrayReport(design: self)] }

    /// Directed images (zeros, all largest, all smallest, alternating, one
    /// hot), held-out digits for half when the net has them, then random
    /// images over the full range; padded with random ones to whole
    /// batches.
    public func inputs(seed: UInt64, count: Int) -> [[Int]] {
        let n = net.sizes[0], hi = (1 << (params.actWidth - 1)) - 1, lo = -hi - 1
        var out: [[Int]] = [Array(repeating: 0, count: n), Array(repeating: hi, count: n), Array(repeating: lo, count: n),
                            (0..<n).map { $0 % 2 == 0 ? hi : lo }, (0..<n).map { $0 == n - 1 ? hi : 0 }]
        out += hi >= 16 ? Array(images.prefix(count / 2)) : []
        var rng = SplitMix64(seed: seed ^ 0xA77A)
        while out.count < count + 5 || out.count % plan.batch != 0 {
            out.append((0..<n).map { _ in Int(rng.next() % UInt64(hi - lo + 1)) + lo })
        }
        return out
    }

    public func stimulus(_ xs: [[Int]], seed: UInt64, gaps: Bool) -> Stimulus {
        var s = Stimulus(ports: ["in_valid", "in_x"])
        var rng = SplitMix64(seed: seed ^ 0x6A7)
        for x in xs {
            for v in x {
                while gaps && rng.next() % 8 == 0 { s.add([:]) }
                s.add(["in_valid": 1, "in_x": BigValue(v).modPow2(params.actWidth)])
            }
        }
        for _ in 0..<(block.batchCycles + 8) { s.add([:]) }
        return s
    }

    public func stimulus(seed: UInt64, vectors: Int) -> Stimulus { stimulus(inputs(seed: seed, count: vectors), seed: seed, gaps: true) }

    public func expected(_ s: Stimulus) throws -> [Transaction] {
        let n = net.sizes[0], A = params.actWidth
        let xs = s.cycles.filter { !$0[0].isZero }.map { $0[1].wrapped(width: A, signed: true).intValue! }
        var out: [Transaction] = []
        // Whole batches only: a partial batch never leaves the array.
        let whole = xs.count / (n * plan.batch) * plan.batch
        for k in 0..<whole {
            for y in net.infer(Array(xs[k * n..<(k + 1) * n])) {
                out.append(Transaction(cycle: nil, values: [BigValue(y).modPow2(params.outWidth)]))
            }
        }
        return out
    }
}
