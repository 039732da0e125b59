import Foundation
import HDL

/// Values for the input ports on every cycle, as port bit patterns, by
/// port name: the engines map the columns onto the design's inputs by
/// name, and refuse a name the design does not have.
public struct Stimulus: Sendable {
    public private(set) var ports: [String]
    public var cycles: [[BigValue]]
    /// Names `add` was given that are not among `ports` (a misspelt port
    /// would otherwise be driven to 0 without a word).
    public private(set) var unknown: [String] = []

    public init(ports: [String], cycles: [[BigValue]] = []) {
        self.ports = ports
        self.cycles = cycles
    }

    /// Appends a cycle; ports not named are 0.
    public mutating func add(_ values: [String: BigValue]) {
        for name in values.keys where !ports.contains(name) && !unknown.contains(name) { unknown.append(name) }
        cycles.append(ports.map { values[$0] ?? .zero })
    }

    /// For each input port of `ir`, in port order, the stimulus column
    /// that drives it (nil: held at 0). Throws naming a stimulus port the
    /// design does not have as an input.
    public func columns(for ir: ModuleIR) throws -> [Int?] {
        // Sets and a first-index table: a netlist may have 100k inputs.
        let inputs = ir.ports.filter { $0.direction == .input }.map(\.name)
        let inputSet = Set(inputs)
        for name in unknown + ports where !inputSet.contains(name) {
            throw UserError("the stimulus drives '\(name)', which is not an input of \(ir.name) (inputs: \(inputs.prefix(20).joined(separator: ", "))\(inputs.count > 20 ? ", ..." : ""))")
        }
        var column: [String: Int] = [:]
        for (i, p) in ports.enumerated() where column[p] == nil { column[p] = i }
        return inputs.map { column[$0] }
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

    /// A uniform double in [0, 1): the top 53 bits of the next draw.
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

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

/// A committed data file (the trained networks): $HWGEN_DATA, else the
/// source tree's Data/, else ./Data.
public func dataFile(_ file: String) -> String {
    if let d = ProcessInfo.processInfo.environment["HWGEN_DATA"] { return d + "/" + file }
    let tree = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path + "/Data/" + file
    return FileManager.default.fileExists(atPath: tree) ? tree : "Data/" + file
}

/// Bits of an unsigned field holding 0...n (at least 1).
public func bitsFor(_ n: Int) -> Int {
    var b = 1
    while (1 << b) <= n { b += 1 }
    return b
}
