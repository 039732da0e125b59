// The checks run when a module's `build` returns: drivers, latches,
// directions and combinational loops. Each failure names the signal and the
// Swift file:line that made it.

extension ModuleBuilder {
    func finish() throws -> ModuleIR {
        let body = root.frozen()
        if !isBlackBox { checkStatements(body) }
        checkDirections()
        let deps = variableDependencies(body)
        if diagnostics.isEmpty { findLoops(deps) }
        if !diagnostics.isEmpty { throw ElaborationError(diagnostics: diagnostics) }
        let ir = ModuleIR(name: name, header: header, ports: ports, nodes: nodes, variables: variables,
                          body: body, memories: memories, instances: instances, isBlackBox: isBlackBox,
                          usesClock: isBlackBox ? needsClock : clockUsed, usesReset: needsReset,
                          usesAsyncReset: needsAsyncReset)
        ir.combinationalInputs = isBlackBox ? blackBoxPaths() : outputCones(deps)
        ir.sharedName = sharedName
        return ir
    }

    /// Whether anything left in the emitted module needs the clock: an
    /// unread memory is dropped by the emitter, and an asynchronously read
    /// ROM needs none, so a clock port there would be an unused input.
    var clockUsed: Bool {
        variables.contains { !$0.kind.isCombinational }
            || memories.contains { !$0.reads.isEmpty && (!$0.writes.isEmpty || $0.reads.contains { $0.synchronous }) }
            || instances.contains { $0.module.usesClock }
    }

    /// A black box's outputs are assumed to depend on all its inputs unless
    /// it is clocked (registered outputs).
    func blackBoxPaths() -> [Int: [Int]] {
        guard !needsClock else { return [:] }
        let ins = ports.indices.filter { ports[$0].direction == .input }
        var r: [Int: [Int]] = [:]
        for p in ports.indices where ports[p].direction == .output { r[p] = ins }
        return r
    }

    func checkStatements(_ body: [Statement]) {
        var assigned = Set<Int>()
        func walk(_ list: [Statement]) {
            var here = Set<Int>()
            for s in list {
                switch s {
                case .connect(let v, _, let loc):
                    assigned.insert(v)
                    if !here.insert(v).inserted {
                        error(.multipleDrivers, "'\(variables[v].name)' is assigned twice in the same scope", loc)
                    }
                case .when(_, let t, let e, _):
                    walk(t)
                    walk(e)
                }
            }
        }
        walk(body)
        let full = fullyAssigned(body)
        for (v, variable) in variables.enumerated() where variable.kind.isCombinational {
            let what = describe(variable)
            if !assigned.contains(v) {
                if attempted.contains(v) { continue }
                error(.undriven, "\(what) is never driven", variable.loc)
            } else if !full.contains(v) {
                error(.latch, "\(what) is not assigned on every path (it would be a latch); assign a default before the when", variable.loc)
            }
        }
    }

    func describe(_ v: Variable) -> String {
        switch v.kind {
        case .wire: return "wire '\(v.name)'"
        case .output: return "output '\(v.name)'"
        case .register: return "register '\(v.name)'"
        case .instInput(let i, let p): return "input '\(instances[i].module.ports[p].name)' of instance '\(instances[i].name)'"
        }
    }

    /// The variables `list` assigns on every path: connected at this level,
    /// or in both branches of some when.
    func fullyAssigned(_ list: [Statement]) -> Set<Int> {
        var out = Set<Int>()
        for s in list {
            switch s {
            case .connect(let target, _, _): out.insert(target)
            case .when(_, let t, let e, _):
                guard !e.isEmpty else { continue }
                out.formUnion(fullyAssigned(t).intersection(fullyAssigned(e)))
            }
        }
        return out
    }

    /// Child-instance inputs are write-only from the parent.
    func checkDirections() {
        for n in nodes {
            forEachOperand(of: n.kind) { op in
                if case .variable(let v) = nodes[Int(op)].kind, case .instInput = variables[v].kind {
                    error(.direction, "\(describe(variables[v])) is read; it can only be driven", n.loc)
                }
            }
        }
        for mem in memories {
            for w in mem.writes {
                for op in [w.addr, w.data, w.enable] {
                    if case .variable(let v) = nodes[Int(op)].kind, case .instInput = variables[v].kind {
                        error(.direction, "\(describe(variables[v])) is read; it can only be driven", w.loc)
                    }
                }
            }
        }
    }

