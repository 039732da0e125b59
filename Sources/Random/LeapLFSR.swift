import HDL

/// A Fibonacci LFSR on the trinomial x^D + x^M + 1 that advances `leap`
/// steps a cycle: with the state holding s_t ... s_{t+D−1}, the next `leap`
/// bits are s_{t+D+i} = s_{t+M+i} ⊕ s_{t+i}, each a two-input XOR of state
/// bits when leap ≤ D − M (one LUT a fresh bit, no wider feedback).
///
/// D is a Mersenne exponent (2^D − 1 prime), so an irreducible trinomial is
/// primitive: the period is 2^D − 1 and any D consecutive bits take every
/// non-zero value once a period. Two stretches of the sequence spanning
/// fewer than D bits therefore satisfy no linear relation, which is what
/// makes sums of disjoint windows independent in pairs.
public struct Trinomial: Sendable, Hashable, CustomStringConvertible {
    public let degree: Int, middle: Int
    public var description: String { "x^\(degree) + x^\(middle) + 1" }
    public init(degree: Int, middle: Int) { (self.degree, self.middle) = (degree, middle) }

    /// Irreducible trinomials of Mersenne-exponent degree (published tables
    /// of primitive trinomials; `isIrreducible` re-checks each in the
    /// tests). Their reciprocals x^D + x^(D−M) + 1 are primitive as well.
    static let known: [(Int, [Int])] = [
        (89, [38]), (127, [1, 7, 15, 30, 63]), (521, [32, 48, 158, 168]), (607, [105, 147, 273]),
        (1279, [216, 418]), (2281, [715, 915, 1029]), (3217, [67, 576]), (4423, [271, 369, 370, 649, 1393, 1419, 2098]),
        (9689, [84, 471, 1836, 2444, 4187]), (19937, [881, 7083, 9842]), (23209, [1530, 6619, 9739]),
        (44497, [8575, 21034]),
    ]
    public static var all: [Trinomial] {
        known.flatMap { d, ms in ms.flatMap { [Trinomial(degree: d, middle: $0), Trinomial(degree: d, middle: d - $0)] } }
    }

    /// The smallest known primitive trinomial that leaps `leap` bits a cycle
    /// with its middle term and its gap to the top both above `clear` (so a
    /// relation s_t ⊕ s_{t+M} ⊕ s_{t+D} never has two of its bits in one
    /// window of `clear` bits). Nil when the leap is beyond the table.
    public static func forLeap(_ leap: Int, clear: Int) -> Trinomial? {
        all.filter { $0.middle > clear && $0.degree - $0.middle > clear && $0.degree - $0.middle >= leap }
            .min { ($0.degree, $0.middle) < ($1.degree, $1.middle) }
    }
    public static var maxLeap: Int { all.map { $0.degree - $0.middle }.max()! }

    /// Rabin's test for prime degree: irreducible iff x^(2^D) ≡ x (mod p)
    /// and p has no root in GF(2) (a trinomial never has: p(0) = p(1) = 1).
    /// D squarings of a D-bit residue, on 64-bit words.
    public var isIrreducible: Bool {
        let d = degree, n = (d + 63) / 64
        var r = [UInt64](repeating: 0, count: n)
        r[0] = 2                                           // x
        for _ in 0..<d {
            // Square: coefficient i moves to 2i (each word spreads into two).
            var s = [UInt64](repeating: 0, count: 2 * n + 1)
            for (w, v) in r.enumerated() where v != 0 {
                s[2 * w] = Trinomial.spread(v & 0xFFFF_FFFF)
                s[2 * w + 1] = Trinomial.spread(v >> 32)
            }
            // x^j = x^(j−D+M) + x^(j−D) for j ≥ D: fold the part above x^D
            // down until none is left (each fold shrinks it by D − M bits).
            while true {
                let high = Trinomial.shiftedDown(s, by: d)
                if high.allSatisfy({ $0 == 0 }) { break }
                Trinomial.keepLow(&s, bits: d)
                Trinomial.xorShifted(&s, high, by: 0)
                Trinomial.xorShifted(&s, high, by: middle)
            }
            r = Array(s.prefix(n))
        }
        return r == [2] + [UInt64](repeating: 0, count: n - 1)
    }

