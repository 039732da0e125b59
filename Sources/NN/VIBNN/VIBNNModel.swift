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
        // Everything the inner loop reads, hoisted: c's derived formats go
        // through the generator's existential (epsFraction), per MAC they
        // were most of the model's time.
        let one = 1 << c.actFraction
        let prodFraction = c.actFraction + c.weightFraction
        let xFraction = max(c.muFraction, c.sigmaFraction + c.epsFraction)
        let muShift = xFraction - c.muFraction, seShift = xFraction - c.sigmaFraction - c.epsFraction
        let wShift = xFraction - c.weightFraction, wBits = c.weightBits, accBits = c.accBits
        let pes = c.pes, macs = c.macs
        var a = image
        var logits: [Int] = []
        for l in 0..<c.layers {
            let outs = c.sizes[l + 1], last = l == c.layers - 1
            let inputs = c.sizes[l], fanIn = c.fanIn(l)
            var next = [Int](repeating: 0, count: outs)
            for g in 0..<c.groups(l) {
                var acc = [Int](repeating: 0, count: pes)
                let rows = (0..<pes).map { g * pes + $0 }.filter { $0 < outs }
                let mu = rows.map { w.mu[l][$0] }, sigma = rows.map { w.sigma[l][$0] }
                for step in 0..<c.steps(l) {
                    let e = eps.next()
                    for p in rows.indices {
                        // The step's products are summed exactly, then accumulated.
                        var sum = 0
                        for v in 0..<macs {
                            let k = step * macs + v
                            guard k < fanIn else { break }
                            let x = k == inputs ? one : a[k]
                            let exact = (mu[p][k] << muShift) + (sigma[p][k] * e[p * macs + v] << seShift)
                            sum += x * Raw.signed(Raw.halfEven(exact, shift: wShift), bits: wBits)
                        }
                        acc[p] = Raw.signed(acc[p] + sum, bits: accBits)
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
