import CGMP

/// An arbitrary-precision signed integer backed by GMP.
///
/// Used wherever a value may exceed 64 bits: literals, fixed-point golden
/// models and vector files. Immutable: every operation returns a new value,
/// so sharing the storage between copies is safe.
public struct BigValue: @unchecked Sendable {
    // A heap pointer rather than a stored struct: GMP calls may alias their
    // operands (a + a), which Swift's inout exclusivity rules would forbid.
    final class Storage {
        let z: UnsafeMutablePointer<__mpz_struct>
        init() {
            z = .allocate(capacity: 1)
            __gmpz_init(z)
        }
        deinit {
            __gmpz_clear(z)
            z.deallocate()
        }
    }
    let s: Storage

    private init(storage: Storage) { s = storage }

    fileprivate static func make(_ body: (UnsafeMutablePointer<__mpz_struct>) -> Void) -> BigValue {
        let st = Storage()
        body(st.z)
        return BigValue(storage: st)
    }

    public init(_ v: Int) {
        let st = Storage()
        __gmpz_set_si(st.z, v)
        s = st
    }

    public init(_ v: UInt64) {
        let st = Storage()
        // Two halves: mpz_set_ui takes `unsigned long`, 64 bits on our targets,
        // but building from halves keeps this independent of that.
        __gmpz_set_ui(st.z, UInt(v >> 32))
        __gmpz_mul_2exp(st.z, st.z, 32)
        __gmpz_add_ui(st.z, st.z, UInt(v & 0xffff_ffff))
        s = st
    }

    /// Parses a number in `radix` (2...36), with an optional leading '-'.
    public init?(_ text: String, radix: Int = 10) {
        guard !text.isEmpty, (2...36).contains(radix) else { return nil }
        let st = Storage()
        let ok = text.withCString { __gmpz_set_str(st.z, $0, Int32(radix)) }
        if ok != 0 { return nil }
        s = st
    }

    public static let zero = BigValue(0)
    public static let one = BigValue(1)

    /// 2^n.
    public static func pow2(_ n: Int) -> BigValue {
        make { __gmpz_ui_pow_ui($0, 2, UInt(max(0, n))) }
    }

    public var signum: Int {
        let size = s.z.pointee._mp_size
        return size == 0 ? 0 : (size < 0 ? -1 : 1)
    }
    public var isZero: Bool { signum == 0 }
    public var isNegative: Bool { signum < 0 }

    /// Number of bits of |self| (0 for zero).
    public var magnitudeBitWidth: Int {
        isZero ? 0 : Int(__gmpz_sizeinbase(s.z, 2))
    }

    /// The value if it fits in an Int, else nil.
    public var intValue: Int? {
        guard __gmpz_fits_slong_p(s.z) != 0 else { return nil }
        return __gmpz_get_si(s.z)
    }

    public func bit(_ i: Int) -> Bool { __gmpz_tstbit(s.z, UInt(i)) != 0 }

