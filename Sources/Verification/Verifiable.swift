import Foundation
import HDL

/// Values for every input port on every cycle, as port bit patterns.
public struct Stimulus: Sendable {
    public var ports: [String]
    public var cycles: [[BigValue]]
    public init(ports: [String], cycles: [[BigValue]] = []) {
        self.ports = ports
        self.cycles = cycles
    }
    public mutating func add(_ values: [String: BigValue]) {
        cycles.append(ports.map { values[$0] ?? .zero })
    }
}

/// One output transaction the model expects: the cycle it must appear on
/// (nil when only the order matters) and the values of the data ports.
public struct Transaction: Sendable, Equatable {
    public var cycle: Int?
    public var values: [BigValue]
    public init(cycle: Int?, values: [BigValue]) {
        self.cycle = cycle
        self.values = values
    }
}

/// A design `hwgen verify` can check: hardware, stimulus and golden model.
public protocol Verifiable {
    /// The top-level block.
    var top: any Block { get }
    /// The output port whose high level marks a transaction; nil: every cycle.
    var validPort: String? { get }
    /// The input port that must also be high for a transaction (the
    /// consumer's ready on a back-pressured stream); nil: none.
    var readyPort: String? { get }
    /// An input stream with back-pressure: a stimulus row whose `valid`
    /// input is high is applied again on the next cycle until the design's
    /// `ready` output is high (a source that holds its offer until it is
    /// taken); nil: every row is one cycle.
    var inputStream: (valid: String, ready: String)? { get }
    /// Output ports compared in each transaction.
    var dataPorts: [String] { get }
    /// Cycles from an input transaction to its output (documentation and report).
    var latency: Int { get }
    /// Seeded stimulus: directed vectors first, then `vectors` random ones.
    func stimulus(seed: UInt64, vectors: Int) -> Stimulus
    /// The golden model's output transactions for `stimulus`.
    func expected(_ stimulus: Stimulus) -> [Transaction]
}

extension Verifiable {
    public var readyPort: String? { nil }
    public var inputStream: (valid: String, ready: String)? { nil }
}

/// A small, fast, seedable generator (SplitMix64) so vectors are the same
/// on every machine and Swift version.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal variate (Box-Muller on two 53-bit uniforms, the
    /// first in (0, 1] so its logarithm is finite).
    public mutating func normal() -> Double {
        let u1 = (Double(next() >> 11) + 1) / 9_007_199_254_740_992
        let u2 = Double(next() >> 11) / 9_007_199_254_740_992
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    /// A uniformly random bit pattern of `width` bits.
    public mutating func bits(_ width: Int) -> BigValue {
        var v = BigValue.zero
        var left = width
        while left > 0 {
            let take = min(left, 32)
            v = (v << take) + BigValue(Int(next() >> UInt64(64 - take)))
            left -= take
        }
        return v
    }
}