    /// The 32 bits of v at the even positions of a word.
    static func spread(_ v: UInt64) -> UInt64 {
        var x = v & 0xFFFF_FFFF
        x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFF
        x = (x | (x << 8)) & 0x00FF_00FF_00FF_00FF
        x = (x | (x << 4)) & 0x0F0F_0F0F_0F0F_0F0F
        x = (x | (x << 2)) & 0x3333_3333_3333_3333
        x = (x | (x << 1)) & 0x5555_5555_5555_5555
        return x
    }

    static func shiftedDown(_ a: [UInt64], by k: Int) -> [UInt64] {
        let w = k >> 6, o = UInt64(k & 63)
        return (0..<a.count).map { i in
            let lo = i + w < a.count ? a[i + w] >> o : 0
            let hi = o == 0 || i + w + 1 >= a.count ? 0 : a[i + w + 1] << (64 - o)
            return lo | hi
        }
    }

    static func keepLow(_ a: inout [UInt64], bits k: Int) {
        for i in a.indices {
            if i * 64 >= k { a[i] = 0 } else if (i + 1) * 64 > k { a[i] &= (1 << UInt64(k - i * 64)) - 1 }
        }
    }

    /// a ^= b · x^k (bits shifted past a's end are dropped: callers keep
    /// them in range).
    static func xorShifted(_ a: inout [UInt64], _ b: [UInt64], by k: Int) {
        let w = k >> 6, o = UInt64(k & 63)
        for (i, v) in b.enumerated() where v != 0 {
            if i + w < a.count { a[i + w] ^= v << o }
            if o > 0 && i + w + 1 < a.count { a[i + w + 1] ^= v >> (64 - o) }
        }
    }
}

/// The bit sequence of a leap LFSR, generated 64 bits at a time: the model
/// side of `BinomialGRNG`. Bit i of the stream is s_i; s_0 ... s_{D−1} is
/// the seed state.
struct LeapSequence {
    let p: Trinomial
    /// Bits s_base ... s_{base + 64·words.count − 1}, packed.
    private var words: [UInt64]
    private var base = 0
    /// Bits generated so far (s_0 ... s_{end−1}).
    private(set) var end: Int

    init(_ p: Trinomial, state: [Bool]) {
        self.p = p
        words = [UInt64](repeating: 0, count: (p.degree + 63) / 64)
        for (i, b) in state.enumerated() where b { words[i >> 6] |= 1 << UInt64(i & 63) }
        end = p.degree
    }

    /// Bits s_i ... s_{i+63} (those past `end` read as zero).
    func read64(_ i: Int) -> UInt64 {
        let k = i - base, w = k >> 6, o = UInt64(k & 63)
        let lo = w < words.count ? words[w] >> o : 0
        let hi = o == 0 || w + 1 >= words.count ? 0 : words[w + 1] << (64 - o)
        return lo | hi
    }

    /// popcount(s_i ... s_{i+n−1}), n ≤ 64.
    func ones(_ i: Int, _ n: Int) -> Int {
        let v = read64(i)
        return (n == 64 ? v : v & ((1 << UInt64(n)) - 1)).nonzeroBitCount
    }

    /// Generates up to s_{target−1}, and forgets bits before `keepFrom`.
    mutating func extend(to target: Int, keepFrom: Int) {
        let drop = ((min(keepFrom, end - p.degree) - base) >> 6)
        if drop > 0 { words.removeFirst(drop); base += 64 * drop }
        // At most D − M bits at a time: s_{t+M+i} must already exist.
        let chunk = min(64, p.degree - p.middle)
        while end < target {
            let t = end - p.degree, c = min(chunk, target - end)
            var v = read64(t + p.middle) ^ read64(t)
            if c < 64 { v &= (1 << UInt64(c)) - 1 }
            let k = end - base, w = k >> 6, o = UInt64(k & 63)
            while words.count <= w + 1 { words.append(0) }
            words[w] |= v << o
            if o > 0 { words[w + 1] |= v >> (64 - o) }
            end += c
        }
    }
}
