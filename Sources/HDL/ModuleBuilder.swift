/// Builds one module definition. A `Block`'s `build` receives one and
/// declares ports, state and behaviour on it.
///
/// Mistakes are recorded as diagnostics (with the Swift file:line of the
/// call) rather than thrown at once, so operators stay non-throwing; the
/// elaborator throws them all when `build` returns.
public final class ModuleBuilder {
    public let name: String
    let elaborator: Elaborator
    var header: [String] = []
    var ports: [Port] = []
    var nodes: [Node] = []
    var variables: [Variable] = []
    var variableNode: [NodeID] = []
    var memories: [Memory] = []
    var instances: [Instance] = []
    var diagnostics: [Diagnostic] = []
    var names: [String: SourceLoc?] = [:]
    var root = Scope()
    var scopes: [Scope] = []
    var needsClock = false, needsReset = false, needsAsyncReset = false
    var isBlackBox = false
    var sharedName: String?
    struct PureKey: Hashable { let kind: NodeKind; let width: Int }
    var pure: [PureKey: NodeID] = [:]
    /// Variables with an assignment, even a rejected one (no second error).
    var attempted = Set<Int>()

    init(name: String, elaborator: Elaborator) {
        self.name = name
        self.elaborator = elaborator
        scopes = [root]
    }

    // MARK: diagnostics and names

    func error(_ kind: Diagnostic.Kind, _ message: String, _ loc: SourceLoc?) {
        diagnostics.append(Diagnostic(kind, message, module: name, loc: loc))
    }

    /// Registers a designer-given name and returns it as a Verilog
    /// identifier (escaped if needed); nil after reporting a clash.
    @discardableResult
    func claim(_ given: String, _ loc: SourceLoc) -> String? {
        if given.isEmpty || given.hasPrefix("_") {
            error(.badArgument, "name '\(given)' is not allowed: names must be non-empty and not start with '_' (reserved for temporaries)", loc)
            return nil
        }
        let n = Names.escape(given)
        if ["clk", "rst", "arst"].contains(n) {
            error(.nameClash, "name '\(given)' is reserved for the implicit clock and resets", loc)
            return nil
        }
        if let previous = names[n] {
            let at = previous.map { " (first declared at \($0))" } ?? ""
            error(.nameClash, "name '\(n)' is declared twice\(at)", loc)
            return nil
        }
        names[n] = loc
        return n
    }

    /// Adds a line to the comment header of the emitted module.
    public func describe(_ line: String) { header.append(line) }

    /// Declares that modules built under the same `name` differ only in
    /// their ROM contents, so the emitter may write them as one definition
    /// whose contents come from a file parameter per instance (equal PEs of
    /// an array). Modules whose text differs anyway stay separate.
    public func shareDefinition(as name: String) { sharedName = name }

    // MARK: nodes

    func add(_ kind: NodeKind, width: Int, loc: SourceLoc? = nil) -> NodeID {
        // Common subexpressions are built once, so `~full` written twice is
        // one net in the Verilog.
        if kind.isPure, let f = folded(kind, width: width) { return f }
        let key = kind.isPure ? PureKey(kind: kind, width: width) : nil
        if let k = key, let existing = pure[k] { return existing }
        nodes.append(Node(kind: kind, width: width, loc: loc))
        let id = NodeID(nodes.count - 1)
        if let k = key { pure[k] = id }
        return id
    }

    func signal(_ kind: NodeKind, _ type: HWType, loc: SourceLoc? = nil) -> Signal {
        Signal(id: add(kind, width: type.width, loc: loc), type: type, m: self)
    }

    /// Gives a source location to a node made by an operator (which cannot
    /// capture one) from the located call that consumes it.
    func stamp(_ id: NodeID, _ loc: SourceLoc) {
        var stack = [id]
        while let n = stack.popLast() {
            guard nodes[Int(n)].loc == nil else { continue }
            nodes[Int(n)].loc = loc
            forEachOperand(of: nodes[Int(n)].kind) { stack.append($0) }
        }
    }

    func checkType(_ t: HWType, _ what: String, _ loc: SourceLoc) -> Bool {
        if let problem = t.validate() {
            error(.badArgument, "\(what): \(problem)", loc)
            return false
        }
        return true
    }

    /// A stand-in returned after an error so building can go on and report more.
    func placeholder(_ t: HWType) -> Signal {
        let safe = t.validate() == nil ? t : .bool
        return signal(.literal(.zero), safe)
    }

    // MARK: literals