    /// For each combinational variable: the nodes its value depends on (the
    /// values connected and every condition on the way to them).
    func variableDependencies(_ body: [Statement]) -> [[NodeID]] {
        var deps = Array(repeating: [NodeID](), count: variables.count)
        var conds: [NodeID] = []
        func walk(_ list: [Statement]) {
            for s in list {
                switch s {
                case .connect(let v, let value, _):
                    guard variables[v].kind.isCombinational else { continue }
                    deps[v].append(value)
                    deps[v].append(contentsOf: conds)
                case .when(let c, let t, let e, _):
                    conds.append(c)
                    walk(t)
                    walk(e)
                    conds.removeLast()
                }
            }
        }
        walk(body)
        return deps
    }

    /// What a node reads combinationally.
    func combinationalEdges(_ id: NodeID, _ deps: [[NodeID]], _ body: (NodeID) -> Void) {
        let n = nodes[Int(id)]
        switch n.kind {
        case .variable(let v):
            if variables[v].kind.isCombinational { deps[v].forEach(body) }
        case .memRead(let mi, let p):
            let r = memories[mi].reads[p]
            if !r.synchronous { body(r.addr) }
        case .instOutput(let i, let p):
            let inst = instances[i]
            for q in inst.module.combinationalInputs[p] ?? [] {
                if let v = inst.inputVariables[q] { body(variableNode[v]) }
            }
        default:
            forEachOperand(of: n.kind, body)
        }
    }

    func findLoops(_ deps: [[NodeID]]) {
        // Iterative depth-first search; 0 = new, 1 = on the stack, 2 = done.
        var state = [UInt8](repeating: 0, count: nodes.count)
        var stack: [(NodeID, [NodeID], Int)] = []
        for start in 0..<nodes.count where state[start] == 0 {
            stack.append((NodeID(start), successors(NodeID(start), deps), 0))
            state[start] = 1
            while !stack.isEmpty {
                let top = stack.count - 1
                let (node, succ, i) = stack[top]
                if i == succ.count {
                    state[Int(node)] = 2
                    stack.removeLast()
                    continue
                }
                stack[top].2 += 1
                let next = succ[i]
                if state[Int(next)] == 1 {
                    reportLoop(stack.map(\.0), closingAt: next)
                    return
                }
                if state[Int(next)] == 0 {
                    state[Int(next)] = 1
                    stack.append((next, successors(next, deps), 0))
                }
            }
        }
    }

    func successors(_ id: NodeID, _ deps: [[NodeID]]) -> [NodeID] {
        var out: [NodeID] = []
        combinationalEdges(id, deps) { out.append($0) }
        return out
    }

    func reportLoop(_ path: [NodeID], closingAt: NodeID) {
        guard let start = path.firstIndex(of: closingAt) else { return }
        let cycle = Array(path[start...]).reversed()
        var names: [String] = []
        var loc: SourceLoc? = nil, exprLoc: SourceLoc? = nil
        for id in cycle {
            let n = nodes[Int(id)]
            switch n.kind {
            case .variable(let v):
                names.append(variables[v].name)
                loc = loc ?? variables[v].loc
            case .instOutput(let i, let p):
                names.append("\(instances[i].name).\(instances[i].module.ports[p].name)")
            default:
                exprLoc = exprLoc ?? n.loc
            }
        }
        loc = loc ?? exprLoc
        if let first = names.first { names.append(first) }
        error(.combinationalLoop, "combinational loop: \(names.joined(separator: " -> "))", loc)
    }

    /// Output port index -> input port indices reaching it combinationally.
    func outputCones(_ deps: [[NodeID]]) -> [Int: [Int]] {
        var result: [Int: [Int]] = [:]
        var seen = [Int32](repeating: -1, count: nodes.count)
        for (p, port) in ports.enumerated() where port.direction == .output {
            guard let v = port.variable else { continue }
            var found = Set<Int>()
            var stack = [variableNode[v]]
            while let id = stack.popLast() {
                if seen[Int(id)] == Int32(p) { continue }
                seen[Int(id)] = Int32(p)
                if case .input(let q) = nodes[Int(id)].kind { found.insert(q) }
                combinationalEdges(id, deps) { stack.append($0) }
            }
            if !found.isEmpty { result[p] = found.sorted() }
        }
        return result
    }
}
