import Foundation
import HDL
import NN
import Random
import Verification

/// `vibnn`: the Bayesian-MLP accelerator against its fixed-point model, fed
/// the identical eps sequence, every logit of every image compared.
public struct VIBNNDesign: Verifiable {
    public let config: VIBNNConfig
    public let weights: VIBNNWeights
    public let accelerator: VIBNNAccelerator
    /// The trained network (net=digits), else nil.
    public let net: BayesianMLP?

    static let sizeParams = ["inputs", "hidden", "hidden_layers", "outputs"]
    static let specs: [ParamSpec] = [
        .choice("net", "random", ["random", "digits"],
                "random: seeded random mu/sigma for the sizes below (no dataset ships offline); digits: the trained 64-32-32-10 network of Data/digits_bnn.json"),
        .int("inputs", 784, 1...4096, "input layer size"),
        .int("hidden", 200, 1...1024, "size of each hidden layer"),
        .int("hidden_layers", 2, 0...8, "hidden layers (ReLU)"),
        .int("outputs", 10, 1...64, "output logits"),
        .int("pes", 64, 1...256, "processing elements: neurons computed in parallel (unless given, at most the widest layer: 32 for net=digits)"),
        .int("macs", 1, 1...16, "inputs each PE multiplies per cycle (each with its own sampled weight)"),
        .choice("grng", "rlf", ["rlf", "wallace"], "Gaussian generator behind the weight samplers"),
        .int("rlf_n", 63, 3...128, "RLF window (decimated: pes*rlf_n lanes)"),
        .int("wallace_log2n", 10, 4...10, "Wallace pool size 2^k (one pool per 4 multipliers)"),
        .int("seed", 1, 0...Int.max, "generator seeds (and the random weights)"),
        .int("act_bits", 8, 2...16, "activation width (unsigned)"),
        .int("act_frac", 5, 0...16, "activation fraction bits"),
        .int("param_bits", 8, 2...16, "mu (signed) and sigma (unsigned) width"),
        .int("mu_frac", 6, 0...24, "mu fraction bits"),
        .int("sigma_frac", 8, 0...24, "sigma fraction bits"),
        .int("eps_bits", 16, 6...24, "eps width (eps_bits-4 fraction bits)"),
        .int("w_bits", 16, 4...32, "sampled weight width"),
        .int("w_frac", 11, 0...32, "sampled weight fraction bits"),
        .int("acc_guard", 12, 0...24, "accumulator bits above the product"),
    ]

    public static let entry = DesignEntry(
        name: "vibnn", summary: "VIBNN Bayesian-MLP accelerator: PE array, w = mu + sigma*eps per MAC from RLF or Wallace GRNGs",
        params: specs,
        testParams: [
            ["grng=wallace"],
            ["inputs=16", "hidden=8", "outputs=4", "pes=3", "rlf_n=7"],
            ["inputs=13", "hidden=6", "hidden_layers=1", "outputs=5", "pes=2", "grng=wallace", "wallace_log2n=4"],
            ["inputs=9", "hidden_layers=0", "outputs=7", "pes=4", "rlf_n=5", "act_bits=6", "act_frac=2", "w_bits=10", "w_frac=6", "acc_guard=0"],
            ["inputs=20", "hidden=9", "hidden_layers=3", "outputs=3", "pes=9", "grng=wallace", "wallace_log2n=5", "param_bits=5", "mu_frac=3", "sigma_frac=5", "eps_bits=10"],
            ["net=digits"],
            ["net=digits", "grng=wallace", "pes=16"],
            ["inputs=23", "hidden=10", "outputs=6", "pes=4", "macs=3", "rlf_n=9"],
            ["inputs=8", "hidden=5", "hidden_layers=1", "outputs=2", "pes=5", "macs=16", "grng=wallace", "wallace_log2n=4"],
            ["net=digits", "pes=10", "macs=4", "grng=wallace", "wallace_log2n=6"],
            ["inputs=1", "hidden=1", "outputs=1", "pes=1", "rlf_n=3"],
        ],
        make: { p in try VIBNNDesign(p) })

    /// Where the trained network lives: $HWGEN_DATA, else the source tree's
    /// Data/, else ./Data.
    public static var digitsPath: String {
        if let d = ProcessInfo.processInfo.environment["HWGEN_DATA"] { return d + "/digits_bnn.json" }
        let tree = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path + "/Data/digits_bnn.json"
        return FileManager.default.fileExists(atPath: tree) ? tree : "Data/digits_bnn.json"
    }

