import Harness
import HDL

/// What a group all-reduce leaves in each node: the group's sum, or its
/// mean (the sum shifted right by log2 K, rounded half up).
public enum ReduceOp: String, CaseIterable, Sendable { case sum, mean }

/// The sizes a RingAllReduce is built from, shared by the block, its model
/// and its reports.
public struct AllReduceConfig: Sendable, Equatable {
    public let schedule: GroupSchedule
    /// Elements per node, and their width (signed).
    public let elems: Int, width: Int
    public let op: ReduceOp
    /// Rounds of the schedule one operation runs (the round pointer carries
    /// on from operation to operation: the schedule is periodic).
    public let roundsPerOp: Int

    public init(schedule: GroupSchedule, elems: Int, width: Int, op: ReduceOp, roundsPerOp: Int) throws {
        guard elems >= 1 else { throw UserError("elems must be at least 1") }
        guard (1...schedule.rounds).contains(roundsPerOp) else {
            throw UserError("rounds=\(roundsPerOp) is outside 1...\(schedule.rounds) (the schedule's period log_K N)")
        }
        if op == .mean && schedule.groupSize & (schedule.groupSize - 1) != 0 {
            throw UserError("op=mean needs a power-of-two group size (the mean is a shift), got K = \(schedule.groupSize)")
        }
        self.schedule = schedule
        self.elems = elems
        self.width = width
        self.op = op
        self.roundsPerOp = roundsPerOp
    }

    public var nodes: Int { schedule.nodes }
    public var k: Int { schedule.groupSize }
    /// Elements a chunk: a group of K splits the vector into K chunks.
    public var chunk: Int { (elems + k - 1) / k }
    /// log2 K for the mean's shift.
    public var meanShift: Int { k.trailingZeroBitCount }
    /// Stored width: a sum of K^rounds values (sum), or of K values
    /// before the shift (mean), never wraps.
    public var storeWidth: Int {
        op == .mean ? width + bitsFor(k - 1) : width + bitsFor(schedule.power(roundsPerOp) - 1)
    }
    /// Output width: the stored width (sum), the input width (mean: a mean
    /// of w-bit values is a w-bit value).
    public var outWidth: Int { op == .mean ? width : storeWidth }
    /// Cycles of a ring step: a chunk, plus the read and link stages.
    public var stepCycles: Int { chunk + 2 }
    /// Cycles of one operation's all-reduce: rounds x 2(K-1) steps.
    public var reduceCycles: Int { roundsPerOp * 2 * (k - 1) * stepCycles }
    /// Cycles from one operation's first load beat to the next one's, fed
    /// back to back: load, all-reduce, read out.
    public var opCycles: Int { elems + reduceCycles + elems }
}

/// The golden model: each operation loads N vectors and runs its rounds of
/// group sums (means) from the model's round pointer. Written from the
/// arithmetic — a round replaces each node's vector by its group's sum —
/// not from the ring's chunks and steps.
public struct AllReduceModel: Sendable {
    public let config: AllReduceConfig
    public private(set) var round = 0

    public init(_ config: AllReduceConfig) { self.config = config }

    public mutating func run(_ x: [[Int]]) -> [[Int]] {
        var v = x
        let s = config.schedule
        for _ in 0..<config.roundsPerOp {
            var next = v
            for g in s.groups(round: round) {
                for e in 0..<config.elems {
                    let sum = g.reduce(0) { $0 + v[$1][e] }
                    let y = config.op == .sum ? sum : (sum + (1 << (config.meanShift - 1))) >> config.meanShift
                    for i in g { next[i][e] = y }
                }
            }
            v = next
            round = (round + 1) % s.rounds
        }
        return v
    }
}

