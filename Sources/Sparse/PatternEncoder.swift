import Foundation
import Harness
import HDL

/// A 3x3 kernel pattern: four of the nine taps (row-major 0...8), the
/// centre (4) always among them, ascending.
public struct KernelPattern: Sendable, Hashable {
    public let taps: [Int]

    /// The C(8,3) = 56 candidates, in lexicographic order of the three
    /// non-centre taps.
    public static let candidates: [KernelPattern] = {
        let others = [0, 1, 2, 3, 5, 6, 7, 8]
        var out: [KernelPattern] = []
        for a in 0..<8 { for b in (a + 1)..<8 { for c in (b + 1)..<8 {
            out.append(KernelPattern(taps: [4, others[a], others[b], others[c]].sorted()))
        } } }
        return out
    }()

    /// The kernel's energy on the pattern's taps.
    public func kept(_ kernel: [Double]) -> Double { taps.reduce(0) { $0 + kernel[$1] * kernel[$1] } }
}

/// The FKW (filter-kernel-weight) image of a pattern-pruned 3x3 layer,
/// exactly as PatDNN stores it, filters already reordered:
/// `offset[f]` start of filter f's kernels (count + 1 entries), `reorder[f]`
/// its original filter id, `index[j]` the input channel of kernel j,
/// `stride[f][p]` kernels of filter f with pattern < p (K + 1 entries from
/// 0, kernels sorted by pattern, so the pattern is implicit), `weights[j]`
/// kernel j's four integer weights on its pattern's taps.
public struct FKW: Sendable, Equatable {
    public var offset: [Int]
    public var reorder: [Int]
    public var index: [Int]
    public var stride: [[Int]]
    public var weights: [[Int]]

    public var kernels: Int { index.count }
    public func length(_ f: Int) -> Int { offset[f + 1] - offset[f] }
    /// The pattern of kernel s (0-based) of filter f, from the stride.
    public func pattern(_ f: Int, _ s: Int) -> Int { (0..<(stride[f].count - 1)).last { stride[f][$0] <= s }! }
}

/// PatDNN's encoder for one 3x3 layer (weights [cout][cin·9], a kernel
/// row-major): pattern set, projection, connectivity pruning, weight
/// quantization, filter-kernel reorder, FKW.
public struct PatternEncoding: Sendable {
    public let cin: Int, cout: Int
    /// The pattern set (K most frequent best patterns of the layer).
    public let patterns: [KernelPattern]
    /// The projected, pruned float weights [cout][cin][9] (zeros off the
    /// pattern and for removed kernels).
    public let projected: [[[Double]]]
    public let fkw: FKW
    public let weightBits: Int
    /// One weight unit: w ≈ integer · scale.
    public let scale: Double
    public let bias: [Double]
    /// Kernels that were non-zero before connectivity pruning.
    public let candidateKernels: Int

