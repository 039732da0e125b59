import HDL

/// Polynomials over GF(2) reduced modulo a fixed polynomial of degree
/// n ≤ 128 (residues kept in two words): enough to test primitivity.
struct GF2Field {
    let n: Int
    /// The modulus without its x^n term (its low n coefficients).
    let low: (UInt64, UInt64)

    init(_ p: Polynomial) {
        n = p.degree
        var lo: UInt64 = 0, hi: UInt64 = 0
        for e in p.exponents where e < n {
            if e < 64 { lo |= 1 << UInt64(e) } else { hi |= 1 << UInt64(e - 64) }
        }
        low = (lo, hi)
    }

    typealias Element = (UInt64, UInt64)
    static let one: Element = (1, 0)
    static let x: Element = (2, 0)

    func bit(_ a: Element, _ i: Int) -> Bool { i < 64 ? (a.0 >> UInt64(i)) & 1 == 1 : (a.1 >> UInt64(i - 64)) & 1 == 1 }

    /// a·x mod p.
    func timesX(_ a: Element) -> Element {
        let carry = bit(a, n - 1)
        var r: Element = (a.0 << 1, (a.1 << 1) | (a.0 >> 63))
        if n < 128 {
            // Clear bit n (it is represented by the reduction below).
            if n < 64 { r.0 &= (1 << UInt64(n)) - 1; r.1 = 0 } else { r.1 &= (1 << UInt64(n - 64)) &- 1 }
        }
        if carry { r = (r.0 ^ low.0, r.1 ^ low.1) }
        return r
    }

    /// a·b mod p (shift and add).
    func mul(_ a: Element, _ b: Element) -> Element {
        var r: Element = (0, 0)
        var s = a
        for i in 0..<n {
            if bit(b, i) { r = (r.0 ^ s.0, r.1 ^ s.1) }
            s = timesX(s)
        }
        return r
    }

    /// x^e mod p.
    func xPow(_ e: BigValue) -> Element {
        var r = GF2Field.one
        let bits = e.magnitudeBitWidth
        var i = bits - 1
        while i >= 0 {
            r = mul(r, r)
            if e.bit(i) { r = timesX(r) }
            i -= 1
        }
        return r
    }

    /// x^(2^k) mod p (k squarings).
    func xPow2k(_ k: Int) -> Element {
        var r = GF2Field.x
        for _ in 0..<k { r = mul(r, r) }
        return r
    }
}

/// A polynomial over GF(2) given by the exponents of its non-zero terms,
/// e.g. x^8 + x^4 + x^3 + x^2 + 1 is [8, 4, 3, 2, 0].
public struct Polynomial: Hashable, Sendable, CustomStringConvertible {
    public let exponents: [Int]
    public init(_ exponents: [Int]) { self.exponents = exponents.sorted(by: >) }
    public var degree: Int { exponents.first ?? 0 }
    /// The feedback taps: exponents below the degree.
    public var taps: [Int] { exponents.filter { $0 < degree } }
    public var description: String {
        exponents.map { $0 == 0 ? "1" : $0 == 1 ? "x" : "x^\($0)" }.joined(separator: " + ")
    }

    /// Whether x generates GF(2^n)*. x^(2^n) = x gives x^(2^n − 1) = 1; no
    /// x^((2^n − 1)/q) = 1 for the primes q of 2^n − 1 makes that order
    /// exact, which only an irreducible modulus allows (a reducible one has
    /// fewer than 2^n − 1 units).
    public var isPrimitive: Bool {
        let n = degree
        guard n >= 2, n <= 128, exponents.last == 0 else { return false }
        let f = GF2Field(self)
        guard f.xPow2k(n) == GF2Field.x else { return false }
        let order = BigValue.pow2(n) - .one
        for q in MersenneFactors.primes(n) {
            if f.xPow(order.dividedExactly(by: q)) == GF2Field.one { return false }
        }
        return true
    }
}
