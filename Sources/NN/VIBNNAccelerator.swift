import HDL
import Random

extension VIBNNConfig {
    var actType: HWType { HWType(width: actBits, signed: false, fraction: actFraction) }
    var epsType: HWType { HWType(width: epsBits, signed: true, fraction: epsFraction) }
    var weightType: HWType { HWType(width: weightBits, signed: true, fraction: weightFraction) }
    var accType: HWType { HWType(width: accBits, signed: true, fraction: actFraction + weightFraction) }
    static var logitType: HWType { HWType(width: logitBits, signed: true, fraction: logitFraction) }
    /// The largest hidden layer (the activation buffers' length).
    var hiddenMax: Int { sizes.dropFirst().dropLast().max() ?? 0 }

    /// The name stem of the generated modules.
    public var moduleStem: String {
        let g: String
        switch eps {
        case .rlf(let n): g = "rlf\(n)"
        case .wallace(let a): g = "wallace\(1 << a)"
        }
        return "vibnn_\(sizes.map(String.init).joined(separator: "x"))_p\(pes)_\(g)_s\(seed)"
    }

    /// PE p's mu/sigma bank in issue order (layer, group, step): a word
    /// per step, lane v (input step·macs + v, bias last) in bits
    /// 2·paramBits·v...: sigma · 2^paramBits + (mu mod 2^paramBits); 0 past
    /// the layer's neurons or inputs.
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
                        word = word + (BigValue(pair) << (2 * paramBits * v))
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
/// end of cycle s − 1): 1 bank word (block RAM) and eps, 2 the word again
/// (the RAM's output register) and eps, 3 sigma·eps and mu, 4 the weight,
/// 5 act·w, 6 the accumulator, 7 the requantised `hidden`/`logit` outputs.
/// Every stage holds one multiplier or one adder-and-saturate, so the path
/// from the RAM through both multipliers is cut four times.
public struct VIBNNPE: Block {
    public let c: VIBNNConfig
    public let index: Int
    public let contents: [BigValue]

    public var moduleName: String { "\(c.moduleStem)_pe\(index)" }

    public func build(_ m: ModuleBuilder) throws {
        let pb = c.paramBits, V = c.macs
        m.describe("VIBNN PE \(index): \(contents.count)-word mu/sigma bank, \(V) x (w = mu + sigma*eps, act*w) per step, MAC into \(c.accType)")
        let step = m.input("step", .bool)
        let addr = m.input("addr", .uint(max(1, Int.bitWidth - (contents.count - 1).leadingZeroBitCount)))
        let eps = m.input("eps", .uint(V * c.epsBits))     // lane v in bits epsBits*v...
        let act = m.input("act", .uint(V * c.actBits))     // stage 4, same lanes
        let first = m.input("first", .bool)                // stage 5
        let accumulate = m.input("accumulate", .bool)      // stage 5

        let bank = m.rom("bank", .uint(2 * pb * V), contents: contents)
        let word1 = bank.read(addr: addr, synchronous: true, enable: step)
        let word = m.register("word2", next: word1)
        let eps2 = m.delay("eps", eps, stages: 2)
        var products: [Signal] = []
        for v in 0..<V {
            let suffix = V == 1 ? "" : "_\(v)"
            let pair = word.bits(2 * pb * v + 2 * pb - 1, 2 * pb * v)
            let mu = pair.bits(pb - 1, 0).asFixed(signed: true, fraction: c.muFraction)
            let sigma = pair.bits(2 * pb - 1, pb).asFixed(signed: false, fraction: c.sigmaFraction)
            let e = eps2.bits(c.epsBits * v + c.epsBits - 1, c.epsBits * v).asFixed(signed: true, fraction: c.epsFraction)
            let se3 = m.register("se3\(suffix)", next: sigma * e)
            let mu3 = m.register("mu3\(suffix)", next: mu)
            let w4 = m.register("w4\(suffix)", next: (mu3 + se3).cast(to: c.weightType, rounding: .halfEven, overflow: .saturate))
            let a = act.bits(c.actBits * v + c.actBits - 1, c.actBits * v).asFixed(signed: false, fraction: c.actFraction)
            products.append(m.register("prod5\(suffix)", next: a * w4))
        }
        // The step's products summed exactly (a balanced tree), then one
        // saturating accumulate.
        while products.count > 1 {
            products = stride(from: 0, to: products.count, by: 2).map {
                $0 + 1 < products.count ? products[$0] + products[$0 + 1] : products[$0]
            }
        }
        let acc = m.register("acc", c.accType, reset: 0)
        let sum = m.wire("sum", (m.mux(first, m.literal(0, c.accType), acc) + products[0])
            .cast(to: c.accType, rounding: .truncate, overflow: .saturate))
        m.when(accumulate) { acc.assign(sum) }
        // Requantised from the accumulator register, a cycle after it took a
        // neuron's last step (it holds the total for exactly that cycle).
        // ReLU is the saturating cast to the unsigned activation format.
        m.output("hidden", m.register("hidden7", next: acc.cast(to: c.actType, rounding: .halfEven, overflow: .saturate)))
        m.output("logit", m.register("logit7", next: acc.cast(to: VIBNNConfig.logitType, rounding: .halfEven, overflow: .saturate)))
    }
}

/// The VIBNN inference accelerator: P PEs each compute one neuron of a
/// group of P per layer, one input per cycle, with a freshly sampled
/// weight per MAC; layers run one after another on the same array.
///
/// Ports: `in_valid`/`in_data`/`in_ready` stream the pixels (activation
/// format, `macs` per beat, the last beat of an image padded) of one image
/// after another into a double-buffered input RAM, so
/// the next image loads while this one computes; `out_valid` pulses for one
/// cycle with every logit of an image in `out_logits` (logit i in bits
/// 16i...16i+15, SQ8.8). Hidden activations live in two register buffers
/// (layer l writes buffer l mod 2, reads the other). The generators advance
/// only on issue cycles, so the eps sequence does not depend on stalls.
public struct VIBNNAccelerator: Block {
    public let c: VIBNNConfig
    public let weights: VIBNNWeights