    /// A constant of type `t` whose raw bits are `raw` (two's complement for
    /// negative values). Reports an error when it does not fit.
    public func literal(raw: BigValue, _ t: HWType, file: StaticString = #fileID, line: UInt = #line) -> Signal {
        let loc = SourceLoc(file, line)
        guard checkType(t, "literal", loc) else { return placeholder(.bool) }
        guard t.canHold(raw: raw) else {
            error(.widthMismatch, "literal \(raw) does not fit \(t) (range \(t.rawMin)...\(t.rawMax))", loc)
            return placeholder(t)
        }
        return signal(.literal(raw.modPow2(t.width)), t, loc: loc)
    }

    /// A constant of type `t` holding the number `value` (scaled by the
    /// type's fraction bits).
    public func literal(_ value: Int, _ t: HWType, file: StaticString = #fileID, line: UInt = #line) -> Signal {
        literal(raw: BigValue(value) << max(0, t.fraction), t, file: file, line: line)
    }

    /// The smallest integer literal holding `v` (unsigned when v >= 0).
    func minimalLiteral(_ v: BigValue) -> Signal {
        if v.isNegative {
            let w = (-(v + .one)).magnitudeBitWidth + 1
            return signal(.literal(v.modPow2(w)), .sint(w))
        }
        return signal(.literal(v), .uint(max(1, v.magnitudeBitWidth)))
    }

    // MARK: ports, wires, registers

    public func input(_ n: String, _ t: HWType, file: StaticString = #fileID, line: UInt = #line) -> Signal {
        let loc = SourceLoc(file, line)
        guard checkType(t, "input '\(n)'", loc), let n = claim(n, loc) else { return placeholder(t) }
        ports.append(Port(name: n, direction: .input, type: t, variable: nil, loc: loc))
        return signal(.input(ports.count - 1), t, loc: loc)
    }

    public func input(_ n: String, _ f: FixedFormat, file: StaticString = #fileID, line: UInt = #line) -> Signal {
        input(n, f.type, file: file, line: line)
    }

    /// Declares an output port; drive it with `assign`.
    public func output(_ n: String, _ t: HWType, file: StaticString = #fileID, line: UInt = #line) -> Signal {
        let loc = SourceLoc(file, line)
        guard checkType(t, "output '\(n)'", loc), let n = claim(n, loc) else { return placeholder(t) }
        let v = newVariable(n, t, .output(port: ports.count), loc)
        ports.append(Port(name: n, direction: .output, type: t, variable: variables.count - 1, loc: loc))
        return v
    }

    /// Declares an output port driven by `value`, with `value`'s type.
    @discardableResult
    public func output(_ n: String, _ value: Signal, file: StaticString = #fileID, line: UInt = #line) -> Signal {
        let o = output(n, value.type, file: file, line: line)
        o.assign(value, file: file, line: line)
        return o
    }

    /// A combinational wire; drive it with `assign` (fully, on every path).
    public func wire(_ n: String, _ t: HWType, file: StaticString = #fileID, line: UInt = #line) -> Signal {
        let loc = SourceLoc(file, line)
        guard checkType(t, "wire '\(n)'", loc), let n = claim(n, loc) else { return placeholder(t) }
        return newVariable(n, t, .wire, loc)
    }

    /// Names a value: a wire of its type driven by it.
    public func wire(_ n: String, _ value: Signal, file: StaticString = #fileID, line: UInt = #line) -> Signal {
        let w = wire(n, value.type, file: file, line: line)
        w.assign(value, file: file, line: line)
        return w
    }

    /// A register clocked by the module clock. `reset` is its value after a
    /// synchronous reset (or asynchronous with `async: true`); nil: no reset.
    /// With `enable`, it only loads when enable is high.
    public func register(_ n: String, _ t: HWType, reset: Int? = nil, async: Bool = false,
                         enable: Signal? = nil,
                         file: StaticString = #fileID, line: UInt = #line) -> Signal {
        register(n, t, resetValue: reset.map { BigValue($0) }, async: async, enable: enable, file: file, line: line)
    }

