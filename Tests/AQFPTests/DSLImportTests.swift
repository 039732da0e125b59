import HDL
import Testing
@testable import AQFP

/// A one-bit DSL module: a full adder with `maj` for the carry.
struct FullAdder: Block {
    var moduleName: String { "fa" }
    func build(_ m: ModuleBuilder) throws {
        let a = m.input("a", .uint(1)), b = m.input("b", .uint(1)), c = m.input("cin", .uint(1))
        let s = m.wire("s", a ^ b ^ c)
        _ = m.output("sum", s)
        _ = m.output("cout", maj(a, b, c))
        _ = m.output("pick", m.mux(a, b, ~c))
    }
}

struct Wide: Block {
    var moduleName: String { "wide" }
    func build(_ m: ModuleBuilder) throws { _ = m.output("y", m.input("a", .uint(2))) }
}

struct Clocked: Block {
    var moduleName: String { "clocked" }
    func build(_ m: ModuleBuilder) throws { _ = m.output("y", m.register("r", next: m.input("a", .uint(1)))) }
}

@Suite struct DSLImportTests {
    @Test func fullAdder() throws {
        let mig = try MIG(module: try Elaborator.elaborate(FullAdder()))
        #expect(mig.inputNames == ["a", "b", "cin"])
        #expect(mig.outputs.map(\.name) == ["sum", "cout", "pick"])
        for v in 0..<8 {
            let a = v & 1 != 0, b = v & 2 != 0, c = v & 4 != 0
            #expect(mig.evaluate([a, b, c]) == [(a != b) != c, [a, b, c].filter { $0 }.count >= 2, a ? b : !c])
        }
        // The carry is one majority node, not three ANDs and two ORs.
        var carryOnly = mig
        carryOnly.outputs = [mig.outputs[1]]
        #expect(carryOnly.gateCount == 1)
        let net = try AQFPFlow.run(mig, AQFPOptions())
        #expect(net.violations().isEmpty)
    }

    @Test func refusals() throws {
        let wide = readError { try MIG(module: try Elaborator.elaborate(Wide())) }
        #expect(wide.contains("2 bits wide"), "\(wide)")
        let reg = readError { try MIG(module: try Elaborator.elaborate(Clocked())) }
        #expect(reg.contains("register 'r'") && reg.contains("DSLImportTests.swift"), "\(reg)")
    }
}
