import Harness
import HDL

/// An inference array of 2^H tiles on a binary tree that follows a
/// parallelism plan (HyPar): each tile is one MAC with its own activation,
/// weight and partial-sum memories; the tree reduce-adds partial sums at
/// the nodes of mp levels and selects by image at dp levels, the root adds
/// the bias and requantises, and a broadcast tree takes each result down
/// to the tiles that hold it in the next layer's layout (the block swap:
/// a tile keeps an activation when it holds that image and channel).
///
/// A batch is B = 2^H images. Phases, one after another: load (the input
/// stream, image-major, broadcast to the layer-0 layout), then per layer
/// compute (every tile, in lockstep: its images x C_out x its channel
/// slice, one MAC a cycle) and gather (B x C_out results through the tree,
/// one a cycle). The last layer's results leave on out_valid/out_y, image
/// by image. Every phase ends with a fixed drain of 2H + 6 cycles.
public struct TileArray: Block {
    public let net: ArrayNet
    public let plan: ArrayPlan
    public let actWidth: Int, outWidth: Int

    public init(net: ArrayNet, plan: ArrayPlan, actWidth: Int, outWidth: Int) {
        self.net = net
        self.plan = plan
        self.actWidth = actWidth
        self.outWidth = outWidth
    }

    var key: String {
        var h = ContentHash()
        h.add("\(plan.text) \(actWidth) \(outWidth)")
        for l in net.layers {
            h.add(l.weights.map { $0.map(String.init).joined(separator: ",") }.joined(separator: ";"))
            h.add(l.bias.map(String.init).joined(separator: ",") + " \(l.requant.mult) \(l.requant.shift) \(l.requant.width)")
        }
        return String(h.hex.prefix(8))
    }
    public var moduleName: String { "tile_array_t\(plan.tiles)_\(net.sizes.map(String.init).joined(separator: "x"))_\(key)" }
    public static func == (a: TileArray, b: TileArray) -> Bool { a.moduleName == b.moduleName }
    public func hash(into h: inout Hasher) { h.combine(moduleName) }

    /// Cycles every phase waits after its last issue.
    public var drain: Int { 2 * plan.levels + 6 }
    /// Cycles of one batch, fed back to back: load, then compute and
    /// gather per layer, each with its drain.
    public var batchCycles: Int {
        let B = plan.batch
        var c = B * net.sizes[0] + drain
        for (l, layer) in net.layers.enumerated() {
            c += plan.localImages(l) * layer.cout * plan.slice(l, cin: layer.cin) + drain
            c += B * layer.cout + drain
        }
        return c
    }

