import Foundation
import Harness
import HDL
import Random

/// `vibnn`: the Bayesian-MLP accelerator against its fixed-point model, fed
/// the identical eps sequence, every logit of every image compared.
public struct VIBNNDesign: Design {
    public enum Net: String, CaseIterable, Sendable { case auto, random, digits, mnist }

    public struct Params: ParamSet {
        var net = Net.auto
        var inputs: Int?, hidden: Int?, hiddenLayers: Int?, outputs: Int?
        var pes: Int?
        var macs = 1
        var grng = GaussianKind.rlf, rlfN = 63, rlfTerms = RLFGRNG.defaultTerms, rlfDecimate = true, wallaceLog2n = 10, binomialN = 32
        var seed = 1
        var actBits = 8, actFrac = 5, paramBits = 8, sigmaBits: Int?, muFrac: Int?, sigmaFrac: Int?
        var epsBits = 16, wBits = 16, wFrac = 11, accGuard = 12, dspPEs: Int?
        public init() {}
        init(_ edit: (inout Params) -> Void) { edit(&self) }
        public static var specs: [Param<Self>] { [
            .choice("net", \.net, "auto: mnist, or random when a layer size is given; random: seeded random mu/sigma for the sizes below; digits: the trained 64-32-32-10 network of Data/digits_bnn.json (8x8 digits); mnist: the paper's 784-200-200-10 trained on real MNIST, Data/mnist_bnn.bin"),
            .int("inputs", \.inputs, 1...4096, "input layer size (auto: 784; a trained net fixes the sizes)"),
            .int("hidden", \.hidden, 1...1024, "size of each hidden layer (auto: 200)"),
            .int("hidden_layers", \.hiddenLayers, 0...8, "hidden layers, ReLU (auto: 2)"),
            .int("outputs", \.outputs, 1...64, "output logits (auto: 10)"),
            .int("pes", \.pes, 1...256, "processing elements: neurons computed in parallel (auto: 64, at most the widest layer)"),
            .int("macs", \.macs, 1...16, "inputs each PE multiplies per cycle (each with its own sampled weight)"),
            .choice("grng", \.grng, "Gaussian generator behind the weight samplers"),
            .int("rlf_n", \.rlfN, 3...128, "RLF window (decimated: pes*macs*rlf_n lanes)"),
            .int("rlf_terms", \.rlfTerms, 3...15, "RLF feedback polynomial terms, odd (3: a trinomial as in the paper, whose windows depend on each other)"),
            .flag("rlf_decimate", \.rlfDecimate, "yes: rlf_n lanes behind each eps, each shown every rlf_n-th cycle (disjoint windows); no: one lane per eps shown every cycle, as in the paper (rlf_n times fewer lanes; consecutive eps of a PE share rlf_n-1 of their bits)"),
            .int("wallace_log2n", \.wallaceLog2n, 4...10, "Wallace pool size 2^k (one pool per 4 multipliers)"),
            .int("binomial_n", \.binomialN, BinomialGRNG.bitRange, "binomial: fresh bits an eps (even); eps = e*2/sqrt(n) with the constant folded into sigma"),
            .int("seed", \.seed, 0...Int.max, "generator seeds (and the random weights)"),
            .int("act_bits", \.actBits, 2...16, "activation width (unsigned)"),
            .int("act_frac", \.actFrac, 0...16, "activation fraction bits"),
            .int("param_bits", \.paramBits, 2...16, "mu width (signed)"),
            .int("sigma_bits", \.sigmaBits, 1...16, "sigma width (unsigned; auto: param_bits)"),
            .int("mu_frac", \.muFrac, 0...24, "mu fraction bits (auto: 6; net=mnist: the most that hold its largest |mu|)"),
            .int("sigma_frac", \.sigmaFrac, 0...32, "sigma fraction bits (auto: 8; net=mnist: the most that hold its largest sigma, after the binomial constant)"),
            .int("eps_bits", \.epsBits, 6...24, "eps width, eps_bits-4 fraction bits (rlf, wallace; a binomial eps is its integer e)"),
            .int("w_bits", \.wBits, 4...32, "sampled weight width"),
            .int("w_frac", \.wFrac, 0...32, "sampled weight fraction bits"),
            .int("acc_guard", \.accGuard, 0...24, "accumulator bits above the product"),
            .int("dsp_pes", \.dspPEs, 0...256, "PEs whose act*w products use DSP blocks; the rest multiply in LUTs (auto: all)"),
        ] }
    }

