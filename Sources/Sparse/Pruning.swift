import Foundation
import Harness
import HDL

/// The two prunings ADMM-NN-S compares, applied to a dense float layer at a
/// pruning rate (the fraction of weights removed): deterministic
/// magnitude projections, as ADMM's Z-update makes them.
public enum Pruning {
    /// Non-structured: the round((1 - rate)·N) largest magnitudes stay
    /// (ties to the earlier entry, row-major).
    public static func nonStructured(_ w: [[Double]], rate: Double) -> [[Double]] {
        let flat = w.flatMap { $0 }, cols = w.first?.count ?? 0
        let keep = Int(((1 - rate) * Double(flat.count)).rounded())
        let order = flat.indices.sorted { abs(flat[$0]) != abs(flat[$1]) ? abs(flat[$0]) > abs(flat[$1]) : $0 < $1 }
        var out = w.map { $0.map { _ in 0.0 } }
        for i in order.prefix(keep) { out[i / cols][i % cols] = flat[i] }
        return out
    }

    /// Structured (row and column pruning): keep the round(m·√(1 - rate))
    /// rows and round(n·√(1 - rate)) columns of largest L2 norm, so the
    /// kept block is about (1 - rate) of the layer.
    public static func structured(_ w: [[Double]], rate: Double) -> [[Double]] {
        let m = w.count, n = w.first?.count ?? 0
        let f = (1 - rate).squareRoot()
        let kr = min(m, Int((Double(m) * f).rounded())), kc = min(n, Int((Double(n) * f).rounded()))
        func top(_ norms: [Double], _ k: Int) -> Set<Int> {
            Set(norms.indices.sorted { norms[$0] != norms[$1] ? norms[$0] > norms[$1] : $0 < $1 }.prefix(k))
        }
        let rows = top(w.map { $0.reduce(0) { $0 + $1 * $1 } }, kr)
        let cols = top((0..<n).map { c in rows.reduce(0.0) { $0 + w[$1][c] * w[$1][c] } }, kc)
        return w.enumerated().map { r, row in row.enumerated().map { c, v in rows.contains(r) && cols.contains(c) ? v : 0 } }
    }
}

extension SparseLayer {
    /// The engine's ports: activations in on a ready/valid stream, one
    /// output a row.
    public static var ports: TestPorts {
        TestPorts(valid: "out_valid", inputStream: ("in_valid", "in_ready"), data: ["out_y"])
    }

    /// `vectors` offered one activation a beat (idle beats now and then
    /// with `gaps`), then idle cycles to drain.
    public func stimulus(_ vectors: [[Int]], seed: UInt64, gaps: Bool) -> Stimulus {
        var s = Stimulus(ports: ["in_valid", "in_x"])
        var rng = SplitMix64(seed: seed ^ 0x5A17)
        for v in vectors {
            for x in v {
                while gaps && rng.next() % 8 == 0 { s.add([:]) }
                s.add(["in_valid": 1, "in_x": BigValue(x).modPow2(actWidth)])
            }
        }
        for _ in 0..<(cycles + 8) { s.add([:]) }
        return s
    }

    /// The model's outputs for the vectors `s` offers, in order.
    public func expected(_ s: Stimulus) -> [Transaction] {
        let xs = s.cycles.filter { !$0[0].isZero }.map { $0[1].wrapped(width: actWidth, signed: true).intValue! }
        var out: [Transaction] = []
        for start in stride(from: 0, to: xs.count - cols + 1, by: cols) {
            for y in infer(Array(xs[start..<start + cols])) {
                out.append(Transaction(cycle: nil, values: [BigValue(y).modPow2(outWidth)]))
            }
        }
        return out
    }

    /// Seeded random activation vectors over the full signed range.
    public func randomVectors(_ count: Int, seed: UInt64) -> [[Int]] {
        var rng = SplitMix64(seed: seed ^ 0xAD33)
        let hi = (1 << (actWidth - 1)) - 1, lo = -hi - 1
        return (0..<count).map { _ in (0..<cols).map { _ in Int(rng.next() % UInt64(hi - lo + 1)) + lo } }
    }
}
