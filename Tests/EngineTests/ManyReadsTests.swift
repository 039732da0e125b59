import Testing
import HDL
import Engines
import Harness
import Verilog

// A memory with more read ports than one Verilog array serves
// (VerilogEmitter.readsPerArray) is emitted as copies that take every write.
// Checked in Verilator against a model written here: six asynchronous and
// three synchronous reads of a written RAM, and a ROM read five times.

let manyReadsInitial: [Int] = (0..<16).map { ($0 * 29 + 3) % 256 }
let manyReadsROM: [Int] = (0..<16).map { ($0 * 71 + 5) % 256 }

struct ManyReads: Block, Design {
    static let name = "many_reads"
    static let summary = "a RAM read nine times and a ROM read five times"
    init(_ p: NoParams = NoParams()) {}
    var moduleName: String { "many_reads" }
    static let asyncReads = 6, syncReads = 3, romReads = 5

    func build(_ m: ModuleBuilder) throws {
        let we = m.input("we", .bool), waddr = m.input("waddr", .uint(4)), wdata = m.input("wdata", .uint(8))
        let ram = m.memory("store", .uint(8), initial: manyReadsInitial.map { BigValue($0) })
        let rom = m.rom("coeffs", .uint(8), contents: manyReadsROM.map { BigValue($0) })
        for i in 0..<ManyReads.asyncReads {
            m.output("a\(i)", ram.read(addr: m.input("ra\(i)", .uint(4)), synchronous: false))
        }
        for i in 0..<ManyReads.syncReads {
            m.output("s\(i)", ram.read(addr: m.input("rs\(i)", .uint(4)), synchronous: true))
        }
        for i in 0..<ManyReads.romReads {
            m.output("c\(i)", rom.read(addr: m.input("rc\(i)", .uint(4)), synchronous: false))
        }
        ram.write(addr: waddr, data: wdata, enable: we)
        m.output("valid", m.register("started", next: m.literal(1, .bool), reset: 0))
    }

    var top: any Block { self }
    static var outputs: [String] {
        (0..<asyncReads).map { "a\($0)" } + (0..<syncReads).map { "s\($0)" } + (0..<romReads).map { "c\($0)" }
    }
    static var addressInputs: [String] {
        (0..<asyncReads).map { "ra\($0)" } + (0..<syncReads).map { "rs\($0)" } + (0..<romReads).map { "rc\($0)" }
    }
    var ports: TestPorts { TestPorts(valid: "valid", data: ManyReads.outputs) }

    func stimulus(seed: UInt64, vectors: Int) -> Stimulus {
        let names = ["we", "waddr", "wdata"] + ManyReads.addressInputs
        var s = Stimulus(ports: names)
        var rng = SplitMix64(seed: seed)
        for _ in 0..<vectors {
            var row: [String: BigValue] = ["we": rng.bits(1), "waddr": rng.bits(4), "wdata": rng.bits(8)]
            for a in ManyReads.addressInputs { row[a] = rng.bits(4) }
            s.add(row)
        }
        return s
    }

    /// Cycle c shows the asynchronous reads of c's addresses and the
    /// synchronous reads of c − 1's, both of the RAM as written before c.
    func expected(_ s: Stimulus) -> [Transaction] {
        var ram = manyReadsInitial
        var out: [Transaction] = []
        var syncPrevious: [Int] = []
        for (c, row) in s.cycles.enumerated() {
            let v = row.map { $0.intValue ?? 0 }
            let addr = Array(v[3...])
            let async = (0..<ManyReads.asyncReads).map { ram[addr[$0]] }
            let sync = (0..<ManyReads.syncReads).map { ram[addr[ManyReads.asyncReads + $0]] }
            let roms = (0..<ManyReads.romReads).map { manyReadsROM[addr[ManyReads.asyncReads + ManyReads.syncReads + $0]] }
            if c > 0 {
                out.append(Transaction(cycle: c, values: (async + syncPrevious + roms).map { BigValue($0) }))
            }
            syncPrevious = sync
            if v[0] == 1 { ram[v[1]] = v[2] }
        }
        return out
    }
}

@Suite struct ManyReadPorts {
    @Test func copiesServeEveryReadInVerilator() throws {
        let ir = try Elaborator.elaborate(ManyReads())
        let text = VerilogEmitter.emission(for: ir).verilog[0].text
        // 9 reads: three arrays of the RAM, each written; 5 reads: two of the ROM.
        #expect(text.contains("store__copy2 [0:15]") && !text.contains("store__copy3"))
        #expect(text.components(separatedBy: "__copy2[waddr] <= wdata").count == 2)
        #expect(text.contains("coeffs__copy1 [0:15]") && !text.contains("coeffs__copy2"))
        #expect(text.components(separatedBy: "$readmemh(INIT_coeffs, coeffs").count == 3)
        let r = try VerilatorEngine().verify(ManyReads(), name: "many_reads", seed: 11, vectors: 3_000)
        #expect(r.passed, "\(r.mismatches)")
    }
}