    init(_ p: ParamValues) throws {
        var net: BayesianMLP? = nil
        var sizes = [p.int("inputs")] + Array(repeating: p.int("hidden"), count: p.int("hidden_layers")) + [p.int("outputs")]
        if p.string("net") == "digits" {
            if let given = VIBNNDesign.sizeParams.first(where: { p.explicit.contains($0) }) {
                throw ParamError("parameter \(given) does not apply to net=digits (its sizes are 64-32-32-10)")
            }
            do { net = try BayesianMLP.load(VIBNNDesign.digitsPath) } catch {
                throw ParamError("cannot read the digits network at \(VIBNNDesign.digitsPath): \(error.localizedDescription)")
            }
            sizes = net!.sizes
        }
        let eps: EpsSource = p.string("grng") == "rlf" ? .rlf(window: p.int("rlf_n")) : .wallace(log2N: p.int("wallace_log2n"))
        // PEs past the widest layer would idle: unless given, at most that many.
        let pes = p.explicit.contains("pes") ? p.int("pes") : min(p.int("pes"), sizes.dropFirst().max()!)
        var c = VIBNNConfig(sizes: sizes, pes: pes, eps: eps, seed: UInt64(p.int("seed")))
        c.macs = p.int("macs")
        c.actBits = p.int("act_bits"); c.actFraction = p.int("act_frac")
        c.paramBits = p.int("param_bits"); c.muFraction = p.int("mu_frac"); c.sigmaFraction = p.int("sigma_frac")
        c.epsBits = p.int("eps_bits"); c.weightBits = p.int("w_bits"); c.weightFraction = p.int("w_frac")
        c.accGuard = p.int("acc_guard")
        if let problem = c.problem { throw ParamError(problem) }
        config = c
        weights = net.map { VIBNNWeights.quantised($0, c) } ?? VIBNNWeights.random(c)
        self.net = net
        do { accelerator = try VIBNNAccelerator(c, weights) } catch let e as RandomError {
            throw ParamError(e.description)
        }
    }

    public var top: any Block { accelerator }
    public var validPort: String? { "out_valid" }
    public var inputStream: (valid: String, ready: String)? { ("in_valid", "in_ready") }
    public var dataPorts: [String] { ["out_logits"] }
    public var latency: Int { config.cyclesPerImage }

    /// A digits image (pixels 0...16) in the activation format.
    public func activations(_ pixels: [Int]) -> [Int] {
        let hi = (1 << config.actBits) - 1
        return pixels.map { min(hi, Int((Double($0 * (1 << config.actFraction)) / 16).rounded(.toNearestOrEven))) }
    }

    /// Images: directed (all zero, all full scale) then random, or the
    /// held-out digits in order.
    public func images(seed: UInt64, count: Int) -> [[Int]] {
        let n = config.sizes[0], hi = (1 << config.actBits) - 1
        if let net { return (0..<count).map { activations(net.test_images[$0 % net.test_images.count]) } }
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { i in
            switch i {
            case 0: return Array(repeating: 0, count: n)
            case 1: return Array(repeating: hi, count: n)
            default: return (0..<n).map { _ in Int(rng.next() % UInt64(hi + 1)) }
            }
        }
    }

    /// `vectors` counts multiply-accumulates (each with a freshly sampled
    /// weight), at least 3 images: 10^5 is 3 images of the default MNIST
    /// network and hundreds of a small one.
    public func imageCount(vectors: Int) -> Int {
        max(3, vectors / config.macSlotsPerImage)
    }

    /// Pixels stream in, each offer held until `in_ready` takes it: the
    /// first three images back to back with no gaps (the accelerator must
    /// overlap loading with computing), then random gaps inside and
    /// between images.
    public func stimulus(seed: UInt64, vectors: Int) -> Stimulus {
        stimulus(images: images(seed: seed, count: imageCount(vectors: vectors)), seed: seed, denseCount: 3)
    }

    public func stimulus(images: [[Int]], seed: UInt64, denseCount: Int) -> Stimulus {
        var s = Stimulus(ports: ["in_valid", "in_data"])
        var rng = SplitMix64(seed: seed ^ 0x5EED)
        let V = config.macs, bits = config.actBits
        for (j, image) in images.enumerated() {
            let dense = j < denseCount
            // `macs` pixels per beat; the last beat's padding is random.
            for beat in stride(from: 0, to: image.count, by: V) {
                while !dense && rng.next() % 8 == 0 { s.add([:]) }
                let word = (0..<V).reduce(BigValue.zero) { w, v in
                    let px = beat + v < image.count ? BigValue(image[beat + v]) : rng.bits(bits)
                    return w + (px << (bits * v))
                }
                s.add(["in_valid": 1, "in_data": word])
            }
            if !dense && rng.next() % 4 == 0 {
                for _ in 0..<Int(rng.next() % UInt64(config.cyclesPerImage)) { s.add([:]) }
            }
        }
        // Let the last images finish (one computing, one waiting, the last), after
        // the generators' warm-up if the stream was short.
        for _ in 0..<(3 * config.cyclesPerImage + 140) { s.add([:]) }
        return s
    }

    public func expected(_ stim: Stimulus) -> [Transaction] {
        guard let model = try? VIBNNModel(config, weights) else { return [] }
        return expected(stim, model: model)
    }

    /// The transactions `model` predicts for the images in `stim` (tests
    /// give a model with other generators as a negative control).
    public func expected(_ stim: Stimulus, model: VIBNNModel) -> [Transaction] {
        var model = model
        let n = config.sizes[0], V = config.macs, bits = config.actBits
        let beats = (n + V - 1) / V
        let words = stim.cycles.filter { !$0[0].isZero }.map { $0[1] }
        return stride(from: 0, to: words.count - beats + 1, by: beats).map { i in
            let pixels = words[i..<(i + beats)].flatMap { w in (0..<V).map { (w >> (bits * $0)).modPow2(bits).intValue! } }
            let logits = model.infer(Array(pixels.prefix(n)))
            let word = logits.enumerated().reduce(BigValue.zero) {
                $0 + (BigValue($1.element).modPow2(VIBNNConfig.logitBits) << (VIBNNConfig.logitBits * $1.offset))
            }
            return Transaction(cycle: nil, values: [word])
        }
    }
}
