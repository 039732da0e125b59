/// Who reads a MIG node: a fanin slot of a gate, or an output.
enum Consumer: Hashable {
    case gate(Int, slot: Int)
    case output(Int)
}

/// Levels (clock phases) of the live nodes of a MIG, and the cost of the
/// splitter/buffer tree each node needs to reach its consumers.
///
/// The tree model: a consumer at level L reads its fanin from a cell at
/// level L − 1 (an output reads at the depth D). Given the levels its
/// consumers need, a node's cheapest tree is built from the top level down:
/// the x signals needed at level t come from ceil(x / c) cells at level t
/// (c = splitter capacity; a cell with one fanout is a buffer), which need
/// as many signals at t − 1; the node itself serves what is left at its own
/// level — at most 1 for a gate, `inputCapacity` for an input. Fewer cells
/// on a level never cost more below it, so this greedy packing is minimal,
/// and the tree is feasible exactly when the node can serve its level.
/// The optimiser's work, counted in consumers visited by tree costs: one
/// meter for all the starting points of a schedule, so a huge netlist gets
/// a bounded, deterministic effort (small ones never reach the limit).
final class WorkMeter {
    var used = 0
    let limit: Int
    init(limit: Int) { self.limit = limit }
    var exhausted: Bool { used >= limit }
}

struct Schedule {
    let mig: MIG
    let options: AQFPOptions
    let meter = WorkMeter(limit: 200_000_000)
    let live: [Bool]
    /// Consumers of each node (constants have none: a constant fanin is part
    /// of its gate, AND = MAJ(a, b, 0)).
    var consumers: [[Consumer]]
    var level: [Int]
    var depth = 0 { didSet { outLevel = outLevel.map { _ in depth } } }
    /// Each output's level when outputs are not balanced.
    var outLevel: [Int]

    init(_ mig: MIG, _ options: AQFPOptions) {
        self.mig = mig
        self.options = options
        live = mig.live()
        consumers = [[Consumer]](repeating: [], count: mig.nodes.count)
        for n in mig.nodes.indices where live[n] {
            for (s, f) in mig.fanins(n).enumerated() where !f.isConstant { consumers[f.node].append(.gate(n, slot: s)) }
        }
        for (k, o) in mig.outputs.enumerated() where !o.lit.isConstant { consumers[o.lit.node].append(.output(k)) }
        level = [Int](repeating: 0, count: mig.nodes.count)
        outLevel = [Int](repeating: 0, count: mig.outputs.count)
    }

    func capacity(_ n: Int) -> Int { mig.isGate(n) ? 1 : options.inputCapacity }

    /// The level of output `k`: the depth, or with unbalanced outputs its
    /// own level (`settleOutputs` picks it).
    func outputLevel(_ k: Int) -> Int { options.balanceOutputs ? depth : outLevel[k] }

    /// A gate read only by one complemented output drives it directly,
    /// negated for free (!MAJ(a, b, c) = MAJ(!a, !b, !c)) — when its level is
    /// the output's.
    func negatesForFree(_ n: Int, at l: Int) -> Bool {
        guard mig.isGate(n), consumers[n].count == 1, case .output(let k) = consumers[n][0],
              mig.outputs[k].lit.complemented else { return false }
        return l == outputLevel(k)
    }

    /// The level an output read of `n` (node level `l`) needs its signal at,
    /// and whether it needs an inverter cell there (a complemented output
    /// not negated for free: the inverter sits at the output level and reads
    /// one level earlier).
    func outputDemand(_ n: Int, _ k: Int, at l: Int) -> (level: Int, inverter: Bool) {
        let level = outputLevel(k)
        if mig.outputs[k].lit.complemented, !negatesForFree(n, at: l) { return (level - 1, true) }
        return (level, false)
    }

    /// Unbalanced outputs: each plain output moves from the depth to the
    /// level (on a phase boundary) where its node's tree costs least, the
    /// earliest of equals.
    mutating func settleOutputs() {
        guard !options.balanceOutputs else { return }
        for (k, o) in mig.outputs.enumerated() where !o.lit.isConstant && !o.lit.complemented {
            let n = o.lit.node
            var best = cost(n, at: level[n]) ?? Int.max, bestLevel = outLevel[k]
            var p = outLevel[k] - options.phases
            while p >= level[n] {
                outLevel[k] = p
                if let c = cost(n, at: level[n]), c <= best { best = c; bestLevel = p }
                p -= options.phases
            }
            outLevel[k] = bestLevel
        }
    }