    public static let name = "vibnn"
    public static let summary = "VIBNN Bayesian-MLP accelerator: PE array, w = mu + sigma*eps per MAC from RLF, Wallace or binomial GRNGs (default: the 784-200-200-10 trained on MNIST)"
    /// The default size with Wallace generators (about 3 minutes in both
    /// engines) runs in `make soak`; the digits net with them runs here.
    public static var testSets: [Params] { [
        Params { $0.inputs = 16; $0.hidden = 8; $0.outputs = 4; $0.pes = 3; $0.rlfN = 7 },
        Params { $0.inputs = 13; $0.hidden = 6; $0.hiddenLayers = 1; $0.outputs = 5; $0.pes = 2; $0.grng = .wallace; $0.wallaceLog2n = 4 },
        Params { $0.inputs = 9; $0.hiddenLayers = 0; $0.outputs = 7; $0.pes = 4; $0.rlfN = 5; $0.actBits = 6; $0.actFrac = 2
                 $0.wBits = 10; $0.wFrac = 6; $0.accGuard = 0 },
        Params { $0.inputs = 20; $0.hidden = 9; $0.hiddenLayers = 3; $0.outputs = 3; $0.pes = 9; $0.grng = .wallace
                 $0.wallaceLog2n = 5; $0.paramBits = 5; $0.muFrac = 3; $0.sigmaFrac = 5; $0.epsBits = 10 },
        Params { $0.net = .digits },
        Params { $0.net = .digits; $0.grng = .wallace; $0.pes = 16 },
        Params { $0.inputs = 23; $0.hidden = 10; $0.outputs = 6; $0.pes = 4; $0.macs = 3; $0.rlfN = 9 },
        Params { $0.inputs = 8; $0.hidden = 5; $0.hiddenLayers = 1; $0.outputs = 2; $0.pes = 5; $0.macs = 16; $0.grng = .wallace; $0.wallaceLog2n = 4 },
        Params { $0.net = .digits; $0.pes = 10; $0.macs = 4; $0.grng = .wallace; $0.wallaceLog2n = 6 },
        Params { $0.inputs = 1; $0.hidden = 1; $0.outputs = 1; $0.pes = 1; $0.rlfN = 3 },
        Params { $0.inputs = 12; $0.hidden = 7; $0.outputs = 3; $0.pes = 5; $0.macs = 2; $0.rlfN = 10; $0.rlfDecimate = false },
        Params { $0.net = .digits; $0.grng = .binomial; $0.pes = 10; $0.macs = 3; $0.dspPEs = 4; $0.sigmaBits = 4; $0.sigmaFrac = 9 },
        Params { $0.inputs = 11; $0.hidden = 6; $0.outputs = 3; $0.pes = 4; $0.macs = 2; $0.grng = .binomial; $0.binomialN = 6
                 $0.dspPEs = 0; $0.wBits = 8; $0.wFrac = 5 },
        VIBNNDesign.device,
    ] }
    /// The paper's network on the LFE5U-85F: 50 PEs x 5 MACs (250 weights
    /// sampled a cycle; 833 bank words, so each bank fits 1,024-deep block
    /// RAM), binomial eps of 16 bits, 8-bit mu and 4-bit sigma with 9
    /// fraction bits (as w: the sampled weight needs no rounding adder),
    /// act*w of PEs 31... in LUTs (155 products use DSP blocks).
    public static var device: Params {
        Params { $0.net = .mnist; $0.grng = .binomial; $0.binomialN = 16; $0.pes = 50; $0.macs = 5
                 $0.sigmaBits = 4; $0.sigmaFrac = 9; $0.wBits = 10; $0.wFrac = 9; $0.dspPEs = 31 }
    }
    /// `device` as command-line parameters (README, soak, synth).
    public static let deviceFlags = "net=mnist grng=binomial binomial_n=16 pes=50 macs=5 sigma_bits=4 sigma_frac=9 w_bits=10 w_frac=9 dsp_pes=31"
    /// `make test` reports on the trained digits network and on the
    /// MNIST network as built for the LFE5U-85F (its accuracy gate at the
    /// device's widths, its schedule measured in Verilator).
    public static var reportSets: [Params] { [Params { $0.net = .digits }, VIBNNDesign.device] }

    public let config: VIBNNConfig
    public let weights: VIBNNWeights
    public let accelerator: VIBNNAccelerator
    /// The trained network (net=digits), else nil.
    public let net: BayesianMLP?

    /// Where a trained network lives: $HWGEN_DATA, else the source tree's
    /// Data/, else ./Data.
    public static func dataPath(_ file: String) -> String {
        if let d = ProcessInfo.processInfo.environment["HWGEN_DATA"] { return d + "/" + file }
        let tree = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path + "/Data/" + file
        return FileManager.default.fileExists(atPath: tree) ? tree : "Data/" + file
    }
    public static var digitsPath: String { dataPath("digits_bnn.json") }
    public static var mnistPath: String { dataPath("mnist_bnn.bin") }

