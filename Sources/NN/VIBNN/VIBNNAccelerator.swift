import HDL
import Random

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
        if let p = c.problem { throw UserError(p) }
        let fits = weights.mu.count == c.layers && weights.sigma.count == c.layers
            && (0..<c.layers).allSatisfy { l in
                [weights.mu[l], weights.sigma[l]].allSatisfy { $0.count == c.sizes[l + 1] && $0.allSatisfy { $0.count == c.fanIn(l) } }
            }
        guard fits else { throw UserError("weights do not match the layer sizes \(c.sizes)") }
        self.c = c
        self.weights = weights
    }

    public var moduleName: String { c.moduleStem }

    func bits(_ maxValue: Int) -> Int { max(1, Int.bitWidth - maxValue.leadingZeroBitCount) }

    /// The nets the sections of `build` share, in the order they are made
    /// (the order fixes the emitted text).
    final class Nets {
        let m: ModuleBuilder
        init(_ m: ModuleBuilder) { self.m = m }
        var inValid: Signal!, inData: Signal!, issue: Signal!
        var lanes: [Signal] = [], grngValid: Signal!
        // controller
        var busy: Signal!, drain: Signal!, L: Signal!, g: Signal!, k: Signal!, addr: Signal!
        var kLast: Signal!, gLast: Signal!, lLast: Signal!, idle: Signal!, gW = 0
        // input side
        var inRAM: [MemoryHandle] = [], rbuf: Signal!, sW = 0
        // activations and PE controls at their stages
        var buffers: [[Signal]] = [[], []]
        var act4: Signal!, first5: Signal!, v5: Signal!, v7: Signal!, last7: Signal!, L7: Signal!, g7: Signal!
        var hidden: [Signal] = [], logits: [Signal] = []
    }

    public func build(_ m: ModuleBuilder) throws {
        m.describe("VIBNN: \(c.sizes.map(String.init).joined(separator: "-")) MLP, \(c.pes) PEs x \(c.macs) MACs, eps from \(c.eps), \(c.cyclesPerImage) cycles/image")
        let n = Nets(m)
        n.inValid = m.input("in_valid", .bool)
        // `macs` pixels per beat (pixel j in bits actBits·j), so loading an
        // image takes no longer than computing it.
        n.inData = m.input("in_data", .uint(c.macs * c.actBits))
        try generators(n)
        controllerState(n)
        inputSide(n)
        sequence(n)
        activations(n)
        try processingElements(n)
        writeBack(n)
    }

    /// Generators: valid when all are; they advance on issue cycles only.
    func generators(_ n: Nets) throws {
        n.issue = n.m.wire("issue", .bool)
        (n.lanes, n.grngValid) = try c.eps.source.build(n.m, count: c.samplers, format: c.epsType, seed: c.seed, enable: n.issue)
    }

    /// Controller registers: layer L, group g, step k (inputs k·V ... k·V+V−1), bank address.
    func controllerState(_ n: Nets) {
        let m = n.m, layers = c.layers
        let kW = bits((0..<layers).map { c.steps($0) - 1 }.max()!)
        n.gW = bits((0..<layers).map { c.groups($0) }.max()!)
        let lW = bits(layers - 1), aW = bits(c.bankDepth - 1)
        n.busy = m.register("busy", .bool, reset: 0)
        n.drain = m.register("drain", .uint(4), reset: 0)
        n.L = m.register("layer", .uint(lW), reset: 0)
        n.g = m.register("group", .uint(n.gW), reset: 0)
        n.k = m.register("k", .uint(kW), reset: 0)
        n.addr = m.register("addr", .uint(aW), reset: 0)
        n.kLast = n.k == m.select(n.L, (0..<layers).map { m.literal(c.steps($0) - 1, .uint(kW)) })
        n.gLast = n.g == m.select(n.L, (0..<layers).map { m.literal(c.groups($0) - 1, .uint(n.gW)) })
        n.lLast = n.L == layers - 1
        n.idle = n.drain == 0
        n.issue.assign(n.busy & n.idle)
    }

    /// Input side: two image buffers, {buffer, slot}, in V banks (pixel i in
    /// bank i mod V, slot i / V): a beat writes a slot, a step reads one. An
    /// image starts when its buffer is full and the generators run.
    func inputSide(_ n: Nets) {
        let m = n.m, V = c.macs
        let slots = (c.sizes[0] + V - 1) / V
        n.sW = bits(slots - 1)
        let sW = n.sW
        n.inRAM = (0..<V).map { m.memory(V == 1 ? "images" : "images\($0)", c.actType, depth: 2 << sW).kind("input RAM (2 images)") }
        let full0 = m.register("full0", .bool, reset: 0)
        let full1 = m.register("full1", .bool, reset: 0)
        let wbuf = m.register("wbuf", .bool, reset: 0)
        n.rbuf = m.register("rbuf", .bool, reset: 0)
        let rbuf = n.rbuf!
        let wslot = m.register("wslot", .uint(sW), reset: 0)
        let inReady = m.output("in_ready", !m.mux(wbuf, full1, full0))
        let accept = n.inValid & inReady
        let imageIn = accept & (wslot == slots - 1)
        m.when(accept) { wslot.assign(m.mux(imageIn, m.literal(0, .uint(sW)), wslot &+ 1)) }
        for v in 0..<V {
            let px = n.inData.bits(c.actBits * v + c.actBits - 1, c.actBits * v).asFixed(signed: false, fraction: c.actFraction)
            n.inRAM[v].write(addr: m.cat(wbuf, wslot), data: px, enable: accept)
        }
        m.when(imageIn) { wbuf.assign(!wbuf) }
        let rFull = m.mux(rbuf, full1, full0)
        let start = !n.busy & n.idle & rFull & n.grngValid
        let layer0Done = n.issue & n.kLast & n.gLast & (n.L == 0)
        m.when(layer0Done) { rbuf.assign(!rbuf) }
        m.when(imageIn & !wbuf) { full0.assign(1) }.elseWhen(layer0Done & !rbuf) { full0.assign(0) }
        m.when(imageIn & wbuf) { full1.assign(1) }.elseWhen(layer0Done & rbuf) { full1.assign(0) }
        m.when(start) { n.busy.assign(1) }
    }

    /// The step sequence: steps of a neuron group, groups of a layer, layers
    /// of an image, with a drain between layers.
    func sequence(_ n: Nets) {
        let m = n.m
        let (busy, drain, L, g, k, addr) = (n.busy!, n.drain!, n.L!, n.g!, n.k!, n.addr!)
        m.when(!n.idle) { drain.assign(drain &- 1) }
        m.when(n.issue) {
            addr.assign(addr &+ 1)
            m.when(n.kLast) {
                k.assign(0)
                m.when(n.gLast) {
                    g.assign(0)
                    drain.assign(c.drain)
                    m.when(n.lLast) {
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
    }

    /// Activations, V lanes: stage 1 picks the input RAM or a hidden buffer;
    /// stage 2 puts in the bias input 1.0 (lane biasLane of a neuron's last
    /// step; lanes past it are 0); the PEs take them at stage 4 and
    /// first/accumulate at stage 5; results come out at stage 7.
    func activations(_ n: Nets) {
        let m = n.m, layers = c.layers, V = c.macs
        let (L, k) = (n.L!, n.k!)
        let pixels1 = n.inRAM.map { $0.read(addr: m.cat(n.rbuf, k.resized(to: n.sW)), synchronous: true, enable: n.issue) }
        let H = c.hiddenMax
        if layers > 1 {
            for b in 0..<2 {
                n.buffers[b] = (0..<H).map { m.register("h\(b)_\($0)", c.actType, reset: 0) }
            }
        }
        let v1 = m.register("v1", next: n.issue, reset: 0)
        let first1 = m.register("first1", next: k == 0)
        let last1 = m.register("last1", next: n.kLast)
        let fromInput1 = m.register("input1", next: L == 0)
        let L1 = m.register("layer1", next: L)
        let g1 = m.register("group1", next: n.g)
        var act1 = pixels1
        if layers > 1 {
            // Layer l ≥ 1 reads buffer (l − 1) mod 2: lane v of step k is entry k·V + v.
            let zero = m.literal(0, c.actType)
            func lane(_ b: Int, _ v: Int) -> Signal {
                m.select(k, stride(from: v, to: H + V - 1, by: V).map { $0 < H ? n.buffers[b][$0] : zero })
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
        // With the sum stage the accumulate and everything after it come a
        // cycle later (the names keep the stage numbers without it).
        let x = c.sumStage ? 1 : 0
        n.act4 = m.delay("act", act2, stages: 2)
        n.v5 = m.delay("valid", v1, stages: 4 + x, reset: 0)
        n.first5 = m.delay("first", first1, stages: 4 + x)
        n.v7 = m.delay("valid_late", n.v5, stages: 2, reset: 0)
        n.last7 = m.delay("last", last1, stages: 6 + x)
        n.L7 = m.delay("layer", L1, stages: 6 + x)
        n.g7 = m.delay("group", g1, stages: 6 + x)
    }

    /// The PEs, each with its own bank and `macs` eps lanes.
    func processingElements(_ n: Nets) throws {
        let m = n.m, V = c.macs
        for p in 0..<c.pes {
            let pe = VIBNNPE(c: c, index: p, contents: c.bank(p, weights), logicProducts: p >= c.dspPEs)
            let u = try m.instance(pe, name: "pe\(p)")
            u.input("step").assign(n.issue)
            u.input("addr").assign(n.addr)
            u.input("eps").assign(m.cat((0..<V).reversed().map { n.lanes[p * V + $0].asUInt }))
            u.input("act").assign(n.act4.asUInt)
            u.input("first").assign(n.first5)
            u.input("accumulate").assign(n.v5)
            n.hidden.append(u.output("hidden"))
            n.logits.append(u.output("logit"))
        }
    }

    /// Write-back at stage 7, when a group's total is requantised: hidden
    /// buffers, or the logit registers and `out_valid` after the last group.
    func writeBack(_ n: Nets) {
        let m = n.m, layers = c.layers, P = c.pes, H = c.hiddenMax
        let (L7, g7) = (n.L7!, n.g7!)
        let done = n.v7 & n.last7
        let groupIs = (0..<((max(H, c.sizes.last!) + P - 1) / P)).map { g7 == $0 }
        for b in 0..<(layers > 1 ? 2 : 0) {
            let here = done & (L7.bit(0) == m.literal(b, .bool)) & (L7 != layers - 1)
            for e in 0..<H {
                m.when(here & groupIs[e / P]) { n.buffers[b][e].assign(n.hidden[e % P]) }
            }
        }
        let outs = c.sizes.last!
        let finalDone = done & (L7 == layers - 1)
        let logitRegs = (0..<outs).map { m.register("logit\($0)", VIBNNConfig.logitType, reset: 0) }
        for e in 0..<outs {
            m.when(finalDone & groupIs[e / P]) { logitRegs[e].assign(n.logits[e % P]) }
        }
        let lastGroup = m.literal(c.groups(layers - 1) - 1, .uint(n.gW))
        m.output("out_valid", m.register("out_valid_r", next: finalDone & (g7 == lastGroup), reset: 0))
        m.output("out_logits", m.cat(logitRegs.reversed().map { $0.asUInt }))
    }
}
