import Foundation
import Testing
import HDL
import Designs
import Verification

/// Every registered design at each of its test parameter sets, in the Swift engine.
let allTestSets: [(String, [String])] = Registry.designs.flatMap { d in ([[]] + d.testParams).map { (d.name, $0) } }

@Suite struct SwiftEngineVerify {
    @Test(arguments: allTestSets.indices)
    func designMatchesItsModel(index: Int) throws {
        let (name, params) = allTestSets[index]
        let entry = try #require(Registry.designs.first { $0.name == name })
        let r = try SwiftEngine().verify(name: name, try entry.instantiate(params), seed: 11, vectors: 5_000)
        #expect(r.passed, "\(name) \(params): \(r.output)")
        #expect(r.summary.hasPrefix("PASS design=\(name) vectors="))
    }

    @Test func mismatchIsReportedLikeTheHarness() throws {
        let base = try PEDesign.entry.instantiate([])
        let expected = base.expected(base.stimulus(seed: 9, vectors: 300))
        let r = try SwiftEngine().verify(name: "pe", Corrupted(base: base, index: 40), seed: 9, vectors: 300)
        #expect(!r.passed)
        #expect(r.output.contains("first mismatch: cycle=\(expected[40].cycle ?? -1) transaction=40 port=out_y"), "\(r.output)")
        #expect(r.summary.contains("mismatches=1"))
    }

    @Test func traceFromTheSwiftEngine() throws {
        let path = NSTemporaryDirectory() + "hwgen-swift-\(ProcessInfo.processInfo.processIdentifier).vcd"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try SwiftEngine().verify(name: "fifo", try FIFODesign.entry.instantiate([]), seed: 1, vectors: 50, trace: path)
        #expect(r.passed)
        let vcd = try String(contentsOfFile: path, encoding: .utf8)
        #expect(vcd.contains("$enddefinitions $end") && vcd.contains(" in_data [15:0] $end") && vcd.contains("#10"))
    }
}

/// Every integer parameter at both ends of its range, the others at their
/// defaults: the design either elaborates or refuses with a one-line
/// parameter error, never with an elaboration error or a trap.
@Suite struct ParameterExtremes {
    @Test(arguments: Registry.designs.map(\.name))
    func extremesElaborateOrAreRefused(design: String) throws {
        let entry = try #require(Registry.designs.first { $0.name == design })
        for spec in entry.params {
            guard case .int(let range) = spec.kind else { continue }
            for v in [range.lowerBound, range.upperBound] {
                let d: any Verifiable
                do {
                    d = try entry.instantiate(["\(spec.name)=\(v)"])
                } catch is ParamError {
                    continue
                }
                #expect(throws: Never.self, "\(design) \(spec.name)=\(v)") { _ = try Elaborator.elaborate(d.top) }
            }
        }
    }
}
