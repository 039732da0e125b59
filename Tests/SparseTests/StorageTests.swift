import Testing
import Harness
@testable import Sparse

/// The sparse stream decodes back to the matrix, its size is the storage
/// formula, and the prunings keep what they say.
@Suite struct StorageTests {
    func layer(_ w: [[Double]], storage: SparseStorage, idxBits: Int) throws -> SparseLayer {
        let q = try LevelQuantizer(levels: 3).quantize(WeightLayer(name: "t", weights: w)).layer
        return try SparseLayer(name: "t", quantized: q, storage: storage, idxBits: idxBits, actWidth: 8, actFrac: 0,
                               outWidth: 16, outFrac: 0, relu: false)
    }

    @Test(arguments: [1, 2, 3, 5])
    func streamDecodes(idxBits: Int) throws {
        let w = LayerSource.random(rows: 9, cols: 40, density: 12, seed: UInt64(idxBits)).weights
        let l = try layer(w, storage: .sparse, idxBits: idxBits)
        // Walk the stream as the decoder does.
        var decoded = Array(repeating: Array(repeating: 0, count: 40), count: 9)
        var k = 0
        for (r, n) in l.rowLengths.enumerated() {
            var addr = -1
            for _ in 0..<n {
                let (d, level) = l.words[k]; k += 1
                #expect(d >= 1 && d < 1 << idxBits)
                addr += d
                if level != 0 { decoded[r][addr] = level }
            }
        }
        #expect(k == l.words.count)
        #expect(decoded == l.indices)
        #expect(l.fillers == StorageModel.fillers(l.indices, idxBits: idxBits))
        #expect(l.sparseStreamBits == (l.nonZeros + l.fillers) * (l.levelBits + idxBits))
        // Row 0 is empty, row 1 has one weight, in the last column (gap 40).
        #expect(l.rowLengths[0] == 0)
        #expect(l.rowLengths[1] == 1 + 39 / ((1 << idxBits) - 1))
    }

    @Test func fillersByHand() {
        // Gaps 5 (first at column 4) and 9, with 2-bit deltas (at most 3).
        let ks = [[0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2]]
        #expect(StorageModel.fillers(ks, idxBits: 2) == 1 + 2)
        #expect(StorageModel.fillers(ks, idxBits: 4) == 0)
    }

    @Test func denseKeepsTheBlock() throws {
        let w = [[1.0, 0, 2], [0, 0, 0], [3, 0, 4]]
        let l = try layer(w, storage: .dense, idxBits: 4)
        #expect(l.keptRows == [true, false, true] && l.keptCols == [true, false, true])
        #expect(l.denseLevels.count == 4)
        #expect(StorageModel.structured(l.indices, levelBits: l.levelBits).weights == 4 * l.levelBits)
    }

    @Test(arguments: [0.5, 0.9, 0.97])
    func prunings(rate: Double) {
        var rng = SplitMix64(seed: 5)
        let w = (0..<20).map { _ in (0..<30).map { _ in rng.normal() } }
        let ns = Pruning.nonStructured(w, rate: rate)
        let kept = ns.joined().filter { $0 != 0 }.count
        #expect(kept == Int(((1 - rate) * 600).rounded()))
        // The kept ones are the largest.
        let smallestKept = ns.joined().filter { $0 != 0 }.map(abs).min()!
        let largestDropped = zip(w.joined(), ns.joined()).filter { $0.1 == 0 }.map { abs($0.0) }.max()!
        #expect(smallestKept >= largestDropped)
        let st = Pruning.structured(w, rate: rate)
        let rows = st.filter { $0.contains { $0 != 0 } }.count
        let cols = (0..<30).filter { c in st.contains { $0[c] != 0 } }.count
        #expect(rows == Int((20 * (1 - rate).squareRoot()).rounded()) && cols == Int((30 * (1 - rate).squareRoot()).rounded()))
        #expect(st.joined().filter { $0 != 0 }.count == rows * cols)
    }
}
