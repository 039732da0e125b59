import Harness
import HDL

/// Hop's decentralised training protocol (Luo et al., ASPLOS 2019) as a
/// cycle-level block: N workers on a ring with D neighbours a side, each
/// looping compute → complete → gather.
///
/// - compute: `work` cycles that advance only on cycles the worker is not
///   stalled (the `stall` input: injected stragglers);
/// - complete: allowed while every neighbour credit is positive. A credit
///   counter per neighbour starts at the staleness bound s, falls when the
///   worker completes an iteration and rises when that neighbour does: it
///   is s minus how far the worker is ahead, so no worker gets more than s
///   iterations ahead of a neighbour. Completing pushes the new iteration
///   number (the update) into the worker's queue at every neighbour;
/// - gather: wait until at least k of the n in-queues hold an update
///   (backup workers when k < n), pop every non-empty one, compute again.
///
/// A queue from j at i never holds more than 2s + 1 updates: since it was
/// last empty, i popped one at each gather, j was at most s behind i then
/// and is at most s ahead now, and i completes at most one iteration more
/// than it gathers. The
/// slowest worker can always gather (its neighbours are ahead) and
/// complete (it is ahead of nobody), so the array never deadlocks.
public struct HopConfig: Sendable, Equatable {
    public let workers: Int, degree: Int, staleness: Int, threshold: Int, work: Int
    /// Iteration counters' bits (they wrap; credits hold the differences).
    public static let iterBits = 16

    public init(workers: Int, degree: Int, staleness: Int, threshold: Int, work: Int) throws {
        guard workers >= 2 else { throw UserError("hop needs at least 2 workers") }
        guard degree >= 1 else { throw UserError("degree must be at least 1") }
        self.workers = workers
        self.degree = degree
        self.staleness = staleness
        self.work = work
        let n = Self.neighbours(of: 0, workers: workers, degree: degree).count
        let k = threshold == 0 ? n : threshold
        guard (1...n).contains(k) else { throw UserError("k=\(threshold) is outside 1...\(n) (a worker's neighbours)") }
        self.threshold = k
    }

    static func neighbours(of i: Int, workers n: Int, degree d: Int) -> [Int] {
        var out: [Int] = []
        for delta in 1...d {
            for j in [(i + delta) % n, (i - delta % n + n) % n] where j != i && !out.contains(j) { out.append(j) }
        }
        return out
    }

    /// Worker i's neighbours (in and out: the graph is symmetric), in a
    /// fixed order.
    public func neighbours(_ i: Int) -> [Int] { Self.neighbours(of: i, workers: workers, degree: degree) }
    /// The queue bound (above): the FIFOs' depth.
    public var queueDepth: Int { 2 * staleness + 1 }
}

/// The model: the protocol on arrays, one `step` a cycle.
public struct HopModel: Sendable {
    public let config: HopConfig
    public private(set) var iteration: [Int]
    /// The last update popped from each worker's first neighbour.
    public private(set) var seen: [Int]
    var phase: [Int], count: [Int]
    /// credit[i][a]: worker i's credit for its a-th neighbour.
    var credit: [[Int]]
    /// queue[i][a]: updates from i's a-th neighbour waiting at i.
    var queue: [[[Int]]]
    /// The largest neighbour gap, and the most updates a queue held, so far.
    public private(set) var maxGap = 0
    public private(set) var maxQueue = 0

    public init(_ c: HopConfig) {
        config = c
        let n = c.workers
        iteration = Array(repeating: 0, count: n)
        seen = Array(repeating: 0, count: n)
        phase = Array(repeating: 0, count: n)
        count = Array(repeating: c.work, count: n)
        credit = (0..<n).map { c.neighbours($0).map { _ in c.staleness } }
        queue = (0..<n).map { c.neighbours($0).map { _ in [] } }
    }

    public mutating func step(stall: [Bool]) {
        let c = config, n = c.workers
        // Decisions from this cycle's state.
        let completes = (0..<n).map { i in phase[i] == 1 && credit[i].allSatisfy { $0 > 0 } }
        let gathers = (0..<n).map { i in phase[i] == 2 && queue[i].filter { !$0.isEmpty }.count >= c.threshold }
        let popped = (0..<n).map { i in queue[i].map { $0.first } }
        // Then every register at once.
        for i in 0..<n {
            switch phase[i] {
            case 0 where !stall[i]:
                if count[i] == 1 { phase[i] = 1 } else { count[i] -= 1 }
            case 1 where completes[i]:
                iteration[i] += 1
                phase[i] = 2
            case 2 where gathers[i]:
                for a in queue[i].indices where !queue[i][a].isEmpty { queue[i][a].removeFirst() }
                if let t = popped[i][0] { seen[i] = t }
                count[i] = c.work
                phase[i] = 0
            default: break
            }
        }
        for i in 0..<n {
            for (a, j) in c.neighbours(i).enumerated() {
                if completes[i] { credit[i][a] -= 1 }
                if completes[j] {
                    credit[i][a] += 1
                    queue[i][a].append(iteration[j])
                }
            }
        }
        for i in 0..<n { for j in c.neighbours(i) { maxGap = max(maxGap, iteration[i] - iteration[j]) } }
        maxQueue = max(maxQueue, queue.joined().map(\.count).max() ?? 0)
    }

}

