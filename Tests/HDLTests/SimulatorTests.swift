import Foundation
import Testing
@testable import HDL
import Sim

/// The Swift engine against plain integer arithmetic: every output is read
/// back as a number of its type and compared with the exact result.
@Suite struct SimulatorArithmetic {
    func number(_ raw: BigValue, _ t: HWType) -> BigValue { raw.wrapped(width: t.width, signed: t.isSigned) }
    func bits(_ v: BigValue, _ w: Int) -> BigValue { v.modPow2(w) }

    @Test(arguments: 0..<6)
    func operatorsMatchIntegerMath(chunk: Int) throws {
        var rng = SplitMix(seed: 77 + UInt64(chunk))
        for trial in 0..<40 {
            let ta = HWType(width: rng.int(1...200), signed: rng.next() % 2 == 0)
            let tb = HWType(width: rng.int(1...200), signed: rng.next() % 2 == 0)
            let k = rng.int(0...ta.width + 2)
            let hi = rng.int(0...ta.width - 1), lo = rng.int(0...hi)
            var types: [String: HWType] = [:]
            let block = TestBlock("arith\(chunk)_\(trial)") { m in
                let a = m.input("a", ta), b = m.input("b", tb)
                let c = m.input("c", .bool), amt = m.input("amt", .uint(8)), amt3 = m.input("amt3", .uint(3))
                func out(_ n: String, _ s: Signal) { types[n] = s.type; m.output(n, s) }
                out("sum", a + b)
                out("diff", a - b)
                out("prod", a * b)
                out("wrap", a &+ b)
                out("bxor", a ^ b)
                out("lt", a < b)
                out("ge", a >= b)
                out("eq", a == b)
                out("shr", a >> k)
                out("shrd", a >> amt)
                out("shld", a << amt3)
                out("slice", a.bits(hi, lo))
                out("cat", m.cat(a, b))
                out("mux", m.mux(c, a, b))
                out("andr", a.andReduce)
                out("xorr", a.xorReduce)
                out("neg", -a)
            }
            let sim = try Simulator(try Elaborator.elaborate(block))
            for _ in 0..<15 {
                let ra = rng.raw(in: ta), rb = rng.raw(in: tb)   // numbers in range
                let c = rng.int(0...1), amt = rng.int(0...255), amt3 = rng.int(0...7)
                try sim.poke("a", bits(ra, ta.width))
                try sim.poke("b", bits(rb, tb.width))
                try sim.poke("c", c)
                try sim.poke("amt", amt)
                try sim.poke("amt3", amt3)
                sim.eval()
                func get(_ n: String) throws -> BigValue { number(try sim.peek(n), types[n]!) }
                let common = HWType.common(ta, tb)
                let ctx = "a=\(ra) \(ta) b=\(rb) \(tb)"
                #expect(try get("sum") == ra + rb, "\(ctx)")
                #expect(try get("diff") == ra - rb, "\(ctx)")
                #expect(try get("prod") == ra * rb, "\(ctx)")
                #expect(try get("wrap") == (ra + rb).wrapped(width: common.width, signed: common.isSigned), "\(ctx)")
                #expect(try get("bxor") == ra.xor(rb).wrapped(width: common.width, signed: common.isSigned), "\(ctx)")
                #expect(try get("lt") == (ra < rb ? 1 : 0), "\(ctx)")
                #expect(try get("ge") == (ra >= rb ? 1 : 0), "\(ctx)")
                #expect(try get("eq") == (ra == rb ? 1 : 0), "\(ctx)")
                #expect(try get("shr") == ra >> k, "\(ctx) k=\(k)")
                #expect(try get("shrd") == ra >> amt, "\(ctx) amt=\(amt)")
                #expect(try get("shld") == ra << amt3, "\(ctx) amt3=\(amt3)")
                #expect(try get("slice") == bits(ra, ta.width).floorShiftRight(lo).modPow2(hi - lo + 1), "\(ctx)")
                #expect(try get("cat") == (bits(ra, ta.width) << tb.width) + bits(rb, tb.width), "\(ctx)")
                #expect(try get("mux") == (c == 1 ? ra : rb), "\(ctx)")
                #expect(try get("andr") == (bits(ra, ta.width) == BigValue.pow2(ta.width) - 1 ? 1 : 0), "\(ctx)")
                let ones = bits(ra, ta.width).toString(radix: 2).filter { $0 == "1" }.count
                #expect(try get("xorr") == BigValue(ones % 2), "\(ctx)")
                #expect(try get("neg") == -ra, "\(ctx)")
            }
        }
    }

