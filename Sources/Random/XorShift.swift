/// Marsaglia's xorshift64 (13, 7, 17): the elaboration-time source of
/// initial contents (RLF windows, Wallace pool order, Wallace taus seeds).
/// Not for statistics; just deterministic and dependency-free.
public struct XorShift64: Sendable {
    public var state: UInt64
    public init(state: UInt64) { self.state = state }
    public mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