/// The hardware: per worker a phase, a compute counter, the iteration
/// counter, a credit counter and an update queue (a small register FIFO)
/// per neighbour. Outputs every cycle: each worker's iteration (wrapping
/// at 2^16) and the last update it popped from its first neighbour.
public struct HopArray: Block {
    public let config: HopConfig
    public init(_ config: HopConfig) { self.config = config }

    public var moduleName: String {
        let c = config
        return "hop_n\(c.workers)_d\(c.degree)_s\(c.staleness)_k\(c.threshold)_w\(c.work)"
    }
    public static func == (a: HopArray, b: HopArray) -> Bool { a.moduleName == b.moduleName }
    public func hash(into h: inout Hasher) { h.combine(moduleName) }

    public func build(_ m: ModuleBuilder) throws {
        let c = config, n = c.workers, s = c.staleness, IW = HopConfig.iterBits
        let depth = c.queueDepth
        m.describe("Hop: \(n) workers, \(c.neighbours(0).count) neighbours each, staleness \(s), \(c.threshold) fresh updates to start, \(c.work) cycles of work")
        let stall = m.input("stall", .uint(n))
        let crW = bitsFor(2 * s), qW = bitsFor(depth), pW = bitsFor(max(1, depth - 1))
        var phase: [Signal] = [], count: [Signal] = [], iter: [Signal] = []
        var credit: [[Signal]] = []
        for i in 0..<n {
            phase.append(m.register("phase_\(i)", .uint(2), reset: 0))
            count.append(m.register("count_\(i)", .uint(bitsFor(c.work)), reset: c.work))
            iter.append(m.register("iter_\(i)", .uint(IW), reset: 0))
            credit.append(c.neighbours(i).map { j in m.register("credit_\(i)_\(j)", .uint(crW), reset: s) })
        }
        let completes = (0..<n).map { i in
            m.wire("complete_\(i)", credit[i].reduce(phase[i] == 1) { $0 & ($1 != 0) })
        }
        // Queues: queue (i, a) holds updates from i's a-th neighbour.
        var nonEmpty: [[Signal]] = [], heads: [[Signal]] = [], fill: [[Signal]] = []
        var rings: [[(slots: [Signal], head: Signal, tail: Signal)]] = []
        for i in 0..<n {
            var ne: [Signal] = [], hd: [Signal] = [], fl: [Signal] = [], pa: [(slots: [Signal], head: Signal, tail: Signal)] = []
            for j in c.neighbours(i) {
                let slots = (0..<depth).map { m.register("q_\(i)_\(j)_\($0)", .uint(IW), reset: 0) }
                let head = m.register("qh_\(i)_\(j)", .uint(pW), reset: 0)
                let tail = m.register("qt_\(i)_\(j)", .uint(pW), reset: 0)
                let used = m.register("qn_\(i)_\(j)", .uint(qW), reset: 0)
                ne.append(m.wire("qne_\(i)_\(j)", used != 0))
                hd.append(m.select(head, slots))
                fl.append(used)
                pa.append((slots, head, tail))
            }
            nonEmpty.append(ne); heads.append(hd); fill.append(fl); rings.append(pa)
        }
        let gathers = (0..<n).map { i -> Signal in
            let ready = nonEmpty[i].reduce(m.literal(0, .uint(bitsFor(nonEmpty[i].count)))) { ($0 + $1.asUInt.resized(to: $0.width)).resized(to: $0.width) }
            return m.wire("gather_\(i)", (phase[i] == 2) & (ready >= c.threshold))
        }
        /// Next pointer of a ring of `depth` slots.
        func advance(_ p: Signal) -> Signal { m.mux(p == depth - 1, m.literal(0, .uint(pW)), (p &+ 1)) }

        let seenRegs = (0..<n).map { m.register("seen_\($0)", .uint(IW), reset: 0) }
        for i in 0..<n {
            let stalled = stall.bit(i)
            m.when((phase[i] == 0) & !stalled) {
                m.when(count[i] == 1) { phase[i].assign(1) }
                m.when(count[i] != 1) { count[i].assign(count[i] &- 1) }
            }
            m.when(completes[i]) {
                iter[i].assign(iter[i] &+ 1)
                phase[i].assign(2)
            }
            m.when(gathers[i]) {
                count[i].assign(c.work)
                phase[i].assign(0)
                m.when(nonEmpty[i][0]) { seenRegs[i].assign(heads[i][0]) }
            }
            for (a, j) in c.neighbours(i).enumerated() {
                // Credit: minus my completion, plus the neighbour's.
                let mine = completes[i], theirs = completes[j]
                m.when(mine & !theirs) { credit[i][a].assign(credit[i][a] &- 1) }
                m.when(theirs & !mine) { credit[i][a].assign(credit[i][a] &+ 1) }
                // Queue: the neighbour's completion pushes its new
                // iteration number; my gather pops a non-empty queue.
                let pop = gathers[i] & nonEmpty[i][a]
                let (slots, head, tail) = rings[i][a]
                let used = fill[i][a]
                m.when(theirs) {
                    for (k, slot) in slots.enumerated() { m.when(tail == k) { slot.assign(iter[j] &+ 1) } }
                    tail.assign(advance(tail))
                }
                m.when(pop) { head.assign(advance(head)) }
                m.when(theirs & !pop) { used.assign(used &+ 1) }
                m.when(pop & !theirs) { used.assign(used &- 1) }
            }
        }
        m.output("out_iter", m.cat(iter.reversed()))
        m.output("out_seen", m.cat(seenRegs.reversed()))
    }
}