    @Test func castMatchesExactRationals() throws {
        var rng = SplitMix(seed: 5)
        for trial in 0..<60 {
            let from = rng.type(maxWidth: 140), to = rng.type(maxWidth: 140)
            let r = Rounding.allCases[trial % 3], o = Overflow.allCases[trial / 3 % 2]
            let block = TestBlock("cast\(trial)") { m in
                m.output("y", m.input("x", from).cast(to: to, rounding: r, overflow: o))
            }
            let sim = try Simulator(try Elaborator.elaborate(block))
            for _ in 0..<20 {
                let x = rng.raw(in: from)
                try sim.poke("x", x.modPow2(from.width))
                sim.eval()
                let want = referenceCast(raw: x, from: from, to: to, r, o)
                #expect(number(try sim.peek("y"), to) == want, "\(x) \(from) -> \(to) \(r) \(o)")
            }
        }
    }
}

@Suite struct SimulatorState {
    @Test func registersResetsAndEnable() throws {
        let block = TestBlock("counters") { m in
            let en = m.input("en", .bool)
            let count = m.register("count", .uint(130), reset: 5, enable: en)
            count.assign(count &+ 1)
            let a = m.register("a", .sint(8), reset: -3, async: true)
            a.assign(a &+ 2)
            m.output("y", count)
            m.output("z", a)
        }
        let sim = try Simulator(try Elaborator.elaborate(block))
        sim.reset()
        #expect(try sim.peek("y") == 5)
        // The async reset pulse set a to -3; the two sync-reset edges that
        // follow do not touch it, so it counted twice.
        #expect(try sim.peek("z") == 1)
        try sim.poke("en", 1)
        for _ in 0..<4 { sim.tick() }
        try sim.poke("en", 0)
        sim.tick()
        #expect(try sim.peek("y") == 9)          // four enabled edges
        #expect(try sim.peek("z") == 11)         // 1 + 5 * 2
        sim.asyncReset(true)                     // takes effect without an edge
        #expect(try sim.peek("z") == BigValue(-3).modPow2(8))
        sim.asyncReset(false)
        sim.rst = true
        sim.tick()
        #expect(try sim.peek("y") == 5)
    }

    @Test func counterWrapsAcrossWords() throws {
        let block = TestBlock("wide") { m in
            let r = m.register("r", .uint(70), reset: 0)
            r.assign(r &- 1)
            m.output("y", r)
        }
        let sim = try Simulator(try Elaborator.elaborate(block))
        sim.reset()
        sim.tick()
        #expect(try sim.peek("y") == BigValue.pow2(70) - 1)
        sim.tick()
        #expect(try sim.peek("y") == BigValue.pow2(70) - 2)
    }

    @Test func memoriesReadOldDataOnAWriteEdge() throws {
        let block = TestBlock("ram") { m in
            let we = m.input("we", .bool), addr = m.input("addr", .uint(3)), data = m.input("data", .uint(100))
            let mem = m.memory("mem", .uint(100), depth: 8)
            mem.write(addr: addr, data: data, enable: we)
            m.output("sync", mem.read(addr: addr))
            m.output("async", mem.read(addr: addr, synchronous: false))
        }
        let sim = try Simulator(try Elaborator.elaborate(block))
        sim.reset()
        let big = BigValue.pow2(99) + 12345
        try sim.poke("we", 1)
        try sim.poke("addr", 3)
        try sim.poke("data", big)
        sim.eval()
        #expect(try sim.peek("async") == 0)
        sim.tick()                                // write; the sync read saw the old word
        #expect(try sim.peek("sync") == 0)
        #expect(try sim.peek("async") == big)
        try sim.poke("we", 0)
        sim.tick()
        #expect(try sim.peek("sync") == big)
        #expect(try sim.peekMemory("mem", 3) == big)
    }

