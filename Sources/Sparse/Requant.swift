import Foundation
import Harness
import HDL

/// Output requantisation of an integer accumulator: y = round_half_up(acc
/// · mult / 2^shift), saturated to `width` signed bits, then ReLU if asked.
/// mult/2^shift approximates a real scale with a `multBits`-bit multiplier
/// (the most fraction bits that fit); a power-of-two scale is a shift alone.
public struct Requant: Sendable, Hashable {
    public let mult: Int, shift: Int
    public let width: Int
    public let relu: Bool
    public static let multBits = 16

    public init(scale r: Double, width: Int, relu: Bool, what: String) throws {
        guard r.isFinite, r > 0, r < Double(1 << 40) else {
            throw UserError("\(what): the output scale \(r) is out of reach of a \(Requant.multBits)-bit multiplier and a shift")
        }
        var s = 0
        while s < 48 && (r * pow(2, Double(s + 1))).rounded() < Double(1 << Requant.multBits) { s += 1 }
        var m = Int((r * pow(2, Double(s))).rounded())
        guard m >= 1 else { throw UserError("\(what): the output scale \(r) is too small for a \(Requant.multBits)-bit multiplier") }
        while m > 1 && m % 2 == 0 && s > 0 { m /= 2; s -= 1 }
        mult = m; shift = s
        self.width = width
        self.relu = relu
    }

    /// The model, in Int (|acc| < 2^40).
    public func apply(_ acc: Int) -> Int {
        let t = acc * mult
        let y = shift == 0 ? t : floorDiv(t + (1 << (shift - 1)), 1 << shift)
        let hi = (1 << (width - 1)) - 1
        let c = max(-hi - 1, min(hi, y))
        return relu ? max(0, c) : c
    }

    public var text: String { mult == 1 ? "a shift by \(shift)" : "x \(mult) >> \(shift)" }

    /// The hardware: multiply, round half up, saturate (the DSL's cast), ReLU.
    public func build(_ m: ModuleBuilder, _ sum: Signal) -> Signal {
        var scaled = mult == 1 ? sum : sum * m.literal(mult, .uint(Requant.multBits + 1)).asSInt
        if scaled.width < shift + 2 { scaled = scaled.extended(to: shift + 2) }
        var y = scaled.asFixed(signed: true, fraction: shift).cast(to: .sint(width), rounding: .halfUp, overflow: .saturate)
        if relu { y = m.mux(y.msb, m.literal(0, .sint(width)), y) }
        return y
    }
}

func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }

