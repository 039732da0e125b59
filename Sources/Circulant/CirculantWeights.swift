import Foundation
import FFT
import Harness
import HDL

/// A block-circulant matrix in floating point: W (m x n) as p x q blocks of
/// k x k, block (i, j) the circulant matrix whose FIRST COLUMN is
/// `columns[i][j]` — the element at row r, column c of the block is
/// w_ij[(r - c) mod k]. Rows past m and columns past n are padding (the
/// vector is zero-padded, the product truncated).
public struct CirculantMatrix: Sendable, Hashable {
    public let m: Int, n: Int, k: Int
    /// [i][j] = the first column of block (i, j), k reals.
    public let columns: [[[Double]]]

    public init(m: Int, n: Int, k: Int, columns: [[[Double]]]) throws {
        let p = (m + k - 1) / k, q = (n + k - 1) / k
        guard columns.count == p, columns.allSatisfy({ $0.count == q && $0.allSatisfy { $0.count == k } }) else {
            let shape = "\(columns.count) x \(columns.first?.count ?? 0) x \(columns.first?.first?.count ?? 0)"
            throw UserError("block-circulant weights for m=\(m) n=\(n) k=\(k) must be \(p) x \(q) blocks of \(k) reals, got \(shape)")
        }
        self.m = m
        self.n = n
        self.k = k
        self.columns = columns
    }

    public var p: Int { columns.count }
    public var q: Int { columns[0].count }

    /// Seeded weights uniform in ±scale/sqrt(n) (a layer whose outputs stay
    /// in the inputs' range).
    public static func random(m: Int, n: Int, k: Int, seed: UInt64, scale: Double = 1) -> CirculantMatrix {
        let p = (m + k - 1) / k, q = (n + k - 1) / k
        var rng = SplitMix64(seed: seed)
        let a = scale / Double(n).squareRoot()
        let cols = (0..<p).map { _ in (0..<q).map { _ in (0..<k).map { _ in a * (2 * rng.unit() - 1) } } }
        return try! CirculantMatrix(m: m, n: n, k: k, columns: cols)
    }

    /// Element (row, col) of the dense m x n matrix.
    public func element(_ row: Int, _ col: Int) -> Double {
        let (i, r) = row.quotientAndRemainder(dividingBy: k), (j, c) = col.quotientAndRemainder(dividingBy: k)
        return columns[i][j][((r - c) % k + k) % k]
    }

    /// The dense m x n matrix, written out element by element.
    public var dense: [[Double]] { (0..<m).map { r in (0..<n).map { element(r, $0) } } }

    /// y = W x in float64 (x has n entries).
    public func times(_ x: [Double]) -> [Double] {
        (0..<m).map { r in (0..<n).reduce(0.0) { $0 + element(r, $1) * x[$1] } }
    }

    /// The real DFT of each block's first column, bins 0 ... k/2, [i][j][f].
    public var spectra: [[[(re: Double, im: Double)]]] {
        columns.map { $0.map { CirculantMatrix.realDFT($0) } }
    }

    /// Bins 0 ... k/2 of the DFT of a real vector, X[f] = Σ x[t] e^(-2πi ft/k),
    /// in float64 by the definition (k <= 128: the direct sum is exact enough
    /// and shares nothing with the hardware's FFT).
    public static func realDFT(_ x: [Double]) -> [(re: Double, im: Double)] {
        let k = x.count
        return (0...k / 2).map { f in
            var re = 0.0, im = 0.0
            for (t, v) in x.enumerated() {
                let a = 2 * Double.pi * Double((f * t) % k) / Double(k)
                re += v * cos(a)
                im -= v * sin(a)
            }
            return (re, im)
        }
    }
}

/// The stored weights: each block's spectrum quantized in the frequency
/// domain to `width`-bit signed parts with `fraction` fraction bits, k/2
/// complex words per block — word 0 packs the two real bins (bin 0 in re,
/// bin k/2 in im), word f the complex bin f — so exactly k reals per block.
public struct CirculantSpectra: Sendable, Hashable {
    public let width: Int
    public let fraction: Int
    /// [i][j][f], f < k/2, raw integers.
    public let words: [[[ComplexInt]]]

    /// The largest fraction that holds every part of every spectrum in
    /// `width` bits (rounded half-even), at most `width` + 8; or `fraction`.
    public init(_ w: CirculantMatrix, width: Int, fraction: Int? = nil) throws {
        let spectra = w.spectra, k = w.k
        let largest = spectra.joined().joined().map { max(abs($0.re), abs($0.im)) }.max() ?? 0
        let hi = Double((1 << (width - 1)) - 1)
        var f = fraction ?? (width + 8)
        if fraction == nil {
            while f > -8 && (largest * pow(2, Double(f))).rounded(.toNearestOrEven) > hi { f -= 1 }
        }
        guard (largest * pow(2, Double(f))).rounded(.toNearestOrEven) <= hi else {
            throw UserError("parameter w_frac=\(f) is too large: the largest weight spectrum part \(largest) does not fit w_width=\(width) bits")
        }
        func q(_ x: Double) -> Int { Int((x * pow(2, Double(f))).rounded(.toNearestOrEven)) }
        self.width = width
        self.fraction = f
        words = spectra.map { row in row.map { s in
            (0..<k / 2).map { b in b == 0 ? ComplexInt(q(s[0].re), q(s[k / 2].re)) : ComplexInt(q(s[b].re), q(s[b].im)) }
        } }
    }

    /// Largest difference between a stored part and the exact spectrum, in
    /// units of 1.0 (half an LSB when nothing saturates).
    public func largestError(_ w: CirculantMatrix) -> Double {
        let scale = pow(2, -Double(fraction)), k = w.k
        var e = 0.0
        for (i, row) in w.spectra.enumerated() {
            for (j, s) in row.enumerated() {
                for b in 0..<k / 2 {
                    let z = words[i][j][b]
                    let (re, im) = b == 0 ? (s[0].re, s[k / 2].re) : (s[b].re, s[b].im)
                    e = max(e, abs(Double(z.re) * scale - re), abs(Double(z.im) * scale - im))
                }
            }
        }
        return e
    }
}
