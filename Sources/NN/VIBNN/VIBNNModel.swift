import Arithmetic
import HDL
import Random

/// The golden model: the accelerator's fixed-point inference, image after
/// image, on plain integers, in the order the PE array works (layer, group
/// of P neurons, step of `macs` inputs with the bias last), drawing one eps
/// vector per step.
public struct VIBNNModel {
    public let c: VIBNNConfig
    public let w: VIBNNWeights
    /// The generators' models, stepped as the hardware enables them (only
    /// on issue cycles): one vector of `pes`·`macs` raw eps per step, PE p's
    /// lane v at p·macs + v.
    public var eps: any EpsModel

    public init(_ c: VIBNNConfig, _ w: VIBNNWeights) throws {
        self.c = c
        self.w = w
        eps = try c.eps.source.model(count: c.samplers, format: c.epsType, seed: c.seed)
    }

    /// Raw logits (logit format) of one image of raw activations.
    public mutating func infer(_ image: [Int]) -> [Int] {
        let one = 1 << c.actFraction
        let prodFraction = c.actFraction + c.weightFraction
        let xFraction = max(c.muFraction, c.sigmaFraction + c.epsFraction)
        var a = image
        var logits: [Int] = []
        for l in 0..<c.layers {
            let outs = c.sizes[l + 1], last = l == c.layers - 1
            var next = [Int](repeating: 0, count: outs)
            for g in 0..<c.groups(l) {
                var acc = [Int](repeating: 0, count: c.pes)
                for step in 0..<c.steps(l) {
                    let e = eps.next()
                    for p in 0..<c.pes {
                        let o = g * c.pes + p
                        guard o < outs else { continue }
                        // The step's products are summed exactly, then accumulated.
                        var sum = 0
                        for v in 0..<c.macs {
                            let k = step * c.macs + v
                            guard k < c.fanIn(l) else { break }
                            let x = k == c.sizes[l] ? one : a[k]
                            let exact = (w.mu[l][o][k] << (xFraction - c.muFraction))
                                + (w.sigma[l][o][k] * e[p * c.macs + v] << (xFraction - c.sigmaFraction - c.epsFraction))
                            let wq = Raw.signed(Raw.halfEven(exact, shift: xFraction - c.weightFraction), bits: c.weightBits)
                            sum += x * wq
                        }
                        acc[p] = Raw.signed(acc[p] + sum, bits: c.accBits)
                    }
                }
                for p in 0..<c.pes where g * c.pes + p < outs {
                    if last {
                        next[g * c.pes + p] = Raw.signed(
                            Raw.halfEven(acc[p], shift: prodFraction - VIBNNConfig.logitFraction), bits: VIBNNConfig.logitBits)
                    } else {
                        let relu = max(0, acc[p])
                        next[g * c.pes + p] = Raw.unsigned(Raw.halfEven(relu, shift: prodFraction - c.actFraction), bits: c.actBits)
                    }
                }
            }
            if last { logits = next } else { a = next }
        }
        return logits
    }
}
