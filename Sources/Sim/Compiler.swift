import HDL

/// An instruction list under construction, with jumps local to it.
struct Code {
    var instrs: [Instr] = []
    var here: Int { instrs.count }

    mutating func add(_ i: Instr) { instrs.append(i) }

    /// A jump taken when the value at `cond` is zero; patch its target later.
    mutating func jz(_ cond: Int32, width: Int) -> Int {
        instrs.append(Instr(op: .jz, a: cond, aw: Int32(width)))
        return instrs.count - 1
    }
    mutating func jmp() -> Int {
        instrs.append(Instr(op: .jmp))
        return instrs.count - 1
    }
    mutating func land(_ jump: Int) { instrs[jump].imm = UInt64(here) }

    /// `dst` (width dw) = the value at `src` (width sw), zero-extended or truncated.
    mutating func copy(_ dst: Int32, _ dw: Int, _ src: Int32, _ sw: Int) {
        let one = dw <= 64 && sw <= 64
        instrs.append(Instr(op: one ? .copy1 : .copyW, dst: dst, a: src, w: Int32(dw), aw: Int32(sw), imm: mask(dw)))
    }

    /// Appends `other`, moving its jump targets along.
    mutating func append(_ other: Code) {
        let base = UInt64(here)
        for var i in other.instrs {
            if i.op == .jz || i.op == .jmp { i.imm += base }
            instrs.append(i)
        }
    }
}

/// Flattens an elaborated hierarchy into a `Program`: allocates a slot per
/// value, turns every operation and every combinational variable into a
/// code unit, and orders the units so each runs after what it reads.
final class Compiler {
    var p = Program()

    /// A piece of combinational code: the slots it reads and the one it writes.
    struct Unit {
        var code: Code
        var reads: [Int32]
        var writes: Int32
    }
    var units: [Unit] = []
    var sample = Code()   // edge, phase 1: compute every next state
    var commit = Code()   // edge, phase 2: memory writes, then next -> current
    var asyncReset = Code()
    /// State copies done last on an edge: (current, next, width).
    var commitLater: [(Int32, Int32, Int)] = []

    static func compile(_ top: ModuleIR) throws -> Program {
        let c = Compiler()
        c.p.rstSlot = c.alloc(1)
        c.p.arstSlot = c.alloc(1)
        var inputSlots: [Int: Int32] = [:]
        for (i, port) in top.ports.enumerated() where port.direction == .input {
            let s = c.alloc(port.width)
            inputSlots[i] = s
            c.p.inputs.append(SignalInfo(name: port.name, width: port.width, slot: s))
        }
        let vars = try c.instantiate(top, path: "", inputSlots: inputSlots)
        for port in top.ports where port.direction == .output {
            c.p.outputs.append(SignalInfo(name: port.name, width: port.width, slot: vars[port.variable!]))
        }
        try c.schedule()
        c.sample.append(c.commit)
        c.p.edge = c.sample.instrs
        c.p.asyncReset = c.asyncReset.instrs
        return c.p
    }

    func alloc(_ width: Int) -> Int32 {
        let s = p.wordCount
        let n = Wide.words(max(1, width))
        p.wordCount += n
        p.maxWords = max(p.maxWords, n)
        return Int32(s)
    }

    func constant(_ v: BigValue, _ width: Int) -> Int32 {
        let s = alloc(width)
        p.constants.append((s, v.words(count: Wide.words(width))))
        return s
    }

