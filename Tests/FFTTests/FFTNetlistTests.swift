import Foundation
import Testing
@testable import FFT
import Engines
import Harness
import HDL
import Verilog

/// The emitted Verilog of every fft test set: lint-clean in the three
/// tools, no latch, and as many multipliers in Yosys's netlist as the
/// architecture says.
@Suite struct FFTNetlistTests {
    static var sets: [FFTDesign.Params] { [FFTDesign.Params()] + FFTDesign.testSets }

    @Test(arguments: sets)
    func lintCleanNoLatchesAndTheMultiplierCount(params: FFTDesign.Params) throws {
        let d = try FFTDesign(params)
        let ir = try Elaborator.elaborate(d.top)
        let e = VerilogEmitter.emission(for: ir)
        #expect(try Lint.check(e.all, top: e.top) == [], "\(params.summary)")

        let fm = FileManager.default
        let dir = fm.temporaryDirectory.path + "/hwgen-fft-netlist-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: dir) }
        for f in e.all { try AtomicFiles.write(f.text, to: "\(dir)/\(f.name)") }
        let files = e.verilog.map(\.name).joined(separator: " ")
        let yosys = try #require(Shell.which("yosys"))
        let (status, out) = try Shell.run(yosys, ["-p", "read_verilog \(files); hierarchy -check -top \(e.top); proc; flatten; opt; select -assert-none t:$dlatch t:$adlatch t:$sr; stat"], cwd: dir)
        #expect(status == 0, "\(out.suffix(300))")
        // The last `stat` of a flattened design: "$mul   N".
        let muls = out.split(separator: "\n").filter { $0.contains("$mul") }.last
            .flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        #expect(muls == d.multipliers, "\(params.summary): \(muls) \\$mul cells, architecture \(d.multipliers)")
    }
}

/// Several FFTs in one design elaborate side by side (their shared stage
/// blocks agree on every name) and lint clean together.
struct ManyFFTs: Block {
    var moduleName: String { "many_ffts" }
    func build(_ m: ModuleBuilder) throws {
        let valid = m.input("in_valid", .bool), start = m.input("in_start", .bool)
        let re = m.input("in_re", .sint(16)), im = m.input("in_im", .sint(16))
        var outs: [Signal] = []
        let sets = try [
            FFTDesign.Params.parse([], design: "fft"), FFTDesign.Params.parse(["n=16"], design: "fft"),
            FFTDesign.Params.parse(["dir=inverse"], design: "fft"), FFTDesign.Params.parse(["mults=4"], design: "fft"),
            FFTDesign.Params.parse(["input=real"], design: "fft"),
        ]
        for (i, params) in sets.enumerated() {
            let d = try FFTDesign(params)
            let inst = try m.instance(d.top, name: "fft\(i)")
            inst.input("in_valid").assign(valid)
            inst.input("in_start").assign(start)
            inst.input("in_re").assign(re)
            inst.input("in_im").assign(im)
            outs.append(inst.output("out_re").xorReduce ^ inst.output("out_im").xorReduce ^ inst.output("out_valid") ^ inst.output("out_start") ^ inst.output("out_overflow"))
            if d.isRealForward { outs.append(inst.output("out_mirror_re").xorReduce ^ inst.output("out_mirror_im").xorReduce) }
        }
        m.output("out", m.cat(outs))
    }
}

@Suite struct FFTHierarchyTests {
    @Test func severalFFTsInOneDesign() throws {
        let ir = try Elaborator.elaborate(ManyFFTs())
        let e = VerilogEmitter.emission(for: ir)
        #expect(try Lint.check(e.all, top: e.top) == [])
    }
}
