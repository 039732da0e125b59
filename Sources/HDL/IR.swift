/// The elaborated, checked intermediate representation.
///
/// Nodes are untyped bit vectors of a fixed width; a `Signal` adds the
/// signed / fixed-point reading, and operations that depend on it (extension,
/// comparison, arithmetic shift) carry that choice in the node itself.
public typealias NodeID = Int32

public enum BinaryOp: UInt8, Sendable {
    case add, sub, mul, and, or, xor
    case eq, ne, ltU, leU, ltS, leS
    case shlDyn, shrDynU, shrDynS
}

public enum UnaryOp: UInt8, Sendable {
    case not, andReduce, orReduce, xorReduce
}

public enum NodeKind: Hashable, Sendable {
    case input(Int)                 // module input port index
    case literal(BigValue)          // raw bits, 0 <= value < 2^width
    case variable(Int)              // value of a wire / output / register
    case memRead(mem: Int, port: Int)
    case instOutput(inst: Int, port: Int)
    case unary(UnaryOp, NodeID)
    case binary(BinaryOp, NodeID, NodeID)
    case mux(NodeID, NodeID, NodeID)  // cond, then, else
    case slice(NodeID, hi: Int, lo: Int)
    case concat([NodeID])           // most significant first
    case extend(NodeID, signed: Bool)
}

extension NodeKind {
    /// A pure function of its operands: two such nodes with equal kinds and
    /// widths are the same value, so one can stand for both.
    public var isPure: Bool {
        switch self {
        case .input, .variable, .memRead, .instOutput: return false
        default: return true
        }
    }
}

/// Calls `body` with each operand of a node of this kind (back ends,
/// checks and the simulator walk the graph with it).
public func forEachOperand(of kind: NodeKind, _ body: (NodeID) -> Void) {
    switch kind {
    case .input, .literal, .variable, .memRead, .instOutput: break
    case .unary(_, let a), .slice(let a, _, _), .extend(let a, _): body(a)
    case .binary(_, let a, let b): body(a); body(b)
    case .mux(let c, let a, let b): body(c); body(a); body(b)
    case .concat(let parts): parts.forEach(body)
    }
}

public struct Node: Sendable {
    public var kind: NodeKind
    public var width: Int
    public var loc: SourceLoc?
}

public enum ResetKind: String, Sendable { case none, sync, async }

public enum VarKind: Sendable {
    case wire
    case output(port: Int)
    case register(reset: BigValue?, resetKind: ResetKind, enable: NodeID?)
    case instInput(inst: Int, port: Int)
    public var isCombinational: Bool {
        if case .register = self { return false }
        return true
    }
}

/// Something statements assign: a wire, an output port, a register or an
/// input of a child instance.
public struct Variable: Sendable {
    public var name: String
    public var width: Int
    public var kind: VarKind
    public var loc: SourceLoc?
}

/// A statement of the behaviour: last connect wins, `when` nests.
public indirect enum Statement: Sendable {
    case connect(variable: Int, value: NodeID, loc: SourceLoc?)
    case when(cond: NodeID, then: [Statement], otherwise: [Statement], loc: SourceLoc?)
}

extension Statement {
    /// The statements split per variable, each keeping its when-structure:
    /// what both the emitter (one always block per variable) and the
    /// simulator (one code block per variable) work from.
    public static func perVariable(_ list: [Statement]) -> [Int: [Statement]] {
        var out: [Int: [Statement]] = [:]
        for s in list {
            switch s {
            case .connect(let v, _, _):
                out[v, default: []].append(s)
            case .when(let c, let t, let e, let loc):
                let pt = perVariable(t), pe = perVariable(e)
                for v in Set(pt.keys).union(pe.keys) {
                    out[v, default: []].append(.when(cond: c, then: pt[v] ?? [], otherwise: pe[v] ?? [], loc: loc))
                }
            }
        }
        return out
    }
}

public struct Port: Sendable {
    public enum Direction: String, Sendable { case input, output }
    public var name: String
    public var direction: Direction
    public var type: HWType
    public var width: Int { type.width }
    /// For outputs: the variable that drives it.
    public var variable: Int?
    public var loc: SourceLoc?
}

public struct MemoryWrite: Sendable {
    public var addr: NodeID, data: NodeID, enable: NodeID
    public var loc: SourceLoc?
}

public struct MemoryRead: Sendable {
    public var addr: NodeID
    public var synchronous: Bool
    public var enable: NodeID?
}

public struct Memory: Sendable {
    public var name: String
    public var width: Int
    public var depth: Int
    public var addrWidth: Int
    public var initial: [BigValue]?
    /// A ROM: initial contents, no writes allowed.
    public var isROM = false
    /// What it holds, for reports ("input RAM", "mu/sigma ROM"); no effect
    /// on the hardware.
    public var kind: String?
    public var writes: [MemoryWrite] = []
    public var reads: [MemoryRead] = []
    public var loc: SourceLoc?
}

public struct Instance: Sendable {
    public var name: String
    public var module: ModuleIR
    /// For each child port, in the child's port order: the parent variable
    /// (child inputs) or nothing (outputs are read through `.instOutput`).
    public var inputVariables: [Int?]
    public var loc: SourceLoc?
}

/// One elaborated module definition.
public final class ModuleIR: @unchecked Sendable {
    public let name: String
    public let header: [String]
    public let ports: [Port]
    public let nodes: [Node]
    public let variables: [Variable]
    public let body: [Statement]
    public let memories: [Memory]
    public let instances: [Instance]
    public let isBlackBox: Bool
    /// Clock and reset ports, present only when the module's state needs them.
    public let usesClock: Bool, usesReset: Bool, usesAsyncReset: Bool
    /// For each output port index: the input port indices it depends on
    /// combinationally (used to find loops through instances).
    public internal(set) var combinationalInputs: [Int: [Int]] = [:]
    /// Set by `ModuleBuilder.shareDefinition(as:)`.
    public internal(set) var sharedName: String?

    init(name: String, header: [String], ports: [Port], nodes: [Node], variables: [Variable],
         body: [Statement], memories: [Memory], instances: [Instance], isBlackBox: Bool,
         usesClock: Bool, usesReset: Bool, usesAsyncReset: Bool) {
        self.name = name
        self.header = header
        self.ports = ports
        self.nodes = nodes
        self.variables = variables
        self.body = body
        self.memories = memories
        self.instances = instances
        self.isBlackBox = isBlackBox
        self.usesClock = usesClock
        self.usesReset = usesReset
        self.usesAsyncReset = usesAsyncReset
    }

    /// Every module this one instantiates, children before parents, once each.
    public var hierarchy: [ModuleIR] {
        var seen = Set<String>(), order: [ModuleIR] = []
        func visit(_ m: ModuleIR) {
            guard seen.insert(m.name).inserted else { return }
            for inst in m.instances { visit(inst.module) }
            order.append(m)
        }
        visit(self)
        return order
    }
}
