// Rounding and overflow-handling conversion between fixed-point formats,
// built from exact operators. The golden model is `FixedValue.cast`.

extension Signal {
    /// Converts to `target`, dropping fraction bits with `rounding` and
    /// handling out-of-range values with `overflow`.
    public func cast(to target: HWType, rounding: Rounding = .truncate, overflow: Overflow = .saturate,
                     file: StaticString = #fileID, line: UInt = #line) -> Signal {
        let loc = SourceLoc(file, line)
        guard m.checkType(target, "cast target", loc) else { return self }
        let x = rounded(toFraction: target.fraction, rounding)
        let result = x.fitted(to: target, overflow)
        m.stamp(result.id, loc)
        return result
    }

    public func cast(to target: FixedFormat, rounding: Rounding = .truncate, overflow: Overflow = .saturate,
                     file: StaticString = #fileID, line: UInt = #line) -> Signal {
        cast(to: target.type, rounding: rounding, overflow: overflow, file: file, line: line)
    }

    /// The value with exactly `f` fraction bits (wider, never clipped).
    func rounded(toFraction f: Int, _ rounding: Rounding) -> Signal {
        let d = type.fraction - f
        if d <= 0 { return aligned(to: HWType(width: width - d, signed: type.isSigned, fraction: f)) }
        let ft = { (w: Int) in HWType(width: w, signed: self.type.isSigned, fraction: f) }
        switch rounding {
        case .truncate:
            return (self >> d).retyped(ft(Swift.max(1, width - d)))
        case .halfUp, .halfEven:
            // Room for the sign, the rounding carry, and bit d itself.
            let base = width < d + 2 ? ext(d + 2) : self
            let w = base.width + 1
            let wide = base.ext(w).retyped(.init(width: w, signed: type.isSigned))
            var bias = BigValue.pow2(d - 1)
            if rounding == .halfEven { bias = bias - .one }
            var sum = wide &+ m.signal(.literal(bias), .uint(w)).retyped(wide.type)
            if rounding == .halfEven {
                // Adding bit d (the result's lsb) turns the tie case into half-even.
                let lsb = base.bit(d).ext(w).retyped(wide.type)
                sum = sum &+ lsb
            }
            return m.sliceNode(sum, hi: w - 1, lo: d).retyped(ft(w - d))
        }
    }

    /// The value (already at the target's fraction) in the target's width
    /// and signedness.
    func fitted(to t: HWType, _ overflow: Overflow) -> Signal {
        // Lossless when every value of ours fits the target.
        if type.rawMin >= t.rawMin && type.rawMax <= t.rawMax {
            return ext(t.width).retyped(t)
        }
        // The low bits: the wrapped result, and the saturated one when in range.
        let wrapped = ext(Swift.max(width, t.width)).low(t.width).retyped(t)
        switch overflow {
        case .wrap:
            return wrapped
        case .saturate:
            let hiLit = m.signal(.literal(t.rawMax.modPow2(t.width)), t)
            let loLit = m.signal(.literal(t.rawMin.modPow2(t.width)), t)
            var r = wrapped
            if type.rawMin < t.rawMin { r = m.mux(self < loLit, loLit, r) }
            if type.rawMax > t.rawMax { r = m.mux(self > hiLit, hiLit, r) }
            return r
        }
    }
}
