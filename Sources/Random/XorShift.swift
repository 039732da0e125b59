/// Marsaglia's xorshift64 (13, 7, 17): the elaboration-time source of
/// initial contents (RLF windows, Wallace pool order, Wallace taus seeds).
/// Not for statistics; just deterministic and dependency-free.
struct XorShift64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
