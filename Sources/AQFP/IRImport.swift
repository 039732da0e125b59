import HDL

/// A three-input majority on one-bit signals, written in the DSL; `MIG(_:)`
/// turns the pattern back into one majority node.
public func maj(_ a: Signal, _ b: Signal, _ c: Signal) -> Signal { (a & b) | (a & c) | (b & c) }

extension MIG {
    /// The MIG of an elaborated DSL module of one-bit logic: inputs,
    /// outputs and wires of width 1, each driven once without `when`, by
    /// expressions of ~ & | ^ == != mux, constants and `maj`. Registers,
    /// memories, instances and wider signals are refused, naming the source
    /// line.
    public init(module ir: ModuleIR) throws {
        self.init()
        func fail(_ loc: SourceLoc?, _ msg: String) -> UserError {
            UserError(loc.map { "\($0): \(msg)" } ?? "\(ir.name): \(msg)")
        }
        guard ir.memories.isEmpty else { throw fail(ir.memories[0].loc, "memory '\(ir.memories[0].name)' has no MIG form") }
        guard ir.instances.isEmpty else { throw fail(ir.instances[0].loc, "instance '\(ir.instances[0].name)': flatten it into one module first") }
        var driver: [Int: NodeID] = [:]
        for s in ir.body {
            switch s {
            case .connect(let v, let value, let loc):
                guard driver[v] == nil else { throw fail(loc, "'\(ir.variables[v].name)' is driven twice") }
                driver[v] = value
            case .when(_, _, _, let loc):
                throw fail(loc, "a conditional assignment (when) has no MIG form here; use mux")
            }
        }
        for v in ir.variables {
            if case .register = v.kind { throw fail(v.loc, "register '\(v.name)': a MIG is combinational") }
            guard v.width == 1 else { throw fail(v.loc, "'\(v.name)' is \(v.width) bits wide; a MIG takes one-bit signals") }
        }
        var taken = Set<String>()
        var inputLit: [Int: MIGLit] = [:]
        for (i, p) in ir.ports.enumerated() where p.direction == .input {
            guard p.width == 1 else { throw fail(p.loc, "input '\(p.name)' is \(p.width) bits wide; a MIG takes one-bit signals") }
            inputLit[i] = input(verilogName(p.name, taken: &taken))
        }
        var memo: [NodeID: MIGLit] = [:]
        var varLit: [Int: MIGLit] = [:]
        var open = Set<Int>()
        func lower(_ id: NodeID) throws -> MIGLit {
            if let l = memo[id] { return l }
            let node = ir.nodes[Int(id)]
            guard node.width == 1 else { throw fail(node.loc, "a \(node.width)-bit value; a MIG takes one-bit signals") }
            let l: MIGLit
            switch node.kind {
            case .input(let p): l = inputLit[p]!
            case .literal(let v): l = v.isZero ? .zero : .one
            case .variable(let v):
                if let x = varLit[v] { l = x; break }
                guard let d = driver[v] else { throw fail(ir.variables[v].loc, "'\(ir.variables[v].name)' is never driven") }
                guard open.insert(v).inserted else { throw fail(ir.variables[v].loc, "combinational cycle through '\(ir.variables[v].name)'") }
                l = try lower(d)
                open.remove(v)
                varLit[v] = l
            case .unary(.not, let a): l = !(try lower(a))
            case .binary(.and, let a, let b): l = and(try lower(a), try lower(b))
            case .binary(.xor, let a, let b), .binary(.ne, let a, let b): l = xor(try lower(a), try lower(b))
            case .binary(.eq, let a, let b): l = !xor(try lower(a), try lower(b))
            case .binary(.or, _, _):
                var terms: [NodeID] = []
                func leaves(_ n: NodeID) {
                    if case .binary(.or, let a, let b) = ir.nodes[Int(n)].kind { leaves(a); leaves(b) } else { terms.append(n) }
                }
                leaves(id)
                if terms.count == 3, let m = try majority(terms) { l = m; break }
                var acc = try lower(terms[0])
                for t in terms.dropFirst() { acc = or(acc, try lower(t)) }
                l = acc
            case .mux(let c, let a, let b): l = mux(try lower(c), try lower(a), try lower(b))
            case .extend(let a, _) where ir.nodes[Int(a)].width == 1: l = try lower(a)
            case .slice(let a, let hi, let lo) where hi == lo && ir.nodes[Int(a)].width == 1 && lo == 0: l = try lower(a)
            default: throw fail(node.loc, "this operation has no MIG form (one-bit ~ & | ^ == != mux and maj only)")
            }
            memo[id] = l
            return l
        }
        // (a & b) | (a & c) | (b & c) over three literals.
        func majority(_ terms: [NodeID]) throws -> MIGLit? {
            var pairs: [[MIGLit]] = []
            for t in terms {
                guard case .binary(.and, let a, let b) = ir.nodes[Int(t)].kind else { return nil }
                pairs.append([try lower(a), try lower(b)])
            }
            let all = Set(pairs.joined())
            guard all.count == 3, pairs.allSatisfy({ Set($0).count == 2 }), Set(pairs.map { Set($0) }).count == 3 else { return nil }
            let v = all.sorted()
            return maj(v[0], v[1], v[2])
        }
        for p in ir.ports where p.direction == .output {
            guard p.width == 1 else { throw fail(p.loc, "output '\(p.name)' is \(p.width) bits wide; a MIG takes one-bit signals") }
            guard let v = p.variable, let d = driver[v] else { throw fail(p.loc, "output '\(p.name)' is never driven") }
            output(verilogName(p.name, taken: &taken), try lower(d))
        }
    }
}
