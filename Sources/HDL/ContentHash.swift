/// A content hash stable across runs and machines (unlike `Hasher`): two
/// FNV-1a 64 variants side by side (128 bits). Names emitted modules and ROM
/// files, and keys the Verilator build cache.
public struct ContentHash {
    var a: UInt64 = 0xcbf2_9ce4_8422_2325
    var b: UInt64 = 0x84222325_cbf29ce4
    public init() {}
    public mutating func add(_ s: String) {
        for byte in s.utf8 {
            a = (a ^ UInt64(byte)) &* 0x100_0000_01b3
            b = (b &* 0x100_0000_01b3) ^ UInt64(byte)
        }
        // A separator so ("ab","c") and ("a","bc") differ.
        a = (a ^ 0xff) &* 0x100_0000_01b3
        b = (b &* 0x100_0000_01b3) ^ 0xff
    }
    public var hex: String {
        func h(_ x: UInt64) -> String {
            let s = String(x, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }
        return h(a) + h(b)
    }
}

extension ContentHash {
    /// The first `digits` hex digits of the hash of `parts`.
    public static func short(_ parts: String..., digits: Int = 8) -> String {
        var h = ContentHash()
        for p in parts { h.add(p) }
        return String(h.hex.prefix(digits))
    }
}
