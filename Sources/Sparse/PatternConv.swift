import Harness
import HDL

/// The PatDNN pattern-sparse 3x3 convolution engine.
///
/// - load: an image, one pixel (all input channels, channel 0 in the low
///   bits) a beat, into the feature memory (block RAM, one pixel a word);
/// - a 3x3 window of pixels (every channel) shared by all lanes: at each
///   output pixel one new column is fetched (three rows read, 4 cycles) and
///   the window shifts — the window reuse of PatDNN's load redundancy
///   elimination, and one window broadcast to every lane;
/// - lanes: lane l runs filter g·lanes + l of the reordered filters in
///   group g, one kernel a step: the kernel's channel (index) picks nine
///   taps out of the window, the pattern id — counted from the filter's
///   stride entries, as FKW stores it — picks four, 4 MACs; groups run in
///   order for `groupSteps[g]` steps (the static lane schedule), a shorter
///   filter's lane idles;
/// - each lane's memories hold its filters' part of the FKW image (offset,
///   reorder, stride, index, weights) and their biases;
/// - at a group's last step the lanes' acc + bias leave requantised, with
///   the filters' original ids and which lanes carry one.
public struct PatternConv: Block {
    public let layer: PatternLayer

    public init(_ layer: PatternLayer) { self.layer = layer }

    var key: String {
        var h = ContentHash()
        let l = layer, f = l.fkw
        h.add("\(l.cin) \(l.cout) \(l.height) \(l.width) \(l.lanes) \(l.actWidth) \(l.encoding.weightBits) \(l.requant)")
        h.add("\(l.encoding.patterns.map(\.taps)) \(f.offset) \(f.reorder) \(f.index) \(f.stride) \(f.weights) \(l.bias)")
        return String(h.hex.prefix(8))
    }
    public var moduleName: String { "pattern_conv_\(layer.cin)x\(layer.cout)_\(layer.height)x\(layer.width)_l\(layer.lanes)_\(key)" }
    public static func == (a: PatternConv, b: PatternConv) -> Bool { a.moduleName == b.moduleName }
    public func hash(into h: inout Hasher) { h.combine(moduleName) }

