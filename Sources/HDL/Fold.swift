// Constant folding while building. Verilator folds constants too, and then
// warns about what it finds (an unsigned value compared with a zero it
// derived, for instance), so hwgen folds first: the emitted Verilog never
// hides a constant behind an operator. Semantics are the IR's (operands
// zero-extended, `$signed` where the emitter writes it, result cut to width).

extension ModuleBuilder {
    func literalValue(_ id: NodeID) -> BigValue? {
        if case .literal(let v) = nodes[Int(id)].kind { return v }
        return nil
    }

    /// An existing or literal node standing for `kind`, or nil to build it.
    func folded(_ kind: NodeKind, width: Int) -> NodeID? {
        func lit(_ id: NodeID) -> BigValue? { literalValue(id) }
        func w(_ id: NodeID) -> Int { nodes[Int(id)].width }
        func make(_ v: BigValue) -> NodeID { add(.literal(v.modPow2(width)), width: width) }
        func same(_ id: NodeID) -> NodeID? { w(id) == width ? id : nil }

        switch kind {
        case .binary(let op, let a, let b):
            if let x = lit(a), let y = lit(b) {
                return make(ModuleBuilder.evaluate(op, x, w(a), y, w(b), width))
            }
            if let y = lit(b), [.shlDyn, .shrDynU, .shrDynS].contains(op) {
                // A constant shift is wiring (Verilator also rejects constant
                // shift amounts wider than 32 bits).
                return staticShift(op, a, y, width)
            }
            if a == b {
                switch op {
                case .xor, .sub: return make(.zero)
                case .and, .or: return same(a)
                case .eq, .leU, .leS: return make(.one)
                case .ne, .ltU, .ltS: return make(.zero)
                default: break
                }
            }
            if let decided = comparison(op, a, b) { return make(decided ? .one : .zero) }
            let aZero = lit(a)?.isZero ?? false, bZero = lit(b)?.isZero ?? false
            switch op {
            case .and, .mul:
                if aZero || bZero { return make(.zero) }
            case .ltU:
                if bZero { return make(.zero) }      // x < 0
            case .leU:
                if aZero { return make(.one) }       // 0 <= x
            case .add, .or, .xor:
                if bZero { return same(a) }
                if aZero { return same(b) }
            case .sub:
                if bZero { return same(a) }
            case .shlDyn, .shrDynU, .shrDynS:
                if aZero { return make(.zero) }
            default: break
            }
            return nil
        case .unary(let op, let a):
            guard let x = lit(a) else { return nil }
            let aw = w(a)
            switch op {
            case .not: return make(BigValue.pow2(max(aw, width)) - .one - x)
            case .andReduce: return make(x == BigValue.pow2(aw) - .one ? .one : .zero)
            case .orReduce: return make(x.isZero ? .zero : .one)
            case .xorReduce:
                let ones = x.toString(radix: 2).filter { $0 == "1" }.count
                return make(BigValue(ones & 1))
            }
        case .mux(let c, let a, let b):
            if let x = lit(c) { return same(x.isZero ? b : a) }
            if a == b { return same(a) }
            return nil
        case .concat(let parts):
            if parts.allSatisfy({ lit($0) != nil }) {
                return make(parts.reduce(BigValue.zero) { ($0 << w($1)) + lit($1)! })
            }
            // Adjacent slices of one value become one slice: {x[7:4], x[3:0]} is x.
            var merged: [NodeID] = []
            for p in parts {
                if let last = merged.last, case .slice(let x, let hi, let lo) = nodes[Int(last)].kind,
                   case .slice(let y, let hi2, let lo2) = nodes[Int(p)].kind, x == y, hi2 + 1 == lo {
                    merged[merged.count - 1] = sliceOf(x, hi: hi, lo: lo2)
                } else {
                    merged.append(p)
                }
            }
            guard merged.count < parts.count else { return nil }
            return merged.count == 1 ? same(merged[0]) : add(.concat(merged), width: width)
        case .slice(let a, let hi, let lo):
            guard let x = lit(a) else { return nil }
            return make(x.floorShiftRight(lo).modPow2(hi - lo + 1))
        case .extend(let a, let signed):
            guard let x = lit(a) else { return nil }
            return make(signed ? x.wrapped(width: w(a), signed: true) : x)
        default:
            return nil
        }
    }

