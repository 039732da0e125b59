import HDL

/// Writes one module definition as Verilog-2005.
///
/// Deterministic (declaration order only, no hashing order), every operation
/// result a net of its exact width so no expression relies on Verilog's
/// context-dependent widths, and bits nobody reads gathered into one
/// `_unused_ok` net so `verilator -Wall` stays quiet without `lint_off`.
public struct VerilogEmitter {
    public static let generator = "hwgen 0.1"

    let ir: ModuleIR
    var refs: [String?]           // node -> the name or literal that stands for it
    var temps: [(NodeID, String)] = []
    var usage: [String: [(Int, Int)]] = [:]   // name -> used bit ranges (lo, hi)
    var lines: [String] = []
    /// The module's emitted name and its children's (IR name -> emitted).
    var moduleName: String
    var names: [String: String] = [:]
    /// ROMs read with `$readmemh`: memory index -> (parameter, default
    /// file); and each child's per-instance files (IR name -> parameters).
    var romParams: [Int: (param: String, file: String)] = [:]
    var childROMs: [String: [(param: String, file: String)]] = [:]

    /// The text of `ir`'s module alone, under its IR name, ROM contents
    /// inline.
    public static func emit(_ ir: ModuleIR) -> String {
        var e = VerilogEmitter(ir: ir)
        return e.run()
    }

    /// Every file of the hierarchy under `top` in the default emission
    /// (`emission(for:)`): the Verilog, children first, then ROM files.
    public static func files(for top: ModuleIR) -> [(name: String, text: String)] {
        emission(for: top).all
    }

    init(ir: ModuleIR) {
        self.ir = ir
        moduleName = ir.name
        refs = Array(repeating: nil, count: ir.nodes.count)
    }

    static func range(_ w: Int) -> String { w == 1 ? "" : "[\(w - 1):0] " }

    static func literal(_ v: BigValue, _ w: Int) -> String {
        w == 1 ? "1'b\(v.isZero ? 0 : 1)" : "\(w)'h\(v.toString(radix: 16))"
    }

    // MARK: naming

    mutating func name(_ id: NodeID) -> String {
        if let r = refs[Int(id)] { return r }
        let n = ir.nodes[Int(id)]
        let r: String
        switch n.kind {
        case .input(let p): r = ir.ports[p].name
        case .variable(let v): r = ir.variables[v].name
        case .literal(let v): r = VerilogEmitter.literal(v, n.width)
        case .memRead(let m, let p): r = "_\(ir.memories[m].name)_rd\(p)"
        case .instOutput(let i, let p): r = "\(ir.instances[i].name)_\(ir.instances[i].module.ports[p].name)"
        case .binary(.mul, let a, let b) where narrowProduct(a, b) != nil:
            let p = narrowProduct(a, b)!
            _ = name(p.x)
            _ = name(p.y)
            r = "_t\(temps.count)"
            temps.append((id, r))
        default:
            forEachOperand(of: n.kind) { _ = self.name($0) }
            r = "_t\(temps.count)"
            temps.append((id, r))
        }
        refs[Int(id)] = r
        return r
    }

    func isLiteral(_ id: NodeID) -> Bool {
        if case .literal = ir.nodes[Int(id)].kind { return true }
        return false
    }

    /// Records that bits lo...hi of `id` are read.
    mutating func use(_ id: NodeID, _ lo: Int = 0, _ hi: Int? = nil) {
        guard !isLiteral(id) else { return }
        let n = name(id)
        usage[n, default: []].append((lo, hi ?? ir.nodes[Int(id)].width - 1))
    }

