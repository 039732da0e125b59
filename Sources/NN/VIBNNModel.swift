import HDL
import Random

extension VIBNNConfig {
    /// The RLF generators behind the PEs (at most 64 outputs and 4096 lanes
    /// each), generator i seeded seed + i; all with an enable input.
    public func rlfGenerators(window n: Int) throws -> [RLFGRNG] {
        let per = min(64, 4096 / n)
        var out: [RLFGRNG] = []
        var left = samplers
        while left > 0 {
            let k = min(per, left)
            out.append(try RLFGRNG(window: n, outputs: k, decimate: true, seed: seed &+ UInt64(out.count), enable: true))
            left -= k
        }
        return out
    }

    /// The Wallace pools behind the PEs (4 samples each), pool i seeded seed + i.
    public func wallaceGenerators(log2N: Int) throws -> [WallaceGRNG] {
        try (0..<(samplers + 3) / 4).map { try WallaceGRNG(log2N: log2N, seed: seed &+ UInt64($0), enable: true) }
    }

    /// 2/sqrt(n) with epsFraction + 8 fraction bits: turns an RLF sample
    /// (2S − n)/2 into eps = (2S − n)/sqrt(n).
    public func rlfScale(window n: Int) -> Int {
        Int((2 / Double(n).squareRoot() * Double(1 << (epsFraction + 8))).rounded())
    }
}

/// Integer helpers of the golden model, written from the definitions (not
/// from the hardware's cast): x · 2^−shift rounded half to even, and
/// clamping to a signed or unsigned width.
enum Raw {
    static func halfEven(_ x: Int, shift: Int) -> Int {
        if shift <= 0 { return x << -shift }
        let q = x >> shift                       // floor
        let r = x - (q << shift), half = 1 << (shift - 1)
        return r > half || (r == half && q & 1 == 1) ? q + 1 : q
    }
    static func signed(_ x: Int, bits: Int) -> Int { min(max(x, -(1 << (bits - 1))), (1 << (bits - 1)) - 1) }
    static func unsigned(_ x: Int, bits: Int) -> Int { min(max(x, 0), (1 << bits) - 1) }
}

/// The eps stream the PEs consume: one vector of `pes`·`macs` raw eps
/// values per step (PE p's lane v at p·macs + v), from the generators' models stepped exactly as the hardware
/// enables them (the generators advance only on steps).
public struct EpsStream {
    let c: VIBNNConfig
    var rlf: [RLFModel] = []
    var wallace: [WallaceModel] = []

    public init(_ c: VIBNNConfig) throws {
        self.c = c
        switch c.eps {
        case .rlf(let n):
            rlf = try c.rlfGenerators(window: n).map { RLFModel($0) }
            for i in rlf.indices {
                rlf[i].reset()
                // The recount after reset runs without enable.
                while !rlf[i].valid { rlf[i].step(load: false, seedWord: .zero, enable: false) }
            }
        case .wallace(let a):
            wallace = try c.wallaceGenerators(log2N: a).map { try WallaceModel($0) }
            for i in wallace.indices {
                try wallace[i].reset()
                _ = wallace[i].cycle()          // the idle cycle after reset
            }
        }
    }

    public mutating func next() -> [Int] {
        var raw: [Int] = []
        switch c.eps {
        case .rlf(let n):
            let k = c.rlfScale(window: n)
            for i in rlf.indices {
                // sample·k has 1 + epsFraction + 8 fraction bits.
                raw += rlf[i].samples.map { Raw.signed(Raw.halfEven($0 * k, shift: 9), bits: c.epsBits) }
                rlf[i].step(load: false, seedWord: .zero, enable: true)
            }
        case .wallace:
            let shift = WallaceGRNG.sample.fraction - c.epsFraction
            for i in wallace.indices {
                raw += wallace[i].cycle()!.map { Raw.signed(Raw.halfEven($0, shift: shift), bits: c.epsBits) }
            }
        }
        return Array(raw.prefix(c.samplers))
    }
}

/// The golden model: the accelerator's fixed-point inference, image after
/// image, on plain integers, in the order the PE array works (layer, group
/// of P neurons, step of `macs` inputs with the bias last), drawing one eps
/// vector per step.
public struct VIBNNModel {
    public let c: VIBNNConfig
    public let w: VIBNNWeights
    public var eps: EpsStream

    public init(_ c: VIBNNConfig, _ w: VIBNNWeights) throws {
        self.c = c
        self.w = w
        eps = try EpsStream(c)
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