    public func toString(radix: Int = 10) -> String {
        let n = __gmpz_sizeinbase(s.z, Int32(radix)) + 2
        var buf = [CChar](repeating: 0, count: n)
        __gmpz_get_str(&buf, Int32(radix), s.z)
        let bytes = buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: arithmetic

    public func adding(_ o: BigValue) -> BigValue { BigValue.make { __gmpz_add($0, s.z, o.s.z) } }
    public func subtracting(_ o: BigValue) -> BigValue { BigValue.make { __gmpz_sub($0, s.z, o.s.z) } }
    public func multiplied(by o: BigValue) -> BigValue { BigValue.make { __gmpz_mul($0, s.z, o.s.z) } }
    public func negated() -> BigValue { BigValue.make { __gmpz_neg($0, s.z) } }

    /// Floor division by 2^n (an arithmetic shift right).
    public func floorShiftRight(_ n: Int) -> BigValue {
        BigValue.make { __gmpz_fdiv_q_2exp($0, s.z, UInt(n)) }
    }
    public func shiftLeft(_ n: Int) -> BigValue {
        BigValue.make { __gmpz_mul_2exp($0, s.z, UInt(n)) }
    }
    /// self mod 2^n, always in [0, 2^n): the low n bits of two's complement.
    public func modPow2(_ n: Int) -> BigValue {
        BigValue.make { __gmpz_fdiv_r_2exp($0, s.z, UInt(n)) }
    }
    /// Floor division and its non-negative remainder, for positive `d`.
    public func floorDivMod(_ d: BigValue) -> (q: BigValue, r: BigValue) {
        let q = Storage(), r = Storage()
        __gmpz_fdiv_qr(q.z, r.z, s.z, d.s.z)
        return (BigValue(storage: q), BigValue(storage: r))
    }
    public func and(_ o: BigValue) -> BigValue { BigValue.make { __gmpz_and($0, s.z, o.s.z) } }
    public func or(_ o: BigValue) -> BigValue { BigValue.make { __gmpz_ior($0, s.z, o.s.z) } }
    public func xor(_ o: BigValue) -> BigValue { BigValue.make { __gmpz_xor($0, s.z, o.s.z) } }

    public static func + (a: BigValue, b: BigValue) -> BigValue { a.adding(b) }
    public static func - (a: BigValue, b: BigValue) -> BigValue { a.subtracting(b) }
    public static func * (a: BigValue, b: BigValue) -> BigValue { a.multiplied(by: b) }
    public static prefix func - (a: BigValue) -> BigValue { a.negated() }
    public static func << (a: BigValue, n: Int) -> BigValue { a.shiftLeft(n) }
    public static func >> (a: BigValue, n: Int) -> BigValue { a.floorShiftRight(n) }

    // MARK: two's complement views

    /// Interprets the low `width` bits as a two's-complement (signed) or plain
    /// (unsigned) number.
    public func wrapped(width: Int, signed: Bool) -> BigValue {
        let m = modPow2(width)
        if signed && m.bit(width - 1) { return m - BigValue.pow2(width) }
        return m
    }
}

extension BigValue: Equatable, Comparable, Hashable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self.init(value) }
    public static func == (a: BigValue, b: BigValue) -> Bool { __gmpz_cmp(a.s.z, b.s.z) == 0 }
    public static func < (a: BigValue, b: BigValue) -> Bool { __gmpz_cmp(a.s.z, b.s.z) < 0 }
    /// Hashes GMP's limbs directly: equal values have equal limb arrays.
    public func hash(into h: inout Hasher) {
        let size = Int(s.z.pointee._mp_size)
        h.combine(size)
        guard let limbs = s.z.pointee._mp_d else { return }
        for i in 0..<abs(size) { h.combine(limbs[i]) }
    }
    public var description: String { toString() }
}

extension BigValue {
    // Number theory, for primitive-polynomial checks (orders of GF(2^n)*).
    public func gcd(_ o: BigValue) -> BigValue { BigValue.make { __gmpz_gcd($0, s.z, o.s.z) } }
    /// self mod m, in [0, m) for positive m.
    public func mod(_ m: BigValue) -> BigValue { BigValue.make { __gmpz_mod($0, s.z, m.s.z) } }
    /// self / d for a d known to divide self.
    public func dividedExactly(by d: BigValue) -> BigValue { BigValue.make { __gmpz_divexact($0, s.z, d.s.z) } }
    public func powMod(_ e: BigValue, _ m: BigValue) -> BigValue { BigValue.make { __gmpz_powm($0, s.z, e.s.z, m.s.z) } }
    /// Miller-Rabin with 40 rounds (GMP): false means composite for certain.
    public var isProbablePrime: Bool { __gmpz_probab_prime_p(s.z, 40) > 0 }

    /// The low `count` 64-bit words of the two's-complement bits, least
    /// significant first (what a simulator keeps in its word arrays).
    public func words(count: Int) -> [UInt64] {
        var out = [UInt64](repeating: 0, count: count)
        guard count > 0 else { return out }
        let v = modPow2(count * 64)
        var written = 0
        out.withUnsafeMutableBytes { buf in
            _ = __gmpz_export(buf.baseAddress, &written, -1, 8, 0, 0, v.s.z)
        }
        return out
    }

    /// The non-negative number whose bits are `words`, least significant first.
    public init(words: [UInt64]) {
        let st = Storage()
        words.withUnsafeBytes { buf in
            __gmpz_import(st.z, words.count, -1, 8, 0, 0, buf.baseAddress)
        }
        s = st
    }
}
