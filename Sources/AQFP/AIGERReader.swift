import HDL

/// Reads combinational AIGER (binary `aig` and ASCII `aag`, format 1.0 and
/// the 1.9 header when its extra counts are 0) into a MIG: each AND is
/// MAJ(a, b, 0). Names come from the symbol table (`i0 name`, `o0 name`),
/// else i<k>/o<k>. Latches and malformed files are refused naming the line
/// (for the binary AND section: the byte offset).
public enum AIGERReader {
    /// The most variables (and inputs, outputs, ANDs) a netlist may have.
    public static let maxCount = 1 << 24

    public static func read(_ data: [UInt8], file: String) throws -> MIG {
        // `line`: the line last read (errors name it).
        var pos = 0, line = 0
        func fail(_ msg: String, byte: Bool = false) -> UserError {
            byte ? netlistError(file, nil, "byte \(pos): \(msg)") : netlistError(file, line, msg)
        }
        func readLine() throws -> String {
            guard pos < data.count else { throw netlistError(file, line + 1, "unexpected end of file") }
            var end = pos
            while end < data.count, data[end] != 10 { end += 1 }
            let s = String(decoding: data[pos..<end], as: UTF8.self)
            pos = min(end + 1, data.count)
            line += 1
            return s.hasSuffix("\r") ? String(s.dropLast()) : s
        }
        func numbers(_ s: String, _ count: Int, _ what: String) throws -> [Int] {
            let parts = s.split(separator: " ", omittingEmptySubsequences: true)
            let v = parts.compactMap { Int($0) }
            guard parts.count == count, v.count == count, v.allSatisfy({ $0 >= 0 }) else {
                throw fail("expected \(what) (\(count) non-negative integer\(count == 1 ? "" : "s")), found '\(s)'")
            }
            return v
        }

        let header = try readLine()
        var fields = header.split(separator: " ").map(String.init)
        guard let kind = fields.first, kind == "aig" || kind == "aag" else {
            throw fail("not an AIGER file: the header must start with 'aig' or 'aag'")
        }
        fields.removeFirst()
        let h = try numbers(fields.joined(separator: " "), fields.count, "the header counts M I L O A")
        guard h.count >= 5 else { throw fail("the header needs M I L O A") }
        let (maxVar, ni, nl, no, na) = (h[0], h[1], h[2], h[3], h[4])
        let ascii = kind == "aag"
        if nl > 0 { throw fail("\(nl) latch(es): sequential AIGER is not supported (combinational netlists only)") }
        if h.dropFirst(5).contains(where: { $0 != 0 }) {
            throw fail("bad-state, constraint, justice or fairness properties are not supported")
        }
        // Counts beyond what hwgen reads, or than the file could hold, are
        // refused before anything is allocated (a header may claim 2^63).
        for (v, what) in [(maxVar, "M"), (ni, "I"), (no, "O"), (na, "A")] where v > maxCount {
            throw fail("\(what)=\(v) is more than the \(maxCount) variables hwgen reads")
        }
        do {
            // Every output and AND takes a line (ASCII) or at least 2 bytes
            // (binary). Small shortfalls are left to the line reader, which
            // names the line where the file ends.
            let needed = (kind == "aag" ? ni : 0) + no + na
            guard needed <= max(data.count - pos, 1 << 16) else {
                throw fail("the header promises \(needed) more lines or AND records than the file's \(data.count - pos) remaining bytes hold")
            }
        }
        guard maxVar >= ni + nl + na else { throw fail("M=\(maxVar) is less than I + L + A") }
        // Variables beyond I + L + A are unused; a header may not claim
        // more of them than the file has bytes (each array below is M long).
        guard maxVar - (ni + nl + na) <= max(data.count, 1 << 16) else {
            throw fail("M=\(maxVar) claims \(maxVar - ni - nl - na) unused variables, more than a file of \(data.count) bytes can mean")
        }

        var mig = MIG()
        var lits = [MIGLit?](repeating: nil, count: maxVar + 1)
        lits[0] = .zero
        func lit(_ l: Int) throws -> MIGLit {
            guard l / 2 <= maxVar, let v = lits[l / 2] else {
                throw fail("literal \(l) is used before it is defined", byte: !ascii)
            }
            return v.flipped(l & 1 == 1)
        }
        var inputVars: [Int] = []
        for k in 0..<ni {
            if ascii {
                let v = try numbers(try readLine(), 1, "an input literal")[0]
                guard v % 2 == 0, v >= 2, v / 2 <= maxVar, lits[v / 2] == nil else {
                    throw fail("input literal \(v) is not a fresh even literal")
                }
                inputVars.append(v / 2)
            } else {
                inputVars.append(k + 1)
            }
        }
        // Inputs get their names after the symbol table is read; create them
        // now under placeholders so their order is kept.
        for (k, v) in inputVars.enumerated() { lits[v] = mig.input("i\(k)") }
        var outLits: [(Int, Int)] = []
        for _ in 0..<no { outLits.append((try numbers(try readLine(), 1, "an output literal")[0], line)) }
        var ands: [(Int, Int, Int, Int)] = []
        if ascii {
            for _ in 0..<na {
                let v = try numbers(try readLine(), 3, "an AND line 'lhs rhs0 rhs1'")
                ands.append((v[0], v[1], v[2], line))
            }
        } else {
            func varint() throws -> Int {
                var x = 0, shift = 0
                while true {
                    guard pos < data.count else { throw fail("truncated AND section", byte: true) }
                    let b = Int(data[pos]); pos += 1
                    x |= (b & 0x7f) << shift
                    if b & 0x80 == 0 { return x }
                    shift += 7
                    guard shift < 56 else { throw fail("delta too long", byte: true) }
                }
            }
            for k in 0..<na {
                let lhs = 2 * (ni + nl + k + 1)
                let d0 = try varint(), d1 = try varint()
                guard d0 <= lhs, d1 <= lhs - d0 else { throw fail("AND \(lhs): deltas out of range", byte: true) }
                ands.append((lhs, lhs - d0, lhs - d0 - d1, -1))
            }
        }
        // ASCII ANDs may come in any order: each is defined once its fanins
        // are, depth first with an explicit stack (deep netlists), in order of
        // the output literal (so the graph does not depend on line order).
        var def = [(Int, Int, Int)?](repeating: nil, count: maxVar + 1)
        for a in ands {
            guard a.0 % 2 == 0, a.0 >= 2, a.0 / 2 <= maxVar, lits[a.0 / 2] == nil, def[a.0 / 2] == nil else {
                if a.3 >= 0 { line = a.3 }
                throw fail("AND output \(a.0) is not a fresh even literal", byte: a.3 < 0)
            }
            guard a.1 / 2 <= maxVar, a.2 / 2 <= maxVar else {
                if a.3 >= 0 { line = a.3 }
                throw fail("AND \(a.0) reads a literal above M=\(maxVar)", byte: a.3 < 0)
            }
            def[a.0 / 2] = (a.1, a.2, a.3)
        }
        var onStack = [Bool](repeating: false, count: maxVar + 1)
        for v in def.indices where def[v] != nil && lits[v] == nil {
            var stack = [v]
            onStack[v] = true
            while let top = stack.last {
                let (r0, r1, ln) = def[top]!
                var waiting = false
                for r in [r0 / 2, r1 / 2] where lits[r] == nil {
                    guard def[r] != nil, !onStack[r] else {
                        if ln >= 0 { line = ln }
                        throw fail(def[r] == nil ? "AND \(2 * top) depends on an undefined literal \(2 * r)"
                                   : "AND \(2 * top) reads \(2 * r), which depends on it (a cycle)", byte: ln < 0)
                    }
                    stack.append(r)
                    onStack[r] = true
                    waiting = true
                    break
                }
                if waiting { continue }
                lits[top] = mig.and(try lit(r0), try lit(r1))
                onStack[top] = false
                stack.removeLast()
            }
        }
        // Symbol table and comments.
        var inNames = [String?](repeating: nil, count: ni), outNames = [String?](repeating: nil, count: no)
        while pos < data.count {
            let s = try readLine()
            if s == "c" { break }
            if s.isEmpty { continue }
            let kind = s.first!
            let rest = s.dropFirst()
            guard let sp = rest.firstIndex(of: " "), let k = Int(rest[..<sp]), k >= 0 else {
                throw fail("bad symbol table line '\(s)'", byte: !ascii)
            }
            let name = String(rest[rest.index(after: sp)...])
            if kind == "i", k < ni { inNames[k] = name }
            else if kind == "o", k < no { outNames[k] = name }
            else if kind != "l" && kind != "b" && kind != "c" && kind != "j" && kind != "f" {
                throw fail("bad symbol table line '\(s)'", byte: !ascii)
            }
        }
        var taken = Set<String>()
        var named = MIG()
        // Rebuild with the final names (the graph is small next to parsing).
        var map = [MIGLit](repeating: .zero, count: mig.nodes.count)
        for (k, n) in mig.inputs.enumerated() {
            map[n] = named.input(verilogName(inNames[k] ?? "i\(k)", taken: &taken))
        }
        for n in mig.nodes.indices {
            guard case .maj(let a, let b, let c) = mig.nodes[n] else { continue }
            map[n] = named.maj(map[a.node].flipped(a.complemented), map[b.node].flipped(b.complemented),
                               map[c.node].flipped(c.complemented))
        }
        for (k, (l, ln)) in outLits.enumerated() {
            line = ln
            let v = try lit(l)
            named.output(verilogName(outNames[k] ?? "o\(k)", taken: &taken), map[v.node].flipped(v.complemented))
        }
        guard !named.outputs.isEmpty else { line = 1; throw fail("the netlist has no outputs: nothing to build") }
        return named
    }
}
