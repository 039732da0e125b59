import Testing
@testable import HDL

/// Exact reference for a cast, on rationals: the two integer neighbours of
/// raw·2^(F'-F), the nearer chosen by comparing distances, ties by mode.
func referenceCast(raw: BigValue, from: HWType, to: HWType, _ r: Rounding, _ o: Overflow) -> BigValue {
    // The value scaled to the target's fraction is n / den.
    let shift = to.fraction - from.fraction
    let n = shift >= 0 ? raw * .pow2(shift) : raw
    let den = shift >= 0 ? BigValue.one : BigValue.pow2(-shift)
    // floor(n / den) by search-free division of exact rationals.
    var lo = n.floorDivMod(den).q
    while lo * den > n { lo = lo - .one }
    while (lo + .one) * den <= n { lo = lo + .one }
    let exact = lo * den == n
    var v = lo
    if !exact {
        let hi = lo + .one
        let dLo = n - lo * den, dHi = hi * den - n   // distances times den
        switch r {
        case .truncate: v = lo
        case .halfUp: v = dHi <= dLo ? hi : lo
        case .halfEven: v = dHi < dLo ? hi : (dLo < dHi ? lo : (lo.bit(0) ? hi : lo))
        }
    }
    switch o {
    case .saturate: return min(max(v, to.rawMin), to.rawMax)
    case .wrap:
        // Add or remove multiples of 2^width until in range.
        let span = BigValue.pow2(to.width)
        while v > to.rawMax { v = v - span * max(.one, (v - to.rawMax).floorDivMod(span).q) }
        while v < to.rawMin { v = v + span * max(.one, (to.rawMin - v).floorDivMod(span).q) }
        return v
    }
}

@Suite struct FixedPoint {
    @Test(arguments: Rounding.allCases)
    func castMatchesExactRationals(rounding: Rounding) {
        var rng = SplitMix(seed: UInt64(rounding.hashValue & 0xffff) + 11)
        for overflow in Overflow.allCases {
            for _ in 0..<2000 {
                let from = rng.type(maxWidth: 90)
                let to = rng.type(maxWidth: 70)
                let raw = rng.raw(in: from)
                let got = FixedValue(raw: raw, from).cast(to: to, rounding: rounding, overflow: overflow).raw
                let want = referenceCast(raw: raw, from: from, to: to, rounding, overflow)
                #expect(got == want, "\(raw) \(from) -> \(to) \(rounding) \(overflow)")
                if got != want { return }
            }
        }
    }

    @Test func knownRoundingCases() {
        // Q.2 values to integers: 2.5 and 3.5 decide half-even; -2.5 half-up.
        let q2 = HWType(width: 8, signed: true, fraction: 2)
        let int8 = HWType.sint(8)
        func c(_ x: Double, _ r: Rounding) -> Int {
            FixedValue(raw: BigValue(Int(x * 4)), q2).cast(to: int8, rounding: r, overflow: .saturate).raw.intValue ?? 99
        }
        #expect([c(2.5, .halfEven), c(3.5, .halfEven), c(-2.5, .halfEven)] == [2, 4, -2])
        #expect([c(2.5, .halfUp), c(-2.5, .halfUp), c(-2.75, .halfUp)] == [3, -2, -3])
        #expect([c(2.75, .truncate), c(-2.25, .truncate)] == [2, -3])
    }

    @Test func saturationAndWrap() {
        let from = HWType.sint(10), to = HWType.sint(4)
        let sat = FixedValue(raw: BigValue(300), from).cast(to: to, rounding: .truncate, overflow: .saturate)
        let wrap = FixedValue(raw: BigValue(300), from).cast(to: to, rounding: .truncate, overflow: .wrap)
        #expect(sat.raw == BigValue(7))
        #expect(wrap.raw == BigValue(-4))   // 300 = 0b1_0010_1100 -> 1100 = -4
        let u = FixedValue(raw: BigValue(-5), from).cast(to: .uint(4), rounding: .truncate, overflow: .saturate)
        #expect(u.raw == BigValue.zero)
    }

    @Test func bigValueBasics() {
        let big = BigValue.pow2(100) + BigValue(12345)
        #expect(BigValue(big.toString(radix: 16), radix: 16) == big)
        #expect(big.floorShiftRight(100) == BigValue.one)
        #expect(BigValue(-1).modPow2(70) == BigValue.pow2(70) - .one)
        #expect(BigValue(-7).floorDivMod(BigValue(2)).q == BigValue(-4))
        #expect(BigValue(UInt64.max) == BigValue.pow2(64) - .one)
        let a = BigValue(99)
        #expect(a + a == BigValue(198))   // aliased operands
    }
}

/// Seeded generator of random formats and values for property tests.
struct SplitMix {
    var s: UInt64
    init(seed: UInt64) { s = seed }
    mutating func next() -> UInt64 {
        s &+= 0x9E37_79B9_7F4A_7C15
        var z = s
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + Int(next() % UInt64(r.count)) }
    mutating func type(maxWidth: Int) -> HWType {
        let signed = next() % 2 == 0
        let w = int(1...maxWidth)
        return HWType(width: w, signed: signed && w >= 1, fraction: int(0...w + 3))
    }
    mutating func raw(in t: HWType) -> BigValue {
        var v = BigValue.zero
        for _ in 0..<(t.width + 63) / 64 { v = (v << 64) + BigValue(next()) }
        return v.wrapped(width: t.width, signed: t.isSigned)
    }
}