    mutating func expression(_ id: NodeID) -> String {
        let n = ir.nodes[Int(id)]
        func o(_ x: NodeID) -> String { name(x) }
        switch n.kind {
        case .unary(let op, let a):
            use(a)
            let sym = [UnaryOp.not: "~", .andReduce: "&", .orReduce: "|", .xorReduce: "^"][op] ?? "~"
            return "\(sym)\(o(a))"
        case .binary(.mul, let a, let b) where narrowProduct(a, b) != nil:
            let p = narrowProduct(a, b)!
            use(p.x)
            use(p.y)
            if !p.xSigned && !p.ySigned { return "\(o(p.x)) * \(o(p.y))" }
            func signed(_ v: NodeID, _ s: Bool) -> String { s ? "$signed(\(o(v)))" : "$signed({1'b0, \(o(v))})" }
            return "\(signed(p.x, p.xSigned)) * \(signed(p.y, p.ySigned))"
        case .binary(let op, let a, let b):
            use(a)
            use(b)
            if [.shlDyn, .shrDynU, .shrDynS].contains(op), let text = guardedShift(op, a, b, n.width) {
                return text
            }
            switch op {
            case .add: return "\(o(a)) + \(o(b))"
            case .sub: return "\(o(a)) - \(o(b))"
            case .mul: return "\(o(a)) * \(o(b))"
            case .and: return "\(o(a)) & \(o(b))"
            case .or: return "\(o(a)) | \(o(b))"
            case .xor: return "\(o(a)) ^ \(o(b))"
            case .eq: return "\(o(a)) == \(o(b))"
            case .ne: return "\(o(a)) != \(o(b))"
            case .ltU: return "\(o(a)) < \(o(b))"
            case .leU: return "\(o(a)) <= \(o(b))"
            case .ltS: return "$signed(\(o(a))) < $signed(\(o(b)))"
            // Written as b >= a: Verilator 5.006 folds a constant signed
            // a <= b wrongly (equal values give 0; verilator/verilator#6000).
            case .leS: return "$signed(\(o(b))) >= $signed(\(o(a)))"
            case .shlDyn: return "\(o(a)) << \(o(b))"
            case .shrDynU: return "\(o(a)) >> \(o(b))"
            case .shrDynS: return "$signed(\(o(a))) >>> \(o(b))"
            }
        case .mux(let c, let a, let b):
            use(c)
            use(a)
            use(b)
            return "\(o(c)) ? \(o(a)) : \(o(b))"
        case .slice(let a, let hi, let lo):
            use(a, lo, hi)
            return hi == lo ? "\(o(a))[\(lo)]" : "\(o(a))[\(hi):\(lo)]"
        case .concat(let parts):
            parts.forEach { use($0) }
            return "{" + VerilogEmitter.list(parts.map { o($0) }) + "}"
        case .extend(let a, let signed):
            use(a)
            let w = ir.nodes[Int(a)].width, k = n.width - w
            let fill = signed ? (w == 1 ? o(a) : "\(o(a))[\(w - 1)]") : "1'b0"
            return "{{\(k){\(fill)}}, \(o(a))}"
        default:
            return o(id)
        }
    }

    /// A product of two extended operands, written on the operands as
    /// built (the inner nodes) so that synthesis sizes the multiplier — DSP
    /// blocks — from their widths, not the product's: `$signed(x) * $signed(y)`
    /// when both were sign-extended (Verilog extends them to the product
    /// width itself), `x * y` when both were zero-extended, and with one of
    /// each the zero-extended one becomes signed with a 0 sign bit,
    /// `$signed({1'b0, x}) * $signed(y)`. (As an unsigned product of two
    /// full-width operands, Yosys cannot narrow the sign-extended one: an
    /// 8 x 16-bit product took four ECP5 multipliers instead of one.)
    func narrowProduct(_ a: NodeID, _ b: NodeID) -> (x: NodeID, xSigned: Bool, y: NodeID, ySigned: Bool)? {
        guard case .extend(let x, let sx) = ir.nodes[Int(a)].kind,
              case .extend(let y, let sy) = ir.nodes[Int(b)].kind else { return nil }
        return (x, sx, y, sy)
    }