    /// Lays out one instance of `ir` (and its children); returns the slot of
    /// each of its variables.
    func instantiate(_ ir: ModuleIR, path: String, inputSlots: [Int: Int32]) throws -> [Int32] {
        if ir.isBlackBox {
            throw UserError("cannot simulate black box '\(ir.name)'\(path.isEmpty ? "" : " at \(path.dropLast())"): it has no behaviour inside hwgen")
        }
        let varSlot = ir.variables.map { alloc($0.width) }
        for (i, port) in ir.ports.enumerated() where port.direction == .input && !path.isEmpty {
            p.signals.append(SignalInfo(name: path + port.name, width: port.width, slot: inputSlots[i]!))
        }
        for (v, variable) in ir.variables.enumerated() {
            p.signals.append(SignalInfo(name: path + variable.name, width: variable.width, slot: varSlot[v]))
        }

        // Children: their inputs are our instInput variables; their outputs
        // are read straight from their output variables.
        var childOutputs: [[Int32?]] = []
        for inst in ir.instances {
            var ins: [Int: Int32] = [:]
            for (pi, port) in inst.module.ports.enumerated() where port.direction == .input {
                ins[pi] = varSlot[inst.inputVariables[pi]!]
            }
            let childVars = try instantiate(inst.module, path: path + inst.name + ".", inputSlots: ins)
            childOutputs.append(inst.module.ports.map { $0.variable.map { childVars[$0] } })
        }

        // Memories: storage, and a slot per read port (plus its next value
        // for synchronous ones).
        var readSlots: [[Int32]] = []
        var memIndex: [Int] = []
        for mem in ir.memories {
            let base = p.wordCount
            p.wordCount += mem.depth * Wide.words(mem.width)
            memIndex.append(p.memories.count)
            if let initial = mem.initial {
                p.memoryInit.append((p.memories.count, initial.map { $0.words(count: Wide.words(mem.width)) }))
            }
            p.memories.append(MemoryLayout(name: path + mem.name, base: base, depth: mem.depth, width: mem.width))
            readSlots.append(mem.reads.map { _ in alloc(mem.width) })
        }

        var nodeSlot = [Int32](repeating: -1, count: ir.nodes.count)
        for (i, n) in ir.nodes.enumerated() {
            switch n.kind {
            case .input(let pi): nodeSlot[i] = inputSlots[pi]!
            case .literal(let v): nodeSlot[i] = constant(v, n.width)
            case .variable(let v): nodeSlot[i] = varSlot[v]
            case .memRead(let m, let port): nodeSlot[i] = readSlots[m][port]
            case .instOutput(let inst, let port): nodeSlot[i] = childOutputs[inst][port]!
            default: nodeSlot[i] = alloc(n.width)
            }
        }
        func slot(_ id: NodeID) -> Int32 { nodeSlot[Int(id)] }
        func width(_ id: NodeID) -> Int { ir.nodes[Int(id)].width }

        // One unit per operation.
        for (i, n) in ir.nodes.enumerated() {
            guard n.kind.isPure, let (code, reads) = operation(n, dst: nodeSlot[i], slot: slot, width: width) else { continue }
            units.append(Unit(code: code, reads: reads, writes: nodeSlot[i]))
        }

        let perVar = Statement.perVariable(ir.body)
        for (v, variable) in ir.variables.enumerated() {
            let stmts = perVar[v] ?? []
            if case .register(let reset, let kind, let enable) = variable.kind {
                register(cur: varSlot[v], width: variable.width, stmts: stmts, reset: reset, kind: kind,
                         enable: enable.map { (slot($0), width($0)) }, slot: slot, width: width)
            } else if !stmts.isEmpty {
                var code = Code()
                var reads: [Int32] = []
                statements(stmts, into: &code, target: varSlot[v], width: variable.width, reads: &reads,
                           slot: slot, nodeWidth: width)
                units.append(Unit(code: code, reads: reads, writes: varSlot[v]))
            }
        }

        for (m, mem) in ir.memories.enumerated() {
            let index = UInt64(memIndex[m])
            for (r, read) in mem.reads.enumerated() {
                let get = Instr(op: .memRead, a: slot(read.addr), w: Int32(mem.width), aw: Int32(width(read.addr)), imm: index)
                if read.synchronous {
                    let next = alloc(mem.width)
                    var jump: Int? = nil
                    if let en = read.enable {
                        sample.copy(next, mem.width, readSlots[m][r], mem.width)
                        jump = sample.jz(slot(en), width: width(en))
                    }
                    var i = get
                    i.dst = next
                    sample.add(i)
                    if let j = jump { sample.land(j) }
                    commitLater.append((readSlots[m][r], next, mem.width))
                } else {
                    var i = get
                    i.dst = readSlots[m][r]
                    var code = Code()
                    code.add(i)
                    units.append(Unit(code: code, reads: [slot(read.addr)], writes: readSlots[m][r]))
                }
            }
            for w in mem.writes {
                let j = commit.jz(slot(w.enable), width: width(w.enable))
                commit.add(Instr(op: .memWrite, a: slot(w.addr), b: slot(w.data), w: Int32(mem.width),
                                 aw: Int32(width(w.addr)), bw: Int32(width(w.data)), imm: index))
                commit.land(j)
            }
        }
        if path.isEmpty {
            // Memory writes first (they read values the copies would change),
            // then every state takes its next value.
            for (cur, next, w) in commitLater { commit.copy(cur, w, next, w) }
        }
        return varSlot
    }