    public init(_ p: Params) throws {
        var net: BayesianMLP? = nil
        var sizes = [p.inputs ?? 784] + Array(repeating: p.hidden ?? 200, count: p.hiddenLayers ?? 2) + [p.outputs ?? 10]
        var p = p
        if p.net == .auto {
            let sized = [p.inputs, p.hidden, p.hiddenLayers, p.outputs].contains { $0 != nil }
            p.net = sized ? .random : .mnist
        }
        if p.net != .random {
            let given = [("inputs", p.inputs), ("hidden", p.hidden), ("hidden_layers", p.hiddenLayers), ("outputs", p.outputs)]
            let shape = p.net == .digits ? "64-32-32-10" : "784-200-200-10"
            if let (name, _) = given.first(where: { $0.1 != nil }) {
                throw UserError("parameter \(name) does not apply to net=\(p.net) (its sizes are \(shape))")
            }
            let path = p.net == .digits ? VIBNNDesign.digitsPath : VIBNNDesign.mnistPath
            do { net = p.net == .digits ? try BayesianMLP.load(path) : try BayesianMLP.loadPacked(path) } catch {
                throw UserError("cannot read the \(p.net) network at \(path): \(error)")
            }
            sizes = net!.sizes
        }
        // PEs past the widest layer would idle: unless given, at most that many.
        let pes = p.pes ?? min(64, sizes.dropFirst().max()!)
        guard p.rlfTerms % 2 == 1 else { throw UserError("parameter rlf_terms=\(p.rlfTerms) must be odd (an even count is never primitive)") }
        guard p.binomialN % 2 == 0 else { throw UserError("parameter binomial_n=\(p.binomialN) must be even") }
        let source = p.grng.source(rlfWindow: p.rlfN, rlfTerms: p.rlfTerms, rlfDecimate: p.rlfDecimate, wallaceLog2N: p.wallaceLog2n,
                                   binomialBits: p.binomialN)
        var c = VIBNNConfig(sizes: sizes, pes: pes, eps: source, seed: UInt64(p.seed))
        c.macs = p.macs
        c.actBits = p.actBits; c.actFraction = p.actFrac
        c.paramBits = p.paramBits; c.sigmaBits = p.sigmaBits ?? p.paramBits
        c.muFraction = p.muFrac ?? 6; c.sigmaFraction = p.sigmaFrac ?? 8
        if let net, p.net == .mnist {
            // The finest fractions that saturate nothing of this network.
            let mu = net.layers.flatMap { $0.w_mu.flatMap { $0 } + $0.b_mu }.map(abs).max()!
            let sigma = net.layers.flatMap { $0.w_sigma.flatMap { $0 } + $0.b_sigma }.max()! * c.sigmaFold
            func finest(_ x: Double, _ limit: Int, _ most: Int) -> Int {
                (0...most).last { (x * Double(1 << $0)).rounded(.toNearestOrEven) <= Double(limit) } ?? 0
            }
            c.muFraction = p.muFrac ?? finest(mu, (1 << (c.paramBits - 1)) - 1, 24)
            c.sigmaFraction = p.sigmaFrac ?? finest(sigma, (1 << c.sigmaBits) - 1, c.sigmaBits + 16)
        }
        c.epsBits = p.epsBits; c.weightBits = p.wBits; c.weightFraction = p.wFrac
        c.accGuard = p.accGuard
        c.dspPEs = p.dspPEs ?? pes
        if let problem = c.problem { throw UserError(problem) }
        config = c
        weights = net.map { VIBNNWeights.quantised($0, c) } ?? VIBNNWeights.random(c)
        self.net = net
        accelerator = try VIBNNAccelerator(c, weights)
    }

    public var top: any Block { accelerator }
    public var ports: TestPorts {
        TestPorts(valid: "out_valid", inputStream: ("in_valid", "in_ready"), data: ["out_logits"])
    }
    public var reports: [any DesignReport] { [VIBNNReport(design: self)] }

    /// A held-out image (raw pixels, times the net's input scale) in the
    /// activation format, rounded half-even and saturated.
    public func activations(_ pixels: [Int]) -> [Int] {
        let hi = (1 << config.actBits) - 1, scale = net?.input_scale ?? 1
        return pixels.map { min(hi, Int((Double($0) * scale * Double(1 << config.actFraction)).rounded(.toNearestOrEven))) }
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

    /// A transaction is an image (its logits compared together); at least
    /// 3 run, the first three back to back.
    public static var unit: String { "image" }
    public func imageCount(vectors: Int) -> Int { max(3, vectors) }
    /// 100 images of a small network; about 100,000 cycles of a large one
    /// (24 images of the default MNIST network, 4,167 cycles each), at
    /// least 20.
    public var defaultVectors: Int { min(100, max(20, 100_000 / config.cyclesPerImage)) }

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

    public func expected(_ stim: Stimulus) throws -> [Transaction] {
        expected(stim, model: try VIBNNModel(config, weights))
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