    /// A register whose reset number may be wider than an Int (a 128-bit
    /// LFSR seed, say); otherwise as `register(_:_:reset:async:enable:)`.
    public func register(_ n: String, _ t: HWType, resetValue: BigValue?, async: Bool = false,
                         enable: Signal? = nil,
                         file: StaticString = #fileID, line: UInt = #line) -> Signal {
        let loc = SourceLoc(file, line)
        guard checkType(t, "register '\(n)'", loc) else { return placeholder(t) }
        var resetRaw: BigValue? = nil
        if let r = resetValue {
            let raw = r << t.fraction
            guard t.canHold(raw: raw) else {
                error(.widthMismatch, "reset value \(r) of register '\(n)' does not fit \(t)", loc)
                return placeholder(t)
            }
            resetRaw = raw.modPow2(t.width)
        }
        if let e = enable, e.type.width != 1 {
            error(.widthMismatch, "enable of register '\(n)' must be 1 bit wide, got \(e.type)", loc)
            return placeholder(t)
        }
        guard let n = claim(n, loc) else { return placeholder(t) }
        needsClock = true
        let kind: ResetKind = resetValue == nil ? .none : (async ? .async : .sync)
        if kind == .sync { needsReset = true }
        if kind == .async { needsAsyncReset = true }
        if let e = enable { stamp(e.id, loc) }
        return newVariable(n, t, .register(reset: resetRaw, resetKind: kind, enable: enable?.id), loc)
    }

    /// A register loaded with `next` every cycle (a pipeline stage).
    public func register(_ n: String, next: Signal, reset: Int? = nil, async: Bool = false,
                         enable: Signal? = nil,
                         file: StaticString = #fileID, line: UInt = #line) -> Signal {
        let r = register(n, next.type, reset: reset, async: async, enable: enable, file: file, line: line)
        r.assign(next, file: file, line: line)
        return r
    }

    /// `x` delayed by `stages` clock cycles through registers named
    /// `name_1 ... name_stages` (like Chisel's ShiftRegister).
    public func delay(_ n: String, _ x: Signal, stages: Int, reset: Int? = nil,
                      file: StaticString = #fileID, line: UInt = #line) -> Signal {
        guard stages >= 0 else {
            error(.badArgument, "delay '\(n)' needs stages >= 0, got \(stages)", SourceLoc(file, line))
            return x
        }
        var s = x
        for i in 0..<stages { s = register("\(n)_\(i + 1)", next: s, reset: reset, file: file, line: line) }
        return s
    }

    func newVariable(_ n: String, _ t: HWType, _ kind: VarKind, _ loc: SourceLoc) -> Signal {
        variables.append(Variable(name: n, width: t.width, kind: kind, loc: loc))
        let id = add(.variable(variables.count - 1), width: t.width, loc: loc)
        variableNode.append(id)
        return Signal(id: id, type: t, m: self)
    }

    // MARK: behaviour

    func connect(_ target: Signal, _ value: Signal, _ loc: SourceLoc) {
        guard case .variable(let v) = nodes[Int(target.id)].kind else {
            if case .input(let p) = nodes[Int(target.id)].kind {
                error(.direction, "cannot drive input port '\(ports[p].name)'", loc)
            } else if case .instOutput(let i, let p) = nodes[Int(target.id)].kind {
                error(.direction, "cannot drive output '\(instances[i].module.ports[p].name)' of instance '\(instances[i].name)'", loc)
            } else {
                error(.direction, "cannot assign to an expression; declare a wire or register", loc)
            }
            return
        }
        attempted.insert(v)
        guard target.type == value.type else {
            let kind: Diagnostic.Kind = target.type.width != value.type.width ? .widthMismatch : .typeMismatch
            error(kind, "cannot assign \(value.type) (\(value.type.width) bits) to '\(variables[v].name)' of type \(target.type) (\(target.type.width) bits); convert explicitly with resized(to:), truncated(to:) or cast(to:)", loc)
            return
        }
        stamp(value.id, loc)
        scopes[scopes.count - 1].items.append(.connect(variable: v, value: value.id, loc: loc))
    }

    /// Runs `body` with its assignments taking effect only when `cond` is high.
    @discardableResult
    public func when(_ cond: Signal, file: StaticString = #fileID, line: UInt = #line,
                     _ body: () -> Void) -> WhenChain {
        let loc = SourceLoc(file, line)
        let w = WhenNode(cond: condition(cond, loc), loc: loc)
        let parent = scopes[scopes.count - 1]
        parent.items.append(.when(w))
        run(w.then, body)
        return WhenChain(m: self, node: w, parent: parent)
    }

    func condition(_ c: Signal, _ loc: SourceLoc) -> NodeID {
        if c.type.width != 1 {
            error(.widthMismatch, "a condition must be 1 bit wide, got \(c.type); compare it (e.g. x != 0) first", loc)
            return placeholder(.bool).id
        }
        stamp(c.id, loc)
        return c.id
    }

    func run(_ scope: Scope, _ body: () -> Void) {
        scopes.append(scope)
        body()
        scopes.removeLast()
    }