    /// A dynamic shift by a wide amount, split into "any high bit set" and a
    /// narrow shift. Verilator 5.006 miscomputes a shift of a value of up to
    /// 64 bits by an amount wider than 64 bits once the amount reaches the
    /// value's C type width (it shifts modulo 32 or 64: `7'd127 >> 100` gives
    /// 7), and a narrow amount is clearer to every tool anyway.
    mutating func guardedShift(_ op: BinaryOp, _ a: NodeID, _ b: NodeID, _ w: Int) -> String? {
        let aw = ir.nodes[Int(a)].width, bw = ir.nodes[Int(b)].width
        let k = max(1, max(aw, w).bitWidth - max(aw, w).leadingZeroBitCount)   // bits to hold max(aw, w)
        // Only where the result needs no extension, so the two arms of the
        // conditional have the result's width and signedness is not lost.
        guard bw > 32, k < bw, aw == w else { return nil }
        let amount = name(b), value = name(a)
        let low = k == 1 ? "\(amount)[0]" : "\(amount)[\(k - 1):0]"
        let high = bw - 1 == k ? "\(amount)[\(k)]" : "\(amount)[\(bw - 1):\(k)]"
        // Both arms of a signed shift must be signed, or Verilog evaluates
        // the whole conditional unsigned and `>>>` shifts in zeros.
        let fill: String
        if op != .shrDynS {
            fill = VerilogEmitter.literal(.zero, w)
        } else if case .literal(let v) = ir.nodes[Int(a)].kind {
            fill = "$signed(\(VerilogEmitter.literal(v.bit(aw - 1) ? BigValue.pow2(w) - .one : .zero, w)))"
        } else {
            fill = "$signed({\(w){\(aw == 1 ? value : "\(value)[\(aw - 1)]")}})"
        }
        let shift: String
        switch op {
        case .shlDyn: shift = "\(value) << \(low)"
        case .shrDynU: shift = "\(value) >> \(low)"
        default: shift = "$signed(\(value)) >>> \(low)"
        }
        return "(|\(high)) ? \(fill) : (\(shift))"
    }

    // MARK: statements

    mutating func statements(_ list: [Statement], _ indent: String, blocking: Bool) -> [String] {
        var out: [String] = []
        for s in list {
            switch s {
            case .connect(let v, let value, _):
                use(value)
                out.append("\(indent)\(ir.variables[v].name) \(blocking ? "=" : "<=") \(name(value));")
            case .when(let c, let t, let e, _):
                use(c)
                out.append("\(indent)if (\(name(c))) begin")
                out += statements(t, indent + "    ", blocking: blocking)
                if !e.isEmpty {
                    out.append("\(indent)end else begin")
                    out += statements(e, indent + "    ", blocking: blocking)
                }
                out.append("\(indent)end")
            }
        }
        return out
    }

    // MARK: the module

