import HDL

/// A registered fixed-point conversion y = cast(x) with a rounding and an
/// overflow mode, and a valid bit alongside (latency 1).
public struct Requantiser: Block {
    public let from: HWType
    public let to: HWType
    public let rounding: Rounding
    public let overflow: Overflow

    public init(from: HWType, to: HWType, rounding: Rounding, overflow: Overflow) {
        self.from = from
        self.to = to
        self.rounding = rounding
        self.overflow = overflow
    }

    public var moduleName: String {
        func f(_ t: HWType) -> String { "\(t.isSigned ? "s" : "u")\(t.integerBits)_\(t.fraction)" }
        return "requant_\(f(from))_to_\(f(to))_\(rounding.rawValue.filter { $0 != "-" })_\(overflow.rawValue)"
    }

    public func build(_ m: ModuleBuilder) throws {
        m.describe("\(from) -> \(to), rounding \(rounding.rawValue), overflow \(overflow.rawValue)")
        let valid = m.input("in_valid", .bool)
        let x = m.input("in_x", from)
        m.output("out_valid", m.register("valid_q", next: valid, reset: 0))
        m.output("out_y", m.register("y_q", next: x.cast(to: to, rounding: rounding, overflow: overflow)))
    }

    /// The model: the exact integer cast of `FixedValue`.
    public func model(_ xBits: BigValue) -> BigValue {
        FixedValue(bits: xBits, from).cast(to: to, rounding: rounding, overflow: overflow).bits
    }
}