    /// The values node `id` can take, read signed or unsigned: exact for a
    /// literal, the inner width's range for an extension, else the full width.
    func range(_ id: NodeID, signed: Bool) -> (lo: BigValue, hi: BigValue) {
        let n = nodes[Int(id)]
        switch n.kind {
        case .literal(let v):
            let x = v.wrapped(width: n.width, signed: signed)
            return (x, x)
        case .extend(let inner, let s) where s == signed || (!s && signed):
            // A zero-extension read signed stays non-negative.
            let wi = nodes[Int(inner)].width
            return s ? (-BigValue.pow2(wi - 1), BigValue.pow2(wi - 1) - .one) : (.zero, BigValue.pow2(wi) - .one)
        default:
            return signed ? (-BigValue.pow2(n.width - 1), BigValue.pow2(n.width - 1) - .one) : (.zero, BigValue.pow2(n.width) - .one)
        }
    }

    /// A comparison whose outcome the operands' ranges already decide
    /// (Verilator warns about these: CMPCONST, UNSIGNED).
    func comparison(_ op: BinaryOp, _ a: NodeID, _ b: NodeID) -> Bool? {
        let signed = op == .ltS || op == .leS
        guard [.eq, .ne, .ltU, .leU, .ltS, .leS].contains(op) else { return nil }
        let (alo, ahi) = range(a, signed: signed), (blo, bhi) = range(b, signed: signed)
        switch op {
        case .ltU, .ltS:
            if ahi < blo { return true }
            if alo >= bhi { return false }
        case .leU, .leS:
            if ahi <= blo { return true }
            if alo > bhi { return false }
        case .eq, .ne:
            let disjoint = ahi < blo || bhi < alo
            let same = alo == ahi && blo == bhi && alo == blo
            if disjoint || same { return op == .ne ? disjoint : same }
        default: break
        }
        return nil
    }

    /// Bits hi...lo of x (x itself for all of it).
    func sliceOf(_ x: NodeID, hi: Int, lo: Int) -> NodeID {
        lo == 0 && hi == nodes[Int(x)].width - 1 ? x : add(.slice(x, hi: hi, lo: lo), width: hi - lo + 1)
    }

    /// `a` shifted by the constant `y` as slices, extensions and zeros.
    func staticShift(_ op: BinaryOp, _ a: NodeID, _ y: BigValue, _ width: Int) -> NodeID {
        let aw = nodes[Int(a)].width
        let m = max(aw, width)
        let k = y.magnitudeBitWidth > 40 ? m : min(m, y.intValue ?? m)
        func bits(_ x: NodeID, _ hi: Int, _ lo: Int) -> NodeID { sliceOf(x, hi: hi, lo: lo) }
        func widen(_ x: NodeID, _ w: Int, signed: Bool) -> NodeID {
            nodes[Int(x)].width >= w ? bits(x, w - 1, 0) : add(.extend(x, signed: signed), width: w)
        }
        let signed = op == .shrDynS
        let src = widen(a, m, signed: signed)
        switch op {
        case .shlDyn:
            if k >= width { return add(.literal(.zero), width: width) }
            let low = bits(src, width - k - 1, 0)
            return k == 0 ? low : add(.concat([low, add(.literal(.zero), width: k)]), width: width)
        default:
            if k >= m && !signed { return add(.literal(.zero), width: width) }
            let kept = bits(src, m - 1, min(k, m - 1))
            return widen(kept, width, signed: signed)
        }
    }

    /// The value of a binary operation on raw (non-negative) operand bits.
    static func evaluate(_ op: BinaryOp, _ x: BigValue, _ xw: Int, _ y: BigValue, _ yw: Int, _ w: Int) -> BigValue {
        func bool(_ b: Bool) -> BigValue { b ? .one : .zero }
        let sx = x.wrapped(width: xw, signed: true), sy = y.wrapped(width: yw, signed: true)
        // Shift amounts beyond every width shift everything out.
        let limit = max(xw, w) + 1
        let k = y.magnitudeBitWidth > 40 ? limit : min(limit, y.intValue ?? limit)
        switch op {
        case .add: return x + y
        case .sub: return x - y
        case .mul: return x * y
        case .and: return x.and(y)
        case .or: return x.or(y)
        case .xor: return x.xor(y)
        case .eq: return bool(x == y)
        case .ne: return bool(x != y)
        case .ltU: return bool(x < y)
        case .leU: return bool(x <= y)
        case .ltS: return bool(sx < sy)
        case .leS: return bool(sx <= sy)
        case .shlDyn: return x << k
        case .shrDynU: return x >> k
        case .shrDynS: return sx >> k
        }
    }
}
