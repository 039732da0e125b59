import HDL

/// A periodic schedule of disjoint groups for the partial all-reduce
/// (Prague, Luo et al. ASPLOS 2020): N = K^R nodes; round r groups the
/// nodes whose base-K digits differ only in digit r, and each group is a
/// ring ordered by that digit. After R rounds of group all-reduces every
/// node holds the full all-reduce. K = N is the plain ring all-reduce (one
/// round, one group).
public struct GroupSchedule: Sendable, Equatable {
    public let nodes: Int
    public let groupSize: Int
    /// Rounds in a period: log_K N.
    public let rounds: Int

    public init(nodes: Int, groupSize: Int) throws {
        guard nodes >= 2 else { throw UserError("a schedule needs at least 2 nodes, got \(nodes)") }
        guard groupSize >= 2, groupSize <= nodes else {
            throw UserError("the group size K must be in 2...N (\(nodes)), got \(groupSize)")
        }
        var r = 0, p = 1
        while p < nodes { p *= groupSize; r += 1 }
        guard p == nodes else {
            throw UserError("N = \(nodes) is not a power of K = \(groupSize): the digit schedule needs N = K^R")
        }
        self.nodes = nodes
        self.groupSize = groupSize
        rounds = r
    }

    func power(_ r: Int) -> Int { (0..<r).reduce(1) { a, _ in a * groupSize } }

    /// Node i's position in its round-r ring: its base-K digit r.
    public func position(_ node: Int, round: Int) -> Int { node / power(round) % groupSize }

    /// The node that sends to `node` in round r: digit r one lower, mod K.
    public func predecessor(_ node: Int, round: Int) -> Int {
        let w = power(round), d = position(node, round: round)
        return node - d * w + (d + groupSize - 1) % groupSize * w
    }

    /// Round r's groups, each in ring order, ordered by their first node.
    public func groups(round: Int) -> [[Int]] {
        let w = power(round)
        return (0..<nodes).filter { position($0, round: round) == 0 }.map { base in (0..<groupSize).map { base + $0 * w } }
    }

    /// Empty when the schedule is conflict-free: each round's groups are
    /// disjoint and cover the nodes, each node has one predecessor and one
    /// successor, and the predecessor links close one ring per group.
    public var conflicts: [String] {
        var out: [String] = []
        for r in 0..<rounds {
            let gs = groups(round: r)
            let all = gs.flatMap { $0 }
            if all.sorted() != Array(0..<nodes) { out.append("round \(r): the groups do not cover each node once") }
            let preds = (0..<nodes).map { predecessor($0, round: r) }
            if Set(preds).count != nodes { out.append("round \(r): two nodes receive from the same node") }
            for g in gs {
                // Following predecessors from the group's first node walks
                // the whole group and returns.
                var seen: [Int] = [], at = g[0]
                repeat { seen.append(at); at = predecessor(at, round: r) } while at != g[0] && seen.count <= nodes
                if Set(seen) != Set(g) { out.append("round \(r): group \(g) is not one ring") }
            }
        }
        return out
    }

    /// Every node's value after `count` rounds from round `from`, each a
    /// group sum (the order of a sum does not matter: integers).
    public func reduce(_ values: [[Int]], from: Int = 0, count: Int? = nil) -> [[Int]] {
        var x = values
        for j in 0..<(count ?? rounds) {
            let r = (from + j) % rounds
            var next = x
            for g in groups(round: r) {
                let sum = x[g[0]].indices.map { e in g.reduce(0) { $0 + x[$1][e] } }
                for i in g { next[i] = sum }
            }
            x = next
        }
        return x
    }
}