/// Ring all-reduce over N nodes, and Prague's partial all-reduce: each
/// round the ROM-driven sequencer sets every node's predecessor mux so the
/// links form one ring per group, and every ring runs a reduce-scatter
/// (K - 1 steps: send chunk p - g, add the received chunk p - g - 1 into
/// one's own) then an all-gather (K - 1 steps: the same chunk indices,
/// copying), p the node's position in its ring, g the step.
///
/// Each node holds its vector in a RAM with two synchronous read ports
/// (send, own) and one write port; a step streams its chunk one element a
/// cycle: read, link register, add-and-write — chunk + 2 cycles. The
/// sequencer ROM holds, per round, each node's first send address (p x
/// chunk) and its predecessor select. Load and read-out are N-lane
/// streams, one element of every node a beat.
public struct RingAllReduce: Block {
    public let config: AllReduceConfig
    public init(_ config: AllReduceConfig) { self.config = config }

    public var moduleName: String {
        let c = config
        return "allreduce_n\(c.nodes)_k\(c.k)_e\(c.elems)_w\(c.width)_\(c.op.rawValue)_r\(c.roundsPerOp)"
    }
    public static func == (a: RingAllReduce, b: RingAllReduce) -> Bool { a.moduleName == b.moduleName }
    public func hash(into h: inout Hasher) { h.combine(moduleName) }

