import Synchronization

/// A primitive polynomial for each degree 3...128, found by search and
/// checked with `Polynomial.isPrimitive` (nothing copied from a table): the
/// first primitive trinomial x^n + x^k + 1 (smallest k), else the first
/// pentanomial x^n + x^a + x^b + x^c + 1 in (a, b, c) order.
public enum PrimitivePolynomials {
    // Shared by every caller; tests run in parallel, so it sits behind a lock
    // (an unguarded dictionary here crashed CI).
    static let found = Mutex<[Int: Polynomial?]>([:])

    public static let degrees = 3...128

    public static func polynomial(degree n: Int) -> Polynomial? {
        guard degrees.contains(n) else { return nil }
        if let p = found.withLock({ $0[n] }) { return p }
        var result: Polynomial? = nil
        for k in 1..<n {
            let p = Polynomial([n, k, 0])
            if p.isPrimitive { result = p; break }
        }
        if result == nil {
            search: for a in 3..<n {
                for b in 2..<a {
                    for c in 1..<b {
                        let p = Polynomial([n, a, b, c, 0])
                        if p.isPrimitive { result = p; break search }
                    }
                }
            }
        }
        found.withLock { $0[n] = result }
        return result
    }
}

extension PrimitivePolynomials {
    static let foundDense = Mutex<[[Int]: Polynomial?]>([:])

    /// A primitive polynomial of degree n with `terms` non-zero terms (odd:
    /// an even count is divisible by x + 1), its middle exponents in
    /// 1..<n/2 so 64-bit-parallel software and any 64-bit leap of hardware
    /// reads only finished bits. Found by a seeded search (the same answer
    /// on every machine); nil when n is too small for that many terms or
    /// none turns up in 20,000 candidates.
    public static func dense(degree n: Int, terms: Int) -> Polynomial? {
        guard degrees.contains(n), terms >= 3, terms % 2 == 1 else { return nil }
        if terms == 3 { return polynomial(degree: n) }
        let middle = terms - 2, room = max(1, n / 2 - 1)     // exponents 1...room
        guard middle <= room else { return nil }
        if let p = foundDense.withLock({ $0[[n, terms]] }) { return p }
        var rng = XorShift64(state: 0x5DEE_CE66_D1CE_4E5B ^ UInt64(n << 8 | terms))
        var result: Polynomial? = nil
        for _ in 0..<20_000 {
            var taps = Set<Int>()
            while taps.count < middle { taps.insert(Int(rng.next() % UInt64(room)) + 1) }
            let p = Polynomial([n, 0] + taps.sorted())
            if p.isPrimitive { result = p; break }
        }
        foundDense.withLock { $0[[n, terms]] = result }
        return result
    }
}
