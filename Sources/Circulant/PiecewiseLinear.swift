import Foundation
import FFT
import HDL

/// A piecewise-linear sigmoid or tanh: `segments` equal segments over
/// [-range, range) (both powers of two, so the segment index is the top
/// bits of x + range), each the chord between the exact function's values
/// at its ends; outside, the function's value at the nearer end. Values
/// at the breakpoints are rounded half-even to the output fraction, slopes
/// to `slopeGuard` extra bits; y = y_s + round(slope_s · t), t the offset
/// into the segment. One multiplier; bit-exact model beside the hardware.
public struct PiecewiseLinear: Sendable, Hashable {
    public enum Function: String, Sendable, Hashable { case sigmoid, tanh }
    public let function: Function
    public let segments: Int
    /// Half-width of the covered interval (a power of two).
    public let range: Int
    public let inWidth: Int, inFrac: Int, outWidth: Int, outFrac: Int
    public static let slopeGuard = 12

    public init(_ f: Function, segments: Int, inWidth: Int, inFrac: Int, outWidth: Int, outFrac: Int) throws {
        guard segments >= 2, segments <= 256, segments & (segments - 1) == 0 else {
            throw UserError("parameter segments=\(segments) must be a power of two in 2...256")
        }
        function = f
        self.segments = segments
        range = f == .sigmoid ? 8 : 4
        self.inWidth = inWidth
        self.inFrac = inFrac
        self.outWidth = outWidth
        self.outFrac = outFrac
        guard segmentBits >= 0 else {
            throw UserError("parameter segments=\(segments) is too many for \(inFrac) input fraction bits over ±\(range)")
        }
    }

    public func exact(_ x: Double) -> Double { function == .sigmoid ? 1 / (1 + exp(-x)) : Foundation.tanh(x) }

    /// Bits of the offset into a segment (segment width 2·range/segments in input LSBs).
    var segmentBits: Int { (2 * range).trailingZeroBitCount + inFrac - segments.trailingZeroBitCount }
    var offsetRaw: Int { range << inFrac }

    func round(_ v: Double) -> Int { Int(v.rounded(.toNearestOrEven)) }
    /// y at breakpoint s (s = segments: the right end), output raw.
    public func breakpoint(_ s: Int) -> Int {
        let x = Double(-range) + Double(s) * Double(2 * range) / Double(segments)
        return round(exact(x) * Double(1 << outFrac))
    }
    /// Slope of segment s, output raw per input raw, with slopeGuard bits.
    public func slope(_ s: Int) -> Int {
        let xs = Double(-range) + Double(s) * Double(2 * range) / Double(segments), w = Double(2 * range) / Double(segments)
        let rise = (exact(xs + w) - exact(xs)) * Double(1 << outFrac)
        return round(rise / (w * Double(1 << inFrac)) * Double(1 << PiecewiseLinear.slopeGuard))
    }

    /// The model: y for raw input x.
    public func eval(_ x: Int) -> Int {
        let u = x + offsetRaw
        if u < 0 { return breakpoint(0) }
        if u >= 2 * offsetRaw { return breakpoint(segments) }
        let s = u >> segmentBits, t = u & ((1 << segmentBits) - 1)
        return breakpoint(s) + FixedMath.roundShift(slope(s) * t, PiecewiseLinear.slopeGuard, .halfEven)
    }

    /// Largest |pwl(x) − f(x)| over every input in range (units of 1.0).
    public var maxError: Double {
        var e = 0.0
        for x in -(1 << (inWidth - 1))..<(1 << (inWidth - 1)) {
            e = max(e, abs(Double(eval(x)) / Double(1 << outFrac) - exact(Double(x) / Double(1 << inFrac))))
        }
        return e
    }

    /// The hardware: y (signed outWidth bits) for x (signed inWidth bits).
    public func build(_ m: ModuleBuilder, _ name: String, _ x: Signal) -> Signal {
        let sBits = segments.trailingZeroBitCount, tBits = segmentBits
        let u = x.asSInt + offsetRaw
        let low = u < 0, high = u >= 2 * offsetRaw
        let inRange = u.resized(to: sBits + tBits + 1).asUInt.resized(to: sBits + tBits)
        let s = inRange.bits(sBits + tBits - 1, tBits), t = inRange.bits(max(tBits, 1) - 1, 0)
        let ys = (0..<segments).map { BigValue(breakpoint($0)) }
        let slopes = (0..<segments).map { slope($0) }
        let slopeWidth = max(2, slopes.map { FFTPlan.bits(Double(abs($0))) }.max()!)
        let y0 = m.rom("\(name)_y", .sint(outWidth), contents: ys).kind("PWL table").read(addr: s, synchronous: false)
        let k = m.rom("\(name)_k", .sint(slopeWidth), contents: slopes.map { BigValue($0) })
            .kind("PWL table").read(addr: s, synchronous: false)
        let offset = tBits == 0 ? m.literal(0, .sint(2)) : t.resized(to: tBits + 1).asSInt
        let step = (k * offset).asFixed(signed: true, fraction: PiecewiseLinear.slopeGuard)
            .cast(to: .sint(outWidth + 1), rounding: .halfEven, overflow: .wrap)
        let y = (y0 + step).resized(to: outWidth)
        let lo = m.literal(breakpoint(0), .sint(outWidth)), hi = m.literal(breakpoint(segments), .sint(outWidth))
        return m.mux(low, lo, m.mux(high, hi, y))
    }
}