    public func build(_ m: ModuleBuilder) throws {
        let c = config, s = c.schedule, n = c.nodes, k = c.k, chunk = c.chunk
        let S = c.storeWidth, W = c.width, O = c.outWidth
        m.describe("\(s.rounds == 1 ? "ring" : "partial (groups of \(k))") all-reduce over \(n) nodes, \(c.elems) \(W)-bit elements, "
                   + "\(c.op.rawValue), \(c.roundsPerOp) of \(s.rounds) round(s) an operation, chunks of \(chunk)")
        let inValid = m.input("in_valid", .bool)
        let inX = m.input("in_x", .uint(n * W))

        let depth = max(2, k * chunk)
        let aw = bitsFor(depth - 1)
        let ew = bitsFor(chunk + 1)
        let sb = bitsFor(max(1, s.rounds - 1))

        // The sequencer ROM: per round, per node (send base, predecessor
        // select), node 0 in the low bits.
        let field = aw + sb
        var words: [BigValue] = (0..<s.rounds).map { r in
            (0..<n).reduce(BigValue.zero) { acc, i in
                acc + (BigValue(s.position(i, round: r) * chunk + (r << aw)) << (i * field))
            }
        }
        while words.count < 2 { words.append(.zero) }
        let rom = m.rom("schedule", .uint(n * field), contents: words).kind("group schedule")

        // Control.
        let loadS = 0, runS = 1, outS = 2
        let state = m.register("state", .uint(2), reset: loadS)
        let count = m.register("count", .uint(bitsFor(c.elems)), reset: 0)
        let round = m.register("round", .uint(sb), reset: 0)
        let left = m.register("rounds_left", .uint(bitsFor(c.roundsPerOp)), reset: 0)
        let step = m.register("step", .uint(bitsFor(2 * k)), reset: 0)
        let e = m.register("elem", .uint(ew), reset: 0)
        let loading = m.wire("loading", state == loadS)
        let running = m.wire("running", state == runS)
        m.output("in_ready", loading)
        let take = m.wire("take", inValid & loading)
        let lastBeat = m.wire("last_beat", take & (count == c.elems - 1))
        let stepEnd = m.wire("step_end", running & (e == chunk + 1))
        let roundEnd = m.wire("round_end", stepEnd & (step == 2 * k - 3))
        let nextRound = m.wire("next_round", m.mux(round == s.rounds - 1, m.literal(0, .uint(sb)), (round &+ 1)))
        let now = rom.read(addr: round.resized(to: rom.addressWidth), synchronous: false)
        let next = rom.read(addr: nextRound.resized(to: rom.addressWidth), synchronous: false)
        let outIssue = m.wire("out_issue", state == outS)

        m.when(take) { count.assign(count &+ 1) }
        m.when(lastBeat) {
            count.assign(0)
            state.assign(runS)
            step.assign(0)
            e.assign(0)
            left.assign(c.roundsPerOp - 1)
        }
        m.when(running) { e.assign(e &+ 1) }
        m.when(stepEnd) {
            e.assign(0)
            step.assign(step &+ 1)
        }
        m.when(roundEnd) {
            step.assign(0)
            round.assign(nextRound)
            left.assign(left &- 1)
            m.when(left == 0) { state.assign(outS) }
        }
        m.when(outIssue) {
            count.assign(count &+ 1)
            m.when(count == c.elems - 1) {
                count.assign(0)
                state.assign(loadS)
            }
        }

        // The data path: per step, element e is read at e, crosses the link
        // at e + 1, and is added (or copied) and written at e + 2.
        let issue = m.wire("issue", running & (e < chunk))
        let v1 = m.register("v1", next: issue, reset: 0)
        let v2 = m.register("v2", next: v1, reset: 0)
        let e1 = m.register("e1", next: e.resized(to: aw))
        let e2 = m.register("e2", next: e1)
        let reducing = m.wire("reducing", step < k - 1)
        let lastReduce = m.wire("last_reduce", step == k - 2)
        let wrap = (k - 1) * chunk
        /// The base one chunk lower, mod K chunks.
        func lower(_ b: Signal) -> Signal { m.mux(b == 0, m.literal(wrap, .uint(aw)), (b &- chunk)) }

        var links: [Signal] = []
        var sents: [Signal] = []
        var owns: [Signal] = []
        var recvBases: [Signal] = []
        var mems: [MemoryHandle] = []
        for i in 0..<n {
            let mem = m.memory("buf_\(i)", .sint(S), depth: depth).kind("node \(i) vector")
            mems.append(mem)
            let base = m.register("send_base_\(i)", .uint(aw), reset: 0)
            let recvBase = m.wire("recv_base_\(i)", lower(base))
            recvBases.append(recvBase)
            m.when(lastBeat) { base.assign(now.bits(i * field + aw - 1, i * field)) }
            m.when(stepEnd) { base.assign(recvBase) }
            m.when(roundEnd) { base.assign(next.bits(i * field + aw - 1, i * field)) }
            let sendAddr = m.mux(outIssue, count.resized(to: aw), (base + e.resized(to: aw)).resized(to: aw))
            let sent = mem.read(addr: sendAddr, synchronous: true)
            let own = mem.read(addr: (recvBase + e.resized(to: aw)).resized(to: aw), synchronous: true)
            sents.append(sent)
            links.append(m.register("link_\(i)", next: sent))
            owns.append(own)
        }
        for i in 0..<n {
            let mem = mems[i]
            let candidates = (0..<s.rounds).map { links[s.predecessor(i, round: $0)] }
            let sel = now.bits(i * field + field - 1, i * field + aw)
            let recv = m.wire("recv_\(i)", m.select(sel, candidates))
            let own = m.register("own_\(i)", next: owns[i])
            // Partial sums of at most K^rounds (sum) or K (mean) inputs fit
            // the stored width by construction: the wrap never happens.
            let sum = own + recv
            var reduced = sum
            if c.op == .mean {
                let rounded = (sum + (1 << (c.meanShift - 1))) >> c.meanShift
                reduced = m.mux(lastReduce, rounded, sum)
            }
            let result = m.mux(reducing, reduced, recv).cast(to: .sint(S), overflow: .wrap)
            let waddr = m.wire("waddr_\(i)", (recvBases[i] + e2).resized(to: aw))
            let compute = m.wire("write_\(i)", v2 & (waddr < c.elems))
            let lane = inX.bits((i + 1) * W - 1, i * W).asSInt.extended(to: S)
            mem.write(addr: m.mux(take, count.resized(to: aw), waddr), data: m.mux(take, lane, result), enable: take | compute)
        }

        // Read-out: one element of every node a beat.
        m.output("out_valid", m.register("out_valid_q", next: outIssue, reset: 0))
        let lanes = sents.reversed().map { $0.cast(to: .sint(O), overflow: .wrap) }
        m.output("out_x", m.cat(lanes))
    }
}