    @Test func childSignalsHaveHierarchicalNames() throws {
        let child = TestBlock("child") { m in
            let x = m.input("x", .uint(8))
            let acc = m.register("acc", .uint(8), reset: 0)
            acc.assign(acc &+ x)
            m.output("y", acc)
        }
        let top = TestBlock("parent") { m in
            let x = m.input("x", .uint(8))
            var outs: [Signal] = []
            for i in 0..<2 {
                let u = try m.instance(child, name: "u\(i)")
                u.input("x").assign(i == 0 ? x : ~x)
                outs.append(u.output("y"))
            }
            m.output("y", m.cat(outs))
        }
        let sim = try Simulator(try Elaborator.elaborate(top))
        sim.reset()
        try sim.poke("x", 3)
        sim.tick()
        sim.tick()
        #expect(try sim.peek("u0.acc") == 6)
        #expect(try sim.peek("u1.acc") == BigValue((2 * 252) % 256))
        #expect(try sim.peek("y") == BigValue(6 * 256 + (2 * 252) % 256))
        #expect(throws: UserError.self) { try sim.peek("u2.acc") }
    }

    @Test func blackBoxesAreRefused() throws {
        let top = TestBlock("usesbb") { m in
            let u = try m.instance(BlackBox("vendor_ip", inputs: [("a", .uint(4))], outputs: [("y", .uint(4))]), name: "ip")
            u.input("a").assign(m.input("a", .uint(4)))
            m.output("y", u.output("y"))
        }
        let ir = try Elaborator.elaborate(top)
        #expect(throws: UserError.self) { try Simulator(ir) }
    }

    @Test func traceWritesScopesAndChanges() throws {
        let child = TestBlock("tchild") { m in
            m.output("y", m.register("q", next: m.input("x", .uint(4)), reset: 0))
        }
        let top = TestBlock("ttop") { m in
            let u = try m.instance(child, name: "u")
            u.input("x").assign(m.input("x", .uint(4)))
            m.output("y", u.output("y"))
        }
        let path = NSTemporaryDirectory() + "hwgen-sim-\(ProcessInfo.processInfo.processIdentifier).vcd"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sim = try Simulator(try Elaborator.elaborate(top))
        try sim.trace(to: path)
        sim.reset()
        try sim.poke("x", 9)
        sim.tick()
        sim.closeTrace()
        let vcd = try String(contentsOfFile: path, encoding: .utf8)
        #expect(vcd.contains("$scope module u $end"))
        #expect(vcd.contains("$var wire 4 ") && vcd.contains(" q [3:0] $end"))
        #expect(vcd.contains("b1001 "))
    }
}

/// The simulator as a library user drives it: values that do not fit are
/// refused, and a waveform is complete without an explicit close.
@Suite struct SimulatorAPI {
    func counter() throws -> Simulator {
        try Simulator(try Elaborator.elaborate(TestBlock("api_counter") { m in
            let a = m.input("a", .uint(4))
            let r = m.register("r", .uint(8), reset: 0)
            r.assign((r + a).truncated(to: 8))
            m.output("y", r)
        }))
    }

    @Test func pokeRefusesValuesThatDoNotFit() throws {
        let sim = try counter()
        try sim.poke("a", 15)
        try sim.poke("a", -8)            // two's complement of 4 bits
        #expect(throws: UserError.self) { try sim.poke("a", 16) }
        #expect(throws: UserError.self) { try sim.poke("a", -9) }
    }

    @Test func traceIsFlushedWhenTheSimulatorGoes() throws {
        let path = NSTemporaryDirectory() + "hwgen-vcd-\(ProcessInfo.processInfo.processIdentifier).vcd"
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let sim = try counter()
            try sim.trace(to: path)
            sim.reset()
            try sim.poke("a", 3)
            for _ in 0..<5 { sim.tick() }
        }   // no closeTrace(): deinit finishes the file
        let vcd = try String(contentsOfFile: path, encoding: .utf8)
        #expect(vcd.contains("$enddefinitions"))
        #expect(vcd.contains("b1111 ") || vcd.contains("b1111\n") || vcd.split(separator: "\n").filter { $0.hasPrefix("#") }.count >= 5, "\(vcd.suffix(300))")
    }
}