    public func build(_ m: ModuleBuilder) throws {
        let H = plan.levels, B = plan.batch, T = plan.tiles, L = net.layers.count
        let A = actWidth
        let accW = (0..<L).map { net.accWidth($0, actWidth: A) }.max()!
        let yW = max(A, outWidth)
        let cs = (0..<L).map { plan.slice($0, cin: net.layers[$0].cin) }
        let nb = (0..<L).map { plan.localImages($0) }
        let cout = net.layers.map(\.cout)
        let c0 = net.sizes[0]
        m.describe("\(T) tile(s) on a binary tree, \(net.sizes.map(String.init).joined(separator: "-")) MLP, batch \(B), plan \(plan.text); "
                   + "one MAC a tile, \(accW)-bit partial sums")
        let inValid = m.input("in_valid", .bool)
        let inX = m.input("in_x", .sint(A))

        let loadS = 0, computeS = 1, gatherS = 2, waitS = 3
        let state = m.register("state", .uint(2), reset: loadS)
        let after = m.register("after", .uint(2), reset: loadS)
        let layer = m.register("layer", .uint(bitsFor(L)), reset: 0)
        let wait = m.register("wait", .uint(bitsFor(drain)), reset: 0)
        let big = bitsFor(max(B, c0, cout.max()!, nb.max()!, cs.max()!, 2))
        let ci = m.register("i", .uint(big), reset: 0)      // image (load, gather); local image j (compute)
        let co = m.register("o", .uint(big), reset: 0)      // channel (load), output (compute, gather)
        let cc = m.register("c", .uint(big), reset: 0)      // slice channel (compute)
        /// A per-layer constant, selected by the layer register.
        func perLayer(_ v: [Int], _ w: Int) -> Signal { m.select(layer, v.map { m.literal($0, .uint(w)) }) }

        let loading = m.wire("loading", state == loadS)
        m.output("in_ready", loading)
        let take = m.wire("take", inValid & loading)
        m.when(state == waitS) {
            wait.assign(wait &- 1)
            m.when(wait == 0) { state.assign(after) }
        }
        func finish(_ next: Int) {
            state.assign(waitS)
            after.assign(next)
            wait.assign(drain - 1)
            ci.assign(0); co.assign(0); cc.assign(0)
        }
        // Load: image i, channel o.
        m.when(take) {
            co.assign(co &+ 1)
            m.when(co == c0 - 1) {
                co.assign(0)
                ci.assign(ci &+ 1)
                m.when(ci == B - 1) { finish(computeS) }
            }
        }
        // Compute: local image i, output o, slice channel c.
        let computing = m.wire("computing", state == computeS)
        let csL = perLayer(cs, big), coutL = perLayer(cout, big), nbL = perLayer(nb, big)
        let lastC = m.wire("last_c", cc == (csL &- 1))
        let lastO = m.wire("last_o", co == (coutL &- 1))
        let lastJ = m.wire("last_j", ci == (nbL &- 1))
        let aw = 16
        let aBase = m.register("a_base", .uint(aw), reset: 0)
        let wAddr = m.register("w_addr", .uint(aw), reset: 0)
        let pAddr = m.register("p_addr", .uint(aw), reset: 0)
        m.when(computing) {
            cc.assign(cc &+ 1)
            wAddr.assign(wAddr &+ 1)
            m.when(lastC) {
                cc.assign(0)
                co.assign(co &+ 1)
                pAddr.assign(pAddr &+ 1)
                m.when(lastO) {
                    co.assign(0)
                    wAddr.assign(0)
                    ci.assign(ci &+ 1)
                    aBase.assign((aBase + csL).resized(to: aw))
                    m.when(lastJ) {
                        finish(gatherS)
                        aBase.assign(0)
                        pAddr.assign(0)
                    }
                }
            }
        }
        let aAddr = m.wire("a_addr", (aBase + cc).resized(to: aw))
        let v1 = m.register("v1", next: computing, reset: 0)
        let first1 = m.register("first1", next: cc == 0)
        let last1 = m.register("last1", next: lastC)
        let p1 = m.register("p1", next: pAddr)
        let v2 = m.register("v2", next: v1 & last1, reset: 0)
        let p2 = m.register("p2", next: p1)

        // Gather: image i, output o; the psum slot is the image's mp-level
        // bits (its local slot) x C_out + o.
        let gathering = m.wire("gathering", state == gatherS)
        let lastGo = m.wire("last_go", co == (coutL &- 1))
        m.when(gathering) {
            co.assign(co &+ 1)
            m.when(lastGo) {
                co.assign(0)
                ci.assign(ci &+ 1)
                m.when(ci == B - 1) {
                    finish(loadS)
                    m.when(layer != L - 1) { after.assign(computeS) }
                }
            }
        }
        // The layer advances when a gather ends (back to 0 after the last).
        m.when(gathering & lastGo & (ci == B - 1)) {
            layer.assign(m.mux(layer == L - 1, m.literal(0, layer.type), (layer &+ 1)))
        }
        /// Bits of x at layer l's mp levels, level 0 highest (as a value).
        func localSlot(_ x: Signal, _ l: Int, _ w: Int) -> Signal {
            let bits = plan.mpLevels(l).map { x.bit(H - 1 - $0) }
            return bits.isEmpty ? m.literal(0, .uint(w)) : m.cat(bits).asUInt.resized(to: w)
        }
        let slotL = m.select(layer, (0..<L).map { localSlot(ci, $0, aw) })
        let gAddr = m.wire("g_addr", (slotL * coutL + co).resized(to: aw))

        // Pipeline of the gather's (valid, image, output): stage k is k
        // cycles after the issue.
        let depth = H + 2
        var gv = [m.wire("gv0", gathering)], gi = [ci], go = [co]
        for k in 1...depth {
            gv.append(m.register("gv\(k)", next: gv[k - 1], reset: 0))
            gi.append(m.register("gi\(k)", next: gi[k - 1]))
            go.append(m.register("go\(k)", next: go[k - 1]))
        }

        // The layer register moves on at the gather's last issue while its
        // results are still in the pipeline: each stage carries its layer.
        let gl = [layer] + (1...depth).map { k in m.register("gl\(k)", .uint(layer.width), reset: 0) }
        for k in 1...depth { gl[k].assign(gl[k - 1]) }

        // The tiles.
        var leaves: [Signal] = []
        let sint = HWType.sint(accW)
        // The down tree is built first as registers the tiles read.
        let dstW = bitsFor(L)
        let rootValid = m.register("down_valid", .bool, reset: 0)
        let rootDst = m.register("down_dst", .uint(dstW), reset: 0)
        let rootI = m.register("down_i", .uint(big), reset: 0)
        let rootCh = m.register("down_ch", .uint(big), reset: 0)
        let rootY = m.register("down_y", .sint(yW), reset: 0)
        /// The bundle each tile sees: one register a tree level below the
        /// root's, shared by the subtree.
        var bundleOf: [[Signal]] = Array(repeating: [], count: T)
        func down(_ h: Int, _ lo: Int, _ n: Int, _ b: [Signal]) {
            if n == 1 { bundleOf[lo] = b; return }
            let r = b.enumerated().map { m.register("down\(h)_\(lo)_\($0.0)", next: $0.1) }
            down(h + 1, lo, n / 2, r)
            down(h + 1, lo + n / 2, n / 2, r)
        }
        if T == 1 { bundleOf[0] = [rootValid, rootDst, rootI, rootCh, rootY] } else {
            let r = [rootValid, rootDst, rootI, rootCh, rootY].enumerated().map { m.register("down0_0_\($0.0)", next: $0.1) }
            down(1, 0, T / 2, r)
            down(1, T / 2, T / 2, r)
        }

        for t in 0..<T {
            // Activation memories, one per layer, each in that layer's layout.
            var acts: [Signal] = []
            let b = bundleOf[t]
            for l in 0..<L {
                let depthA = max(2, nb[l] * cs[l])
                let mem = m.memory("t\(t)_act\(l)", .sint(A), depth: depthA).kind("tile \(t) layer \(l) activations")
                let mySlice = plan.mpIndex(t, layer: l)
                let lo = mySlice * cs[l], hi = min(lo + cs[l], net.layers[l].cin)
                let holds = (0..<H).filter { plan.choices[l][$0] == .dp }.reduce(m.literal(1, .bool)) { acc, h in
                    acc & (b[2].bit(H - 1 - h) == ((t >> (H - 1 - h)) & 1))
                }
                let inSlice = hi > lo ? ((b[3] >= lo) & (b[3] < hi)) : m.literal(0, .bool)
                let en = m.wire("t\(t)_we\(l)", b[0] & (b[1] == l) & holds & inSlice)
                let addr = (localSlot(b[2], l, aw) * cs[l] + b[3] - lo).resized(to: mem.addressWidth).asUInt
                mem.write(addr: addr, data: b[4].cast(to: .sint(A), overflow: .wrap), enable: en)
                acts.append(mem.read(addr: aAddr.resized(to: mem.addressWidth), synchronous: true))
            }
            // Weights: for each layer, C_out x slice, padded with zeros.
            var ws: [Signal] = []
            for l in 0..<L {
                let layer = net.layers[l]
                let lo = plan.mpIndex(t, layer: l) * cs[l]
                var words: [BigValue] = []
                for o in 0..<layer.cout {
                    for c in 0..<cs[l] {
                        let w = lo + c < layer.cin ? layer.weights[o][lo + c] : 0
                        words.append(BigValue(w).modPow2(ArrayNet.weightBits))
                    }
                }
                while words.count < 2 { words.append(.zero) }
                let rom = m.rom("t\(t)_w\(l)", .uint(ArrayNet.weightBits), contents: words).kind("tile \(t) layer \(l) weights")
                ws.append(rom.read(addr: wAddr.resized(to: rom.addressWidth), synchronous: true).asSInt)
            }
            let a = m.select(layer, acts), w = m.select(layer, ws)
            let acc = m.register("t\(t)_acc", sint, reset: 0)
            // |partial sum| <= the layer's bound: the wrap never happens.
            m.when(v1) { acc.assign((m.mux(first1, m.literal(0, sint), acc) + a * w).cast(to: sint, overflow: .wrap)) }
            let psDepth = max(2, (0..<L).map { nb[$0] * cout[$0] }.max()!)
            let ps = m.memory("t\(t)_psum", sint, depth: psDepth).kind("tile \(t) partial sums")
            ps.write(addr: p2.resized(to: ps.addressWidth), data: acc, enable: v2)
            leaves.append(ps.read(addr: gAddr.resized(to: ps.addressWidth), synchronous: true))
        }

        /// The up tree: a node at level h computes at stage H - h from its
        /// children (leaves at stage 1) and registers.
        func up(_ h: Int, _ lo: Int, _ n: Int) -> Signal {
            if n == 1 { return leaves[lo] }
            let a = up(h + 1, lo, n / 2), b = up(h + 1, lo + n / 2, n / 2)
            let img = gi[H - h]
            let mpHere = m.select(gl[H - h], (0..<L).map { m.literal(plan.choices[$0][h] == .mp ? 1 : 0, .bool) })
            let pick = m.mux(img.bit(H - 1 - h), b, a)
            let v = m.mux(mpHere, (a + b).cast(to: sint, overflow: .wrap), pick)
            return m.register("up\(h)_\(lo)", next: v.cast(to: sint, overflow: .wrap))
        }
        let root = up(0, 0, T)   // stage H + 1

        // Bias and requantisation at the root (stage H + 1).
        let st = H + 1
        var ys: [Signal] = []
        for l in 0..<L {
            var bw = net.layers[l].bias.map { BigValue($0) }
            while bw.count < 2 { bw.append(.zero) }
            let brom = m.rom("bias\(l)", sint, contents: bw).kind("layer \(l) bias")
            let bias = brom.read(addr: go[st].resized(to: brom.addressWidth), synchronous: false)
            ys.append(net.layers[l].requant.build(m, root + bias).extended(to: yW))
        }
        let yAt = m.select(gl[st], ys)
        // The root's bundle: a gather result on its way down (or out), or
        // an input beat (a load and a gather never overlap).
        rootValid.assign(gv[st]); rootDst.assign((gl[st] &+ 1).resized(to: dstW)); rootI.assign(gi[st]); rootCh.assign(go[st]); rootY.assign(yAt)
        m.when(take) {
            rootValid.assign(1); rootDst.assign(0); rootI.assign(ci); rootCh.assign(co); rootY.assign(inX.extended(to: yW))
        }
        m.output("out_valid", rootValid & (rootDst == L))
        m.output("out_y", rootY.cast(to: .sint(outWidth), overflow: .wrap))
    }
}
