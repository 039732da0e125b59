import Testing
@testable import HDL

/// A block built from a closure, for small test modules.
struct TestBlock: Block {
    let moduleName: String
    let body: (ModuleBuilder) throws -> Void
    init(_ name: String = "t", _ body: @escaping (ModuleBuilder) throws -> Void) {
        moduleName = name
        self.body = body
    }
    func build(_ m: ModuleBuilder) throws { try body(m) }
    static func == (a: TestBlock, b: TestBlock) -> Bool { a.moduleName == b.moduleName }
    func hash(into h: inout Hasher) { h.combine(moduleName) }
}

/// The diagnostics elaborating `block` raises (empty when it succeeds).
func diagnostics(_ block: TestBlock) -> [Diagnostic] {
    do {
        _ = try Elaborator.elaborate(block)
        return []
    } catch let e as ElaborationError {
        return e.diagnostics
    } catch {
        return []
    }
}

@Suite struct ShouldFail {
    let file = "HDLTests/ChecksTests.swift"

    @Test func widthMismatchOnAssignment() {
        var line = 0
        let d = diagnostics(TestBlock { m in
            let a = m.input("a", .uint(8))
            let y = m.output("y", .uint(8))
            line = #line; y.assign(a + a)
        })
        #expect(d.count == 1)
        #expect(d.first?.kind == .widthMismatch)
        #expect(d.first?.message.contains("UInt<9> (9 bits) to 'y' of type UInt<8> (8 bits)") == true)
        #expect(d.first?.loc == SourceLoc(file: file, line: line))
    }

    @Test func signednessMismatchIsATypeError() {
        let d = diagnostics(TestBlock { m in
            m.output("y", .sint(8)).assign(m.input("a", .uint(8)))
        })
        #expect(d.first?.kind == .typeMismatch)
    }

    @Test func literalTooWide() {
        var line = 0
        let d = diagnostics(TestBlock { m in
            let r = m.register("r", .uint(4), reset: 0)
            line = #line; r.assign(16)
            m.output("y", r)
        })
        #expect(d.first?.message.contains("literal 16 does not fit UInt<4>") == true)
        #expect(d.first?.loc?.line == line)
    }

    @Test func undrivenOutput() {
        var line = 0
        let d = diagnostics(TestBlock { m in
            line = #line; _ = m.output("y", .uint(3))
        })
        #expect(d.map(\.kind) == [.undriven])
        #expect(d.first?.message == "output 'y' is never driven")
        #expect(d.first?.loc == SourceLoc(file: file, line: line))
    }

    @Test func multipleDrivers() {
        var line = 0
        let d = diagnostics(TestBlock { m in
            let a = m.input("a", .uint(2))
            let w = m.wire("w", .uint(2))
            w.assign(a)
            line = #line; w.assign(~a)
            m.output("y", w)
        })
        #expect(d.map(\.kind) == [.multipleDrivers])
        #expect(d.first?.message.contains("'w' is assigned twice") == true)
        #expect(d.first?.loc?.line == line)
    }

    @Test func latchIsRejected() {
        var line = 0
        let d = diagnostics(TestBlock { m in
            let c = m.input("c", .bool)
            line = #line; let w = m.wire("w", .uint(2))
            m.when(c) { w.assign(1) }
            m.output("y", w)
        })
        #expect(d.map(\.kind) == [.latch])
        #expect(d.first?.message.contains("wire 'w' is not assigned on every path") == true)
        #expect(d.first?.loc?.line == line)
    }

    @Test func fullyCoveredWhenIsNoLatch() {
        let d = diagnostics(TestBlock { m in
            let c = m.input("c", .bool), e = m.input("e", .bool)
            let w = m.wire("w", .uint(2))
            m.when(c) { w.assign(1) }.elseWhen(e) { w.assign(2) }.otherwise { w.assign(3) }
            m.output("y", w)
        })
        #expect(d.isEmpty)
    }

    @Test func combinationalLoopPrintsItsPath() {
        var line = 0
        let d = diagnostics(TestBlock { m in
            let a = m.input("a", .uint(4))
            line = #line; let p = m.wire("p", .uint(4))
            let q = m.wire("q", .uint(4))
            q.assign(p ^ a)
            p.assign(q)
            m.output("y", q)
        })
        #expect(d.map(\.kind) == [.combinationalLoop])
        let msg = d.first?.message ?? ""
        #expect(msg == "combinational loop: q -> p -> q" || msg == "combinational loop: p -> q -> p")
        #expect(d.first?.loc?.line == line || d.first?.loc?.line == line + 1, "\(String(describing: d.first?.loc)) vs \(line)")
    }

