import HDL

/// Builds a `Recipe` with the public DSL, as a user's block would.
public struct RecipeBlock: Block {
    public let recipe: Recipe
    public init(_ recipe: Recipe) { self.recipe = recipe }
    public var moduleName: String { recipe.name }

    /// Widest value a step may leave; wider results are cut to it.
    public static let maxWidth = 130

    public func build(_ m: ModuleBuilder) throws {
        let r = recipe
        var vals: [Signal] = []
        // Indices wrap into the values defined so far, so any edit builds.
        func v(_ i: Int) -> Signal {
            guard !vals.isEmpty else { return m.literal(0, .bool) }
            return vals[((i % vals.count) + vals.count) % vals.count]
        }
        func cond(_ s: Signal) -> Signal { s.width == 1 ? s.asUInt : s.xorReduce }

        for (k, t) in r.inputs.enumerated() { vals.append(m.input("i\(k)", t.hw)) }
        var regs: [Signal] = []
        let inputValues = vals
        for (k, reg) in r.registers.enumerated() {
            let t = reg.type.hw
            let reset = reg.reset.map { t.canHold(raw: BigValue($0) << t.fraction) ? $0 : 0 }
            // Enables come from inputs (declared before any other value).
            let en = reg.enable.map { e in
                inputValues.isEmpty ? m.literal(1, .bool)
                    : cond(inputValues[((e % inputValues.count) + inputValues.count) % inputValues.count])
            }
            let s = m.register("r\(k)", t, reset: reset, async: reg.async, enable: en)
            regs.append(s)
            vals.append(s)
        }
        var mems: [MemoryHandle] = []
        for (k, mem) in r.memories.enumerated() {
            let t = mem.type.hw
            let depth = min(64, max(2, mem.depth))
            if let rom = mem.rom {
                let words = (0..<depth).map { i in
                    (BigValue(i < rom.count ? rom[i] : "0", radix: 16) ?? .zero).wrapped(width: t.width, signed: t.isSigned)
                }
                mems.append(mem.isROM ? m.rom("mem\(k)", t, contents: words) : m.memory("mem\(k)", t, initial: words))
            } else {
                mems.append(m.memory("mem\(k)", t, depth: depth))
            }
        }

        // The DSL allows one connect per variable per scope (a default, then
        // overrides in nested whens), so later connects in a scope are skipped.
        func run(_ stmts: [Stmt], _ target: Signal, _ connected: Bool) {
            var connected = connected
            for s in stmts {
                switch s {
                case .connect(let i):
                    guard !connected else { continue }
                    target.assign(fit(v(i), target.type))
                    connected = true
                case .when(let c, let t, let e):
                    let chain = m.when(cond(v(c))) { run(t, target, false) }
                    if !e.isEmpty { chain.otherwise { run(e, target, false) } }
                }
            }
        }

        for (k, step) in r.steps.enumerated() {
            var s = try value(of: step, k, m, v, cond, run, mems)
            if s.width > RecipeBlock.maxWidth { s = s.truncated(to: RecipeBlock.maxWidth) }
            vals.append(s)
        }

        for (k, reg) in r.registers.enumerated() {
            if reg.next.isEmpty { regs[k].assign(regs[k]) } else { run(reg.next, regs[k], false) }
        }
        for (k, mem) in r.memories.enumerated() where !mem.isROM {
            let h = mems[k]
            for w in mem.writes {
                h.write(addr: fit(v(w.addr), .uint(h.addressWidth)), data: fit(v(w.data), h.type), enable: cond(v(w.enable)))
            }
        }
        for (k, o) in r.outputs.enumerated() { m.output("o\(k)", v(o)) }
    }

