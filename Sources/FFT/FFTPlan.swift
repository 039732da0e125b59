import Foundation
import HDL

/// How the stages scale: keep every bit of growth, halve after every
/// stage (1/N overall), or a given right shift per stage.
public enum ScalingSchedule: Hashable, Sendable, CustomStringConvertible {
    case grow
    case shift
    case given([Int])

    public init?(_ text: String) {
        switch text {
        case "grow": self = .grow
        case "shift": self = .shift
        default:
            let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            let shifts = parts.compactMap { Int($0) }
            guard !parts.isEmpty, shifts.count == parts.count, shifts.allSatisfy({ (0...2).contains($0) }) else { return nil }
            self = .given(shifts)
        }
    }

    public var description: String {
        switch self {
        case .grow: return "grow"
        case .shift: return "shift"
        case .given(let s): return s.map(String.init).joined(separator: ",")
        }
    }

    /// The shift of each of `stages` stages.
    func shifts(_ stages: Int) throws -> [Int] {
        switch self {
        case .grow: return Array(repeating: 0, count: stages)
        case .shift: return Array(repeating: 1, count: stages)
        case .given(let s):
            guard s.count == stages else {
                throw UserError("parameter scaling=\(self) gives \(s.count) shifts; this FFT has \(stages) stages (one shift 0...2 each, comma-separated)")
            }
            return s
        }
    }
}

/// Radix-2 or radix-2² decomposition of the streaming pipeline. Both are
/// log2 N radix-2 butterfly stages; radix-2² moves the twiddles so that
/// every other stage needs only a -j rotation (no multiplier), about
/// halving the complex multipliers: log4(N) - 1 instead of log2(N) - 3
/// (radix-2 needs one per stage down to N = 16; the 8-point stage's
/// twiddles are multiples of 45°, done by shifts and adds).
public enum Radix: String, CaseIterable, Sendable {
    case two = "2"
    case twoSquared = "22"
}

/// What follows a stage's butterfly: nothing, a quarter turn of the last
/// quarter of every `block`-sample block (-j forward, +j inverse; no
/// multiplier), or a twiddle from a ROM of `exponents` (period = its count).
public enum Rotation: Hashable, Sendable {
    case none
    case quarterTurn(block: Int)
    /// Multiples of 45° only (a block of 8): the quarter turns exact, the
    /// odd eighths by the constant 1/√2 in shift-and-add logic.
    case eighths(exponents: [Int])
    case table(exponents: [Int])

    /// The exponent of W_N at stream position p.
    func exponent(_ p: Int, n: Int) -> Int {
        switch self {
        case .none: return 0
        case .quarterTurn(let m): return p % m >= 3 * m / 4 ? n / 4 : 0
        case .table(let e), .eighths(let e): return e[p % e.count]
        }
    }
}

/// One stage of the pipeline: a radix-2 butterfly across `span` samples,
/// then its rotation and a right shift with rounding; widths in bits.
public struct StagePlan: Hashable, Sendable {
    public var span: Int
    public var rotation: Rotation
    public var shift: Int
    /// Width of the stage's input, of its butterfly's output (one more),
    /// and of its output (what the bound analysis proves enough).
    public var inWidth: Int, butterflyWidth: Int, outWidth: Int
}

/// The stage sequence of an N-point decimation-in-frequency FFT with its
/// widths, derived from a worst-case bound on every value so that no
/// stage can wrap for any input in range.
public struct FFTPlan: Hashable, Sendable {
    public let n: Int
    public let inWidth: Int
    public let guardBits: Int
    public let twiddles: TwiddleTable
    public let rounding: RoundingMode
    public let stages: [StagePlan]
    /// The output width the bound needs, and the one chosen.
    public let neededOutWidth: Int
    public let outWidth: Int
    /// Whether the output can saturate (an output narrower than the bound, allowed by clip).
    public let canSaturate: Bool
    /// The fully parallel form: every position's twiddle is a constant, so
    /// quarter turns (including W = 1) are exact there, not ROM words.
    public let parallel: Bool
    /// Where the twiddles sit (radix-2: a ROM after every stage; radix-2²:
    /// exact quarter turns between the stages of a pair).
    public let radix: Radix
    /// The bound on |component| and |value| of the last stage's output, in
    /// working units (what a following stage starts from).
    public let componentBound: Double, magnitudeBound: Double

    public var log2n: Int { stages.count }
    public var inverse: Bool { twiddles.inverse }
    public var totalShift: Int { stages.reduce(0) { $0 + $1.shift } }
    /// Complex multipliers (ROM twiddle stages).
    public var complexMultipliers: Int {
        stages.filter { if case .table = $0.rotation { return true } else { return false } }.count
    }