    /// A register: its next value (reset, enable, then its statements
    /// starting from the held value) computed on the edge's first phase.
    func register(cur: Int32, width w: Int, stmts: [Statement], reset: BigValue?, kind: ResetKind,
                  enable: (Int32, Int)?, slot: (NodeID) -> Int32, width: (NodeID) -> Int) {
        let next = alloc(w)
        var done: [Int] = []
        sample.copy(next, w, cur, w)
        if let r = reset, kind != .none {
            let value = constant(r, w)
            let trigger = kind == .async ? p.arstSlot : p.rstSlot
            let normal = sample.jz(trigger, width: 1)
            sample.copy(next, w, value, w)
            done.append(sample.jmp())
            sample.land(normal)
            if kind == .async {
                asyncReset.copy(cur, w, value, w)
            }
        }
        if let (en, ew) = enable { done.append(sample.jz(en, width: ew)) }
        var unused: [Int32] = []
        statements(stmts, into: &sample, target: next, width: w, reads: &unused, slot: slot, nodeWidth: width)
        for j in done { sample.land(j) }
        commitLater.append((cur, next, w))
    }

    /// Last connect wins; `when` becomes a conditional jump.
    func statements(_ list: [Statement], into code: inout Code, target: Int32, width: Int, reads: inout [Int32],
                    slot: (NodeID) -> Int32, nodeWidth: (NodeID) -> Int) {
        for s in list {
            switch s {
            case .connect(_, let value, _):
                reads.append(slot(value))
                code.copy(target, width, slot(value), nodeWidth(value))
            case .when(let c, let t, let e, _):
                reads.append(slot(c))
                let skip = code.jz(slot(c), width: nodeWidth(c))
                statements(t, into: &code, target: target, width: width, reads: &reads, slot: slot, nodeWidth: nodeWidth)
                if e.isEmpty {
                    code.land(skip)
                } else {
                    let end = code.jmp()
                    code.land(skip)
                    statements(e, into: &code, target: target, width: width, reads: &reads, slot: slot, nodeWidth: nodeWidth)
                    code.land(end)
                }
            }
        }
    }

    static let binaryOps: [BinaryOp: (Op, Op)] = [
        .add: (.add1, .addW), .sub: (.sub1, .subW), .mul: (.mul1, .mulW),
        .and: (.and1, .andW), .or: (.or1, .orW), .xor: (.xor1, .xorW),
        .eq: (.eq1, .eqW), .ne: (.ne1, .neW), .ltU: (.ltU1, .ltUW), .leU: (.leU1, .leUW),
        .ltS: (.ltS1, .ltSW), .leS: (.leS1, .leSW),
        .shlDyn: (.shl1, .shlW), .shrDynU: (.shrU1, .shrUW), .shrDynS: (.shrS1, .shrSW),
    ]
    static let unaryOps: [UnaryOp: (Op, Op)] = [
        .not: (.not1, .notW), .andReduce: (.andR1, .andRW), .orReduce: (.orR1, .orRW), .xorReduce: (.xorR1, .xorRW),
    ]

