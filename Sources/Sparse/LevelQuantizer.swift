import Foundation
import Harness
import HDL

/// ADMM-NN's level projection for one layer: weights onto {±q, ..., ±n·q}
/// (or ±q·2^k, k < n, with `pow2`), zero only where pruned. q is scanned
/// over [0.9, 1.1]·base in steps of 0.001·base — base = max|w|/n, or
/// max|w|/2^(n-1) for pow2 levels, so the top level lands on max|w| — and
/// the q of least squared error is kept (the smallest on a tie): the whole
/// procedure is deterministic. `pow2Scale` then rounds q to the nearest
/// 2^-s, so requantisation is a shift, and projects again.
public struct LevelQuantizer: Sendable {
    public var levels: Int
    public var pow2 = false
    public var pow2Scale = false

    public init(levels: Int, pow2: Bool = false, pow2Scale: Bool = false) {
        self.levels = levels
        self.pow2 = pow2
        self.pow2Scale = pow2Scale
    }

    /// The nearest level index of w (ties to the smaller magnitude); 0 for
    /// w = 0 (pruned) only.
    public func project(_ w: Double, q: Double) -> Int {
        if w == 0 { return 0 }
        var best = 1, bestErr = Double.infinity
        if pow2 {
            for k in 1...levels {
                let e = abs(abs(w) - q * Double(1 << (k - 1)))
                if e < bestErr { best = k; bestErr = e }
            }
        } else {
            // Nearest of q·1 ... q·n: the rounded ratio, ties down.
            let r = abs(w) / q
            var k = Int(r.rounded(.down))
            if r - Double(k) > 0.5 { k += 1 }
            best = min(max(k, 1), levels)
        }
        return w < 0 ? -best : best
    }

    public func squaredError(_ ws: [Double], q: Double) -> Double {
        ws.reduce(0.0) { s, w in
            let d = w - WeightLayer.value(project(w, q: q), q: q, pow2: pow2)
            return s + d * d
        }
    }

    /// The scan; nil q for a layer with no non-zero weight. Weights so
    /// small that q would leave the normal doubles (or so large that the top
    /// level would overflow) are an error, not a q of 0 or infinity.
    public func scan(_ ws: [Double], name: String = "the layer") throws -> (q: Double, error: Double)? {
        let top = ws.map(abs).max() ?? 0
        guard top > 0 else { return nil }
        let base = pow2 ? top / Double(1 << (levels - 1)) : top / Double(levels)
        let span = pow2 ? Double(1 << (levels - 1)) : Double(levels)
        guard top.isFinite, (base * 0.9).isNormal, (base * 1.1 * span * 2).isFinite,
              !pow2Scale || (pow(2, log2(base * 0.9).rounded(.down)).isNormal && pow(2, log2(base * 1.1).rounded(.up) + log2(span) + 1).isFinite) else {
            throw UserError("\(name): max |w| = \(top) cannot be quantized to \(levels) level(s): the scale q would \(top > 1 ? "overflow" : "underflow") a double; scale the weights")
        }
        var best = (q: base, error: Double.infinity)
        for step in 0...200 {
            let q = base * (0.9 + 0.001 * Double(step))
            let e = squaredError(ws, q: q)
            if e < best.error { best = (q, e) }
        }
        if pow2Scale {
            let q = pow(2, log2(best.q).rounded())
            best = (q, squaredError(ws, q: q))
        }
        return best
    }

    /// The layer with its level indices (a layer of zeros: q = 1, all 0).
    public func quantize(_ layer: WeightLayer) throws -> (layer: WeightLayer, error: Double) {
        let flat = layer.weights.flatMap { $0 }
        let (q, err) = try scan(flat, name: "layer \(layer.name)") ?? (1, 0)
        var out = layer
        out.levels = levels
        out.q = q
        out.pow2 = pow2
        out.indices = layer.weights.map { $0.map { project($0, q: q) } }
        out.weights = out.indices!.map { $0.map { WeightLayer.value($0, q: q, pow2: pow2) } }
        return (out, err)
    }

    /// Bits of a stored signed level index: ceil(log2(2n + 1)).
    public static func indexBits(_ n: Int) -> Int { bitsFor(2 * n) }
}
