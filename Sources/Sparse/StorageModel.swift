import HDL

/// The ADMM-NN-S storage model, from the level matrix alone (not from the
/// encoder's stream): the report and `compare-sparsity` hold the stored
/// images against it.
public enum StorageModel {
    /// Fillers a stream needs: a gap g (columns from the previous kept
    /// weight, the first from column -1) past 2^b - 1 takes floor((g - 1) /
    /// (2^b - 1)) zero entries.
    public static func fillers(_ indices: [[Int]], idxBits: Int) -> Int {
        let top = (1 << idxBits) - 1
        var total = 0
        for row in indices {
            var prev = -1
            for (c, k) in row.enumerated() where k != 0 {
                total += (c - prev - 1) / top
                prev = c
            }
        }
        return total
    }

    public static func nonZeros(_ indices: [[Int]]) -> Int { indices.reduce(0) { $0 + $1.filter { $0 != 0 }.count } }

    /// Dense bits N·b_w.
    public static func dense(_ indices: [[Int]], levelBits: Int) -> Int { indices.count * (indices.first?.count ?? 0) * levelBits }

    /// Non-structured stream bits (nnz + fillers)·(b_w + b_idx).
    public static func sparse(_ indices: [[Int]], levelBits: Int, idxBits: Int) -> Int {
        (nonZeros(indices) + fillers(indices, idxBits: idxBits)) * (levelBits + idxBits)
    }

    /// Structured bits: kept rows x kept columns at b_w, plus a row and a
    /// column mask.
    public static func structured(_ indices: [[Int]], levelBits: Int) -> (weights: Int, mask: Int) {
        let rows = indices.filter { $0.contains { $0 != 0 } }.count
        let cols = (0..<(indices.first?.count ?? 0)).filter { c in indices.contains { $0[c] != 0 } }.count
        return (rows * cols * levelBits, indices.count + (indices.first?.count ?? 0))
    }

    /// The stored bits of the memories of `kind` in an elaborated design,
    /// padding words (a memory holds at least 2) left out by `words`.
    public static func memoryBits(_ ir: ModuleIR, kind: String) -> (width: Int, depth: Int)? {
        ir.memories.first { $0.kind == kind }.map { ($0.width, $0.depth) }
    }
}
