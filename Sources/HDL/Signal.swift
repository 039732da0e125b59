/// A typed value in a module being built: a node of the IR plus its reading
/// (signedness, fraction bits).
///
/// Arithmetic never loses information: `+`/`-` grow by a bit, `*` sums the
/// widths, mixed signed/unsigned and fixed-point operands are aligned
/// exactly. Narrowing happens only through explicit calls (`truncated`,
/// `resized`, `cast`), and the wrapping operators `&+`/`&-` say so.
public struct Signal {
    public let id: NodeID
    public let type: HWType
    let m: ModuleBuilder

    public var width: Int { type.width }
    public var builder: ModuleBuilder { m }

    /// Drives this wire, output or register with `value` (same type exactly).
    public func assign(_ value: Signal, file: StaticString = #fileID, line: UInt = #line) {
        m.connect(self, value, SourceLoc(file, line))
    }

    /// Drives this wire, output or register with the number `value`.
    public func assign(_ value: Int, file: StaticString = #fileID, line: UInt = #line) {
        m.connect(self, m.literal(value, type, file: file, line: line), SourceLoc(file, line))
    }

    // MARK: reinterpretation (same bits, another reading)

    func retyped(_ t: HWType) -> Signal { Signal(id: id, type: t, m: m) }
    public var asUInt: Signal { retyped(.uint(width)) }
    public var asSInt: Signal { retyped(.sint(width)) }
    /// The same bits read as fixed point with `fraction` fraction bits.
    public func asFixed(signed: Bool, fraction: Int) -> Signal {
        retyped(HWType(width: width, signed: signed, fraction: max(0, fraction)))
    }

    // MARK: width changes

    /// Sign- or zero-extends (by the type's signedness) to `w` bits; lossless.
    public func extended(to w: Int, file: StaticString = #fileID, line: UInt = #line) -> Signal {
        if w < width {
            m.error(.widthMismatch, "extended(to: \(w)) would narrow \(type) (\(width) bits); use truncated(to:) or cast(to:)", SourceLoc(file, line))
            return self
        }
        return ext(w)
    }

    /// Keeps the low `w` bits (same signedness and fraction): explicit wrap.
    public func truncated(to w: Int, file: StaticString = #fileID, line: UInt = #line) -> Signal {
        if w > width || w < 1 {
            m.error(.widthMismatch, "truncated(to: \(w)) needs 1...\(width) bits for \(type)", SourceLoc(file, line))
            return self
        }
        return low(w)
    }

    /// Extends or truncates to `w` bits.
    public func resized(to w: Int, file: StaticString = #fileID, line: UInt = #line) -> Signal {
        w >= width ? extended(to: w, file: file, line: line) : truncated(to: w, file: file, line: line)
    }

    func ext(_ w: Int) -> Signal {
        let t = HWType(width: w, signed: type.isSigned, fraction: type.fraction)
        if w == width { return retyped(t) }
        switch m.nodes[Int(id)].kind {
        case .literal(let v):
            let value = v.wrapped(width: width, signed: type.isSigned)
            return m.signal(.literal(value.modPow2(w)), t)
        case .extend(let inner, let innerSigned) where !innerSigned || type.isSigned:
            // Extending an extension: one extension of the original will do.
            return m.signal(.extend(inner, signed: innerSigned), t)
        default: break
        }
        return m.signal(.extend(id, signed: type.isSigned), t)
    }

    func low(_ w: Int) -> Signal {
        let t = HWType(width: w, signed: type.isSigned, fraction: type.fraction)
        if w == width { return retyped(t) }
        return m.sliceNode(self, hi: w - 1, lo: 0).retyped(t)
    }

    // MARK: bits

    /// Bits hi...lo as an unsigned integer.
    public func bits(_ hi: Int, _ lo: Int, file: StaticString = #fileID, line: UInt = #line) -> Signal {
        guard lo >= 0, hi >= lo, hi < width else {
            m.error(.widthMismatch, "bits(\(hi), \(lo)) is outside \(type) (bits \(width - 1)...0)", SourceLoc(file, line))
            return m.placeholder(.uint(max(1, hi - lo + 1)))
        }
        return m.sliceNode(self, hi: hi, lo: lo)
    }

    /// Bit i as a Bool.
    public func bit(_ i: Int, file: StaticString = #fileID, line: UInt = #line) -> Signal {
        bits(i, i, file: file, line: line)
    }

