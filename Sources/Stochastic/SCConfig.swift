import Harness
import HDL
import Random

/// How a stream carries a value: unipolar x = P(1) in [0, 1); bipolar
/// x = 2·P(1) − 1 in [−1, 1).
public enum SCEncoding: String, Sendable, CaseIterable {
    case unipolar, bipolar
}

/// Where an SNG's random numbers come from. `lfsr`: a Fibonacci LFSR,
/// w fresh bits a cycle by leap-ahead (a seeded stand-in for the true RNG
/// an AQFP circuit has); `sobol`: a low-discrepancy sequence, one
/// dimension per source; `counter`: the phase counter itself ("race"):
/// every counter source is the same ramp.
public enum SCSourceKind: String, Sendable, CaseIterable {
    case lfsr, sobol, counter
}

/// Which SNGs share a source. `none`: each its own; `inputs`: all the
/// first operands one, all the second operands (weights) another; `all`:
/// one for everything (the correlated case: AND gives min).
public enum SCSharing: String, Sendable, CaseIterable {
    case none, inputs, all
}

/// Stream generation common to the SC designs: stream length, the value
/// width it implies, encoding, sources and their seeds.
public struct SCStreams: Sendable, Hashable {
    /// Cycles per stream.
    public let length: Int
    /// Bits of each operand and random number: ceil(log2 L).
    public let width: Int
    public let encoding: SCEncoding
    /// The first operands' source kind and the second operands' (weights').
    public let kind: SCSourceKind
    public let weightKind: SCSourceKind
    public let sharing: SCSharing
    public let polynomial: Polynomial
    public let seed: UInt64

    public static let lengths = 4...65536

    public init(length: Int, encoding: SCEncoding, kind: SCSourceKind, weightKind: SCSourceKind? = nil,
                sharing: SCSharing, polynomial: Polynomial = SCStreams.defaultPolynomial, seed: UInt64 = 1) throws {
        let wk = weightKind ?? kind
        guard SCStreams.lengths.contains(length) else {
            throw UserError("stream length L=\(length) is out of range \(SCStreams.lengths.lowerBound)...\(SCStreams.lengths.upperBound)")
        }
        let isPow2 = length & (length - 1) == 0
        if !isPow2, kind != .lfsr || wk != .lfsr {
            throw UserError("stream length L=\(length) must be a power of two with \(kind != .lfsr ? kind : wk) sources (a stream is one whole period of the phase counter)")
        }
        let w = Int.bitWidth - (length - 1).leadingZeroBitCount
        if kind == .lfsr || wk == .lfsr {
            guard polynomial.degree >= 3, polynomial.degree <= 64 else {
                throw UserError("LFSR polynomial \(polynomial) has degree \(polynomial.degree): SC sources take 3...64")
            }
            guard polynomial.degree >= w else {
                throw UserError("LFSR polynomial \(polynomial) has degree \(polynomial.degree), less than the \(w) bits a cycle L=\(length) needs")
            }
            guard polynomial.isPrimitive else {
                throw UserError("LFSR polynomial \(polynomial) is not primitive: the LFSR would not reach its full period")
            }
        }
        self.length = length
        self.width = w
        self.encoding = encoding
        self.kind = kind
        self.weightKind = wk
        self.sharing = sharing
        self.polynomial = polynomial
        self.seed = seed
    }

    /// x^31 + x^3 + 1: period 2^31 − 1, far beyond any stream, so two
    /// seeds give streams that do not overlap in practice.
    public static let defaultPolynomial = Polynomial([31, 3, 0])

    /// The source instance of an SNG: operand `i` of side `side` (0: first
    /// operands, 1: weights, 2: extra streams such as a bias or a MUX
    /// select) in a circuit of `pairs` operand pairs. Equal instances of
    /// one kind are one shared source.
    public func instance(side: Int, index i: Int, pairs: Int) -> Int {
        switch sharing {
        case .all: return 0
        case .inputs: return side
        case .none: return side < 2 ? 2 * i + side : 2 * pairs + i
        }
    }

    public func kind(side: Int) -> SCSourceKind { side == 1 ? weightKind : kind }

    /// The seed of LFSR instance `k`: non-zero, `degree` bits, from `seed`.
    public func lfsrSeed(_ k: Int) -> UInt64 {
        var r = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(k))
        let d = polynomial.degree
        let mask: UInt64 = d == 64 ? ~0 : (1 << UInt64(d)) - 1
        while true {
            let s = r.next() & mask
            if s != 0 { return s }
        }
    }

    /// A unipolar or bipolar operand's value: a/2^w or 2a/2^w − 1.
    public func value(_ a: Int) -> Double {
        let u = Double(a) / Double(1 << width)
        return encoding == .unipolar ? u : 2 * u - 1
    }

    /// A stream's value from its count of ones over L.
    public func value(count: Int) -> Double {
        let p = Double(count) / Double(length)
        return encoding == .unipolar ? p : 2 * p - 1
    }
}

extension Polynomial {
    /// Reads "31,3,0" or "x^31+x^3+1".
    public static func parse(_ text: String) -> Polynomial? {
        let t = String(text.filter { $0 != " " })
        var exps: [Int] = []
        if t.contains("x") {
            for term in t.split(separator: "+") {
                if term == "1" { exps.append(0) } else if term == "x" { exps.append(1) } else if term.hasPrefix("x^"), let e = Int(term.dropFirst(2)) { exps.append(e) } else { return nil }
            }
        } else {
            for part in t.split(separator: ",") { guard let e = Int(part) else { return nil }; exps.append(e) }
        }
        guard !exps.isEmpty, exps.allSatisfy({ $0 >= 0 && $0 <= 128 }), Set(exps).count == exps.count else { return nil }
        return Polynomial(exps)
    }

    /// "31,3,0": the form `parse` reads and parameters print.
    public var exponentList: String { exponents.map(String.init).joined(separator: ",") }
}