    public init(_ c: VIBNNConfig, _ weights: VIBNNWeights) throws {
        if let p = c.problem { throw RandomError(p) }
        let fits = weights.mu.count == c.layers && weights.sigma.count == c.layers
            && (0..<c.layers).allSatisfy { l in
                [weights.mu[l], weights.sigma[l]].allSatisfy { $0.count == c.sizes[l + 1] && $0.allSatisfy { $0.count == c.fanIn(l) } }
            }
        guard fits else { throw RandomError("weights do not match the layer sizes \(c.sizes)") }
        self.c = c
        self.weights = weights
    }

    public var moduleName: String { c.moduleStem }

    func bits(_ maxValue: Int) -> Int { max(1, Int.bitWidth - maxValue.leadingZeroBitCount) }

    public func build(_ m: ModuleBuilder) throws {
        let layers = c.layers, P = c.pes, V = c.macs
        m.describe("VIBNN: \(c.sizes.map(String.init).joined(separator: "-")) MLP, \(P) PEs x \(V) MACs, eps from \(c.eps), \(c.cyclesPerImage) cycles/image")
        let inValid = m.input("in_valid", .bool)
        // `macs` pixels per beat (pixel j in bits actBits·j), so loading an
        // image takes no longer than computing it.
        let inData = m.input("in_data", .uint(V * c.actBits))

        // ---- Generators: valid when all are; advance on issue.
        let issue = m.wire("issue", .bool)
        var lanes: [Signal] = []
        var grngValid: Signal? = nil
        switch c.eps {
        case .rlf(let n):
            let scale = m.literal(raw: BigValue(c.rlfScale(window: n)),
                                  HWType(width: c.epsFraction + 10, signed: false, fraction: c.epsFraction + 8))
            for (i, g) in try c.rlfGenerators(window: n).enumerated() {
                let u = try m.instance(g, name: "grng\(i)")
                u.input("load").assign(m.literal(0, .bool))
                u.input("seed_word").assign(m.literal(0, .uint(g.lanes)))
                u.input("enable").assign(issue)
                grngValid = grngValid.map { $0 & u.output("valid") } ?? u.output("valid")
                let w = g.sampleType.width, all = u.output("eps")
                for q in 0..<g.outputs {
                    let s = all.bits(w * q + w - 1, w * q).asFixed(signed: true, fraction: 1)
                    lanes.append((s * scale).cast(to: c.epsType, rounding: .halfEven, overflow: .saturate))
                }
            }
        case .wallace(let a):
            for (i, g) in try c.wallaceGenerators(log2N: a).enumerated() {
                let u = try m.instance(g, name: "grng\(i)")
                u.input("enable").assign(issue)
                u.input("load").assign(m.literal(0, .bool))
                u.input("seed").assign(m.literal(0, .uint(96)))
                grngValid = grngValid.map { $0 & u.output("valid") } ?? u.output("valid")
                let t = WallaceGRNG.sample, all = u.output("eps")
                for q in 0..<4 {
                    let s = all.bits(t.width * q + t.width - 1, t.width * q).asFixed(signed: true, fraction: t.fraction)
                    lanes.append(s.cast(to: c.epsType, rounding: .halfEven, overflow: .saturate))
                }
            }
        }

        // ---- Controller: layer L, group g, step k (inputs k*V ... k*V+V-1), bank address.
        let kW = bits((0..<layers).map { c.steps($0) - 1 }.max()!), gW = bits((0..<layers).map { c.groups($0) }.max()!)
        let lW = bits(layers - 1), aW = bits(c.bankDepth - 1)
        let busy = m.register("busy", .bool, reset: 0)
        let drain = m.register("drain", .uint(3), reset: 0)
        let L = m.register("layer", .uint(lW), reset: 0)
        let g = m.register("group", .uint(gW), reset: 0)
        let k = m.register("k", .uint(kW), reset: 0)
        let addr = m.register("addr", .uint(aW), reset: 0)
        let kLast = k == m.select(L, (0..<layers).map { m.literal(c.steps($0) - 1, .uint(kW)) })
        let gLast = g == m.select(L, (0..<layers).map { m.literal(c.groups($0) - 1, .uint(gW)) })
        let lLast = L == layers - 1
        let idle = drain == 0
        issue.assign(busy & idle)

        // ---- Input side: two image buffers, {buffer, slot}, in V banks
        // (pixel i in bank i mod V, slot i / V): a beat writes a slot, a
        // step reads one.
        let slots = (c.sizes[0] + V - 1) / V
        let sW = bits(slots - 1)
        let inRAM = (0..<V).map { m.memory(V == 1 ? "images" : "images\($0)", c.actType, depth: 2 << sW) }
        let full0 = m.register("full0", .bool, reset: 0)
        let full1 = m.register("full1", .bool, reset: 0)
        let wbuf = m.register("wbuf", .bool, reset: 0)
        let rbuf = m.register("rbuf", .bool, reset: 0)
        let wslot = m.register("wslot", .uint(sW), reset: 0)
        let inReady = m.output("in_ready", !m.mux(wbuf, full1, full0))
        let accept = inValid & inReady
        let imageIn = accept & (wslot == slots - 1)
        m.when(accept) { wslot.assign(m.mux(imageIn, m.literal(0, .uint(sW)), wslot &+ 1)) }
        for v in 0..<V {
            let px = inData.bits(c.actBits * v + c.actBits - 1, c.actBits * v).asFixed(signed: false, fraction: c.actFraction)
            inRAM[v].write(addr: m.cat(wbuf, wslot), data: px, enable: accept)
        }
        m.when(imageIn) { wbuf.assign(!wbuf) }
        let rFull = m.mux(rbuf, full1, full0)
        let start = !busy & idle & rFull & grngValid!
        let layer0Done = issue & kLast & gLast & (L == 0)
        m.when(layer0Done) { rbuf.assign(!rbuf) }
        m.when(imageIn & !wbuf) { full0.assign(1) }.elseWhen(layer0Done & !rbuf) { full0.assign(0) }
        m.when(imageIn & wbuf) { full1.assign(1) }.elseWhen(layer0Done & rbuf) { full1.assign(0) }

        m.when(start) { busy.assign(1) }
        m.when(!idle) { drain.assign(drain &- 1) }
        m.when(issue) {
            addr.assign(addr &+ 1)
            m.when(kLast) {
                k.assign(0)
                m.when(gLast) {
                    g.assign(0)
                    drain.assign(VIBNNConfig.drain)
                    m.when(lLast) {
                        L.assign(0)
                        busy.assign(0)
                        addr.assign(0)
                    }.otherwise {
                        L.assign(L &+ 1)
                    }
                }.otherwise {
                    g.assign(g &+ 1)
                }
            }.otherwise {
                k.assign(k &+ 1)
            }
        }

        // ---- Activations, V lanes: stage 1 picks the input RAM or a hidden
        // buffer; stage 2 puts in the bias input 1.0 (lane biasLane of a
        // neuron's last step; lanes past it are 0) and broadcasts to the PEs.
        let pixels1 = inRAM.map { $0.read(addr: m.cat(rbuf, k.resized(to: sW)), synchronous: true, enable: issue) }
        let H = c.hiddenMax
        var buffers: [[Signal]] = [[], []]
        if layers > 1 {
            for b in 0..<2 {
                buffers[b] = (0..<H).map { m.register("h\(b)_\($0)", c.actType, reset: 0) }
            }
        }
        let v1 = m.register("v1", next: issue, reset: 0)
        let first1 = m.register("first1", next: k == 0)
        let last1 = m.register("last1", next: kLast)
        let fromInput1 = m.register("input1", next: L == 0)
        let L1 = m.register("layer1", next: L)
        let g1 = m.register("group1", next: g)
        var act1 = pixels1
        if layers > 1 {
            // Layer l ≥ 1 reads buffer (l − 1) mod 2: lane v of step k is entry k·V + v.
            let zero = m.literal(0, c.actType)
            func lane(_ b: Int, _ v: Int) -> Signal {
                m.select(k, stride(from: v, to: H + V - 1, by: V).map { $0 < H ? buffers[b][$0] : zero })
            }
            act1 = (0..<V).map { v in
                let fromBuf = m.mux(L.bit(0), lane(0, v), lane(1, v))
                return m.mux(fromInput1, pixels1[v], m.register(V == 1 ? "hidden1" : "hidden1_\(v)", next: fromBuf))
            }
        }
        let one = m.literal(raw: BigValue.pow2(c.actFraction), c.actType)
        var act2: Signal
        if V == 1 {
            // The last input of a neuron is its bias.
            act2 = m.register("act2", next: m.mux(last1, one, act1[0]))
        } else {
            let biasLane = m.register("bias_lane1", next: m.select(L, (0..<layers).map { m.literal(c.biasLane($0), .uint(bits(V - 1))) }))
            let lanes2 = (0..<V).map { v -> Signal in
                let isBias = last1 & (biasLane == v), isPad = last1 & (biasLane < v)
                return m.register("act2_\(v)", next: m.mux(isBias, one, m.mux(isPad, m.literal(0, c.actType), act1[v])))
            }
            act2 = m.cat(lanes2.reversed().map { $0.asUInt })
        }
        // The PEs take act at stage 4 and first/accumulate at stage 5; their
        // results come out at stage 7, where they are written back.
        let act4 = m.delay("act", act2, stages: 2)
        let v5 = m.delay("valid", v1, stages: 4, reset: 0), first5 = m.delay("first", first1, stages: 4)
        let v7 = m.delay("valid_late", v5, stages: 2, reset: 0)
        let last7 = m.delay("last", last1, stages: 6)
        let L7 = m.delay("layer", L1, stages: 6), g7 = m.delay("group", g1, stages: 6)

        // ---- PEs.
        var hidden: [Signal] = [], logits: [Signal] = []
        for p in 0..<P {
            let u = try m.instance(VIBNNPE(c: c, index: p, contents: c.bank(p, weights)), name: "pe\(p)")
            u.input("step").assign(issue)
            u.input("addr").assign(addr)
            u.input("eps").assign(m.cat((0..<V).reversed().map { lanes[p * V + $0].asUInt }))
            u.input("act").assign(act4.asUInt)
            u.input("first").assign(first5)
            u.input("accumulate").assign(v5)
            hidden.append(u.output("hidden"))
            logits.append(u.output("logit"))
        }

        // ---- Write-back at stage 7, when a group's total is requantised.
        let done = v7 & last7
        let groupIs = (0..<((max(H, c.sizes.last!) + P - 1) / P)).map { g7 == $0 }
        for b in 0..<(layers > 1 ? 2 : 0) {
            let here = done & (L7.bit(0) == m.literal(b, .bool)) & (L7 != layers - 1)
            for e in 0..<H {
                m.when(here & groupIs[e / P]) { buffers[b][e].assign(hidden[e % P]) }
            }
        }
        let outs = c.sizes.last!
        let finalDone = done & (L7 == layers - 1)
        let logitRegs = (0..<outs).map { m.register("logit\($0)", VIBNNConfig.logitType, reset: 0) }
        for e in 0..<outs {
            m.when(finalDone & groupIs[e / P]) { logitRegs[e].assign(logits[e % P]) }
        }
        let lastGroup = m.literal(c.groups(layers - 1) - 1, .uint(gW))
        m.output("out_valid", m.register("out_valid_r", next: finalDone & (g7 == lastGroup), reset: 0))
        m.output("out_logits", m.cat(logitRegs.reversed().map { $0.asUInt }))
    }
}
