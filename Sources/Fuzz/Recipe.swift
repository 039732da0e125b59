/// A random module, as data: what the generator draws, the shrinker edits,
/// and a regression file stores (JSON).
///
/// Values are numbered: the inputs first, then the registers' current
/// values, then one value per step in order. A step only refers to values
/// numbered below its own, so no recipe has a combinational loop; registers
/// close the feedback paths. Building is total: any recipe, however edited,
/// elaborates (indices wrap, widths are clamped), so the shrinker never has
/// to keep invariants.
public struct Recipe: Codable, Hashable, Sendable {
    public var name: String
    public var inputs: [FuzzType]
    public var registers: [Register]
    public var memories: [Mem]
    public var children: [Recipe]
    public var steps: [Step]
    public var outputs: [Int]
    /// What the shrinker was chasing, for a regression file's reader.
    public var note: String?
}

public struct FuzzType: Codable, Hashable, Sendable {
    public var width: Int
    public var signed: Bool
    public var fraction: Int
}

public struct Register: Codable, Hashable, Sendable {
    public var type: FuzzType
    /// nil: no reset; otherwise the reset number (0 when it does not fit).
    public var reset: Int?
    public var async: Bool
    /// An input whose low bit enables loading; nil: always loads.
    public var enable: Int?
    public var next: [Stmt]
}

public struct Mem: Codable, Hashable, Sendable {
    public var type: FuzzType
    public var depth: Int
    /// Initial contents (raw hex words): a ROM, or with `writable` a
    /// preloaded RAM; nil for a RAM starting at zero.
    public var rom: [String]?
    public var writable: Bool?
    var isROM: Bool { rom != nil && writable != true }
    public var writes: [MemWrite]
}

public struct MemWrite: Codable, Hashable, Sendable {
    public var addr: Int, data: Int, enable: Int
}

/// Last connect wins; conditions are value indices read as one bit.
public indirect enum Stmt: Codable, Hashable, Sendable {
    case connect(Int)
    case when(Int, [Stmt], [Stmt])
}

public enum BinOp: String, Codable, CaseIterable, Sendable {
    case add, sub, wrapAdd, wrapSub, mul, and, or, xor, eq, ne, lt, le, gt, ge, shlDyn, shrDyn
}

public enum UnOp: String, Codable, CaseIterable, Sendable {
    case not, neg, andR, orR, xorR, asUInt, asSInt, msb
}

public enum Step: Codable, Hashable, Sendable {
    case binary(BinOp, Int, Int)
    case unary(UnOp, Int)
    /// Static shift by `by` bits (left: value * 2^by).
    case shift(Int, by: Int, left: Bool)
    case slice(Int, hi: Int, lo: Int)
    case cat([Int])
    case resize(Int, width: Int)
    case reinterpret(Int, signed: Bool, fraction: Int)
    case cast(Int, to: FuzzType, rounding: String, overflow: String)
    case mux(Int, Int, Int)
    case select(Int, [Int])
    /// Raw bits as hex.
    case literal(FuzzType, String)
    /// Arithmetic with an integer constant: op is add, sub, wrapAdd, mul, lt, eq.
    case constant(BinOp, Int, Int)
    case wire(FuzzType, [Stmt])
    case read(mem: Int, addr: Int, sync: Bool, enable: Int?)
    /// All outputs of child `child`, concatenated; inputs fitted to its ports.
    case instance(child: Int, inputs: [Int])
    /// Value `n` unchanged (what the shrinker puts in place of a step).
    case pass(Int)
}

extension Recipe {
    /// A size the shrinker minimises.
    public var size: Int {
        func stmts(_ s: [Stmt]) -> Int {
            s.reduce(0) { n, st in
                if case .when(_, let t, let e) = st { return n + 2 + stmts(t) + stmts(e) }
                return n + 1
            }
        }
        var n = inputs.count + outputs.count + steps.count * 4
        n += inputs.reduce(0) { $0 + $1.width } / 8
        for r in registers { n += 3 + stmts(r.next) + (r.reset == nil ? 0 : 1) + (r.enable == nil ? 0 : 1) }
        for m in memories { n += 4 + m.writes.count * 3 + (m.rom?.count ?? 0) }
        for s in steps {
            if case .wire(_, let body) = s { n += stmts(body) }
            if case .pass = s { n -= 3 }
        }
        return n + children.reduce(0) { $0 + $1.size }
    }
}
