import Foundation
import Testing

/// `hwgen aqfp`: the table, and bad netlists as one line naming the file and
/// line, exit 2.
@Suite struct AQFPCLITests {
    func write(_ name: String, _ text: String) -> String { scratchFile("aqfp", name, text) }

    @Test(arguments: [
        ("cycle.v", "module m(a,y);\ninput a;\noutput y;\nwire p;\nassign p = y & a;\nassign y = p;\nendmodule\n", "cycle.v:6: combinational cycle: y -> p -> y"),
        ("bad.v", "module m(a,y);\ninput a;\noutput y;\nassign y = a <= 1;\nendmodule\n", "bad.v:4: expected ';', found '<'"),
        ("dff.v", "module m(a,y);\ninput a;\noutput y;\nreg r;\nendmodule\n", "dff.v:4: unsupported construct 'reg'"),
        ("latch.aag", "aag 1 0 1 1 0\n2 3\n2\n", "latch.aag:1: 1 latch(es): sequential AIGER is not supported"),
        ("short.aag", "aag 3 2 0 1 1\n2\n4\n6\n6 2\n", "short.aag:5: expected an AND line"),
        ("gates.blif", ".model m\n", "unknown netlist format; expected .v (structural Verilog), .aig or .aag (AIGER)"),
    ])
    func badNetlistIsOneLine(name: String, text: String, message: String) throws {
        let r = try runHwgen(["aqfp", "--input", write(name, text)])
        #expect(r.status == 2)
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
    }

    @Test func badOptions() throws {
        let path = write("ok.v", "module m(a,b,y);\ninput a, b;\noutput y;\nassign y = a & b;\nendmodule\n")
        for (args, message) in [(["--capacity", "5"], "splitter capacity 5 must be 2...4"),
                                (["--phases", "3"], "phases 3 must be 1 or 4"),
                                (["--clocking", "strict"], "--clocking strict needs --phases 4")] {
            let r = try runHwgen(["aqfp", "--input", path] + args)
            #expect(r.status == 2 && r.stderr.contains(message), "\(r.stderr)")
        }
        let missing = try runHwgen(["aqfp", "--input", "/nonexistent/x.v"])
        #expect(missing.status == 2 && missing.stderr.contains("no such file or folder"))
    }

    /// One row a netlist, with the published figures where known; --emit
    /// writes the phase-accurate Verilog.
    @Test func table() throws {
        let dir = NSTemporaryDirectory() + "hwgen-aqfp-emit-\(ProcessInfo.processInfo.processIdentifier)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try runHwgen(["aqfp", "--input", "Sources/AQFP/Benchmarks/iscas/c17.v", "--vectors", "500", "--emit", dir])
        #expect(r.status == 0, "\(r.stderr)")
        let row = r.stdout.split(separator: "\n").first { $0.hasPrefix("c17 ") }.map(String.init) ?? ""
        let cells = row.split(separator: " ").map(String.init)
        // netlist PI PO gates buf inv spl B/S JJ depth, then published 12 60 5.
        #expect(cells.prefix(10) == ["c17", "5", "2", "6", "9", "0", "3", "12", "60", "5"], "\(row)")
        #expect(row.contains("12 60 5") && row.contains("sim 500 ok"), "\(row)")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: "\(dir)/c17")) ?? []
        #expect(files.contains { $0.hasSuffix(".v") }, "\(files)")
    }
}
