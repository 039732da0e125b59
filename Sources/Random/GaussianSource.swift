import HDL

/// A Gaussian generator as a consumer sees it: hardware that gives `count`
/// eps values per enabled cycle in a given fixed-point format, a model that
/// draws the identical values, and the distribution its samples follow (for
/// the statistical gates). A consumer (vibnn) takes `any GaussianSource`, so
/// a new generator is a conformance in its own file plus a `GaussianKind` case.
public protocol GaussianSource: Sendable, CustomStringConvertible {
    /// A short tag for module names, e.g. "rlf63".
    var tag: String { get }
    /// Samples generated when `count` are used (whole generators).
    func generated(for count: Int) -> Int
    /// Instances of the generator in `m` giving `count` eps values in
    /// `format` (rounded half-even, saturated), advancing on cycles
    /// `enable` is high; `valid` is high once every generator runs. Each
    /// lane passes two registers (ungated; e.g. the raw sample, then eps
    /// after its scaling table), so eps lags the generator's state by two
    /// cycles and neither step shares a timing path with the generator or
    /// the consumer's multipliers.
    func build(_ m: ModuleBuilder, count: Int, format: HWType, seed: UInt64,
               enable: Signal) throws -> (eps: [Signal], valid: Signal)
    /// The same values, raw in `format`, one vector per enabled cycle once
    /// valid (the model starts where the hardware first becomes valid).
    func model(count: Int, format: HWType, seed: UInt64) throws -> any EpsModel
    /// The exact distribution of the unit-variance samples.
    var target: any GaussianTarget { get }
    /// For a source whose samples are integers e times a constant: the
    /// constant (eps = scale · e) and e's type. Asked for exactly that type,
    /// `build` and `model` give e itself and the consumer applies the
    /// constant (vibnn folds it into sigma). Nil: no such form.
    var lattice: (scale: Double, type: HWType)? { get }
}

extension GaussianSource {
    public var lattice: (scale: Double, type: HWType)? { nil }
}

/// The model side of a `GaussianSource`.
public protocol EpsModel {
    /// The `count` raw eps values of this enabled cycle; then advances.
    mutating func next() -> [Int]
}

/// What a generator's unit-variance samples should follow, for the gates of
/// shared/specs/grng-vibnn.md.
public protocol GaussianTarget: Sendable {
    /// Chi-square of `xs` against the exact target, bins merged to
    /// expected counts of at least 50.
    func chiSquare(_ xs: [Double]) -> (statistic: Double, dof: Int, p: Double)
    /// P(|X| > k).
    func tailProbability(_ k: Double) -> Double
    /// The largest |x| the generator can emit, in sigma.
    var reach: Double { get }
    /// Whether a continuous-distribution test (KS, Anderson-Darling) applies.
    var isContinuous: Bool { get }
    /// Histogram bins: width, and the offset that centres bars on the
    /// output lattice.
    var bins: (width: Double, offset: Double) { get }
}

/// The generators a design can choose by name.
public enum GaussianKind: String, CaseIterable, Sendable {
    case rlf, wallace, binomial

    /// The source of this kind with its size: RLF window n (decimated
    /// unless asked), Wallace pool 2^log2n, or binomial bits n.
    public func source(rlfWindow: Int, rlfTerms: Int = RLFGRNG.defaultTerms, rlfDecimate: Bool = true,
                       wallaceLog2N: Int, binomialBits: Int = 32) -> any GaussianSource {
        switch self {
        case .binomial: return BinomialSource(bits: binomialBits)
        case .rlf: return RLFSource(window: rlfWindow, terms: rlfTerms, decimate: rlfDecimate)
        case .wallace: return WallaceSource(log2N: wallaceLog2N)
        }
    }
}

/// A `GaussianSource` as a value that can be hashed and compared (blocks
/// holding one must be Hashable): two are equal when they describe the same
/// generator (kind and size).
public struct AnyGaussianSource: Hashable, Sendable, CustomStringConvertible {
    public let source: any GaussianSource
    public init(_ source: any GaussianSource) { self.source = source }
    public var description: String { source.description }
    public static func == (a: Self, b: Self) -> Bool { a.description == b.description }
    public func hash(into h: inout Hasher) { h.combine(description) }
}
