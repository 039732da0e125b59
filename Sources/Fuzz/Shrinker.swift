/// Makes a failing recipe small: tries one-step simplifications, keeps the
/// smallest that still fails the same way, and repeats until none does.
public enum Shrinker {
    /// Greedy shrinking: each round checks every strictly smaller one-step
    /// simplification at once (`check` gets them all, with unique names) and
    /// keeps the smallest that fails the same way, until none does.
    public static func minimise(_ f: Failure, rounds: Int = 80, check: ([Recipe]) throws -> [Failure],
                                progress: (Int, Int) -> Void = { _, _ in }) rethrows -> Failure {
        var best = f
        for round in 1...rounds {
            let cands = candidates(best.recipe).filter { $0.size < best.recipe.size }.prefix(120)
            guard !cands.isEmpty else { break }
            let named = cands.enumerated().map { renamed($1, "\(f.recipe.name)_s\(round)x\($0)") }
            let same = try check(named).filter { $0.kind == f.kind }
            guard let smallest = same.min(by: { $0.recipe.size < $1.recipe.size }) else { break }
            best = smallest
            progress(round, best.recipe.size)
        }
        return Failure(recipe: renamed(best.recipe, f.recipe.name), kind: best.kind, detail: best.detail)
    }

    /// Every recipe one simplification away from `r`, smallest first.
    public static func candidates(_ r: Recipe) -> [Recipe] {
        var out: [Recipe] = []
        func with(_ edit: (inout Recipe) -> Void) {
            var c = r
            edit(&c)
            if c != r { out.append(compacted(c)) }
        }
        if r.outputs.count > 1 {
            for o in r.outputs { with { $0.outputs = [o] } }
        }
        // Bulk edits first (delta debugging): whole runs of steps replaced
        // by their first operand, halves, quarters, eighths.
        var chunk = r.steps.count / 2
        while chunk >= 2 {
            for start in stride(from: 0, to: r.steps.count, by: chunk) {
                with { c in
                    for k in start..<min(r.steps.count, start + chunk) {
                        c.steps[k] = operands(c.steps[k]).first.map { .pass($0) }
                            ?? .literal(FuzzType(width: 1, signed: false, fraction: 0), "0")
                    }
                }
            }
            chunk /= 2
        }
        if r.registers.contains(where: { !$0.next.isEmpty }) {
            with { c in for k in c.registers.indices { c.registers[k].next = [] } }
        }
        for (k, step) in r.steps.enumerated() {
            if case .pass = step { continue }
            for x in operands(step) { with { $0.steps[k] = .pass(x) } }
            with { $0.steps[k] = .literal(FuzzType(width: 1, signed: false, fraction: 0), "0") }
            switch step {
            case .wire(let t, let body):
                for b in simpler(body) { with { $0.steps[k] = .wire(t, b) } }
                for t2 in simpler(t) { with { $0.steps[k] = .wire(t2, body) } }
            case .cast(let x, let t, let rounding, let overflow):
                for t2 in simpler(t) { with { $0.steps[k] = .cast(x, to: t2, rounding: rounding, overflow: overflow) } }
                if rounding != "truncate" { with { $0.steps[k] = .cast(x, to: t, rounding: "truncate", overflow: overflow) } }
            case .literal(let t, let hex):
                for t2 in simpler(t) { with { $0.steps[k] = .literal(t2, hex) } }
            case .read(let m, let a, let sync, let en):
                if en != nil { with { $0.steps[k] = .read(mem: m, addr: a, sync: sync, enable: nil) } }
            default: break
            }
        }
        for (k, reg) in r.registers.enumerated() {
            if reg.reset != nil { with { $0.registers[k].reset = nil } }
            if reg.async { with { $0.registers[k].async = false } }
            if reg.enable != nil { with { $0.registers[k].enable = nil } }
            for b in simpler(reg.next) { with { $0.registers[k].next = b } }
            for t in simpler(reg.type) { with { $0.registers[k].type = t } }
        }
        for (k, mem) in r.memories.enumerated() {
            for w in mem.writes.indices { with { $0.memories[k].writes.remove(at: w) } }
            for t in simpler(mem.type) { with { $0.memories[k].type = t } }
            if mem.depth > 2 { with { $0.memories[k].depth = 2 } }
        }
        for (k, t) in r.inputs.enumerated() {
            for t2 in simpler(t) { with { $0.inputs[k] = t2 } }
        }
        for (k, child) in r.children.enumerated() {
            for c in candidates(child) { with { $0.children[k] = c } }
        }
        return out.sorted { $0.size < $1.size }
    }

