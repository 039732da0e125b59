import HDL
import Random

/// Shape, formats and generator of a VIBNN accelerator. Every format is a
/// raw-integer contract shared by the hardware and the golden model:
///   activation  unsigned actBits, actFraction fraction bits (inputs, hidden)
///   mu          signed paramBits, muFraction
///   sigma       unsigned sigmaBits, sigmaFraction (up to 16 past its
///               width: a small sigma keeps its bits)
///   eps         signed epsBits, epsBits − 4 fraction bits (±8); or, from a
///               source with a lattice (binomial), its integer e, the
///               constant (eps = scale·e) folded into sigma
///   weight      signed weightBits, weightFraction: mu + sigma·eps rounded
///               half-even and saturated
///   accumulator signed, product width + accGuard bits, saturating
///   hidden out  ReLU, then half-even and saturated to the activation format
///   logit       signed 16 bits, 8 fraction bits, half-even and saturated
public struct VIBNNConfig: Sendable, Hashable {
    public var sizes: [Int]
    public var pes: Int
    /// Inputs each PE multiplies per cycle (its products summed exactly
    /// before the saturating accumulate).
    public var macs = 1
    /// The Gaussian generator behind the weight samplers.
    public var eps: AnyGaussianSource
    public var seed: UInt64
    public var actBits = 8, actFraction = 5
    public var paramBits = 8, muFraction = 6, sigmaFraction = 8
    public var sigmaBits = 8
    public var epsBits = 16
    public var weightBits = 16, weightFraction = 11
    public var accGuard = 12
    /// PEs 0 ..< dspPEs multiply act·w with `*` (DSP blocks); the rest in
    /// LUT logic (`LogicMultiplier`).
    public var dspPEs = Int.max
    public static let logitBits = 16, logitFraction = 8

    public init(sizes: [Int], pes: Int, eps: any GaussianSource, seed: UInt64 = 1) {
        self.sizes = sizes
        self.pes = pes
        self.eps = AnyGaussianSource(eps)
        self.seed = seed
    }

    public var layers: Int { sizes.count - 1 }
    public var epsFraction: Int { epsType.fraction }
    /// The eps format: the source's lattice type, else epsBits with
    /// epsBits − 4 fraction bits.
    public var epsType: HWType {
        eps.source.lattice?.type ?? HWType(width: epsBits, signed: true, fraction: epsBits - 4)
    }
    /// What sigma is multiplied by before quantising: the lattice constant
    /// (so sigma·e is sigma·eps), else 1.
    public var sigmaFold: Double { eps.source.lattice?.scale ?? 1 }
    /// Neuron groups of layer l: P neurons at a time, one per PE.
    public func groups(_ l: Int) -> Int { (sizes[l + 1] + pes - 1) / pes }
    /// Weights per neuron of layer l, bias last (its input is the constant 1).
    public func fanIn(_ l: Int) -> Int { sizes[l] + 1 }
    /// Steps (issue cycles) per neuron of layer l: `macs` inputs each.
    public func steps(_ l: Int) -> Int { (fanIn(l) + macs - 1) / macs }
    /// The lane of the last step that carries the bias of layer l.
    public func biasLane(_ l: Int) -> Int { sizes[l] % macs }
    /// Steps (cycles that issue) per image.
    public var stepsPerImage: Int { (0..<layers).reduce(0) { $0 + groups($1) * steps($1) } }
    /// Multiplier slots per image (steps × PEs × macs; padding included).
    public var macSlotsPerImage: Int { stepsPerImage * pes * macs }
    /// Weights per image (the useful MACs, biases included).
    public var weightsPerImage: Int { (0..<layers).reduce(0) { $0 + sizes[$1 + 1] * fanIn($1) } }
    /// With three or more products a step, their sum gets a register of its
    /// own before the accumulate (a tree and a saturating add in one cycle
    /// would set the clock): one stage more.
    public var sumStage: Bool { macs > 2 }
    /// Cycles between the last issue of a layer and the first of the next,
    /// so the results are written before they are read: the stages from
    /// issue to write-back.
    public var drain: Int { sumStage ? 8 : 7 }
    /// Cycles from one image's first issue to the next image's, when inputs
    /// keep up: the steps, the drains, and one start cycle.
    public var cyclesPerImage: Int { stepsPerImage + drain * layers + 1 }
    /// Words of each PE's mu/sigma bank.
    public var bankDepth: Int { stepsPerImage }
    /// Width of act × weight.
    public var productBits: Int { actBits + 1 + weightBits }
    public var accBits: Int { productBits + accGuard }

    /// Weight samplers: one eps per multiplier per step.
    public var samplers: Int { pes * macs }
    /// GRNG samples generated per step (Wallace pools give 4 each).
    public var epsLanes: Int { eps.source.generated(for: samplers) }

