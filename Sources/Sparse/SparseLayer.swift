import Foundation
import Harness
import HDL

/// How a pruned layer is stored: `sparse` (ADMM-NN-S non-structured: a
/// stream of (delta index, level) words with zero fillers) or `dense`
/// (structured: the kept rows and columns as a smaller dense layer, plus a
/// row and a column mask).
public enum SparseStorage: String, Sendable, CaseIterable {
    case sparse, dense
}

/// A level-quantized FC layer y = requant(W·x + b) as the engine runs it:
/// integer level indices, integer bias in accumulator units (1 unit =
/// q·2^-actFrac), requantisation by an integer multiply and a shift
/// (y = round_half_up(acc·mult / 2^shift), saturated to outWidth bits,
/// then ReLU if asked), and the stored image the engine's memories hold.
public struct SparseLayer: Sendable {
    public let name: String
    public let rows: Int, cols: Int
    /// Level indices [row][col] in -levels...levels (0: pruned).
    public let indices: [[Int]]
    public let levels: Int, pow2: Bool, q: Double
    public let bias: [Int]
    public let actWidth: Int, actFrac: Int, outWidth: Int, outFrac: Int
    public let relu: Bool
    public let storage: SparseStorage
    public let idxBits: Int

    /// Sparse image: (delta, level) words row after row, words per row.
    public let words: [(delta: Int, level: Int)]
    public let rowLengths: [Int]
    public let fillers: Int
    /// Dense image: which rows and columns are kept, the kept levels.
    public let keptRows: [Bool], keptCols: [Bool]
    public let denseLevels: [Int]

    public let requant: Requant
    public var mult: Int { requant.mult }
    public var shift: Int { requant.shift }

    /// MACs a cycle of the dense engine (kept columns a word).
    public let macs: Int

    public init(name: String, quantized l: WeightLayer, storage: SparseStorage, idxBits: Int,
                actWidth: Int, actFrac: Int, outWidth: Int, outFrac: Int, relu: Bool, macs: Int = 1) throws {
        guard macs == 1 || storage == .dense else {
            throw UserError("the sparse engine gathers one activation a cycle: macs must be 1 with storage=sparse (got \(macs))")
        }
        self.macs = macs
        guard let ks = l.indices, let n = l.levels, let q = l.q else {
            throw UserError("layer \(l.name) has no level indices (quantize it first)")
        }
        self.name = name
        rows = l.rows; cols = l.cols
        indices = ks; levels = n; pow2 = l.pow2; self.q = q
        self.actWidth = actWidth; self.actFrac = actFrac; self.outWidth = outWidth; self.outFrac = outFrac
        self.relu = relu; self.storage = storage; self.idxBits = idxBits
        // One accumulator unit is q·2^-actFrac; outputs have outFrac bits.
        let unit = q * pow(2, Double(-actFrac))
        requant = try Requant(scale: unit * pow(2, Double(outFrac)), width: outWidth, relu: relu, what: "layer \(l.name)")
        bias = try integerBias(l.bias ?? Array(repeating: 0, count: rows), unit: unit, what: "layer \(l.name)")
        // Sparse stream: deltas from the previous kept column (the first from
        // column -1), a filler (delta 2^b - 1, level 0) while a gap is longer.
        let maxDelta = (1 << idxBits) - 1
        var ws: [(Int, Int)] = [], lens: [Int] = [], fill = 0
        for row in ks {
            var prev = -1, len = 0
            for (c, k) in row.enumerated() where k != 0 {
                var gap = c - prev
                while gap > maxDelta { ws.append((maxDelta, 0)); gap -= maxDelta; fill += 1; len += 1 }
                ws.append((gap, k)); len += 1
                prev = c
            }
            lens.append(len)
        }
        words = ws; rowLengths = lens; fillers = fill
        keptRows = ks.map { $0.contains { $0 != 0 } }
        keptCols = (0..<cols).map { c in ks.contains { $0[c] != 0 } }
        var dl: [Int] = []
        for (r, row) in ks.enumerated() where keptRows[r] { for c in 0..<cols where keptCols[c] { dl.append(row[c]) } }
        denseLevels = dl
    }

