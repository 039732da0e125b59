/// A literal of a majority-inverter graph: a node and whether its value is
/// complemented. Node 0 is the constant 0, so `MIGLit.zero`/`.one` are the
/// constants.
public struct MIGLit: Hashable, Comparable, Sendable {
    public let raw: Int
    public init(node: Int, complemented: Bool = false) { raw = node << 1 | (complemented ? 1 : 0) }
    public var node: Int { raw >> 1 }
    public var complemented: Bool { raw & 1 == 1 }
    public static prefix func ! (a: MIGLit) -> MIGLit { MIGLit(node: a.node, complemented: !a.complemented) }
    public static func < (a: MIGLit, b: MIGLit) -> Bool { a.raw < b.raw }
    public static let zero = MIGLit(node: 0), one = MIGLit(node: 0, complemented: true)
    public var isConstant: Bool { node == 0 }
    /// The literal complemented when `flag`.
    public func flipped(_ flag: Bool) -> MIGLit { flag ? !self : self }
}

/// A majority-inverter graph: primary inputs, three-input majority nodes
/// with complemented edges, named outputs. Nodes are kept in topological
/// order (a node's fanins come before it), structurally hashed, and the
/// trivial majorities (two equal or opposite fanins) folded as they are
/// built, so AND = MAJ(a, b, 0) and OR = MAJ(a, b, 1) are single nodes.
public struct MIG: Sendable {
    public enum Node: Hashable, Sendable {
        case constant
        case input(String)
        case maj(MIGLit, MIGLit, MIGLit)
    }

    public private(set) var nodes: [Node] = [.constant]
    /// Node indices of the primary inputs, in declaration order.
    public private(set) var inputs: [Int] = []
    public var outputs: [(name: String, lit: MIGLit)] = []
    private var table: [Node: Int] = [:]

    public init() {}

    public mutating func input(_ name: String) -> MIGLit {
        nodes.append(.input(name))
        inputs.append(nodes.count - 1)
        return MIGLit(node: nodes.count - 1)
    }

    public mutating func output(_ name: String, _ lit: MIGLit) { outputs.append((name, lit)) }

    public mutating func maj(_ a: MIGLit, _ b: MIGLit, _ c: MIGLit) -> MIGLit {
        var f = [a, b, c].sorted()
        // MAJ(x, x, y) = x; MAJ(x, !x, y) = y.
        if f[0] == f[1] || f[1] == f[2] { return f[1] }
        if f[0].node == f[1].node { return f[2] }
        if f[1].node == f[2].node { return f[0] }
        // Self-duality, !MAJ(a, b, c) = MAJ(!a, !b, !c): store the form with
        // at most one complemented fanin so both polarities hash together.
        let negated = f.filter(\.complemented).count >= 2
        if negated { f = f.map { !$0 }.sorted() }
        let key = Node.maj(f[0], f[1], f[2])
        if let n = table[key] { return MIGLit(node: n, complemented: negated) }
        nodes.append(key)
        table[key] = nodes.count - 1
        return MIGLit(node: nodes.count - 1, complemented: negated)
    }

    public mutating func and(_ a: MIGLit, _ b: MIGLit) -> MIGLit { maj(a, b, .zero) }
    public mutating func or(_ a: MIGLit, _ b: MIGLit) -> MIGLit { maj(a, b, .one) }
    /// Three majority nodes: (a AND !b) OR (!a AND b).
    public mutating func xor(_ a: MIGLit, _ b: MIGLit) -> MIGLit { or(and(a, !b), and(!a, b)) }
    /// `s ? a : b`.
    public mutating func mux(_ s: MIGLit, _ a: MIGLit, _ b: MIGLit) -> MIGLit { or(and(s, a), and(!s, b)) }

    public var inputNames: [String] {
        inputs.map { if case .input(let n) = nodes[$0] { return n }; return "" }
    }

    public func fanins(_ node: Int) -> [MIGLit] {
        if case .maj(let a, let b, let c) = nodes[node] { return [a, b, c] }
        return []
    }

    public func isGate(_ node: Int) -> Bool {
        if case .maj = nodes[node] { return true }
        return false
    }

    /// The nodes an output depends on.
    public func live() -> [Bool] {
        var live = [Bool](repeating: false, count: nodes.count)
        for o in outputs { live[o.lit.node] = true }
        for n in stride(from: nodes.count - 1, through: 0, by: -1) where live[n] {
            for f in fanins(n) { live[f.node] = true }
        }
        return live
    }

    /// Live majority nodes (each one AQFP gate: MAJ3, or AND/OR with a
    /// constant fanin).
    public var gateCount: Int {
        let l = live()
        return nodes.indices.filter { l[$0] && isGate($0) }.count
    }

    /// Logic depth in majority nodes (inputs at 0).
    public var depth: Int {
        var d = [Int](repeating: 0, count: nodes.count)
        for n in nodes.indices where isGate(n) { d[n] = fanins(n).map { d[$0.node] }.max()! + 1 }
        return outputs.map { d[$0.lit.node] }.max() ?? 0
    }

    /// Evaluates 64 vectors a word: `inputWords[i][w]` holds input i of
    /// vectors 64w...64w+63. Returns the outputs the same way.
    public func evaluate(_ inputWords: [[UInt64]]) -> [[UInt64]] {
        precondition(inputWords.count == inputs.count, "one word array per input")
        let words = inputWords.first?.count ?? 0
        var value = [[UInt64]](repeating: [UInt64](repeating: 0, count: words), count: nodes.count)
        for (i, n) in inputs.enumerated() { value[n] = inputWords[i] }
        func lit(_ l: MIGLit, _ w: Int) -> UInt64 { l.complemented ? ~value[l.node][w] : value[l.node][w] }
        for n in nodes.indices {
            guard case .maj(let a, let b, let c) = nodes[n] else { continue }
            for w in 0..<words {
                let x = lit(a, w), y = lit(b, w), z = lit(c, w)
                value[n][w] = (x & y) | (x & z) | (y & z)
            }
        }
        return outputs.map { o in (0..<words).map { lit(o.lit, $0) } }
    }

    /// One vector: input bits in order → output bits in order.
    public func evaluate(_ bits: [Bool]) -> [Bool] {
        evaluate(bits.map { [$0 ? UInt64.max : 0] }).map { $0[0] & 1 == 1 }
    }
}