    /// The levels `n`'s consumers need it at (one entry per consumer, in
    /// `consumers[n]` order), and which entries are inverters (the entry is
    /// the inverter's fanin).
    func demands(_ n: Int, at l: Int) -> (levels: [Int], inverter: [Bool]) {
        var out: [Int] = [], inv: [Bool] = []
        for c in consumers[n] {
            switch c {
            case .gate(let g, _):
                out.append(level[g] - 1)
                inv.append(false)
            case .output(let k):
                let d = outputDemand(n, k, at: l)
                out.append(d.level)
                inv.append(d.inverter)
            }
        }
        return (out, inv)
    }

    /// The latest level a root serving `cap` can sit at and still reach
    /// `levels`.
    func latestRoot(_ cap: Int, _ levels: [Int]) -> Int {
        let top = levels.max()!, low = levels.min()!
        var count: [Int: Int] = [:]
        for r in levels { count[r, default: 0] += 1 }
        let c = options.splitterCapacity
        var carry = 0, t = top
        while true {
            let x = count[t, default: 0] + carry
            if t <= low, x <= cap { return t }
            carry = (x + c - 1) / c
            t -= 1
        }
    }

    /// Cells (buffers, splitters, inverters) node `n` needs at level `l`,
    /// with `moved` at `to`; nil when infeasible: the packing of the type's
    /// comment over the levels `demands` lists, counted without building
    /// arrays (this runs in the optimiser's inner loop).
    func cost(_ n: Int, at l: Int, moved: Int = -1, to: Int = 0) -> Int? {
        let cons = consumers[n]
        if cons.isEmpty { return 0 }
        var low = Int.max, top = Int.min, hasOutputs = false
        for c in cons {
            if case .gate(let g, _) = c {
                let r = (g == moved ? to : level[g]) - 1
                low = min(low, r)
                top = max(top, r)
            } else {
                hasOutputs = true
            }
        }
        var inverters = 0
        if hasOutputs {
            for c in cons {
                guard case .output(let k) = c else { continue }
                let d = outputDemand(n, k, at: l)
                low = min(low, d.level)
                top = max(top, d.level)
                if d.inverter { inverters += 1 }
            }
        }
        guard low >= l else { return nil }
        let span = top - l + 1
        meter.used += cons.count + span
        let cap = capacity(n), c = options.splitterCapacity
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: span) { count -> Int? in
            count.initialize(repeating: 0)
            for x in cons {
                switch x {
                case .gate(let g, _): count[(g == moved ? to : level[g]) - 1 - l] += 1
                case .output(let k): count[outputDemand(n, k, at: l).level - l] += 1
                }
            }
            var carry = 0, total = 0
            for t in stride(from: span - 1, to: 0, by: -1) {
                carry = (count[t] + carry + c - 1) / c
                total += carry
            }
            return count[0] + carry <= cap ? total + inverters : nil
        }
    }

    /// Buffers, splitters and inverters of the whole schedule.
    var totalCost: Int {
        var sum = 0
        for n in mig.nodes.indices where live[n] && n != 0 && !consumers[n].isEmpty { sum += cost(n, at: level[n]) ?? 1 << 40 }
        return sum
    }

    mutating func run() {
        schedule()
        settleOutputs()
    }

    mutating func schedule() {
        switch options.schedule {
        case .asap: asap()
        case .depth: alap()
        case .optimised:
            // Three starting points at the minimum depth, each optimised; the
            // cheapest wins: latest levels, those levels pulled as early as
            // their fanins allow, and the uniform ASAP levels when they reach
            // the same depth.
            alap()
            let minimum = depth
            var starts = [self]
            var early = self
            early.pullEarly()
            starts.append(early)
            var uniform = self
            uniform.asap()
            if uniform.depth == minimum { starts.append(uniform) }
            var best: Schedule? = nil, bestCost = Int.max
            for var s in starts {
                s.optimise()
                // Cross plateaus one way, then the other, while that helps.
                var cost = s.totalCost
                for _ in 0..<6 where !meter.exhausted {
                    var improved = false
                    for drift in [1, -1] {
                        var d = s
                        d.optimise(drift: drift)
                        d.optimise()
                        let c = d.totalCost
                        if c < cost { s = d; cost = c; improved = true }
                    }
                    if !improved { break }
                }
                if cost < bestCost { best = s; bestCost = cost }
            }
            self = best!
        }
    }

    /// Moves each gate, in topological order, to the earliest level its
    /// fanins' trees can serve (its own tree stays feasible: its consumers
    /// are later still).
    mutating func pullEarly() {
        for g in mig.nodes.indices where live[g] && mig.isGate(g) {
            var l = level[g]
            while l - 1 >= 1, localCost(g, at: l - 1) != nil { l -= 1 }
            level[g] = l
        }
    }

    /// Splitter levels a node needs for all its consumers at once.
    func splitLevels(_ n: Int) -> Int {
        var s = 0, reach = capacity(n)
        while reach < consumers[n].count { reach *= options.splitterCapacity; s += 1 }
        return s
    }

    mutating func asap() {
        for n in mig.nodes.indices where live[n] && mig.isGate(n) {
            level[n] = mig.fanins(n).filter { !$0.isConstant }.map { level[$0.node] + splitLevels($0.node) }.max()! + 1
        }
        var d = 0
        for o in mig.outputs where !o.lit.isConstant {
            let n = o.lit.node
            var r = level[n] + splitLevels(n)
            if o.lit.complemented && !(mig.isGate(n) && consumers[n].count == 1) { r += 1 }
            d = max(d, r)
        }
        depth = roundDepth(d)
        // A complemented output's inverter can need one more level than the
        // uniform tree height; raise the depth until every tree fits.
        while !feasible() && depth < 1 << 20 { depth = roundDepth(depth + 1) }
    }

    func roundDepth(_ d: Int) -> Int { options.phases == 4 ? (d + 3) / 4 * 4 : d }

    func feasible() -> Bool {
        mig.nodes.indices.allSatisfy { n in
            !live[n] || n == 0 || consumers[n].isEmpty || cost(n, at: level[n]) != nil
        }
    }

    /// Latest levels against depth 0, shifted so the earliest input is at 0:
    /// the minimum depth. Inputs then sit at 0 (balanced) or at their latest.
    mutating func alap() {
        depth = 0
        for n in stride(from: mig.nodes.count - 1, through: 1, by: -1) where live[n] && !consumers[n].isEmpty {
            level[n] = latest(n)
        }
        let lowest = mig.inputs.filter { live[$0] && !consumers[$0].isEmpty }.map { level[$0] }.min() ?? 0
        let gateLowest = mig.nodes.indices.filter { live[$0] && mig.isGate($0) }.map { level[$0] - 1 }.min() ?? 0
        let shift = -min(lowest, gateLowest, 0)
        depth = roundDepth(shift)
        let extra = depth - shift
        for n in mig.nodes.indices where live[n] { level[n] += shift + extra }
        for n in mig.inputs {
            // Unbalanced inputs stay at their latest level (on a phase-0
            // level with four-phase clocking).
            level[n] = options.balanceInputs || consumers[n].isEmpty ? 0 : level[n] / options.phases * options.phases
        }
    }

    /// The latest level of `n` with its consumers at their levels and
    /// every output at the depth.
    func latest(_ n: Int) -> Int {
        // With a free negation the gate sits at the output level itself.
        if negatesForFree(n, at: depth) { return depth }
        var levels: [Int] = []
        for c in consumers[n] {
            switch c {
            case .gate(let g, _): levels.append(level[g] - 1)
            case .output(let k): levels.append(mig.outputs[k].lit.complemented ? outputLevel(k) - 1 : outputLevel(k))
            }
        }
        return latestRoot(capacity(n), levels)
    }

    /// Moves each gate (and each unbalanced input) to the level in its
    /// feasible window where its tree and its fanins' trees cost least,
    /// sweeping until a sweep changes nothing.
    mutating func optimise(maxSweeps: Int = 40, drift: Int = 0) {
        known = mig.nodes.indices.map { live[$0] && $0 != 0 ? cost($0, at: level[$0]) ?? 1 << 40 : 0 }
        var movable = mig.nodes.indices.filter { live[$0] && mig.isGate($0) }
        if !options.balanceInputs && options.phases == 1 { movable += mig.inputs.filter { live[$0] && !consumers[$0].isEmpty } }
        for sweep in 0..<maxSweeps {
            var changed = false
            let order = sweep % 2 == 0 ? movable : movable.reversed()
            for g in order {
                if meter.exhausted { return }
                if move(g, drift: drift) { changed = true }
                if mig.isGate(g) {
                    for dir in [-1, 1, -2, 2] {
                        // `loose` only widens chunks towards the inputs.
                        for loose in dir < 0 ? [false, true] : [false] where moveChunk(g, dir, loose: loose, drift: drift) {
                            changed = true
                        }
                    }
                }
            }
            if !changed { break }
        }
    }

    /// The cost at `l` of `g`'s tree plus its fanins' trees; nil: infeasible.
    func localCost(_ g: Int, at l: Int) -> Int? {
        guard l >= (mig.isGate(g) ? 1 : 0), var sum = cost(g, at: l) else { return nil }
        for f in mig.fanins(g) where !f.isConstant {
            guard let c = cost(f.node, at: level[f.node], moved: g, to: l) else { return nil }
            sum += c
        }
        return sum
    }

    /// With `drift` (+1 or -1), a move in that direction that costs the
    /// same is taken too: a plateau crossed one way only, so sweeps end.
    mutating func move(_ g: Int, drift: Int = 0) -> Bool {
        let here = level[g]
        var best = known[g] + mig.fanins(g).reduce(0) { $0 + ($1.isConstant ? 0 : known[$1.node]) }
        var bestLevel = here
        for dir in [-1, 1] {
            var l = here + dir
            while abs(l - here) <= 64, let c = localCost(g, at: l) {
                if c < best || (c == best && dir == drift && abs(l - here) > abs(bestLevel - here)) {
                    best = c
                    bestLevel = l
                }
                l += dir
            }
        }
        guard bestLevel != here else { return false }
        level[g] = bestLevel
        remember([g] + mig.fanins(g).filter { !$0.isConstant }.map(\.node))
        return true
    }

    /// Each node's tree cost at the current levels, kept by the optimiser
    /// (a move changes the trees of the node moved and of its fanins only).
    var known: [Int] = []

    mutating func remember(_ nodes: [Int]) {
        for n in nodes { known[n] = cost(n, at: level[n]) ?? 1 << 40 }
    }

    /// Moves gate `g` by `dir` levels (1 or 2 either way: two steps cross a
    /// one-step barrier) together with the gates that must move with it:
    /// towards the inputs, the fanins less than `dir` levels below it (with
    /// `loose`, also those whose splitter tree would run out of room);
    /// towards the outputs, the consumers less than `dir` levels above it.
    /// Kept when the trees touched cost less.
    mutating func moveChunk(_ g: Int, _ dir: Int, loose: Bool, drift: Int = 0) -> Bool {
        var chunk = [g], inChunk: Set<Int> = [g], i = 0
        while i < chunk.count {
            let x = chunk[i]
            i += 1
            if dir < 0 {
                for f in mig.fanins(x) where !f.isConstant && !inChunk.contains(f.node) {
                    let u = f.node
                    let gap = level[x] - 1 - level[u]
                    guard gap < -dir + (loose ? splitLevels(u) : 0) else { continue }
                    guard mig.isGate(u) else { return false }
                    chunk.append(u)
                    inChunk.insert(u)
                }
            } else {
                for c in consumers[x] {
                    guard case .gate(let h, _) = c, !inChunk.contains(h), level[h] - level[x] - 1 < dir else { continue }
                    chunk.append(h)
                    inChunk.insert(h)
                }
            }
            if chunk.count > 16 { return false }
        }
        var affected = chunk
        for x in chunk {
            for f in mig.fanins(x) where !f.isConstant && !affected.contains(f.node) { affected.append(f.node) }
        }
        let before = affected.reduce(0) { $0 + known[$1] }
        for x in chunk { level[x] += dir }
        if chunk.allSatisfy({ level[$0] >= 1 }) {
            var after: Int? = 0
            for a in affected {
                guard let c = cost(a, at: level[a]) else { after = nil; break }
                after! += c
            }
            if let after, after < before || (after == before && dir == drift) {
                remember(affected)
                return true
            }
        }
        for x in chunk { level[x] -= dir }
        return false
    }
}
