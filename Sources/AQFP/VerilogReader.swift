import HDL

/// Reads the structural Verilog of the AQFP benchmark sets into a MIG: one
/// module of scalar `input`/`output`/`wire` declarations, `assign`s of
/// expressions over `~ ! & | ^`, parentheses and the constants 1'b0/1'b1,
/// and the gate primitives and/or/nand/nor/xor/xnor/not/buf. A sum of three
/// pairwise products of three literals, (a & b) | (a & c) | (b & c), becomes
/// one majority node; wider AND/OR chains become balanced trees. Anything
/// else is refused naming the file and line.
public enum VerilogReader {
    /// The deepest nesting of `~` and parentheses in one expression.
    public static let maxNesting = 500

    indirect enum Expr {
        case name(String), constant(Bool), not(Expr)
        case and([Expr]), or([Expr]), xor([Expr])
    }

    struct Token { var text: String; var line: Int }

    public static func read(_ text: String, file: String) throws -> MIG {
        var toks = try tokenize(text, file: file)[...]
        func fail(_ t: Token?, _ msg: String) -> UserError { netlistError(file, t?.line, msg) }
        func next() throws -> Token {
            guard let t = toks.popFirst() else { throw fail(nil, "unexpected end of file") }
            return t
        }
        func expect(_ s: String) throws {
            let t = try next()
            guard t.text == s else { throw fail(t, "expected '\(s)', found '\(t.text)'") }
        }
        func identifier() throws -> Token {
            let t = try next()
            guard isIdentifier(t.text) else { throw fail(t, "expected a name, found '\(t.text)'") }
            return t
        }

        // Expressions: | lowest, then ^, then &, then unary. Nesting (of
        // `~` and parentheses) is bounded, so no input can overflow the
        // stack here or in lowering; chains of names are followed without
        // recursion below.
        var depth = 0
        func primary() throws -> Expr {
            let t = try next()
            switch t.text {
            case "~", "!", "(":
                depth += 1
                defer { depth -= 1 }
                guard depth <= maxNesting else { throw fail(t, "an expression nested deeper than \(maxNesting) levels of '~' and parentheses") }
                if t.text != "(" { return .not(try primary()) }
                let e = try orExpr()
                try expect(")")
                return e
            case "1'b0", "1'h0", "1'd0", "0": return .constant(false)
            case "1'b1", "1'h1", "1'd1", "1": return .constant(true)
            default:
                guard isIdentifier(t.text) else { throw fail(t, "unsupported expression token '\(t.text)'") }
                if toks.first?.text == "[" { throw fail(t, "bit selects are not supported (scalar nets only)") }
                return .name(t.text)
            }
        }
        func chain(_ op: String, _ sub: () throws -> Expr, _ make: ([Expr]) -> Expr) throws -> Expr {
            var terms = [try sub()]
            while toks.first?.text == op { _ = try next(); terms.append(try sub()) }
            return terms.count == 1 ? terms[0] : make(terms)
        }
        func andExpr() throws -> Expr { try chain("&", primary, Expr.and) }
        func xorExpr() throws -> Expr { try chain("^", andExpr, Expr.xor) }
        func orExpr() throws -> Expr { try chain("|", xorExpr, Expr.or) }

        var inputs: [String] = [], outputs: [String] = []
        var defs: [String: (Expr, Int)] = [:]
        var declared: Set<String> = [], wires: Set<String> = []
        var sawModule = false, sawEnd = false
        while let t = toks.popFirst() {
            switch t.text {
            case "module":
                if sawModule { throw fail(t, "a second module; one module per file") }
                sawModule = true
                _ = try identifier()
                if toks.first?.text == "(" {
                    _ = try next()
                    while let p = toks.first, p.text != ")" {
                        if ["input", "output", "inout", "wire"].contains(p.text) {
                            throw fail(p, "port declarations in the module header are not supported; declare the ports in the body")
                        }
                        _ = try next()
                    }
                    try expect(")")
                }
                try expect(";")
            case "input", "output", "wire":
                if toks.first?.text == "[" { throw fail(t, "vector declarations are not supported (scalar nets only)") }
                repeat {
                    let n = try identifier()
                    // A port may also be declared a wire; a port or a wire twice is an error.
                    let port = inputs.contains(n.text) || outputs.contains(n.text)
                    if t.text == "wire" ? wires.contains(n.text) : port { throw fail(n, "'\(n.text)' is declared twice") }
                    if t.text == "wire" { wires.insert(n.text) }
                    if t.text == "input" { inputs.append(n.text) }
                    if t.text == "output" { outputs.append(n.text) }
                    declared.insert(n.text)
                    let sep = try next()
                    if sep.text == ";" { break }
                    guard sep.text == "," else { throw fail(sep, "expected ',' or ';', found '\(sep.text)'") }
                } while true
            case "assign":
                let lhs = try identifier()
                try expect("=")
                let e = try orExpr()
                try expect(";")
                guard defs[lhs.text] == nil else { throw fail(lhs, "'\(lhs.text)' is driven twice") }
                defs[lhs.text] = (e, lhs.line)
            case "and", "or", "nand", "nor", "xor", "xnor", "not", "buf":
                if toks.first.map({ isIdentifier($0.text) }) == true { _ = try next() }   // instance name
                try expect("(")
                var pins: [Token] = []
                repeat {
                    pins.append(try identifier())
                    let sep = try next()
                    if sep.text == ")" { break }
                    guard sep.text == "," else { throw fail(sep, "expected ',' or ')', found '\(sep.text)'") }
                } while true
                try expect(";")
                let ins = pins.dropFirst().map { Expr.name($0.text) }
                let single = t.text == "not" || t.text == "buf"
                guard single ? ins.count == 1 : ins.count >= 2 else {
                    throw fail(t, "'\(t.text)' gate with \(ins.count) input(s)")
                }
                let e: Expr
                switch t.text {
                case "and": e = .and(ins)
                case "or": e = .or(ins)
                case "nand": e = .not(.and(ins))
                case "nor": e = .not(.or(ins))
                case "xor": e = .xor(ins)
                case "xnor": e = .not(.xor(ins))
                case "not": e = .not(ins[0])
                default: e = ins[0]
                }
                guard defs[pins[0].text] == nil else { throw fail(pins[0], "'\(pins[0].text)' is driven twice") }
                defs[pins[0].text] = (e, pins[0].line)
            case "endmodule":
                sawEnd = true
            default:
                throw fail(t, "unsupported construct '\(t.text)'")
            }
            if sawEnd { break }
        }
        guard sawModule else { throw fail(nil, "no module found") }
        guard !outputs.isEmpty else { throw fail(nil, "the module has no outputs") }
        guard sawEnd else { throw fail(nil, "missing endmodule") }
        if let extra = toks.first { throw fail(extra, "text after endmodule") }

        var mig = MIG()
        var lit: [String: MIGLit] = [:]
        var taken = Set<String>()
        for n in inputs {
            if defs[n] != nil { throw fail(Token(text: n, line: defs[n]!.1), "input '\(n)' is also driven") }
            lit[n] = mig.input(verilogName(n, taken: &taken))
        }
        // The names an expression reads, in order.
        func names(_ e: Expr) -> [String] {
            switch e {
            case .name(let n): return [n]
            case .constant: return []
            case .not(let x): return names(x)
            case .and(let xs), .or(let xs), .xor(let xs): return xs.flatMap(names)
            }
        }
        // Depth-first from each output with an explicit stack (a chain of
        // 200k assigns must not recurse); `open` holds the names being
        // built, so a name met again while open is a combinational cycle.
        func resolve(_ root: String, at line: Int?) throws -> MIGLit {
            if let l = lit[root] { return l }
            var stack: [(name: String, reads: [String], next: Int, line: Int)] = []
            var open: Set<String> = []
            func push(_ name: String, from line: Int?) throws {
                guard let (e, defLine) = defs[name] else {
                    throw fail(line.map { Token(text: name, line: $0) },
                               declared.contains(name) ? "'\(name)' is never driven" : "'\(name)' is not declared")
                }
                stack.append((name, names(e), 0, defLine))
                open.insert(name)
            }
            try push(root, from: line)
            while let top = stack.last {
                if top.next < top.reads.count {
                    let d = top.reads[top.next]
                    stack[stack.count - 1].next += 1
                    if lit[d] != nil { continue }
                    if open.contains(d) {
                        let path = stack.map(\.name)
                        let i = path.firstIndex(of: d)!
                        throw fail(Token(text: d, line: defs[d]!.1),
                                   "combinational cycle: \((path[i...] + [d]).joined(separator: " -> "))")
                    }
                    try push(d, from: top.line)
                    continue
                }
                lit[top.name] = try lower(defs[top.name]!.0, line: top.line)
                open.remove(top.name)
                stack.removeLast()
            }
            return lit[root]!
        }
        func lower(_ e: Expr, line: Int) throws -> MIGLit {
            switch e {
            case .name(let n): return try resolve(n, at: line)
            case .constant(let b): return b ? .one : .zero
            case .not(let x): return !(try lower(x, line: line))
            case .and(let xs): return balanced(try xs.map { try lower($0, line: line) }) { mig.and($0, $1) }
            case .xor(let xs): return balanced(try xs.map { try lower($0, line: line) }) { mig.xor($0, $1) }
            case .or(let xs):
                if xs.count == 3, let m = try majority(xs, line: line) { return m }
                return balanced(try xs.map { try lower($0, line: line) }) { mig.or($0, $1) }
            }
        }
        // (a & b) | (a & c) | (b & c) over any three literals.
        func majority(_ terms: [Expr], line: Int) throws -> MIGLit? {
            var pairs: [[MIGLit]] = []
            for t in terms {
                guard case .and(let xs) = t, xs.count == 2 else { return nil }
                pairs.append(try xs.map { try lower($0, line: line) })
            }
            let all = Set(pairs.joined())
            guard all.count == 3, pairs.allSatisfy({ Set($0).count == 2 }),
                  Set(pairs.map { Set($0) }).count == 3 else { return nil }
            let v = all.sorted()
            return mig.maj(v[0], v[1], v[2])
        }
        for o in outputs {
            let l = try resolve(o, at: nil)
            mig.output(verilogName(o, taken: &taken), l)
        }
        return mig
    }