    /// `connectivity`: percent of the non-zero kernels removed, weakest
    /// (smallest L2 norm after projection) first; all-zero kernels go
    /// anyway.
    public init(weights: [[Double]], bias: [Double]?, cin: Int, patternCount k: Int, connectivity: Int, weightBits: Int) throws {
        let cout = weights.count
        guard weights.allSatisfy({ $0.count == cin * 9 }) else {
            throw UserError("a 3x3 layer of \(cin) input channels needs \(cin * 9) weights a filter, got \(weights.first?.count ?? 0)")
        }
        self.cin = cin; self.cout = cout; self.weightBits = weightBits
        self.bias = bias ?? Array(repeating: 0, count: cout)
        let kernels = weights.map { f in (0..<cin).map { Array(f[$0 * 9..<$0 * 9 + 9]) } }
        let cands = KernelPattern.candidates
        func best(_ kern: [Double], among: [Int]) -> Int {
            // Largest kept energy; the earliest on a tie.
            var b = among[0]
            for j in among.dropFirst() where cands[j].kept(kern) > cands[b].kept(kern) { b = j }
            return b
        }
        // The pattern set: the K patterns most often best, ties by order.
        var counts = Array(repeating: 0, count: cands.count)
        for f in kernels { for kern in f where kern.contains(where: { $0 != 0 }) { counts[best(kern, among: Array(cands.indices))] += 1 } }
        let chosen = cands.indices.sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }.prefix(k)
        patterns = chosen.map { cands[$0] }
        // Projection onto the best of the set.
        var pid = Array(repeating: Array(repeating: -1, count: cin), count: cout)
        var proj = kernels.map { $0.map { _ in Array(repeating: 0.0, count: 9) } }
        var alive: [(norm: Double, f: Int, c: Int)] = []
        for (f, fk) in kernels.enumerated() {
            for (c, kern) in fk.enumerated() where kern.contains(where: { $0 != 0 }) {
                let j = best(kern, among: Array(chosen))
                let p = patterns.firstIndex(of: cands[j])!
                pid[f][c] = p
                for t in patterns[p].taps { proj[f][c][t] = kern[t] }
                alive.append((cands[j].kept(kern), f, c))
            }
        }
        candidateKernels = alive.count
        // Connectivity pruning: the weakest kernels go.
        let drop = alive.count * connectivity / 100
        for a in alive.sorted(by: { $0.norm != $1.norm ? $0.norm < $1.norm : ($0.f, $0.c) < ($1.f, $1.c) }).prefix(drop) {
            pid[a.f][a.c] = -1
            proj[a.f][a.c] = Array(repeating: 0, count: 9)
        }
        projected = proj
        // Weights: symmetric per layer, the largest at 2^(b-1) - 1.
        let top = proj.joined().joined().map(abs).max() ?? 0
        let hi = Double((1 << (weightBits - 1)) - 1)
        let unit = top > 0 ? top / hi : 1
        scale = unit
        let set = patterns
        // Filter-kernel reorder: filters by length (longest first), then by
        // their pattern sequence (similar filters side by side), then id;
        // within a filter kernels by pattern, then channel.
        let sig = (0..<cout).map { f in (0..<cin).filter { pid[f][$0] >= 0 }.map { pid[f][$0] }.sorted() }
        let order = (0..<cout).sorted { a, b in
            if sig[a].count != sig[b].count { return sig[a].count > sig[b].count }
            if sig[a] != sig[b] { return sig[a].lexicographicallyPrecedes(sig[b]) }
            return a < b
        }
        var image = FKW(offset: [0], reorder: order, index: [], stride: [], weights: [])
        for f in order {
            let ks = (0..<cin).filter { pid[f][$0] >= 0 }.sorted { (pid[f][$0], $0) < (pid[f][$1], $1) }
            var st = [0]
            for p in 0..<patterns.count { st.append(st.last! + ks.filter { pid[f][$0] == p }.count) }
            image.stride.append(st)
            for c in ks {
                image.index.append(c)
                image.weights.append(set[pid[f][c]].taps.map { Int((proj[f][c][$0] / unit).rounded()) })
            }
            image.offset.append(image.index.count)
        }
        fkw = image
    }

    // MARK: sizes

    public var patternBits: Int { bitsFor(max(1, patterns.count - 1)) }
    /// Bits of each FKW array as stored.
    public var bits: (offset: Int, reorder: Int, index: Int, stride: Int, weights: Int) {
        let n = fkw.kernels
        return ((cout + 1) * bitsFor(n), cout * bitsFor(max(1, cout - 1)), n * bitsFor(max(1, cin - 1)),
                cout * patterns.count * bitsFor(cin), n * 4 * weightBits)
    }
    public var totalBits: Int { let b = bits; return b.offset + b.reorder + b.index + b.stride + b.weights }
    /// Dense 3x3 storage at the same weight bits.
    public var denseBits: Int { cout * cin * 9 * weightBits }
}