    /// Largest |Σ x·level| over a row: the accumulator never exceeds it
    /// (a dense word's partial sums neither: they are part of the row's).
    static func bound(rows: [[Int]], actWidth: Int, levels: Int, pow2: Bool) -> Int {
        let top = pow2 ? 1 << (levels - 1) : levels
        let nnz = rows.map { $0.filter { $0 != 0 }.count }.max() ?? 0
        return max(1, nnz) * (1 << (actWidth - 1)) * top
    }

    public var levelBits: Int { LevelQuantizer.indexBits(levels) }
    public var keptRowCount: Int { keptRows.filter { $0 }.count }
    public var keptColCount: Int { keptCols.filter { $0 }.count }
    public var nonZeros: Int { indices.reduce(0) { $0 + $1.filter { $0 != 0 }.count } }

    /// The integer value a level index stands for (q units).
    public func levelValue(_ k: Int) -> Int {
        k == 0 ? 0 : (k < 0 ? -1 : 1) * (pow2 ? 1 << (abs(k) - 1) : abs(k))
    }

    /// Bits of the accumulator: the row bound plus the largest bias, signed.
    public var accWidth: Int {
        signedBits(SparseLayer.bound(rows: indices, actWidth: actWidth, levels: levels, pow2: pow2) + (bias.map(abs).max() ?? 0))
    }

    /// The row-length field: enough bits for the longest row's words.
    public var lengthBits: Int { bitsFor(rowLengths.max() ?? 0) }

    // MARK: storage (the formulas of the spec, from the image)

    /// Stream bits of the sparse image: (nnz + fillers)·(b_w + b_idx).
    public var sparseStreamBits: Int { words.count * (levelBits + idxBits) }
    /// Row-length bits the sparse decoder also needs.
    public var sparseLengthBits: Int { rows * lengthBits }
    /// Dense image: kept rows x kept columns levels, plus the two masks.
    public var denseWeightBits: Int { denseLevels.count * levelBits }
    /// Words a kept row takes in the dense engine: ceil(kept columns / macs).
    public var denseRowWords: Int { (keptColCount + macs - 1) / macs }
    /// The dense engine's ROM words: each kept row's levels, `macs` a word,
    /// the last word of a row padded with zeros.
    public var denseWords: [[Int]] {
        var out: [[Int]] = []
        for r in 0..<rows where keptRows[r] {
            let row = (0..<cols).filter { keptCols[$0] }.map { indices[r][$0] }
            for w in 0..<denseRowWords { out.append((0..<macs).map { w * macs + $0 < row.count ? row[w * macs + $0] : 0 }) }
        }
        return out
    }
    /// Zero padding in those words (none when macs divides the kept columns).
    public var densePaddingBits: Int { keptRowCount * (denseRowWords * macs - keptColCount) * levelBits }
    public var denseMaskBits: Int { rows + cols }

    // MARK: the golden model, from the matrix (not from the stored image)

    /// y for one activation vector (raw signed integers), as the spec's
    /// arithmetic says: Σ x·value(level) + bias, times mult, rounded half
    /// up by 2^shift, saturated, ReLU.
    public func infer(_ x: [Int]) -> [Int] {
        indices.enumerated().map { r, row in
            var acc = bias[r]
            for (c, k) in row.enumerated() where k != 0 { acc += x[c] * levelValue(k) }
            return requant.apply(acc)
        }
    }

    /// Cycles a vector occupies the engine, vectors back to back: the load
    /// (cols beats), one per stored word and one per row (its output); the
    /// last output leaves SparseFC.latency cycles after.
    public var cycles: Int {
        let work = storage == .sparse ? words.count : keptRowCount * denseRowWords
        return cols + work + rows
    }
}

/// Biases in accumulator units (rounded to nearest), refused when one is
/// beyond 2^40 units: the accumulator grows to hold them, never clips.
func integerBias(_ bias: [Double], unit: Double, what: String) throws -> [Int] {
    try bias.enumerated().map { i, b in
        let v = (b / unit).rounded()
        guard abs(v) < 0x1p40 else { throw UserError("\(what): bias[\(i)] = \(b) is \(v) accumulator units, beyond 2^40") }
        return Int(v)
    }
}

/// Bits of a signed field holding -n...n.
func signedBits(_ n: Int) -> Int {
    var w = 1
    while (1 << (w - 1)) <= n { w += 1 }
    return w
}