    mutating func run() -> String {
        let perVar = Statement.perVariable(ir.body)
        var procedural = Set<Int>()   // variables driven from always blocks
        var body: [String] = []

        // Combinational variables: one assign, or an always @* block.
        for (v, variable) in ir.variables.enumerated() where variable.kind.isCombinational {
            let stmts = perVar[v] ?? []
            if stmts.count == 1, case .connect(_, let value, _) = stmts[0] {
                use(value)
                body.append("    assign \(variable.name) = \(name(value));")
            } else if !stmts.isEmpty {
                procedural.insert(v)
                body.append("    always @* begin")
                body += statements(stmts, "        ", blocking: true)
                body.append("    end")
            }
        }
        // Registers.
        for (v, variable) in ir.variables.enumerated() {
            guard case .register(let reset, let kind, let enable) = variable.kind else { continue }
            procedural.insert(v)
            var stmts = statements(perVar[v] ?? [], "            ", blocking: false)
            if stmts.isEmpty { stmts = ["            \(variable.name) <= \(variable.name);"] }
            if let en = enable {
                use(en)
                stmts = ["            if (\(name(en))) begin"] + stmts.map { "    " + $0 } + ["            end"]
            }
            let edge = kind == .async ? "posedge clk or posedge arst" : "posedge clk"
            body.append("    always @(\(edge)) begin")
            if let r = reset, kind != .none {
                body.append("        if (\(kind == .async ? "arst" : "rst")) begin")
                body.append("            \(variable.name) <= \(VerilogEmitter.literal(r, variable.width));")
                body.append("        end else begin")
                body += stmts
                body.append("        end")
            } else {
                body += stmts.map { String($0.dropFirst(4)) }
            }
            body.append("    end")
        }
        body += memoryText()
        body += instanceText()

        // Temporaries were named while the body was written; their own
        // operands may add more, so emit until the list stops growing.
        var tempLines: [String] = []
        var i = 0
        while i < temps.count {
            let (id, n) = temps[i]
            let w = ir.nodes[Int(id)].width
            tempLines.append("    wire \(VerilogEmitter.range(w))\(n) = \(expression(id));")
            i += 1
        }

        var out: [String] = []
        out.append("// Generated by \(VerilogEmitter.generator). Do not edit: regenerate instead.")
        out.append("// Module \(moduleName)")
        for h in ir.header { out.append("//   \(h)") }
        out.append("`default_nettype none")
        out.append("")
        out.append(romParams.isEmpty ? "module \(moduleName) (" : "module \(moduleName) #(")
        if !romParams.isEmpty {
            // One parameter per ROM: the file its contents are read from.
            out.append(romParams.keys.sorted().map { "    parameter \(romParams[$0]!.param) = \"\(romParams[$0]!.file)\"" }
                .joined(separator: ",\n"))
            out.append(") (")
        }
        var portLines: [String] = []
        if ir.usesClock { portLines.append("    input  wire clk") }
        if ir.usesReset { portLines.append("    input  wire rst") }
        if ir.usesAsyncReset { portLines.append("    input  wire arst") }
        for p in ir.ports {
            let kind = p.variable.map { procedural.contains($0) } ?? false ? "reg " : "wire"
            let dir = p.direction == .input ? "input  wire" : "output \(kind)"
            portLines.append("    \(dir) \(VerilogEmitter.range(p.width))\(p.name)")
        }
        out.append(portLines.joined(separator: ",\n"))
        out.append(");")
        var decls: [String] = []
        for (v, variable) in ir.variables.enumerated() {
            if case .output = variable.kind { continue }
            let kind = procedural.contains(v) ? "reg " : "wire"
            decls.append("    \(kind) \(VerilogEmitter.range(variable.width))\(variable.name);")
        }
        for inst in ir.instances {
            for port in inst.module.ports where port.direction == .output {
                decls.append("    wire \(VerilogEmitter.range(port.width))\(inst.name)_\(port.name);")
            }
        }
        for mem in ir.memories where !mem.reads.isEmpty {
            for array in VerilogEmitter.arrays(mem) {
                decls.append("    reg  \(VerilogEmitter.range(mem.width))\(array) [0:\(mem.depth - 1)];")
            }
            for (p, r) in mem.reads.enumerated() {
                decls.append("    \(r.synchronous ? "reg " : "wire") \(VerilogEmitter.range(mem.width))_\(mem.name)_rd\(p);")
            }
        }
        if !decls.isEmpty { out.append(""); out += decls }
        if !tempLines.isEmpty { out.append(""); out += tempLines }
        out.append("")
        out += body
        let sink = unusedSink()
        if !sink.isEmpty { out.append(""); out += sink }
        out.append("endmodule")
        out.append("")
        out.append("`default_nettype wire")
        return out.joined(separator: "\n") + "\n"
    }

    mutating func memoryText() -> [String] {
        var out: [String] = []
        // A memory nothing reads is dead logic: it is left out (lint would
        // flag the array), and what fed its writes goes to the unused sink.
        for (index, mem) in ir.memories.enumerated() where !mem.reads.isEmpty {
            let arrays = VerilogEmitter.arrays(mem)
            for array in arrays {
                if let rom = romParams[index] {
                    out.append("    initial $readmemh(\(rom.param), \(array));")
                } else if let initial = mem.initial {
                    out.append("    initial begin")
                    for (i, v) in initial.enumerated() {
                        out.append("        \(array)[\(i)] = \(VerilogEmitter.literal(v, mem.width));")
                    }
                    out.append("    end")
                }
                if !mem.writes.isEmpty {
                    out.append("    always @(posedge clk) begin")
                    for w in mem.writes {
                        use(w.addr)
                        use(w.data)
                        let store = "\(array)[\(name(w.addr))] <= \(name(w.data));"
                        if case .literal(let one) = ir.nodes[Int(w.enable)].kind, one == .one {
                            out.append("        \(store)")
                        } else {
                            use(w.enable)
                            out.append("        if (\(name(w.enable))) \(store)")
                        }
                    }
                    out.append("    end")
                }
            }
            for (p, r) in mem.reads.enumerated() {
                use(r.addr)
                let port = "_\(mem.name)_rd\(p)"
                let array = arrays[p / VerilogEmitter.readsPerArray]
                if r.synchronous {
                    out.append("    always @(posedge clk) begin")
                    if let en = r.enable {
                        use(en)
                        out.append("        if (\(name(en))) \(port) <= \(array)[\(name(r.addr))];")
                    } else {
                        out.append("        \(port) <= \(array)[\(name(r.addr))];")
                    }
                    out.append("    end")
                } else {
                    out.append("    assign \(port) = \(array)[\(name(r.addr))];")
                }
            }
        }
        return out
    }