    static func simpler(_ t: FuzzType) -> [FuzzType] {
        var out: [FuzzType] = []
        if t.fraction > 0 { out.append(FuzzType(width: t.width, signed: t.signed, fraction: 0)) }
        if t.signed { out.append(FuzzType(width: t.width, signed: false, fraction: t.fraction)) }
        if t.width > 1 { out.append(FuzzType(width: (t.width + 1) / 2, signed: t.signed, fraction: t.fraction)) }
        if t.width > 1 { out.append(FuzzType(width: t.width - 1, signed: t.signed, fraction: t.fraction)) }
        return out
    }

    /// The statement list with one statement dropped or one when flattened.
    static func simpler(_ list: [Stmt]) -> [[Stmt]] {
        var out: [[Stmt]] = []
        for (i, s) in list.enumerated() {
            var dropped = list
            dropped.remove(at: i)
            out.append(dropped)
            if case .when(let c, let t, let e) = s {
                for branch in [t, e] {
                    var flat = list
                    flat.replaceSubrange(i...i, with: branch)
                    out.append(flat)
                }
                for t2 in simpler(t) {
                    var l = list
                    l[i] = .when(c, t2, e)
                    out.append(l)
                }
                for e2 in simpler(e) {
                    var l = list
                    l[i] = .when(c, t, e2)
                    out.append(l)
                }
            }
        }
        return out
    }

    static func operands(_ s: Step) -> [Int] {
        switch s {
        case .binary(_, let a, let b): return [a, b]
        case .unary(_, let a), .shift(let a, _, _), .slice(let a, _, _), .resize(let a, _),
             .reinterpret(let a, _, _), .cast(let a, _, _, _), .constant(_, let a, _), .pass(let a):
            return [a]
        case .cat(let parts): return parts
        case .mux(let c, let a, let b): return [c, a, b]
        case .select(let i, let list): return [i] + list
        case .literal: return []
        case .wire(_, let body): return refs(body)
        case .read(_, let a, _, let en): return [a] + (en.map { [$0] } ?? [])
        case .instance(_, let inputs): return inputs
        }
    }

    static func refs(_ list: [Stmt]) -> [Int] {
        list.flatMap { s -> [Int] in
            switch s {
            case .connect(let x): return [x]
            case .when(let c, let t, let e): return [c] + refs(t) + refs(e)
            }
        }
    }

