import Testing
import HDL
import Engines
import Harness
import Verilog

/// Uses every operator and construct once, so lint sees each emitted form.
struct KitchenSink: Block {
    var moduleName: String { "kitchen_sink" }
    func build(_ m: ModuleBuilder) throws {
        let a = m.input("a", .sint(12)), b = m.input("b", .uint(5))
        let f = m.input("f", .fixed(signed: true, integer: 3, fraction: 9))
        let wide = m.input("wide", .uint(130))
        let sel = m.input("sel", .uint(2))
        m.output("sum", a + b)
        m.output("diff", a - b)
        m.output("prod", a * f)
        m.output("wrapsum", a &+ b)
        m.output("bitwise", (a & b) | (a ^ ~b))
        m.output("cmp", m.cat(a < b, a <= f, a > 3, b >= 2, a == b, a != f))
        m.output("shl", a << b.bits(2, 0))
        m.output("shr", a >> b)
        m.output("sshl", b << 3)
        m.output("sshr", a >> 4)
        m.output("reduce", m.cat(wide.andReduce, wide.orReduce, wide.xorReduce))
        m.output("slice", wide.bits(129, 64) ^ wide.bits(65, 0))
        m.output("rep", b.bit(0).replicated(7))
        m.output("neg", -a)
        m.output("cast_he", f.cast(to: .fixed(signed: false, integer: 2, fraction: 3), rounding: .halfEven, overflow: .saturate))
        m.output("cast_hu", (a * f).cast(to: .fixed(signed: true, integer: 8, fraction: 2), rounding: .halfUp, overflow: .wrap))
        m.output("picked", m.select(sel, [a, b.asSInt.extended(to: 12), f.asSInt, a &- 1]))
        let w = m.wire("w", .uint(5))
        w.assign(0)
        m.switch(sel) { s in
            s.is(1) { w.assign(b) }
            s.is(2) { w.assign(~b) }
        }
        m.output("sw", w)
        let direct = m.output("direct", .sint(6))
        m.when(sel == 0) { direct.assign(-5) }.otherwise { direct.assign(b.extended(to: 6).asSInt) }
        let ram = m.memory("ram", .uint(130), depth: 8)
        ram.write(addr: b.bits(2, 0), data: wide, enable: sel == 3)
        m.output("rd_sync", ram.read(addr: sel.extended(to: 3), enable: b.bit(4)))
        m.output("rd_async", ram.read(addr: b.bits(4, 2), synchronous: false).bits(7, 0))
        let r = m.register("r", .uint(5), reset: 3, async: true, enable: sel.bit(0))
        r.assign(b)
        m.output("r_q", r)
    }
}

@Suite struct LintClean {
    @Test func everyConstructLintsClean() throws {
        let emission = VerilogEmitter.emission(for: try Elaborator.elaborate(KitchenSink()))
        #expect(try Lint.check(emission.all, top: emission.top) == [])
    }

    @Test func lintReportsRealProblems() throws {
        // An unused input and a width mismatch: all three tools must not
        // pass it silently (verilator at least warns).
        let bad = "module bad (input wire [3:0] a, input wire b, output wire [2:0] y);\n  assign y = a;\nendmodule\n"
        let problems = try Lint.check([("bad.v", bad)], top: "bad")
        #expect(problems.contains { $0.hasPrefix("verilator:") && $0.contains("WIDTH") })
    }
}