    /// `outWidth` nil: the width the bound needs. `clip`: a narrower output
    /// is allowed and saturates (with the sticky overflow flag).
    public init(n: Int, inWidth: Int, twiddleWidth: Int, outWidth: Int?, guardBits: Int, radix: Radix,
                inverse: Bool, schedule: ScalingSchedule, rounding: RoundingMode, clip: Bool, parallel: Bool = false,
                names: (n: String, out: String) = ("n", "out_width")) throws {
        guard n >= 2, n & (n - 1) == 0 else {
            throw UserError("parameter \(names.n)=\(n) must be a power of two, at least 2")
        }
        var s = 0
        while 1 << s < n { s += 1 }
        self.n = n
        self.inWidth = inWidth
        self.guardBits = guardBits
        self.rounding = rounding
        self.parallel = parallel
        self.radix = radix
        twiddles = TwiddleTable(n: n, width: twiddleWidth, inverse: inverse)
        let shifts = try schedule.shifts(s)
        let rotations = FFTPlan.rotations(n: n, stages: s, radix: radix)

        // Bounds in working units (input LSB / 2^guard): largest |component| and |value|.
        let err = rounding == .truncate ? 1.0 : 0.5
        var c = Double(1 << (inWidth - 1 + guardBits)), mag = c * 2.0.squareRoot()
        var width = inWidth + guardBits
        var plans: [StagePlan] = []
        for i in 0..<s {
            let span = n >> (i + 1)
            c *= 2; mag *= 2
            let bf = width + 1
            var rounds = shifts[i] > 0
            if case .table(let e) = rotations[i] {
                mag *= parallel ? max(1, twiddles.largestMagnitude(e)) : twiddles.largestMagnitude(e)
                c = mag
                rounds = true
            }
            if case .eighths(let e) = rotations[i] {
                mag *= max(1, twiddles.largestMagnitude(e.filter { ($0 / (n / 8)) % 2 == 1 }))
                c = mag
                rounds = true
            }
            if rounds {
                let scale = Double(1 << shifts[i])
                c = c / scale + err
                mag = mag / scale + err * 2.0.squareRoot()
                c = min(c, mag)
            }
            width = FFTPlan.bits(c)
            plans.append(StagePlan(span: span, rotation: rotations[i], shift: shifts[i],
                                   inWidth: plans.last?.outWidth ?? inWidth + guardBits, butterflyWidth: bf, outWidth: width))
        }
        stages = plans
        componentBound = c
        magnitudeBound = mag
        let cOut = guardBits > 0 ? c / Double(1 << guardBits) + err : c
        neededOutWidth = FFTPlan.bits(cOut)
        let chosen = outWidth ?? neededOutWidth
        if chosen < neededOutWidth && !clip {
            throw UserError("parameter \(names.out)=\(chosen) is too narrow for scaling=\(schedule): the output needs \(neededOutWidth) bits for every input in range (or set clip=yes to saturate)")
        }
        self.outWidth = chosen
        canSaturate = chosen < neededOutWidth
    }

    /// The smallest signed width holding every integer of [-c, c].
    public static func bits(_ c: Double) -> Int {
        let m = Int(c.rounded(.down))
        var w = 1
        while (1 << (w - 1)) - 1 < m { w += 1 }
        return w
    }

    static func rotations(n: Int, stages s: Int, radix: Radix) -> [Rotation] {
        var r: [Rotation] = []
        for i in 0..<s {
            let m = n >> i            // block size this stage's butterfly works in
            switch radix {
            case .two:
                // Radix-2 DIF: the difference half of each block times W_m^j.
                let e = (0..<m).map { p in p >= m / 2 ? (p - m / 2) * (n / m) : 0 }
                r.append(classify(e, block: m, n: n))
            case .twoSquared:
                if i == s - 1 && s % 2 == 1 {
                    r.append(.none)     // the lone radix-2 stage of an odd log2 N
                } else if i % 2 == 0 {
                    r.append(m >= 4 ? .quarterTurn(block: m) : .none)
                } else {
                    // Second stage of a pair in blocks of M = 2m: quarters k = 0, 2, 1, 3 times W_M^(j k).
                    let big = 2 * m, q = big / 4
                    let e = (0..<big).map { p in [0, 2, 1, 3][p / q] * (p % q) * (n / big) }
                    r.append(classify(e, block: big, n: n))
                }
            }
        }
        return r
    }

    /// The cheapest rotation that gives exponents `e` (period `block`).
    static func classify(_ e: [Int], block: Int, n: Int) -> Rotation {
        if e.allSatisfy({ $0 % n == 0 }) { return .none }
        let quarter = (0..<block).map { p in p >= 3 * block / 4 ? n / 4 : 0 }
        if e.map({ $0 % n }) == quarter { return .quarterTurn(block: block) }
        if n >= 8 && e.allSatisfy({ $0 % (n / 8) == 0 }) { return .eighths(exponents: e) }
        return .table(exponents: e)
    }
}