    /// Drops steps nothing reads and renumbers the rest (indices are first
    /// wrapped as the builder wraps them, so meaning is kept).
    public static func compacted(_ r: Recipe) -> Recipe {
        let base = r.inputs.count + r.registers.count
        let total = base + r.steps.count
        // Wrap every reference the way RecipeBlock does, relative to the
        // number of values defined where it is used.
        func wrap(_ i: Int, _ defined: Int) -> Int { defined == 0 ? 0 : ((i % defined) + defined) % defined }
        var steps = r.steps
        for k in steps.indices {
            // Make the builder's implicit "latest value" references explicit,
            // so removing steps cannot change what they mean.
            let latest = base + k - 1
            switch steps[k] {
            case .wire(let t, let body):
                if latest >= 0, body.first.map({ if case .connect = $0 { return false } else { return true } }) ?? true {
                    steps[k] = .wire(t, [.connect(latest)] + body)
                }
            case .instance(let c, let inputs) where inputs.isEmpty && latest >= 0:
                steps[k] = .instance(child: c, inputs: [latest])
            default: break
            }
            steps[k] = mapped(steps[k]) { wrap($0, base + k) }
        }
        var regs = r.registers
        for k in regs.indices {
            regs[k].next = mapped(regs[k].next) { wrap($0, total) }
            regs[k].enable = regs[k].enable.map { wrap($0, r.inputs.count) }
        }
        var mems = r.memories
        for k in mems.indices {
            mems[k].writes = mems[k].writes.map {
                MemWrite(addr: wrap($0.addr, total), data: wrap($0.data, total), enable: wrap($0.enable, total))
            }
        }
        var outputs = r.outputs.map { wrap($0, total) }

        // Read through pass steps: a chain of them is just its source.
        func source(_ x: Int) -> Int {
            var x = x
            while x >= base, case .pass(let y) = steps[x - base] { x = y }
            return x
        }
        for k in steps.indices { steps[k] = mapped(steps[k], source) }
        for k in regs.indices { regs[k].next = mapped(regs[k].next, source) }
        for k in mems.indices {
            mems[k].writes = mems[k].writes.map { MemWrite(addr: source($0.addr), data: source($0.data), enable: source($0.enable)) }
        }
        outputs = outputs.map(source)

        // Live values: outputs and everything they read, through registers
        // and memory writes.
        var live = Set<Int>()
        var work = outputs
        var liveMems = false
        while let v = work.popLast() {
            guard live.insert(v).inserted else { continue }
            if v >= base {
                let s = steps[v - base]
                work += operands(s)
                if case .read = s, !liveMems {
                    liveMems = true
                    for m in mems { for w in m.writes { work += [w.addr, w.data, w.enable] } }
                }
            } else if v >= r.inputs.count {
                let reg = regs[v - r.inputs.count]
                work += refs(reg.next) + (reg.enable.map { [$0] } ?? [])
            }
        }
        var newIndex = [Int](repeating: 0, count: total)
        var n = base
        for k in steps.indices where live.contains(base + k) {
            newIndex[base + k] = n
            n += 1
        }
        for k in 0..<base { newIndex[k] = k }
        var out = r
        out.steps = steps.indices.filter { live.contains(base + $0) }.map { mapped(steps[$0]) { newIndex[$0] } }
        out.registers = regs.enumerated().map { k, reg in
            var g = reg
            // A register nothing reads keeps its place (numbering) but loses its logic.
            g.next = live.contains(r.inputs.count + k) ? mapped(reg.next) { newIndex[$0] } : []
            return g
        }
        out.memories = mems.map { m in
            var m2 = m
            m2.writes = liveMems ? m.writes.map {
                MemWrite(addr: newIndex[$0.addr], data: newIndex[$0.data], enable: newIndex[$0.enable])
            } : []
            return m2
        }
        out.outputs = outputs.map { newIndex[$0] }
        return out
    }

    static func mapped(_ list: [Stmt], _ f: (Int) -> Int) -> [Stmt] {
        list.map { s in
            switch s {
            case .connect(let x): return .connect(f(x))
            case .when(let c, let t, let e): return .when(f(c), mapped(t, f), mapped(e, f))
            }
        }
    }

    static func mapped(_ s: Step, _ f: (Int) -> Int) -> Step {
        switch s {
        case .binary(let op, let a, let b): return .binary(op, f(a), f(b))
        case .unary(let op, let a): return .unary(op, f(a))
        case .shift(let a, let by, let left): return .shift(f(a), by: by, left: left)
        case .slice(let a, let hi, let lo): return .slice(f(a), hi: hi, lo: lo)
        case .cat(let parts): return .cat(parts.map(f))
        case .resize(let a, let w): return .resize(f(a), width: w)
        case .reinterpret(let a, let s, let fr): return .reinterpret(f(a), signed: s, fraction: fr)
        case .cast(let a, let t, let r, let o): return .cast(f(a), to: t, rounding: r, overflow: o)
        case .mux(let c, let a, let b): return .mux(f(c), f(a), f(b))
        case .select(let i, let list): return .select(f(i), list.map(f))
        case .literal: return s
        case .constant(let op, let a, let c): return .constant(op, f(a), c)
        case .wire(let t, let body): return .wire(t, mapped(body, f))
        case .read(let m, let a, let sync, let en): return .read(mem: m, addr: f(a), sync: sync, enable: en.map(f))
        case .instance(let c, let inputs): return .instance(child: c, inputs: inputs.map(f))
        case .pass(let a): return .pass(f(a))
        }
    }

    /// The recipe under a new name; children are renamed to match, so
    /// candidates can share one batch.
    public static func renamed(_ r: Recipe, _ name: String) -> Recipe {
        var out = r
        out.name = name
        out.children = r.children.enumerated().map { renamed($1, "\(name)_c\($0)") }
        return out
    }
}
