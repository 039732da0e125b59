import Harness
import HDL

/// The ADMM-NN level-quantized FC engine, one MAC a cycle, for either
/// storage of a pruned layer:
///
/// - load: `cols` activations on a ready/valid stream into the activation
///   memory (the dense engine keeps only the kept columns, compacted);
/// - compute: a controller walks the weight memory one word a cycle, row by
///   row, then one cycle per row for its output. A sparse word is (delta,
///   level): the decoder adds the delta to the row's address and gathers
///   that activation; a filler (level 0) only advances the address. A dense
///   word is `macs` levels; the address counts the kept columns' words;
/// - MAC on the level: x·k, or x·2^(|k|-1) with its sign (a shift) for
///   power-of-two levels; at a row's end acc + bias is requantised (times
///   mult, rounded half up by 2^shift, saturated, ReLU) and leaves.
///
/// Memories read synchronously (block RAM): issue, word, activation and
/// output stages. A vector takes cols + words + rows cycles; the next one
/// loads while the last outputs drain. The dense engine may take `macs`
/// kept columns a word (activations and levels alike, a regular access
/// the sparse gather cannot have): `macs` MACs a cycle.
public struct SparseFC: Block {
    public let layer: SparseLayer
    /// Cycles from a row's end token to its output.
    public static let latency = 3

    public init(_ layer: SparseLayer) { self.layer = layer }

    var key: String {
        var h = ContentHash()
        let l = layer
        h.add("\(l.rows) \(l.cols) \(l.levels) \(l.pow2) \(l.storage) \(l.idxBits) \(l.macs) \(l.actWidth) \(l.outWidth) \(l.relu) \(l.mult) \(l.shift)")
        h.add(l.indices.map { $0.map(String.init).joined(separator: ",") }.joined(separator: ";"))
        h.add(l.bias.map(String.init).joined(separator: ","))
        return String(h.hex.prefix(8))
    }
    public var moduleName: String { "sparse_fc_\(layer.storage.rawValue)_\(layer.rows)x\(layer.cols)_\(key)" }
    public static func == (a: SparseFC, b: SparseFC) -> Bool { a.moduleName == b.moduleName }
    public func hash(into h: inout Hasher) { h.combine(moduleName) }