    @Test func loopThroughARegisterIsFine() {
        let d = diagnostics(TestBlock { m in
            let r = m.register("count", .uint(4), reset: 0)
            r.assign(r &+ 1)
            m.output("y", r)
        })
        #expect(d.isEmpty)
    }

    @Test func drivingAnInputPort() {
        var line = 0
        let d = diagnostics(TestBlock { m in
            let a = m.input("a", .uint(4))
            line = #line; a.assign(3)
            m.output("y", a)
        })
        #expect(d.map(\.kind) == [.direction])
        #expect(d.first?.message == "cannot drive input port 'a'")
        #expect(d.first?.loc?.line == line)
    }

    @Test func readingAChildInput() throws {
        let child = TestBlock("child") { m in m.output("y", m.input("x", .uint(2))) }
        let d = diagnostics(TestBlock("parent") { m in
            let u = try m.instance(child, name: "u")
            u.input("x").assign(m.input("a", .uint(2)))
            m.output("y", u.input("x") ^ u.output("y"), line: 7777)
        })
        #expect(d.map(\.kind) == [.direction])
        #expect(d.first?.message == "input 'x' of instance 'u' is read; it can only be driven")
        #expect(d.first?.loc?.line == 7777)
    }

    @Test func nameClash() {
        var first = 0, second = 0
        let d = diagnostics(TestBlock { m in
            first = #line; let a = m.input("a", .uint(1))
            second = #line; let b = m.wire("a", a)
            m.output("y", b)
        })
        #expect(d.first?.kind == .nameClash)
        #expect(d.first?.message == "name 'a' is declared twice (first declared at \(file):\(first))")
        #expect(d.first?.loc?.line == second)
    }

    @Test func keywordNamesAreEscapedNotRejected() throws {
        let ir = try Elaborator.elaborate(TestBlock { m in
            m.output("output", m.input("reg", .uint(2)))
        })
        #expect(ir.ports.map(\.name) == ["reg_", "output_"])
    }

    @Test func illegalIdentifiersAreEscaped() throws {
        let ir = try Elaborator.elaborate(TestBlock { m in
            m.output("9lives", m.input("data-in.x", .uint(2)))
        })
        #expect(ir.ports.map(\.name) == ["data_in_x", "n9lives"])
    }

    @Test func badWidthIsAnErrorNotATrap() {
        let d = diagnostics(TestBlock { m in
            m.output("y", m.input("a", .uint(0)))
        })
        #expect(d.first?.kind == .badArgument)
        #expect(d.first?.message.contains("width must be at least 1") == true)
    }

    @Test func sliceOutOfRange() {
        var line = 0
        let d = diagnostics(TestBlock { m in
            let a = m.input("a", .uint(4))
            line = #line; m.output("y", a.bits(5, 2))
        })
        #expect(d.first?.message == "bits(5, 2) is outside UInt<4> (bits 3...0)")
        #expect(d.first?.loc?.line == line)
    }

    @Test func memoryWriteInsideWhenIsRejected() {
        var line = 0
        let d = diagnostics(TestBlock { m in
            let a = m.input("a", .uint(2)), c = m.input("c", .bool)
            let mem = m.memory("mem", .uint(2), depth: 4)
            m.when(c) {
                line = #line; mem.write(addr: a, data: a, enable: c)
            }
            m.output("y", mem.read(addr: a))
        })
        #expect(d.first?.message == "write to memory 'mem' inside a when block; move it out and give the condition as enable:")
        #expect(d.first?.loc?.line == line)
    }

    @Test func elseWhenMustFollowItsWhen() {
        let d = diagnostics(TestBlock { m in
            let c = m.input("c", .bool)
            let w = m.wire("w", .bool)
            w.assign(0)
            let chain = m.when(c) { w.assign(1) }
            let v = m.wire("v", .bool)
            v.assign(c)
            chain.otherwise { w.assign(0) }
            m.output("y", w ^ v)
        })
        #expect(d.first?.message == "elseWhen/otherwise must follow its when directly, in the same scope")
    }

    @Test func twoDefinitionsWithOneName() {
        let a = TestBlock("same") { m in m.output("y", m.input("x", .uint(1))) }
        struct Other: Block {
            var moduleName: String { "same" }
            func build(_ m: ModuleBuilder) throws { m.output("y", m.input("x", .uint(2))) }
        }
        let d = diagnostics(TestBlock("top") { m in
            _ = try m.instance(a, name: "u0")
            _ = try m.instance(Other(), name: "u1")
        })
        #expect(d.first?.kind == .nameClash)
        #expect(d.first?.message.contains("two different definitions are both named 'same'") == true)
    }
}
