import HDL

/// L'Ecuyer's maximally equidistributed combined Tausworthe generators:
/// taus88 (three 32-bit components, period about 2^88) and taus113 (four,
/// about 2^113). Each component steps as
///     s ← ((s & mask) << a) ^ (((s << b) ^ s) >> c)      (32-bit words)
/// and the output is the XOR of the components: 32 bits per cycle.
public enum TauswortheKind: String, Sendable, CaseIterable {
    case taus88, taus113

    /// (mask, a, b, c) per component (L'Ecuyer 1996 and 1999).
    public var components: [(mask: UInt32, a: UInt32, b: UInt32, c: UInt32)] {
        switch self {
        case .taus88:
            return [(0xFFFF_FFFE, 12, 13, 19), (0xFFFF_FFF8, 4, 2, 25), (0xFFFF_FFF0, 17, 3, 11)]
        case .taus113:
            return [(0xFFFF_FFFE, 18, 6, 13), (0xFFFF_FFF8, 2, 2, 27), (0xFFFF_FFF0, 7, 13, 21), (0xFFFF_FF80, 13, 3, 12)]
        }
    }
}

extension TauswortheKind {
    /// `s` for component `i`, or with its lowest masked bit set when its
    /// masked bits are all zero (a degenerate component never leaves zero).
    public func usableSeed(_ s: UInt32, component i: Int) -> UInt32 {
        let mask = components[i].mask
        return s & mask == 0 ? s | (~mask &+ 1) : s
    }
}

/// The generator in hardware. Ports: `enable` (advance), `load` + `seed`
/// (component i in bits 32i+31...32i; a component whose masked bits are all
/// zero, which would make it degenerate, takes its reset seed instead), `u`.
public struct Tausworthe: Block {
    public let kind: TauswortheKind
    public let seeds: [UInt32]

    public init(_ kind: TauswortheKind, seeds: [UInt32]) throws {
        guard seeds.count == kind.components.count else {
            throw UserError("\(kind) needs \(kind.components.count) seeds, got \(seeds.count)")
        }
        for (i, (s, comp)) in zip(seeds, kind.components).enumerated() where s & comp.mask == 0 {
            throw UserError("\(kind) seed \(i + 1) = \(s) must exceed \(~comp.mask): its masked bits are all zero and the component would never leave zero")
        }
        self.kind = kind
        self.seeds = seeds
    }

    public var moduleName: String { "\(kind.rawValue)_" + seeds.map { String($0, radix: 16) }.joined(separator: "_") }

    public func build(_ m: ModuleBuilder) throws {
        let comps = kind.components
        m.describe("\(kind.rawValue) combined Tausworthe generator, 32 bits per cycle")
        let enable = m.input("enable", .bool)
        let load = m.input("load", .bool)
        let seedIn = m.input("seed", .uint(32 * comps.count))
        var out: Signal? = nil
        for (i, comp) in comps.enumerated() {
            let s = m.register("s\(i + 1)", .uint(32), resetValue: BigValue(UInt64(seeds[i])))
            let mask = m.literal(raw: BigValue(UInt64(comp.mask)), .uint(32))
            let left = ((s & mask) << Int(comp.a)).truncated(to: 32)
            let mixed = ((s << Int(comp.b)).truncated(to: 32) ^ s) >> Int(comp.c)
            let next = left ^ mixed.extended(to: 32)
            let given = seedIn.bits(32 * i + 31, 32 * i)
            let reseed = m.mux((given & mask) == 0, m.literal(raw: BigValue(UInt64(seeds[i])), .uint(32)), given)
            m.when(load) { s.assign(reseed) }.elseWhen(enable) { s.assign(next) }
            out = out.map { $0 ^ s } ?? s
        }
        m.output("u", out!)
    }
}

/// The generator in software, on UInt32 words.
public struct TauswortheModel {
    public let kind: TauswortheKind
    public let resetSeeds: [UInt32]
    public private(set) var state: [UInt32]

    public init(_ t: Tausworthe) {
        kind = t.kind
        resetSeeds = t.seeds
        state = t.seeds
    }

    /// The output for the current state.
    public var output: UInt32 { state.reduce(0, ^) }

    public mutating func step() {
        for (i, c) in kind.components.enumerated() {
            let s = state[i]
            state[i] = ((s & c.mask) << c.a) ^ (((s << c.b) ^ s) >> c.c)
        }
    }

    public mutating func load(_ seeds: [UInt32]) {
        for (i, c) in kind.components.enumerated() {
            state[i] = seeds[i] & c.mask == 0 ? resetSeeds[i] : seeds[i]
        }
    }
}