    public subscript(_ hi: Int, _ lo: Int) -> Signal { bits(hi, lo) }
    public subscript(_ i: Int) -> Signal { bit(i) }

    /// The most significant bit (the sign of a signed value).
    public var msb: Signal { m.sliceNode(self, hi: width - 1, lo: width - 1) }

    /// `n` copies side by side, as an unsigned integer.
    public func replicated(_ n: Int, file: StaticString = #fileID, line: UInt = #line) -> Signal {
        guard n >= 1 else {
            m.error(.badArgument, "replicated(\(n)) needs a count of at least 1", SourceLoc(file, line))
            return self
        }
        return m.cat(Array(repeating: self, count: n))
    }

    public var andReduce: Signal { m.signal(.unary(.andReduce, id), .bool) }
    public var orReduce: Signal { m.signal(.unary(.orReduce, id), .bool) }
    public var xorReduce: Signal { m.signal(.unary(.xorReduce, id), .bool) }
}

extension ModuleBuilder {
    func sliceNode(_ s: Signal, hi: Int, lo: Int) -> Signal {
        let t = HWType.uint(hi - lo + 1)
        if lo == 0 && hi == s.width - 1 { return s.retyped(t) }
        switch nodes[Int(s.id)].kind {
        case .literal(let v):
            return signal(.literal(v.floorShiftRight(lo).modPow2(hi - lo + 1)), t)
        case .slice(let inner, _, let innerLo):
            return signal(.slice(inner, hi: hi + innerLo, lo: lo + innerLo), t)
        default:
            return signal(.slice(s.id, hi: hi, lo: lo), t)
        }
    }

    /// Concatenation, first argument most significant, as an unsigned integer.
    public func cat(_ parts: [Signal]) -> Signal {
        if parts.count == 1 { return parts[0].asUInt }
        return signal(.concat(parts.map(\.id)), .uint(parts.reduce(0) { $0 + $1.width }))
    }

    public func cat(_ parts: Signal...) -> Signal { cat(parts) }

    /// `cond ? a : b`, both aligned to a common type without loss.
    public func mux(_ cond: Signal, _ a: Signal, _ b: Signal,
                    file: StaticString = #fileID, line: UInt = #line) -> Signal {
        let c = condition(cond, SourceLoc(file, line))
        let t = HWType.common(a.type, b.type)
        return signal(.mux(c, a.aligned(to: t).id, b.aligned(to: t).id), t)
    }

    /// Selects `inputs[index]` (a balanced tree of muxes); out-of-range
    /// indices give the last input.
    public func select(_ index: Signal, _ inputs: [Signal],
                       file: StaticString = #fileID, line: UInt = #line) -> Signal {
        guard !inputs.isEmpty else {
            error(.badArgument, "select needs at least one input", SourceLoc(file, line))
            return placeholder(.bool)
        }
        var level = inputs
        var bit = 0
        while level.count > 1 {
            let s = bit < index.width ? index.bit(bit) : literal(0, .bool)
            var next: [Signal] = []
            for i in stride(from: 0, to: level.count, by: 2) {
                next.append(i + 1 < level.count ? mux(s, level[i + 1], level[i]) : level[i])
            }
            level = next
            bit += 1
        }
        return level[0]
    }
}

extension HWType {
    /// The smallest type holding every value of both `a` and `b` exactly.
    public static func common(_ a: HWType, _ b: HWType) -> HWType {
        let signed = a.isSigned || b.isSigned
        let frac = max(a.fraction, b.fraction)
        func intBits(_ t: HWType) -> Int { t.integerBits + (signed && !t.isSigned ? 1 : 0) }
        let ib = max(intBits(a), intBits(b))
        return HWType(width: max(1, ib + frac), signed: signed, fraction: frac)
    }
}

extension Signal {
    /// The same value in type `t`, which must hold it (see `HWType.common`).
    func aligned(to t: HWType) -> Signal {
        var s = self
        let shift = t.fraction - type.fraction
        if shift > 0 {
            let zeros = m.signal(.literal(.zero), .uint(shift))
            s = m.cat(s, zeros).retyped(HWType(width: width + shift, signed: type.isSigned, fraction: t.fraction))
        }
        return s.ext(t.width).retyped(t)
    }
}
