/// Multi-word arithmetic on little-endian UInt64 words, for values wider
/// than 64 bits (and for the rare narrow operation with a wide operand).
///
/// Semantics follow the Verilog the emitter writes: operands are unsigned
/// nets, extended with zeros to the width of the operation (or with their
/// sign where the emitter writes `$signed`), and the result is cut to the
/// width of the net it drives.
enum Wide {
    typealias Ptr = UnsafeMutablePointer<UInt64>

    static func words(_ w: Int) -> Int { (w + 63) >> 6 }

    /// s[0..<n] = the w-bit value at src, sign- or zero-extended (or cut) to n words.
    static func load(_ s: Ptr, _ n: Int, _ src: Ptr, _ w: Int, signed: Bool) {
        let k = min(words(w), n)
        for i in 0..<k { s[i] = src[i] }
        for i in k..<n { s[i] = 0 }
        guard signed, w <= n * 64, w > 0 else { return }
        let top = (w - 1) >> 6
        guard (src[top] >> UInt64((w - 1) & 63)) & 1 == 1 else { return }
        let r = w & 63
        if r != 0 { s[top] |= ~0 << UInt64(r) }
        for i in (top + 1)..<max(top + 1, n) { s[i] = ~0 }
    }

    /// The low w bits of s into dst (bits above w cleared).
    static func store(_ dst: Ptr, _ w: Int, _ s: Ptr) {
        let n = words(w)
        for i in 0..<n { dst[i] = s[i] }
        dst[n - 1] &= mask(w - (n - 1) * 64)
    }

    static func isNonZero(_ src: Ptr, _ w: Int) -> Bool {
        for i in 0..<words(w) where src[i] != 0 { return true }
        return false
    }

    static func add(_ r: Ptr, _ a: Ptr, _ b: Ptr, _ n: Int) {
        var carry: UInt64 = 0
        for i in 0..<n {
            let (s1, o1) = a[i].addingReportingOverflow(b[i])
            let (s2, o2) = s1.addingReportingOverflow(carry)
            r[i] = s2
            carry = (o1 || o2) ? 1 : 0
        }
    }

    static func sub(_ r: Ptr, _ a: Ptr, _ b: Ptr, _ n: Int) {
        var borrow: UInt64 = 0
        for i in 0..<n {
            let (d1, o1) = a[i].subtractingReportingOverflow(b[i])
            let (d2, o2) = d1.subtractingReportingOverflow(borrow)
            r[i] = d2
            borrow = (o1 || o2) ? 1 : 0
        }
    }

    /// The low n words of a * b (schoolbook).
    static func mul(_ r: Ptr, _ a: Ptr, _ b: Ptr, _ n: Int) {
        for i in 0..<n { r[i] = 0 }
        for i in 0..<n where a[i] != 0 {
            var carry: UInt64 = 0
            for j in 0..<(n - i) {
                let (hi, lo) = a[i].multipliedFullWidth(by: b[j])
                let (s1, o1) = lo.addingReportingOverflow(r[i + j])
                let (s2, o2) = s1.addingReportingOverflow(carry)
                r[i + j] = s2
                // hi <= 2^64 - 2, so adding two carries cannot overflow.
                carry = hi &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
            }
        }
    }

    /// Unsigned comparison of n-word values: -1, 0, 1.
    static func compareU(_ a: Ptr, _ b: Ptr, _ n: Int) -> Int {
        var i = n - 1
        while i >= 0 {
            if a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
            i -= 1
        }
        return 0
    }

    /// Two's-complement comparison of n-word values.
    static func compareS(_ a: Ptr, _ b: Ptr, _ n: Int) -> Int {
        let sa = Int64(bitPattern: a[n - 1]) < 0, sb = Int64(bitPattern: b[n - 1]) < 0
        if sa != sb { return sa ? -1 : 1 }
        return compareU(a, b, n)
    }

    /// The shift amount held at src (width w), saturated: anything that
    /// does not fit an Int counts as "shift everything out".
    static func amount(_ src: Ptr, _ w: Int) -> Int {
        for i in 1..<max(1, words(w)) where src[i] != 0 { return Int.max }
        return src[0] > UInt64(Int.max) ? Int.max : Int(src[0])
    }

    /// r = a << k over n words.
    static func shiftLeft(_ r: Ptr, _ a: Ptr, _ n: Int, _ k: Int) {
        let ws = k >> 6, bs = UInt64(k & 63)
        var i = n - 1
        while i >= 0 {
            let j = i - ws
            var v: UInt64 = 0
            if j >= 0 && k < n * 64 {
                v = a[j] << bs
                if bs != 0 && j > 0 { v |= a[j - 1] >> (64 - bs) }
            }
            r[i] = v
            i -= 1
        }
    }

    /// r = a >> k over n words, filling with `fill` (0 or all ones).
    static func shiftRight(_ r: Ptr, _ a: Ptr, _ n: Int, _ k: Int, fill: UInt64) {
        let ws = k >> 6, bs = UInt64(k & 63)
        for i in 0..<n {
            if k >= n * 64 { r[i] = fill; continue }
            let j = i + ws
            let lo = j < n ? a[j] : fill
            let hi = j + 1 < n ? a[j + 1] : fill
            r[i] = bs == 0 ? lo : (lo >> bs) | (hi << (64 - bs))
        }
    }

    /// Bit `i` of the w-bit value at src (zero beyond w).
    static func bit(_ src: Ptr, _ w: Int, _ i: Int) -> UInt64 {
        i < w ? (src[i >> 6] >> UInt64(i & 63)) & 1 : 0
    }

    /// 64 bits of the w-bit value at src starting at bit `lo` (zeros beyond w).
    static func word(_ src: Ptr, _ w: Int, at lo: Int) -> UInt64 {
        let n = words(w), j = lo >> 6, bs = UInt64(lo & 63)
        let a = j < n ? src[j] : 0
        let b = j + 1 < n ? src[j + 1] : 0
        return bs == 0 ? a : (a >> bs) | (b << (64 - bs))
    }

    /// dst (width dw, already zero where written) |= the w-bit value at src placed at bit `at`.
    static func insert(_ dst: Ptr, _ dw: Int, _ src: Ptr, _ w: Int, at: Int) {
        let bs = UInt64(at & 63), n = words(dw)
        for i in 0..<words(w) {
            let j = (at >> 6) + i
            if j < n { dst[j] |= src[i] << bs }
            if bs != 0 && j + 1 < n { dst[j + 1] |= src[i] >> (64 - bs) }
        }
        dst[n - 1] &= mask(dw - (n - 1) * 64)
    }
}