    func value(of step: Step, _ k: Int, _ m: ModuleBuilder, _ v: (Int) -> Signal, _ cond: (Signal) -> Signal,
               _ run: ([Stmt], Signal, Bool) -> Void, _ mems: [MemoryHandle]) throws -> Signal {
        switch step {
        case .binary(let op, let x, let y):
            let a = v(x), b = v(y)
            switch op {
            case .add: return a + b
            case .sub: return a - b
            case .wrapAdd: return a &+ b
            case .wrapSub: return a &- b
            case .mul: return a * b
            case .and: return a & b
            case .or: return a | b
            case .xor: return a ^ b
            case .eq: return a == b
            case .ne: return a != b
            case .lt: return a < b
            case .le: return a <= b
            case .gt: return a > b
            case .ge: return a >= b
            case .shlDyn: return a << b.asUInt.resized(to: min(b.width, 3))
            case .shrDyn: return a >> b
            }
        case .unary(let op, let x):
            let a = v(x)
            switch op {
            case .not: return ~a
            case .neg: return -a
            case .andR: return a.andReduce
            case .orR: return a.orReduce
            case .xorR: return a.xorReduce
            case .asUInt: return a.asUInt
            case .asSInt: return a.asSInt
            case .msb: return a.msb
            }
        case .shift(let x, let by, let left):
            let n = abs(by)
            return left ? v(x) << (n % 20) : v(x) >> (n % 140)
        case .slice(let x, let hi, let lo):
            let a = v(x)
            let l = abs(lo) % a.width
            return a.bits(l + abs(hi) % (a.width - l), l)
        case .cat(let parts):
            return parts.isEmpty ? v(0) : m.cat(parts.map(v))
        case .resize(let x, let w):
            return v(x).resized(to: min(RecipeBlock.maxWidth, max(1, w)))
        case .reinterpret(let x, let signed, let fraction):
            let a = v(x)
            return a.asFixed(signed: signed, fraction: abs(fraction) % (a.width + 3))
        case .cast(let x, let t, let rounding, let overflow):
            return v(x).cast(to: t.hw, rounding: Rounding(rawValue: rounding) ?? .truncate,
                             overflow: Overflow(rawValue: overflow) ?? .saturate)
        case .mux(let c, let x, let y):
            return m.mux(cond(v(c)), v(x), v(y))
        case .select(let i, let list):
            return list.isEmpty ? v(i) : m.select(v(i).asUInt, list.prefix(8).map(v))
        case .literal(let t, let hex):
            let h = t.hw
            return m.literal(raw: (BigValue(hex, radix: 16) ?? .zero).wrapped(width: h.width, signed: h.isSigned), h)
        case .constant(let op, let x, let c):
            let a = v(x)
            switch op {
            case .sub: return a - c
            case .wrapAdd: return a &+ c
            case .mul: return a * c
            case .lt: return a < c
            case .eq: return a == c
            default: return a + c
            }
        case .wire(let t, let body):
            let w = m.wire("w\(k)", t.hw)
            // The default: the body's first connect, else the latest value.
            if case .connect(let first) = body.first {
                w.assign(fit(v(first), t.hw))
            } else {
                w.assign(fit(v(-1), t.hw))
            }
            run(body, w, true)
            return w
        case .read(let mem, let addr, let sync, let enable):
            guard !mems.isEmpty else { return v(addr) }
            let h = mems[abs(mem) % mems.count]
            return h.read(addr: fit(v(addr), .uint(h.addressWidth)), synchronous: sync,
                          enable: sync ? enable.map { cond(v($0)) } : nil)
        case .instance(let c, let inputs):
            guard !recipe.children.isEmpty else { return v(-1) }
            let child = recipe.children[abs(c) % recipe.children.count]
            let h = try m.instance(RecipeBlock(child), name: "u\(k)")
            for j in child.inputs.indices {
                let port = h.input("i\(j)")
                port.assign(fit(inputs.isEmpty ? v(-1) : v(inputs[j % inputs.count]), port.type))
            }
            let outs = child.outputs.indices.map { h.output("o\($0)") }
            return outs.isEmpty ? v(-1) : m.cat(outs)
        case .pass(let x):
            return v(x)
        }
    }
}

/// The same bits in type `t`, cut or zero-extended: how a random value is
/// made to fit a port, register or address.
func fit(_ s: Signal, _ t: HWType) -> Signal {
    s.asUInt.resized(to: t.width).asFixed(signed: t.isSigned, fraction: t.fraction)
}

extension FuzzType {
    var hw: HWType {
        let w = min(RecipeBlock.maxWidth, max(1, width))
        return HWType(width: w, signed: signed, fraction: max(0, min(fraction, w + 4)))
    }
}
