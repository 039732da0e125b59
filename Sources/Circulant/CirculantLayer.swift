import FFT
import HDL

/// Formats and shape of a block-circulant matrix-vector unit. Raw-integer
/// contract shared by the hardware and the golden model:
///   x        signed inWidth bits, value x_raw / 2^inFrac
///   weights  the spectra of the blocks' first columns, signed wWidth-bit
///            parts with wFrac fraction bits (CirculantSpectra)
///   X        the real FFT of each x block, no scaling (DFT), FFT widths
///   acc      Σ_j W_ij ∘ X_j, exact (or saturating at accWidth bits)
///   Y        acc / 2^specShift, rounded, saturated to specWidth bits, so
///            its fraction is outFrac
///   y        the inverse real FFT of Y divided by k (a shift per stage),
///            saturated to outWidth bits (value y_raw / 2^outFrac), ReLU
///            when asked; rows past m dropped
public struct CirculantConfig: Sendable, Hashable {
    public var m: Int, n: Int, k: Int
    /// Frequency bins multiplied per cycle (complex MAC lanes).
    public var lanes = 1
    /// Products in flight: banks of the input-spectra memory (a power of
    /// two >= 2; more let loads run further ahead of the MACs).
    public var banks = 2
    public var inWidth = 16, inFrac = 12
    public var wWidth = 16
    /// nil: the largest that holds every weight part.
    public var wFrac: Int? = nil
    public var outWidth = 16, outFrac = 12
    public var twWidth = 18
    public var guardBits = 2
    public var rounding = RoundingMode.halfEven
    /// nil: exact (no overflow possible).
    public var accWidth: Int? = nil
    public var relu = false
    /// Real multipliers per complex multiplier inside the FFTs.
    public var fftMults = MultiplierStyle.three

    public init(m: Int, n: Int, k: Int) {
        self.m = m
        self.n = n
        self.k = k
    }

    public var p: Int { (m + k - 1) / k }
    public var q: Int { (n + k - 1) / k }
    public var half: Int { k / 2 }
    /// Issue cycles per output block and frequency group: k/2 bins in groups of `lanes`.
    public var groups: Int { half / lanes }

    /// The first inconsistency, naming the parameters, or nil.
    public var problem: String? {
        if m < 1 || n < 1 { return "m=\(m) and n=\(n) must be at least 1" }
        if k < 4 || k > 128 || k & (k - 1) != 0 {
            return "k=\(k) must be a power of two in 4...128 (the real k-point FFT runs on a k/2-point complex core)"
        }
        if k > max(m, n) {
            var fit = 4
            while fit * 2 <= max(m, n) { fit *= 2 }
            return "k=\(k) is larger than the matrix (m=\(m), n=\(n)): a block would be mostly padding; choose k <= \(fit)"
        }
        if lanes < 1 || lanes & (lanes - 1) != 0 || lanes > half { return "lanes=\(lanes) must be a power of two in 1...\(half) (k/2 bins)" }
        if lanes > q {
            return "lanes=\(lanes) exceeds q=\(q) block columns: the one inverse FFT takes a bin per cycle, so more than q lanes would wait on it"
        }
        if banks < 2 || banks > 16 || banks & (banks - 1) != 0 { return "banks=\(banks) must be a power of two in 2...16" }
        if !(0...inWidth).contains(inFrac) { return "in_frac=\(inFrac) must be in 0...\(inWidth) (in_width=\(inWidth))" }
        if !(0...outWidth + 8).contains(outFrac) { return "out_frac=\(outFrac) must be in 0...\(outWidth + 8)" }
        return nil
    }
}

/// A configured unit: the config, the weights (float and stored), the two
/// real-FFT plans and every derived width and count.
public struct CirculantLayer: Sendable, Hashable {
    public let config: CirculantConfig
    public let matrix: CirculantMatrix
    public let spectra: CirculantSpectra
    public let forward: RealFFTPlan
    public let inverse: RealFFTPlan
    /// Width of X (each part), of one complex product part, of the exact
    /// accumulator, and of the accumulator built.
    public let xWidth: Int, productWidth: Int, exactAccWidth: Int, accWidth: Int
    public let specShift: Int, specWidth: Int
    /// Width of the inverse FFT's output before the output saturation.
    public let yWidth: Int
    /// Per row, added before the output saturation (raw, the output
    /// format, rounded half-even); empty: none.
    public let bias: [Int]