    public func build(_ m: ModuleBuilder) throws {
        let l = layer
        let sparse = l.storage == .sparse
        m.describe("\(l.rows)x\(l.cols) level-quantized FC (\(l.levels) levels\(l.pow2 ? ", powers of two" : "")), \(l.storage.rawValue) storage"
                   + (sparse ? ", \(l.idxBits)-bit deltas, \(l.words.count) words (\(l.fillers) fillers)" : ", \(l.keptRowCount)x\(l.keptColCount) kept")
                   + "; requant x\(l.mult) >> \(l.shift)")
        let inValid = m.input("in_valid", .bool)
        let inX = m.input("in_x", .sint(l.actWidth))

        // Load.
        let loading = m.register("loading", .bool, reset: 1)
        let loadCount = m.register("load_count", .uint(bitsFor(l.cols)), reset: 0)
        m.output("in_ready", loading)
        let take = m.wire("take", inValid & loading)
        let lastBeat = m.wire("last_beat", take & (loadCount == l.cols - 1))
        let P = l.macs
        let actDepth = max(2, sparse ? l.cols : l.denseRowWords)
        let act = m.memory("act", sparse ? .sint(l.actWidth) : .uint(P * l.actWidth), depth: actDepth).kind("activations")
        let aw = act.addressWidth
        if sparse {
            act.write(addr: loadCount.resized(to: aw), data: inX, enable: take)
        } else {
            // Only the kept columns are stored, `macs` to a word in order:
            // a word is written when its last slot (or the last kept
            // column) arrives; slots past the last column hold 0.
            var mask = BigValue.zero
            for (c, k) in l.keptCols.enumerated() where k { mask = mask + (BigValue.one << c) }
            let keep = m.wire("keep_col", (m.literal(raw: mask, .uint(l.cols)) >> loadCount).bit(0))
            let fill = m.register("fill_count", .uint(bitsFor(l.cols)), reset: 0)
            let slot = m.register("slot", .uint(bitsFor(P)), reset: 0)
            let waddr = m.register("word_addr", .uint(bitsFor(max(1, l.denseRowWords))), reset: 0)
            let stage = (0..<(P - 1)).map { m.register("stage_\($0)", .sint(l.actWidth), reset: 0) }
            let put = m.wire("put", take & keep)
            let lastKept = l.keptColCount > 0 ? fill == l.keptColCount - 1 : m.literal(0, .bool)
            let flush = m.wire("flush", put & ((slot == P - 1) | lastKept))
            let lanes = (0..<P).map { i -> Signal in
                let now = m.mux(slot == i, inX, m.literal(0, .sint(l.actWidth)))
                return i < P - 1 ? m.mux(slot > i, stage[i], now) : now
            }
            act.write(addr: waddr.resized(to: aw), data: m.cat(lanes.reversed()), enable: flush)
            m.when(put) {
                fill.assign(fill &+ 1)
                slot.assign(slot &+ 1)
                for i in 0..<(P - 1) { m.when(slot == i) { stage[i].assign(inX) } }
            }
            m.when(flush) { slot.assign(0); waddr.assign(waddr &+ 1) }
            m.when(lastBeat) { fill.assign(0); slot.assign(0); waddr.assign(0) }
        }
        m.when(take) { loadCount.assign(loadCount &+ 1) }
        m.when(lastBeat) { loadCount.assign(0) }

        // Stage 0: the controller.
        let rw = bitsFor(l.rows)
        let lw = sparse ? l.lengthBits : bitsFor(l.denseRowWords)
        let active = m.register("active", .bool, reset: 0)
        let row = m.register("row", .uint(rw), reset: 0)
        let left = m.register("left", .uint(lw), reset: 0)
        let words = sparse ? l.words.count : l.keptRowCount * l.denseRowWords
        let ptr = m.register("ptr", .uint(bitsFor(max(1, words))), reset: 0)
        /// Words of row `r` (a signal); its value for a row past the last is
        /// never used.
        func length(of r: Signal) -> Signal {
            if sparse {
                let lens = (l.rowLengths + [0, 0]).map { BigValue($0) }
                let rom = m.rom("row_len", .uint(lw), contents: Array(lens.prefix(max(2, l.rows + 1)))).kind("row lengths")
                return rom.read(addr: r.resized(to: rom.addressWidth), synchronous: false)
            }
            var mask = BigValue.zero
            for (i, k) in l.keptRows.enumerated() where k { mask = mask + (BigValue.one << i) }
            let kept = (m.literal(raw: mask, .uint(l.rows + 1)) >> r).bit(0)
            return m.mux(kept, m.literal(l.denseRowWords, .uint(lw)), m.literal(0, .uint(lw)))
        }
        let nextRow = m.wire("next_row", (row + 1).resized(to: rw))
        let nextLen = m.wire("next_len", length(of: nextRow))
        let issue = m.wire("issue", active & (left != 0))
        let end = m.wire("end_row", active & (left == 0))
        m.when(issue) {
            left.assign(left &- 1)
            ptr.assign(ptr &+ 1)
        }
        m.when(end) {
            row.assign(nextRow)
            left.assign(nextLen)
            m.when(row == l.rows - 1) {
                active.assign(0)
                loading.assign(1)
                row.assign(0)
                ptr.assign(0)
            }
        }
        m.when(lastBeat) {
            loading.assign(0)
            active.assign(1)
            left.assign(l.rowLengthsForHardware.first ?? 0)
        }

        // Stage 1: the word.
        let lb = l.levelBits
        let wordBits = sparse ? l.idxBits + lb : P * lb
        var contents: [BigValue] = sparse
            ? l.words.map { (BigValue($0.delta) << lb) + BigValue($0.level).modPow2(lb) }
            : l.denseWords.map { $0.enumerated().reduce(BigValue.zero) { $0 + (BigValue($1.1).modPow2(lb) << ($1.0 * lb)) } }
        while contents.count < 2 { contents.append(.zero) }
        let wrom = m.rom("weights", .uint(wordBits), contents: contents).kind("weights")
        let word = wrom.read(addr: ptr.resized(to: wrom.addressWidth), synchronous: true)
        let v1 = m.register("v1", next: issue, reset: 0)
        let e1 = m.register("e1", next: end, reset: 0)
        let r1 = m.register("r1", next: row)
        let levels = (0..<(sparse ? 1 : P)).map { word.bits(($0 + 1) * lb - 1, $0 * lb).asSInt }
        let addr: Signal
        if sparse {
            let base = m.register("base", .uint(bitsFor(l.cols)), reset: 0)
            let delta = word.bits(wordBits - 1, lb)
            let next = m.wire("next_base", (base + delta).resized(to: base.width))
            addr = m.wire("act_addr", (next &- 1).resized(to: aw))
            m.when(v1) { base.assign(next) }
            m.when(e1) { base.assign(0) }
        } else {
            let col = m.register("col", .uint(bitsFor(max(1, l.denseRowWords))), reset: 0)
            addr = m.wire("act_addr", col.resized(to: aw))
            m.when(v1) { col.assign(col &+ 1) }
            m.when(e1) { col.assign(0) }
        }
        let x = act.read(addr: addr, synchronous: true)

        // Stage 2: the MAC.
        let v2 = m.register("v2", next: v1, reset: 0)
        let e2 = m.register("e2", next: e1, reset: 0)
        let r2 = m.register("r2", next: r1)
        let k2 = levels.enumerated().map { m.register("level2_\($0.0)", next: $0.1) }
        let xs = sparse ? [x] : (0..<P).map { x.bits(($0 + 1) * l.actWidth - 1, $0 * l.actWidth).asSInt }
        /// x times the level k stands for.
        func times(_ x: Signal, _ k: Signal) -> Signal {
            guard l.pow2 else { return x * k }
            // x·2^(|k|-1) with k's sign: a shifter, no multiplier.
            let neg = k.msb
            let mag = m.mux(neg, (m.literal(0, .sint(lb + 1)) - k), k).resized(to: lb + 1).asUInt
            let amount = (mag &- 1).resized(to: bitsFor(max(1, l.levels - 1)))
            let shifted = x << amount
            let signed = m.mux(neg, m.literal(0, .sint(1)) - shifted, shifted)
            return m.mux(k == 0, m.literal(0, .sint(1)), signed)
        }
        var product = times(xs[0], k2[0])
        for i in 1..<xs.count { product = product + times(xs[i], k2[i]) }
        let accT = HWType.sint(l.accWidth)
        let acc = m.register("acc", accT, reset: 0)
        // The accumulator holds the worst row (SparseLayer.bound): no wrap.
        m.when(v2) { acc.assign((acc + product).cast(to: accT, overflow: .wrap)) }
        m.when(e2) { acc.assign(0) }
        var biasWords = l.bias.map { BigValue($0) }
        while biasWords.count < 2 { biasWords.append(.zero) }
        let brom = m.rom("bias", accT, contents: biasWords).kind("bias")
        let b = brom.read(addr: r2.resized(to: brom.addressWidth), synchronous: false)
        let sum = acc + b
        let y = l.requant.build(m, sum)

        // Stage 3: the output.
        m.output("out_valid", m.register("out_valid_q", next: e2, reset: 0))
        m.output("out_y", m.register("out_y_q", next: y))
    }
}

extension SparseLayer {
    /// Words of each row as the controller counts them.
    var rowLengthsForHardware: [Int] {
        storage == .sparse ? rowLengths : keptRows.map { $0 ? denseRowWords : 0 }
    }
}
