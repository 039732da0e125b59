import Testing
import Arithmetic
import Harness
import HDL
import Sim

@Suite struct IntegerModel {
    /// The golden models' integer helpers against the exact rational cast
    /// of `FixedValue` (itself checked against rationals in HDLTests).
    @Test func rawHelpersMatchTheExactCast() {
        var rng = SplitMix64(seed: 17)
        for _ in 0..<20_000 {
            let x = Int(Int64(bitPattern: rng.next()) >> 20)
            let shift = Int(rng.next() % 20)
            let bits = 2 + Int(rng.next() % 30)
            let from = HWType(width: 44, signed: true, fraction: shift)
            let want = FixedValue(bits: BigValue(x).modPow2(44), from)
                .cast(to: HWType(width: bits, signed: true, fraction: 0), rounding: .halfEven, overflow: .saturate).raw
            #expect(BigValue(Raw.signed(Raw.halfEven(x, shift: shift), bits: bits)) == want, "x=\(x) shift=\(shift) bits=\(bits)")
        }
        #expect(Raw.unsigned(-3, bits: 4) == 0 && Raw.unsigned(99, bits: 4) == 15 && Raw.unsigned(7, bits: 4) == 7)
    }
}

/// n terms of mixed signedness, fractions and widths summed by the tree.
struct TreeTop: Block {
    let types: [HWType]
    var moduleName: String { "tree\(types.count)" }
    func build(_ m: ModuleBuilder) throws {
        let terms = types.enumerated().map { m.input("x\($0.offset)", $0.element) }
        m.output("sum", AdderTree.sum(terms))
    }
}

@Suite struct AdderTreeSums {
    @Test(arguments: 1...9)
    func treeIsExact(n: Int) throws {
        var rng = SplitMix64(seed: UInt64(n))
        let types = (0..<n).map { i in
            HWType(width: 1 + Int(rng.next() % 40), signed: i % 2 == 0, fraction: Int(rng.next() % 3))
        }.map { $0.isSigned && $0.width < 2 ? HWType(width: 2, signed: true, fraction: $0.fraction) : $0 }
        let ir = try Elaborator.elaborate(TreeTop(types: types))
        let sim = try Simulator(ir)
        let out = sim.outputs[0]
        let outType = ir.ports.first { $0.name == "sum" }!.type
        // The tree keeps every bit: depth ceil(log2 n) adders, and the sum
        // in a common format with the largest fraction.
        for _ in 0..<300 {
            var exact = BigValue.zero
            for (i, t) in types.enumerated() {
                let bits = rng.bits(t.width)
                sim.setInput(i, bits)
                exact = exact + (FixedValue(bits: bits, t).raw << (outType.fraction - t.fraction))
            }
            sim.eval()
            #expect(FixedValue(bits: BigValue(words: sim.words(out)), outType).raw == exact)
        }
    }
}

/// a · b twice: `*` and `LogicMultiplier`, side by side.
struct ProductTop: Block {
    let a: HWType, b: HWType
    var moduleName: String { "products" }
    func build(_ m: ModuleBuilder) throws {
        let x = m.input("a", a), y = m.input("b", b)
        m.output("by_star", x * y)
        m.output("by_logic", LogicMultiplier.product(m, x, y))
    }
}

@Suite struct LogicProducts {
    /// Every pair of values of small operands of each signedness (both
    /// orders of width), against the exact integer product and `*`'s type.
    @Test(arguments: [(3, false, 4, true), (4, true, 6, true), (6, false, 4, false), (5, true, 2, false),
                      (1, false, 5, true), (2, true, 1, true), (8, false, 5, true)])
    func logicProductIsExact(wa: Int, sa: Bool, wb: Int, sb: Bool) throws {
        let ta = HWType(width: wa, signed: sa, fraction: 2), tb = HWType(width: wb, signed: sb, fraction: 1)
        let ir = try Elaborator.elaborate(ProductTop(a: ta, b: tb))
        let sim = try Simulator(ir)
        let types = ["by_star", "by_logic"].map { n in ir.ports.first { $0.name == n }!.type }
        #expect(types[0] == types[1])
        for x in 0..<(1 << wa) {
            for y in 0..<(1 << wb) {
                sim.setInput(0, BigValue(x))
                sim.setInput(1, BigValue(y))
                sim.eval()
                let want = FixedValue(bits: BigValue(x), ta).raw * FixedValue(bits: BigValue(y), tb).raw
                for (k, out) in sim.outputs.enumerated() {
                    #expect(FixedValue(bits: BigValue(words: sim.words(out)), types[k]).raw == want, "x=\(x) y=\(y) output \(k)")
                }
            }
        }
    }
}
