import Foundation
import Testing
import Catalog


@Suite struct ReportCLI {
    /// `hwgen report` prints the generic table for every design with no
    /// report of its own (measured in the Swift engine here; make test runs
    /// every design's report sets in Verilator).
    @Test(arguments: Catalog.designs.filter { (try? $0.instantiate().reports.isEmpty) == true }.map(\.name))
    func everyDesignHasATable(design: String) throws {
        let (status, out, err) = try runHwgen(["report", "--design", design, "--engine", "swift", "--vectors", "300"])
        #expect(status == 0, "\(err)")
        for row in ["top module", "IR nodes", "registers (bits)", "memory bits", "multipliers", "model check (swift)"] {
            #expect(out.contains(row), "\(design): no '\(row)' in\n\(out)")
        }
        #expect(out.contains("PASS report design=\(design):"), "\(out)")
    }

    /// The generators' reports run the spec's gates (few samples here) and
    /// write the histogram.
    @Test(arguments: [["rlf", "--param", "n=31"], ["wallace", "--param", "log2n=8"]])
    func generatorReportsRunTheGates(args: [String]) throws {
        let dir = NSTemporaryDirectory() + "hwgen-svg-\(ProcessInfo.processInfo.processIdentifier)-\(args[0])"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (status, out, err) = try runHwgen(["report", "--design"] + args + [
            "--engine", "swift", "--vectors", "300", "--samples", "65536", "--seeds", "4", "--per-seed", "8192", "--svg-dir", dir])
        #expect(status == 0, "\(err)\n\(out)")
        #expect(out.contains("chi-square p") && out.contains("two-level KS p (4 seeds)") && out.contains("gates passed"), "\(out)")
        let svg = try String(contentsOfFile: "\(dir)/\(args[0])-gates.svg", encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("N(0,1) density"))
    }

    /// `list --reports` names a set for every design, each of which builds.
    @Test func everyDesignHasAReportSet() throws {
        let (status, out, _) = try runHwgen(["list", "--reports"])
        #expect(status == 0)
        let named = Set(out.split(separator: "\n").map { String($0.split(separator: " ")[0]) })
        #expect(named == Set(Catalog.designs.map(\.name)))
        for d in Catalog.designs { for set in d.reportSets { _ = try d.instantiate(set) } }
    }
}