    /// Read ports per Verilog array. A memory with more reads is emitted as
    /// copies (same contents, same writes), each serving up to this many:
    /// no FPGA memory primitive has more read ports, so synthesis copies it
    /// anyway, and Yosys 0.23's memory_libmap tries every assignment of
    /// ports to primitives, exponential in their number (a 16-read ROM in
    /// VIBNN ran it past 24 GB; YosysHQ/yosys#5494).
    static let readsPerArray = 4

    /// The Verilog arrays a memory is emitted as: its name, then
    /// NAME__copy1, NAME__copy2, ... when it has more than `readsPerArray` reads.
    static func arrays(_ mem: Memory) -> [String] {
        let count = (mem.reads.count + readsPerArray - 1) / readsPerArray
        return (0..<max(count, 1)).map { $0 == 0 ? mem.name : "\(mem.name)__copy\($0)" }
    }

    mutating func instanceText() -> [String] {
        var out: [String] = []
        for inst in ir.instances {
            var conns: [String] = []
            if inst.module.usesClock { conns.append("        .clk(clk)") }
            if inst.module.usesReset { conns.append("        .rst(rst)") }
            if inst.module.usesAsyncReset { conns.append("        .arst(arst)") }
            for (p, port) in inst.module.ports.enumerated() {
                let local = port.direction == .input
                    ? ir.variables[inst.inputVariables[p] ?? 0].name : "\(inst.name)_\(port.name)"
                conns.append("        .\(port.name)(\(local))")
            }
            let child = names[inst.module.name] ?? inst.module.name
            if let files = childROMs[inst.module.name], !files.isEmpty {
                out.append("    \(child) #(")
                out.append(files.map { "        .\($0.param)(\"\($0.file)\")" }.joined(separator: ",\n"))
                out.append("    ) \(inst.name) (")
            } else {
                out.append("    \(child) \(inst.name) (")
            }
            out.append(conns.joined(separator: ",\n"))
            out.append("    );")
        }
        return out
    }

    /// Bits that nothing reads, gathered so lint sees them used on purpose.
    func unusedSink() -> [String] {
        var candidates: [(String, Int)] = []
        for p in ir.ports where p.direction == .input { candidates.append((p.name, p.width)) }
        for v in ir.variables {
            switch v.kind {
            case .wire, .register: candidates.append((v.name, v.width))
            default: break
            }
        }
        for inst in ir.instances {
            for port in inst.module.ports where port.direction == .output {
                candidates.append(("\(inst.name)_\(port.name)", port.width))
            }
        }
        for mem in ir.memories {
            for p in mem.reads.indices { candidates.append(("_\(mem.name)_rd\(p)", mem.width)) }
        }
        for (id, n) in temps { candidates.append((n, ir.nodes[Int(id)].width)) }

        var parts: [String] = []
        for (n, w) in candidates {
            var used = [Bool](repeating: false, count: w)
            for (lo, hi) in usage[n] ?? [] {
                for b in lo...hi { used[b] = true }
            }
            // Unused runs of bits, most significant first.
            var b = w - 1
            while b >= 0 {
                if used[b] { b -= 1; continue }
                let hi = b
                while b >= 0 && !used[b] { b -= 1 }
                let lo = b + 1
                if lo == 0 && hi == w - 1 { parts.append(n) }
                else { parts.append(hi == lo ? "\(n)[\(lo)]" : "\(n)[\(hi):\(lo)]") }
            }
        }
        guard !parts.isEmpty else { return [] }
        return ["    // Bits no logic reads, kept visible to lint on purpose.",
                "    wire _unused_ok = &{1'b0, \(VerilogEmitter.list(parts)), 1'b0};"]
    }
}

extension VerilogEmitter {
    /// A comma-separated list, 16 items per line: Verilator refuses lines
    /// of more than 40,000 tokens (a 4096-lane concatenation has 8,000).
    static func list(_ items: [String]) -> String {
        guard items.count > 16 else { return items.joined(separator: ", ") }
        return stride(from: 0, to: items.count, by: 16)
            .map { items[$0..<min($0 + 16, items.count)].joined(separator: ", ") }
            .joined(separator: ",\n        ")
    }
}