    /// The code computing one pure node (nil for literals), and what it reads.
    func operation(_ n: Node, dst: Int32, slot: (NodeID) -> Int32, width: (NodeID) -> Int) -> (Code, [Int32])? {
        var code = Code()
        let w = n.width
        func pick(_ ops: (Op, Op), _ widths: Int...) -> Op { widths.allSatisfy { $0 <= 64 } && w <= 64 ? ops.0 : ops.1 }
        switch n.kind {
        case .literal, .input, .variable, .memRead, .instOutput:
            return nil
        case .binary(let op, let a, let b):
            let (aw, bw) = (width(a), width(b))
            code.add(Instr(op: pick(Compiler.binaryOps[op]!, aw, bw), dst: dst, a: slot(a), b: slot(b),
                           w: Int32(w), aw: Int32(aw), bw: Int32(bw), imm: mask(w)))
            return (code, [slot(a), slot(b)])
        case .unary(let op, let a):
            let aw = width(a)
            code.add(Instr(op: pick(Compiler.unaryOps[op]!, aw), dst: dst, a: slot(a), w: Int32(w), aw: Int32(aw), imm: mask(w)))
            return (code, [slot(a)])
        case .mux(let c, let a, let b):
            let (aw, bw, cw) = (width(a), width(b), width(c))
            let one = pick((.mux1, .muxW), aw, bw, cw) == .mux1
            code.add(Instr(op: one ? .mux1 : .muxW, dst: dst, a: slot(a), b: slot(b), c: slot(c),
                           w: Int32(w), aw: Int32(aw), bw: Int32(bw), imm: one ? mask(w) : UInt64(cw)))
            return (code, [slot(c), slot(a), slot(b)])
        case .slice(let a, let hi, let lo):
            if lo >> 6 == hi >> 6 {
                // Within one word: a shift and a mask.
                code.add(Instr(op: .slice1, dst: dst, a: slot(a) + Int32(lo >> 6), w: Int32(w), bw: Int32(lo & 63), imm: mask(w)))
            } else {
                code.add(Instr(op: .sliceW, dst: dst, a: slot(a), w: Int32(w), aw: Int32(width(a)), imm: UInt64(lo)))
            }
            return (code, [slot(a)])
        case .concat(let parts):
            code.add(Instr(op: .zeroW, dst: dst, w: Int32(w)))
            var offset = 0
            for part in parts.reversed() {
                let pw = width(part)
                code.add(Instr(op: w <= 64 ? .orShl1 : .insertW, dst: dst, a: slot(part), w: Int32(w), aw: Int32(pw),
                               imm: UInt64(offset)))
                offset += pw
            }
            return (code, parts.map(slot))
        case .extend(let a, let signed):
            let aw = width(a)
            if signed {
                code.add(Instr(op: pick((.sext1, .sextW), aw), dst: dst, a: slot(a), w: Int32(w), aw: Int32(aw), imm: mask(w)))
            } else {
                code.copy(dst, w, slot(a), aw)
            }
            return (code, [slot(a)])
        }
    }

    /// Orders the units so every value is computed before it is read
    /// (depth-first, without recursion: netlists can be deep).
    func schedule() throws {
        var producer = [Int32](repeating: -1, count: p.wordCount)
        for (u, unit) in units.enumerated() { producer[Int(unit.writes)] = Int32(u) }
        // Roots: what can be observed (named signals, ports) and what the
        // clock edge reads. Units nothing depends on (intermediate nodes a
        // builder made and did not use) are never run.
        var needed = [Bool](repeating: false, count: p.wordCount)
        for s in p.signals + p.outputs { needed[Int(s.slot)] = true }
        for i in sample.instrs + commit.instrs {
            for slot in [i.a, i.b, i.c] where Int(slot) < p.wordCount { needed[Int(slot)] = true }
        }
        var state = [UInt8](repeating: 0, count: units.count)   // 0 new, 1 open, 2 done
        var comb = Code()
        var order: [Int] = []   // depth-first post-order: dependencies first
        for root in units.indices where state[root] == 0 && needed[Int(units[root].writes)] {
            var stack: [(unit: Int, next: Int)] = [(root, 0)]
            state[root] = 1
            while let top = stack.last {
                let reads = units[top.unit].reads
                if top.next < reads.count {
                    stack[stack.count - 1].next += 1
                    let q = Int(producer[Int(reads[top.next])])
                    guard q >= 0 else { continue }
                    if state[q] == 1 { throw UserError("combinational loop in the flattened design") }
                    if state[q] == 0 {
                        state[q] = 1
                        stack.append((q, 0))
                    }
                } else {
                    stack.removeLast()
                    state[top.unit] = 2
                    order.append(top.unit)
                }
            }
        }
        // Levelise: a unit runs one level after the deepest unit it reads.
        // Within a level, units with the same first opcode run together, so
        // the interpreter's dispatch branch is predictable (an array of
        // identical PEs becomes long runs of the same instruction).
        var level = [Int32](repeating: 0, count: units.count)
        for u in order {
            for r in units[u].reads {
                let q = Int(producer[Int(r)])
                if q >= 0 { level[u] = max(level[u], level[q] + 1) }
            }
        }
        order.sort { (level[$0], units[$0].code.instrs.first?.op.rawValue ?? 0, $0)
            < (level[$1], units[$1].code.instrs.first?.op.rawValue ?? 0, $1) }
        for u in order { comb.append(units[u].code) }
        p.comb = comb.instrs
    }
}
