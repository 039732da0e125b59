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