    public func build(_ m: ModuleBuilder) throws {
        let l = layer, e = l.encoding, fkw = l.fkw
        let H = l.height, W = l.width, aw = l.actWidth, wb = e.weightBits, K = e.patterns.count
        let G = l.groups, steps = l.groupSteps
        m.describe("pattern-sparse 3x3 conv \(l.cin)->\(l.cout), \(H)x\(W), \(K) patterns, \(fkw.kernels) kernels, \(l.lanes) lanes, \(G) groups (steps \(steps)); requant \(l.requant.text)")
        let pixelT = HWType.uint(l.cin * aw)
        let inValid = m.input("in_valid", .bool)
        let inX = m.input("in_x", pixelT)

        // States: load, fetch (4 sub-steps), compute.
        let loading = m.register("loading", .bool, reset: 1)
        let fetching = m.register("fetching", .bool, reset: 0)
        let computing = m.register("computing", .bool, reset: 0)
        m.output("in_ready", loading)
        let take = m.wire("take", inValid & loading)
        let count = m.register("load_count", .uint(bitsFor(H * W)), reset: 0)
        let fmap = m.memory("fmap", pixelT, depth: max(2, H * W)).kind("feature map")
        fmap.write(addr: count.resized(to: fmap.addressWidth), data: inX, enable: take)
        let lastBeat = m.wire("last_beat", take & (count == H * W - 1))
        m.when(take) { count.assign(count &+ 1) }

        let oy = m.register("oy", .uint(bitsFor(H)), reset: 0)
        let ox = m.register("ox", .uint(bitsFor(W)), reset: 0)
        let fcol = m.register("fcol", .uint(bitsFor(W + 1)), reset: 0)
        let sub = m.register("sub", .uint(2), reset: 0)
        let g = m.register("group", .uint(bitsFor(G)), reset: 0)
        let s = m.register("step", .uint(bitsFor(steps.max()!)), reset: 0)
        // The window: win[r][c], a pixel of every channel each.
        let win = (0..<3).map { r in (0..<3).map { c in m.register("win_\(r)_\(c)", pixelT, reset: 0) } }
        func clearWindow() { for r in 0..<3 { for c in 0..<3 { win[r][c].assign(0) } } }

        m.when(lastBeat) {
            loading.assign(0)
            fetching.assign(1)
            count.assign(0)
            oy.assign(0); ox.assign(0); fcol.assign(0); sub.assign(0)
            clearWindow()
        }

        // Fetch: sub 0 shifts the window and reads row oy - 1 of column
        // fcol, subs 1-3 land rows into column 2 (zero outside the image).
        let row = m.wire("fetch_row", (oy + sub).resized(to: bitsFor(H + 2)))   // image row + 1
        let rowIn = m.wire("fetch_in", (row != 0) & (row <= H) & (fcol < W))
        let addr = m.wire("fetch_addr", ((row - 1) * W + fcol).resized(to: fmap.addressWidth).asUInt)
        let word = fmap.read(addr: addr, synchronous: true)
        let landIn = m.register("land_in", .bool, reset: 0)
        m.when(fetching) {
            landIn.assign(rowIn & (sub != 3))
            sub.assign(sub &+ 1)
            m.when(sub == 0) {
                for r in 0..<3 { win[r][0].assign(win[r][1]); win[r][1].assign(win[r][2]); win[r][2].assign(0) }
            }
            for r in 0..<3 {
                m.when((sub == r + 1) & landIn) { win[r][2].assign(word) }
            }
            m.when(sub == 3) {
                fcol.assign(fcol &+ 1)
                // Column 0 fetched: column 1 next; else compute.
                m.when(fcol != 0) { fetching.assign(0); computing.assign(1) }
            }
        }

        // Compute: group g, step s.
        let groupSteps = m.rom("group_steps", .uint(bitsFor(steps.max()!)), contents: (steps + [1, 1]).prefix(max(2, G)).map { BigValue($0) })
            .kind("lane schedule")
        let gSteps = groupSteps.read(addr: g.resized(to: groupSteps.addressWidth), synchronous: false)
        let lastStep = m.wire("last_step", computing & (s == (gSteps &- 1)))
        let lastGroup = m.wire("last_group", g == G - 1)
        m.when(computing) {
            s.assign(s &+ 1)
            m.when(lastStep) {
                s.assign(0)
                g.assign(g &+ 1)
                m.when(lastGroup) {
                    g.assign(0)
                    computing.assign(0)
                    m.when(ox == W - 1) {
                        ox.assign(0)
                        m.when(oy == H - 1) {
                            loading.assign(1)
                        }
                        m.when(oy != H - 1) {
                            oy.assign(oy &+ 1); fcol.assign(0); fetching.assign(1)
                            clearWindow()
                        }
                    }
                    m.when(ox != W - 1) { ox.assign(ox &+ 1); fetching.assign(1) }
                }
            }
        }

        // Lanes, stage A: the kernel's taps and weights.
        let vA = m.register("issue_a", next: computing, reset: 0)
        let firstA = m.register("first_a", next: s == 0)
        let lastA = m.register("last_a", next: lastStep, reset: 0)
        let gA = m.register("group_a", next: g)
        let accT = HWType.sint(l.accWidth)
        var ys: [Signal] = [], ids: [Signal] = [], mask: [Signal] = []
        let sb = bitsFor(l.cin)
        for lane in 0..<l.lanes {
            let filters = (0..<G).map { $0 * l.lanes + lane }.filter { $0 < l.cout }
            var off: [Int] = [], local = 0, idx: [BigValue] = [], wts: [BigValue] = [], strides: [BigValue] = []
            for f in filters {
                off.append(local)
                local += fkw.length(f)
                for j in fkw.offset[f]..<fkw.offset[f + 1] {
                    idx.append(BigValue(fkw.index[j]))
                    wts.append(fkw.weights[j].enumerated().reduce(BigValue.zero) { $0 + (BigValue($1.1).modPow2(wb) << ($1.0 * wb)) })
                }
                strides.append(fkw.stride[f].dropFirst().enumerated().reduce(BigValue.zero) { $0 + (BigValue($1.1) << ($1.0 * sb)) })
            }
            func rom(_ name: String, _ t: HWType, _ words: [BigValue], _ kind: String, _ a: Signal) -> Signal {
                var w = words
                while w.count < 2 { w.append(.zero) }
                let r = m.rom("\(name)_\(lane)", t, contents: w).kind(kind)
                return r.read(addr: a.resized(to: r.addressWidth), synchronous: false)
            }
            let exists = filters.count == G ? m.literal(1, .bool) : m.wire("exists_\(lane)", g < filters.count)
            let offset = rom("offset", .uint(bitsFor(max(1, local))), off.map { BigValue($0) }, "FKW offset", g)
            let stride = rom("stride", .uint(K * sb), strides, "FKW stride", g)
            let st = (0..<K).map { stride.bits(($0 + 1) * sb - 1, $0 * sb) }
            let length = st[K - 1]
            let live = m.wire("live_\(lane)", computing & exists & (s < length))
            let ptr = m.wire("ptr_\(lane)", (offset + s).resized(to: bitsFor(max(1, local))))
            let channel = rom("index", .uint(bitsFor(max(1, l.cin - 1))), idx, "FKW index", ptr)
            let weights = rom("weights", .uint(4 * wb), wts, "FKW weights", ptr)
            // Pattern id: how many of the stride entries 1 ... K-1 are <= s.
            var pattern: Signal = m.literal(0, .uint(bitsFor(K)))
            for k in 0..<(K - 1) { pattern = (pattern + m.mux(st[k] <= s, m.literal(1, .uint(1)), m.literal(0, .uint(1)))).resized(to: bitsFor(K)) }
            // Nine taps of the kernel's channel, then four by the pattern.
            let nine = (0..<9).map { t in
                m.select(channel, (0..<l.cin).map { win[t / 3][t % 3].bits(($0 + 1) * aw - 1, $0 * aw).asSInt })
            }
            let four = (0..<4).map { i in m.select(pattern, e.patterns.map { nine[$0.taps[i]] }) }
            let xa = (0..<4).map { m.register("x_\(lane)_\($0)", next: four[$0]) }
            let wa = (0..<4).map { m.register("w_\(lane)_\($0)", next: weights.bits(($0 + 1) * wb - 1, $0 * wb).asSInt) }
            let liveA = m.register("live_a_\(lane)", next: live, reset: 0)
            // Stage B: 4 MACs into the lane's accumulator.
            var sum = xa[0] * wa[0]
            for i in 1..<4 { sum = sum + xa[i] * wa[i] }
            let acc = m.register("acc_\(lane)", accT, reset: 0)
            let base = m.mux(firstA, m.literal(0, accT), acc)
            let next = m.wire("acc_next_\(lane)", m.mux(liveA, base + sum, base).cast(to: accT, overflow: .wrap))
            m.when(vA) { acc.assign(next) }
            let bias = rom("bias", accT, filters.map { BigValue(l.bias[$0]) }, "bias", gA)
            ys.append(m.register("y_\(lane)", next: l.requant.build(m, next + bias)))
            ids.append(m.register("id_\(lane)", next: rom("reorder", .uint(bitsFor(max(1, l.cout - 1))), filters.map { BigValue(fkw.reorder[$0]) }, "FKW reorder", gA)))
            let existsA = filters.count == G ? m.literal(1, .bool) : (gA < filters.count)
            mask.append(m.register("mask_\(lane)", next: existsA))
        }
        // Stage C: the outputs (lane 0 in the low bits).
        m.output("out_valid", m.register("out_valid_q", next: vA & lastA, reset: 0))
        m.output("out_y", m.cat(ys.reversed()))
        m.output("out_ids", m.cat(ids.reversed()))
        m.output("out_mask", m.cat(mask.reversed()))
    }
}