    /// A one-line reason the configuration cannot be built, or nil.
    /// The first inconsistency, naming the `vibnn` parameters involved and
    /// what would be valid.
    public var problem: String? {
        if sizes.count < 2 { return "a network needs at least an input and an output layer" }
        if let s = sizes.first(where: { $0 < 1 }) { return "layer sizes must be at least 1, got \(s)" }
        if pes < 1 { return "pes=\(pes) must be at least 1" }
        if !(1...16).contains(macs) { return "macs=\(macs) must be in 1...16" }
        if !(2...16).contains(actBits) { return "act_bits=\(actBits) must be in 2...16" }
        // The bias input is the constant 1.0; it must be representable.
        if !(0...actBits - 1).contains(actFraction) {
            return "act_frac=\(actFraction) must be in 0...\(actBits - 1) with act_bits=\(actBits) (the bias input 1.0 needs an integer bit)"
        }
        if !(2...16).contains(paramBits) { return "param_bits=\(paramBits) must be in 2...16" }
        if !(0...paramBits).contains(muFraction) {
            return "mu_frac=\(muFraction) must be in 0...\(paramBits) with param_bits=\(paramBits) (mu is param_bits wide)"
        }
        if !(1...16).contains(sigmaBits) { return "sigma_bits=\(sigmaBits) must be in 1...16" }
        if !(0...sigmaBits + 16).contains(sigmaFraction) {
            return "sigma_frac=\(sigmaFraction) must be in 0...\(sigmaBits + 16) with sigma_bits=\(sigmaBits)"
        }
        if !(6...24).contains(epsBits) { return "eps_bits=\(epsBits) must be in 6...24" }
        if !(4...32).contains(weightBits) { return "w_bits=\(weightBits) must be in 4...32" }
        if !(0...weightBits).contains(weightFraction) {
            return "w_frac=\(weightFraction) must be in 0...\(weightBits) with w_bits=\(weightBits)"
        }
        if accBits > 62 {
            return "the accumulator would be \(accBits) bits (act_bits + 1 + w_bits + acc_guard), above the model's 62: lower acc_guard or the widths"
        }
        if max(muFraction, sigmaFraction + epsFraction) - weightFraction > 40 {
            return "w_frac=\(weightFraction) is more than 40 bits below mu_frac=\(muFraction) or sigma_frac + eps fraction=\(sigmaFraction + epsFraction)"
        }
        return nil
    }
}

/// Raw mu and sigma of every weight, [layer][neuron][input], bias last.
public struct VIBNNWeights: Sendable, Hashable {
    public var mu: [[[Int]]]
    public var sigma: [[[Int]]]

    /// Random parameters for a network with no trained weights (the default
    /// MNIST shape: no dataset ships offline). mu spreads ±2/sqrt(fan-in),
    /// sigma up to a quarter of that, so activations neither vanish nor all
    /// saturate.
    public static func random(_ c: VIBNNConfig) -> VIBNNWeights {
        var rng = XorShift64(state: c.seed &* 0x2545_F491_4F6C_DD1D | 1)
        var mu: [[[Int]]] = [], sigma: [[[Int]]] = []
        let muMax = (1 << (c.paramBits - 1)) - 1, sigmaMax = (1 << c.sigmaBits) - 1
        for l in 0..<c.layers {
            let spread = 2.0 / Double(c.fanIn(l)).squareRoot()
            let mr = max(1, min(muMax, Int(spread * Double(1 << c.muFraction))))
            let sr = max(1, min(sigmaMax, Int(spread / 4 * Double(1 << c.sigmaFraction))))
            mu.append((0..<c.sizes[l + 1]).map { _ in
                (0..<c.fanIn(l)).map { _ in Int(rng.next() % UInt64(2 * mr + 1)) - mr } })
            sigma.append((0..<c.sizes[l + 1]).map { _ in
                (0..<c.fanIn(l)).map { _ in Int(rng.next() % UInt64(sr + 1)) } })
        }
        return VIBNNWeights(mu: mu, sigma: sigma)
    }

    /// A trained float network quantised (half-even, saturated) to the
    /// formats of `c`, sigma times `c.sigmaFold`; sigma below zero cannot
    /// occur.
    public static func quantised(_ net: BayesianMLP, _ c: VIBNNConfig) -> VIBNNWeights {
        func q(_ x: Double, _ f: Int, _ lo: Int, _ hi: Int) -> Int {
            let v = (x * Double(1 << f)).rounded(.toNearestOrEven)
            return Int(min(max(v, Double(lo)), Double(hi)))
        }
        let muLo = -(1 << (c.paramBits - 1)), muHi = (1 << (c.paramBits - 1)) - 1, sHi = (1 << c.sigmaBits) - 1
        var mu: [[[Int]]] = [], sigma: [[[Int]]] = []
        for l in net.layers {
            mu.append(l.w_mu.indices.map { o in
                (l.w_mu[o] + [l.b_mu[o]]).map { q($0, c.muFraction, muLo, muHi) } })
            sigma.append(l.w_sigma.indices.map { o in
                (l.w_sigma[o] + [l.b_sigma[o]]).map { q($0 * c.sigmaFold, c.sigmaFraction, 0, sHi) } })
        }
        return VIBNNWeights(mu: mu, sigma: sigma)
    }
}