    /// Compares `selector` against constants: `m.switch(op) { s in s.is(0) { ... }; s.default { ... } }`.
    public func `switch`(_ selector: Signal, file: StaticString = #fileID, line: UInt = #line,
                         _ cases: (SwitchBuilder) -> Void) {
        cases(SwitchBuilder(m: self, selector: selector))
    }
}

/// Statements while building; frozen into `Statement` values at the end.
final class Scope {
    enum Item { case connect(variable: Int, value: NodeID, loc: SourceLoc), when(WhenNode) }
    var items: [Item] = []
    func frozen() -> [Statement] {
        items.map {
            switch $0 {
            case .connect(let v, let value, let loc): return .connect(variable: v, value: value, loc: loc)
            case .when(let w): return .when(cond: w.cond, then: w.then.frozen(), otherwise: w.otherwise?.frozen() ?? [], loc: w.loc)
            }
        }
    }
}

final class WhenNode {
    let cond: NodeID
    let loc: SourceLoc
    let then = Scope()
    var otherwise: Scope?
    init(cond: NodeID, loc: SourceLoc) {
        self.cond = cond
        self.loc = loc
    }
}

/// Continues a `when` with `elseWhen` / `otherwise` branches.
public struct WhenChain {
    let m: ModuleBuilder
    /// The innermost when of the chain, whose else branch comes next.
    let node: WhenNode
    /// The outermost when and the scope holding it.
    let outer: WhenNode
    let parent: Scope

    init(m: ModuleBuilder, node: WhenNode, parent: Scope, outer: WhenNode? = nil) {
        self.m = m
        self.node = node
        self.parent = parent
        self.outer = outer ?? node
    }

    func attachable(_ loc: SourceLoc) -> Bool {
        if node.otherwise != nil {
            m.error(.badArgument, "this when already has an otherwise branch", loc)
            return false
        }
        var last: WhenNode? = nil
        if case .when(let w)? = parent.items.last { last = w }
        if m.scopes.last !== parent || last !== outer {
            m.error(.badArgument, "elseWhen/otherwise must follow its when directly, in the same scope", loc)
            return false
        }
        return true
    }

    @discardableResult
    public func elseWhen(_ cond: Signal, file: StaticString = #fileID, line: UInt = #line,
                         _ body: () -> Void) -> WhenChain {
        let loc = SourceLoc(file, line)
        guard attachable(loc) else { return self }
        let inner = WhenNode(cond: m.condition(cond, loc), loc: loc)
        let scope = Scope()
        scope.items.append(.when(inner))
        node.otherwise = scope
        m.run(inner.then, body)
        return WhenChain(m: m, node: inner, parent: parent, outer: outer)
    }

    public func otherwise(file: StaticString = #fileID, line: UInt = #line, _ body: () -> Void) {
        let loc = SourceLoc(file, line)
        guard attachable(loc) else { return }
        let scope = Scope()
        node.otherwise = scope
        m.run(scope, body)
    }
}

/// Builds the branches of `ModuleBuilder.switch`.
public final class SwitchBuilder {
    let m: ModuleBuilder
    let selector: Signal
    var chain: WhenChain?
    var seen = Set<BigValue>()
    var closed = false

    init(m: ModuleBuilder, selector: Signal) {
        self.m = m
        self.selector = selector
    }

    /// The branch taken when the selector equals `value`.
    public func `is`(_ value: Int, file: StaticString = #fileID, line: UInt = #line, _ body: () -> Void) {
        let loc = SourceLoc(file, line)
        let raw = BigValue(value) << selector.type.fraction
        if closed { m.error(.badArgument, "switch case after default", loc); return }
        guard selector.type.canHold(raw: raw) else {
            m.error(.widthMismatch, "switch case \(value) can never match a selector of type \(selector.type)", loc)
            return
        }
        guard seen.insert(raw).inserted else {
            m.error(.badArgument, "switch case \(value) appears twice", loc)
            return
        }
        let hit = selector == m.literal(raw: raw, selector.type, file: file, line: line)
        if let c = chain { chain = c.elseWhen(hit, file: file, line: line, body) }
        else { chain = m.when(hit, file: file, line: line, body) }
    }

    /// The branch taken when no case matched.
    public func `default`(file: StaticString = #fileID, line: UInt = #line, _ body: () -> Void) {
        let loc = SourceLoc(file, line)
        if closed { m.error(.badArgument, "switch has two defaults", loc); return }
        closed = true
        if let c = chain { c.otherwise(file: file, line: line, body) } else { body() }
    }
}
