import Arithmetic
import HDL
import Random

extension VIBNNConfig {
    var actType: HWType { HWType(width: actBits, signed: false, fraction: actFraction) }
    var weightType: HWType { HWType(width: weightBits, signed: true, fraction: weightFraction) }
    var accType: HWType { HWType(width: accBits, signed: true, fraction: actFraction + weightFraction) }
    static var logitType: HWType { HWType(width: logitBits, signed: true, fraction: logitFraction) }
    /// The largest hidden layer (the activation buffers' length).
    var hiddenMax: Int { sizes.dropFirst().dropLast().max() ?? 0 }

    /// The name stem of the generated modules.
    public var moduleStem: String {
        "vibnn_\(sizes.map(String.init).joined(separator: "x"))_p\(pes)_\(eps.source.tag)_s\(seed)"
    }

    /// PE p's mu/sigma bank in issue order (layer, group, step): a word
    /// per step, lane v (input step·macs + v, bias last) in bits
    /// pairBits·v...: sigma · 2^paramBits + (mu mod 2^paramBits); 0 past
    /// the layer's neurons or inputs.
    /// Bits of one mu/sigma pair in a bank word.
    var pairBits: Int { paramBits + sigmaBits }

    public func bank(_ p: Int, _ w: VIBNNWeights) -> [BigValue] {
        var words: [BigValue] = []
        let mask = (1 << paramBits) - 1
        for l in 0..<layers {
            for g in 0..<groups(l) {
                let o = g * pes + p
                for step in 0..<steps(l) {
                    var word = BigValue.zero
                    for v in 0..<macs {
                        let k = step * macs + v
                        guard o < sizes[l + 1], k < fanIn(l) else { continue }
                        let pair = (w.sigma[l][o][k] << paramBits) | (w.mu[l][o][k] & mask)
                        word = word + (BigValue(pair) << (pairBits * v))
                    }
                    words.append(word)
                }
            }
        }
        return words
    }
}

/// One PE: its mu/sigma bank (ROM), the weight sampler w = mu + sigma·eps,
/// the multiplier and the saturating accumulator. Registers, counted from
/// the issue cycle 0 (a value "at stage s" is in a register loaded at the
/// end of cycle s − 1): 1 bank word (block RAM) and the raw generator
/// sample, 2 the word again (the RAM's output register) and the scaled eps
/// (both eps registers sit in the generator source, outside the PE),
/// 3 sigma·eps and mu, 4 the weight,
/// 5 act·w, 6 the accumulator, 7 the requantised `hidden`/`logit` outputs.
/// Every stage holds one multiplier or one adder-and-saturate, so the path
/// from the RAM through both multipliers is cut four times. With three or
/// more MACs (`sumStage`) the products' sum is registered at 6, and the
/// accumulator and outputs move to 7 and 8.
public struct VIBNNPE: Block {
    public let c: VIBNNConfig
    public let index: Int
    public let contents: [BigValue]
    /// act·w as gated partial products (LUTs) instead of `*` (a DSP block
    /// on an FPGA), for PEs past the DSP budget.
    public var logicProducts = false

    /// The sampler's sigma·e in LUTs too when eps is a narrow integer (a
    /// lattice source's e: 4–8 bits against sigma's few).
    var logicSampler: Bool { c.eps.source.lattice != nil }

    public var moduleName: String { "\(c.moduleStem)_pe\(index)" }

    public func build(_ m: ModuleBuilder) throws {
        let pb = c.paramBits, pw = c.pairBits, V = c.macs
        // Every PE is the same hardware but for its bank: one definition.
        m.shareDefinition(as: "\(c.moduleStem)_pe" + (logicProducts ? "_lut" : ""))
        m.describe("VIBNN PE: \(contents.count)-word mu/sigma bank, \(V) x (w = mu + sigma*eps, act*w) per step, MAC into \(c.accType)"
                   + (logicSampler || logicProducts ? "; in LUTs: " + [logicSampler ? "sigma*eps" : nil, logicProducts ? "act*w" : nil].compactMap { $0 }.joined(separator: ", ") : ""))
        let step = m.input("step", .bool)
        let addr = m.input("addr", .uint(max(1, Int.bitWidth - (contents.count - 1).leadingZeroBitCount)))
        let eb = c.epsType.width
        let eps = m.input("eps", .uint(V * eb))            // lane v in bits eb*v...
        let act = m.input("act", .uint(V * c.actBits))     // stage 4, same lanes
        let first = m.input("first", .bool)                // stage 5
        let accumulate = m.input("accumulate", .bool)      // stage 5

        let bank = m.rom("bank", .uint(pw * V), contents: contents).kind("mu/sigma ROM")
        let word1 = bank.read(addr: addr, synchronous: true, enable: step)
        let word = m.register("word2", next: word1)
        // The sources register eps twice (GaussianSource.build): it
        // arrives at stage 2.
        let eps2 = eps
        var products: [Signal] = []
        for v in 0..<V {
            let suffix = V == 1 ? "" : "_\(v)"
            let pair = word.bits(pw * v + pw - 1, pw * v)
            let mu = pair.bits(pb - 1, 0).asFixed(signed: true, fraction: c.muFraction)
            let sigma = pair.bits(pw - 1, pb).asFixed(signed: false, fraction: c.sigmaFraction)
            let e = eps2.bits(eb * v + eb - 1, eb * v).asFixed(signed: true, fraction: c.epsFraction)
            let se3 = m.register("se3\(suffix)", next: logicSampler ? LogicMultiplier.product(m, sigma, e) : sigma * e)
            let mu3 = m.register("mu3\(suffix)", next: mu)
            let w4 = m.register("w4\(suffix)", next: (mu3 + se3).cast(to: c.weightType, rounding: .halfEven, overflow: .saturate))
            let a = act.bits(c.actBits * v + c.actBits - 1, c.actBits * v).asFixed(signed: false, fraction: c.actFraction)
            products.append(m.register("prod5\(suffix)", next: logicProducts ? LogicMultiplier.product(m, a, w4) : a * w4))
        }
        // The step's products summed exactly (a balanced tree), then one
        // saturating accumulate.
        let tree = AdderTree.sum(products)
        let total = c.sumStage ? m.register("sum6", next: tree) : tree
        let acc = m.register("acc", c.accType, reset: 0)
        let sum = m.wire("sum", (m.mux(first, m.literal(0, c.accType), acc) + total)
            .cast(to: c.accType, rounding: .truncate, overflow: .saturate))
        m.when(accumulate) { acc.assign(sum) }
        // Requantised from the accumulator register, a cycle after it took a
        // neuron's last step (it holds the total for exactly that cycle).
        // ReLU is the saturating cast to the unsigned activation format.
        m.output("hidden", m.register("hidden7", next: acc.cast(to: c.actType, rounding: .halfEven, overflow: .saturate)))
        m.output("logit", m.register("logit7", next: acc.cast(to: VIBNNConfig.logitType, rounding: .halfEven, overflow: .saturate)))
    }
}

