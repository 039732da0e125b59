import HDL

/// Fixed-point multiply-accumulate processing element.
///
/// On each valid input: acc = (clear ? 0 : acc) + a·b, saturating in an
/// accumulator `guardBits` wider than the product; the running sum is
/// requantised to `out` with the chosen rounding and overflow and leaves on
/// a valid stream. Three register stages: product, accumulate, requantise.
public struct MACPE: Block {
    public var data: FixedFormat
    public var guardBits: Int
    public var out: FixedFormat
    public var rounding: Rounding
    public var overflow: Overflow

    public init(data: FixedFormat = .signed(integer: 1, fraction: 7), guardBits: Int = 8,
                out: FixedFormat = .signed(integer: 4, fraction: 12),
                rounding: Rounding = .halfEven, overflow: Overflow = .saturate) {
        self.data = data
        self.guardBits = guardBits
        self.out = out
        self.rounding = rounding
        self.overflow = overflow
    }

    public static let latency = 3

    public var productType: HWType { HWType(width: 2 * data.width, signed: true, fraction: 2 * data.fraction) }
    public var accType: HWType {
        HWType(width: 2 * data.width + guardBits, signed: true, fraction: 2 * data.fraction)
    }

    public var moduleName: String {
        let r = rounding.rawValue.filter { $0 != "-" }
        return "mac_pe_q\(data.integer)_\(data.fraction)_g\(guardBits)_q\(out.integer)_\(out.fraction)_\(r)_\(overflow.rawValue)"
    }

    public func build(_ m: ModuleBuilder) throws {
        m.describe("data \(data), accumulator \(accType.format), output \(out), rounding \(rounding.rawValue), overflow \(overflow.rawValue)")
        let inValid = m.input("in_valid", .bool)
        let inClear = m.input("in_clear", .bool)
        let a = m.input("in_a", data)
        let b = m.input("in_b", data)
        let (valid, y) = datapath(m, valid: inValid, clear: inClear, a: a, b: b, prefix: "")
        m.output("out_valid", valid)
        m.output("out_y", y)
    }

    /// The PE's logic on given signals, so generators can also inline many
    /// PEs into one module (the benchmark does).
    public func datapath(_ m: ModuleBuilder, valid: Signal, clear: Signal, a: Signal, b: Signal,
                         prefix: String) -> (valid: Signal, y: Signal) {
        // Stage 1: the exact product.
        let prod = m.register("\(prefix)prod", next: a * b)
        let v1 = m.register("\(prefix)valid1", next: valid, reset: 0)
        let c1 = m.register("\(prefix)clear1", next: clear)
        // Stage 2: accumulate, saturating.
        let acc = m.register("\(prefix)acc", accType, reset: 0)
        let base = m.mux(c1, m.literal(0, accType), acc)
        m.when(v1) {
            acc.assign((base + prod).cast(to: accType, rounding: .truncate, overflow: .saturate))
        }
        let v2 = m.register("\(prefix)valid2", next: v1, reset: 0)
        // Stage 3: requantise.
        let y = m.register("\(prefix)y", next: acc.cast(to: out, rounding: rounding, overflow: overflow))
        let v3 = m.register("\(prefix)valid3", next: v2, reset: 0)
        return (v3, y)
    }

    /// Golden model: the outputs for a sequence of (clear, a, b) inputs
    /// given as raw integers, on plain GMP arithmetic.
    public func model(_ inputs: [(clear: Bool, a: BigValue, b: BigValue)]) -> [BigValue] {
        var acc = BigValue.zero
        let lo = -BigValue.pow2(accType.width - 1), hi = BigValue.pow2(accType.width - 1) - .one
        var outs: [BigValue] = []
        for x in inputs {
            var s = (x.clear ? .zero : acc) + x.a * x.b
            if s > hi { s = hi }
            if s < lo { s = lo }
            acc = s
            let y = FixedValue.cast(raw: acc, fromFraction: accType.fraction, to: out.type,
                                    rounding: rounding, overflow: overflow)
            outs.append(y.raw)
        }
        return outs
    }
}