    public init(_ c: CirculantConfig, matrix: CirculantMatrix, bias: [Double] = []) throws {
        if let problem = c.problem { throw UserError("parameter \(problem)") }
        guard matrix.m == c.m, matrix.n == c.n, matrix.k == c.k else {
            throw UserError("the weights are for m=\(matrix.m) n=\(matrix.n) k=\(matrix.k), the unit is m=\(c.m) n=\(c.n) k=\(c.k)")
        }
        config = c
        self.matrix = matrix
        spectra = try CirculantSpectra(matrix, width: c.wWidth, fraction: c.wFrac)
        forward = try RealFFTPlan(n: c.k, inWidth: c.inWidth, twiddleWidth: c.twWidth, outWidth: nil, guardBits: c.guardBits,
                                  radix: .twoSquared, inverse: false, schedule: .grow, rounding: c.rounding, clip: false)
        xWidth = forward.outWidth
        productWidth = xWidth + c.wWidth + 1
        exactAccWidth = productWidth + (c.q - 1).bitWidthNeeded
        accWidth = min(c.accWidth ?? exactAccWidth, exactAccWidth)
        specShift = c.inFrac + spectra.fraction - c.outFrac
        guard specShift >= 0 else {
            throw UserError("parameter out_frac=\(c.outFrac) is finer than in_frac + the weights' fraction (\(c.inFrac) + \(spectra.fraction)): lower out_frac")
        }
        specWidth = c.outWidth + c.k.trailingZeroBitCount + 1
        inverse = try RealFFTPlan(n: c.k, inWidth: specWidth, twiddleWidth: c.twWidth, outWidth: nil, guardBits: c.guardBits,
                                  radix: .twoSquared, inverse: true, schedule: .shift, rounding: c.rounding, clip: false)
        yWidth = inverse.outWidth
        guard bias.isEmpty || bias.count == c.m else {
            throw UserError("the bias has \(bias.count) values, the unit has m=\(c.m) rows")
        }
        let scale = Double(1 << c.outFrac)
        self.bias = try bias.map { b in
            let r = Int((b * scale).rounded(.toNearestOrEven))
            guard FixedMath.fits(r, width: c.outWidth) else {
                throw UserError("bias \(b) does not fit out_width=\(c.outWidth) bits with out_frac=\(c.outFrac)")
            }
            return r
        }
        guard exactAccWidth <= 62 else {
            throw UserError("the accumulator would be \(exactAccWidth) bits (FFT output \(xWidth) + w_width \(c.wWidth) + 1 + log2 q), above the model's 62: narrow in_width or w_width")
        }
    }

    /// Weight memory words (reals): k per block.
    public var weightWords: Int { config.p * config.q * config.k }
    /// Stored weights of the dense m x n layer, for comparison.
    public var denseWords: Int { config.m * config.n }
    /// Real multiplications per product in the element-wise stage (4 per
    /// complex MAC, 2 for the packed real bins) and in a dense layer.
    public var macMultiplies: Int { config.p * config.q * (4 * (config.half - 1) + 2) }
    public var denseMultiplies: Int { config.m * config.n }
    /// Input beats (two reals each) the user sends per product, and beats
    /// the forward FFT takes (the rest zero padding).
    public var userBeats: Int { (config.n + 1) / 2 }
    public var loadBeats: Int { config.q * config.half }
    /// Output beats (two reals each) per product.
    public var outBeats: Int { (config.m + 1) / 2 }
    /// Cycles the MAC lanes issue per product.
    public var issueCycles: Int { config.p * config.groups * config.q }
}

extension Int {
    /// Bits to hold 0 ... self unsigned (0 for 0).
    var bitWidthNeeded: Int { self <= 0 ? 0 : Int.bitWidth - leadingZeroBitCount }
}
