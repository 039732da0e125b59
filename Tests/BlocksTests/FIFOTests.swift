import Testing
import Blocks
import Engines
import Harness
import HDL

@Suite struct FIFOChecks {
    @Test func depthMustBeAPowerOfTwo() {
        #expect { try FIFODesign(.parse(["depth=12"], design: "fifo")) } throws: { "\($0)".contains("depth=12 must be a power of two") }
    }

    /// The generic report counts the FIFO's RAM under its declared kind,
    /// and measures one pop per transaction under back-pressure.
    @Test(arguments: [(16, 16), (100, 64), (1, 2)])
    func reportCountsTheRAMByKind(width: Int, depth: Int) throws {
        let d = try FIFODesign(.parse(["width=\(width)", "depth=\(depth)"], design: "fifo"))
        var o = ReportOptions()
        o.vectors = 2_000
        let ir = try Elaborator.elaborate(d.top)
        let s = try GenericReport(d).run(ReportContext(name: "fifo", ir: ir, engine: SwiftEngine(), options: o, progress: { _ in }))
        let rows = Dictionary(s.rows.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(rows["  FIFO RAM"] == "\(width * depth)")
        #expect(rows["memory bits"] == "\(width * depth)")
        #expect(rows["multipliers"] == "0")
        #expect(s.failed == 0, "\(s.rows)")
    }
}
