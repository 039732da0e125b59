import Testing
import HDL
import Engines
import Harness
import Verilog

// A small design using what `pe` does not: hierarchy (one definition, an
// instance of each of two children), a ROM with synchronous read, registers
// with asynchronous reset, and `switch`. Checked in Verilator against an
// independent Swift model.

let table: [Int] = (0..<16).map { ($0 * 37 + 11) % 256 - 128 }

struct CoeffROM: Block {
    var moduleName: String { "coeff_rom" }
    func build(_ m: ModuleBuilder) throws {
        let addr = m.input("addr", .uint(4))
        let rom = m.rom("table", .sint(8), contents: table.map { BigValue($0) })
        m.output("c", rom.read(addr: addr))
    }
}

struct ALU: Block {
    var moduleName: String { "alu" }
    func build(_ m: ModuleBuilder) throws {
        let valid = m.input("valid", .bool), op = m.input("op", .uint(2))
        let x = m.input("x", .sint(8)), c = m.input("c", .sint(8))
        let acc = m.register("acc", .sint(16), reset: 0, async: true)
        m.when(valid) {
            m.switch(op) { s in
                s.is(0) { acc.assign((acc + x * c).cast(to: .sint(16), overflow: .wrap)) }
                s.is(1) { acc.assign((acc - x).cast(to: .sint(16), overflow: .wrap)) }
                s.is(2) { acc.assign(acc ^ c) }
                s.default { acc.assign(0) }
            }
        }
        m.output("acc_q", acc)
        m.output("valid_q", m.register("valid_r", next: valid, reset: 0, async: true))
    }
}

struct FeatureTop: Block, Design {
    static let name = "feature_top"
    static let summary = "hierarchy, ROM, async reset and switch together"
    init(_ p: NoParams = NoParams()) {}
    var moduleName: String { "feature_top" }
    func build(_ m: ModuleBuilder) throws {
        let valid = m.input("in_valid", .bool), op = m.input("op", .uint(2))
        let x = m.input("x", .sint(8)), idx = m.input("idx", .uint(4))
        let rom = try m.instance(CoeffROM(), name: "rom")
        let alu = try m.instance(ALU(), name: "alu")
        rom.input("addr").assign(idx)
        // The ROM answers a cycle later; delay the rest to meet it.
        alu.input("valid").assign(m.register("valid1", next: valid, reset: 0, async: true))
        alu.input("op").assign(m.delay("op", op, stages: 1))
        alu.input("x").assign(m.delay("x", x, stages: 1))
        alu.input("c").assign(rom.output("c"))
        m.output("out_valid", alu.output("valid_q"))
        m.output("out_acc", alu.output("acc_q"))
    }

    var top: any Block { self }
    var ports: TestPorts { TestPorts(valid: "out_valid", data: ["out_acc"], latency: 2) }

    func stimulus(seed: UInt64, vectors: Int) -> Stimulus {
        var s = Stimulus(ports: ["in_valid", "op", "x", "idx"])
        var rng = SplitMix64(seed: seed)
        for i in 0..<vectors {
            let op = i < 600 ? BigValue(0) : rng.bits(2)   // a long run of MACs first, to wrap
            s.add(["in_valid": rng.next() % 5 == 0 ? 0 : 1, "op": op, "x": rng.bits(8), "idx": rng.bits(4)])
        }
        s.add([:])
        s.add([:])
        return s
    }

    func expected(_ s: Stimulus) -> [Transaction] {
        var acc = 0
        var out: [Transaction] = []
        func wrap16(_ v: Int) -> Int { ((v + 32768) % 65536 + 65536) % 65536 - 32768 }
        for (cycle, row) in s.cycles.enumerated() where !row[0].isZero {
            let op = row[1].intValue ?? 0
            let raw = row[2].intValue ?? 0
            let x = raw >= 128 ? raw - 256 : raw
            let c = table[row[3].intValue ?? 0]
            switch op {
            case 0: acc = wrap16(acc + x * c)
            case 1: acc = wrap16(acc - x)
            case 2: acc = wrap16(acc ^ c)
            default: acc = 0
            }
            out.append(Transaction(cycle: cycle + 2, values: [BigValue(acc).modPow2(16)]))
        }
        return out
    }
}

@Suite(.serialized) struct Hierarchy {
    @Test func featureTopMatchesItsModel() throws {
        let r = try VerilatorEngine().verify(FeatureTop(), name: "feature_top", seed: 3, vectors: 20_000)
        #expect(r.passed, "\(r.mismatches)")
    }

    /// The same design and model in the Swift engine: ROM, async reset,
    /// switch, a child used twice.
    @Test func featureTopMatchesItsModelInTheSwiftEngine() throws {
        let r = try SwiftEngine().verify(FeatureTop(), name: "feature_top", seed: 3, vectors: 20_000)
        #expect(r.passed, "\(r.mismatches)")
    }

    @Test func featureTopEmitsEachModuleOnceAndLintsClean() throws {
        let ir = try Elaborator.elaborate(FeatureTop())
        let emission = VerilogEmitter.emission(for: ir)
        let files = emission.verilog
        // Each module once, named by its stem and a hash of its text.
        #expect(files.map(\.name) == ["coeff_rom", "alu", "feature_top"].map { "\(emission.names[$0]!).v" })
        #expect(emission.names.allSatisfy { $0.value.count == $0.key.count + 9 && $0.value.hasPrefix($0.key + "_") })
        #expect(emission.top == emission.names["feature_top"])
        // `table` is a Verilog keyword: the designer's name is escaped. Its
        // contents are a $readmemh file named through a parameter.
        #expect(files[0].text.contains("always @(posedge clk) begin\n        _table__rd0 <= table_[addr];"))
        #expect(files[0].text.contains("initial $readmemh(INIT_table_, table_);"))
        #expect(emission.data.count == 1 && files[0].text.contains("parameter INIT_table_ = \"\(emission.data[0].name)\""))
        #expect(files[1].text.contains("always @(posedge clk or posedge arst) begin"))
        #expect(try Lint.check(emission.all, top: emission.top) == [])
        // Inline contents stay available and lint as clean.
        let inline = VerilogEmitter.emission(for: ir, roms: .inline)
        #expect(inline.data.isEmpty && !inline.verilog[0].text.contains("readmemh"))
        #expect(try Lint.check(inline.all, top: inline.top) == [])
    }
}