    static func balanced(_ xs: [MIGLit], _ op: (MIGLit, MIGLit) -> MIGLit) -> MIGLit {
        var layer = xs
        while layer.count > 1 {
            var next: [MIGLit] = []
            var i = 0
            while i + 1 < layer.count { next.append(op(layer[i], layer[i + 1])); i += 2 }
            if i < layer.count { next.append(layer[i]) }
            layer = next
        }
        return layer[0]
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let f = s.first, f.isLetter || f == "_" || f == "\\" else { return false }
        return true
    }

    static func tokenize(_ text: String, file: String) throws -> [Token] {
        var out: [Token] = []
        var line = 1
        let chars = Array(text.unicodeScalars)
        var i = 0
        func isWord(_ c: Unicode.Scalar) -> Bool {
            c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "$" || c == "'"
        }
        while i < chars.count {
            let c = chars[i]
            if c == "\n" { line += 1; i += 1; continue }
            if c == " " || c == "\t" || c == "\r" { i += 1; continue }
            if c == "/", i + 1 < chars.count, chars[i + 1] == "/" {
                while i < chars.count, chars[i] != "\n" { i += 1 }
                continue
            }
            if c == "/", i + 1 < chars.count, chars[i + 1] == "*" {
                let start = line
                i += 2
                while i + 1 < chars.count, !(chars[i] == "*" && chars[i + 1] == "/") {
                    if chars[i] == "\n" { line += 1 }
                    i += 1
                }
                guard i + 1 < chars.count else { throw netlistError(file, start, "unterminated comment") }
                i += 2
                continue
            }
            if c == "\\" {   // escaped identifier: up to white space
                var s = ""
                i += 1
                while i < chars.count, !chars[i].properties.isWhitespace { s.unicodeScalars.append(chars[i]); i += 1 }
                out.append(Token(text: s.isEmpty ? "\\" : "\\" + s, line: line))
                continue
            }
            if isWord(c) {
                var s = ""
                while i < chars.count, isWord(chars[i]) { s.unicodeScalars.append(chars[i]); i += 1 }
                out.append(Token(text: s, line: line))
                continue
            }
            // Any other character is a token of its own: the parser names
            // the construct it cannot take.
            out.append(Token(text: String(c), line: line))
            i += 1
        }
        return out
    }
}
