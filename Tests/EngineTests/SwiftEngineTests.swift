import Foundation
import Testing
import Arithmetic
import Blocks
import Catalog
import Engines
import Harness
import HDL

/// Every catalogued design at each of its test parameter sets.
let allTestSets: [(String, [String])] = Catalog.designs.flatMap { d in ([[]] + d.testSets).map { (d.name, $0) } }

/// A job whose expected transaction `index` has one bit flipped, to prove
/// the engines report mismatches rather than passing everything.
func corruptedJob(_ d: any Design, name: String, seed: UInt64, vectors: Int, index: Int) throws -> (Job, Int?) {
    let stim = d.stimulus(seed: seed, vectors: vectors)
    var e = try d.expected(stim)
    e[index].values[0] = e[index].values[0].xor(.one)
    return (Job(name: name, ir: try Elaborator.elaborate(d.top), ports: d.ports, stimulus: stim, expected: e), e[index].cycle)
}

@Suite struct SwiftEngineVerify {
    @Test(arguments: allTestSets.indices)
    func designMatchesItsModel(index: Int) throws {
        let (name, params) = allTestSets[index]
        // A twentieth of the design's own count (5,000 vectors; 5 images).
        let d = try Catalog.find(name).instantiate(params)
        let r = try SwiftEngine().verify(d, name: name, seed: 11, vectors: max(1, d.defaultVectors / 20))
        #expect(r.passed, "\(name) \(params): \(r.mismatches)")
        #expect(r.summary.hasPrefix("PASS design=\(name) vectors="))
    }

    @Test func mismatchIsReportedLikeTheHarness() throws {
        let (job, cycle) = try corruptedJob(try PEDesign(.init()), name: "pe", seed: 9, vectors: 300, index: 40)
        let r = try SwiftEngine().run(job)
        #expect(!r.passed)
        #expect(r.mismatches.first?.contains("first mismatch: cycle=\(cycle ?? -1) transaction=40 port=out_y") == true, "\(r.mismatches)")
        #expect(r.summary.contains("mismatches=1"))
    }

    @Test func traceFromTheSwiftEngine() throws {
        let path = NSTemporaryDirectory() + "hwgen-swift-\(ProcessInfo.processInfo.processIdentifier).vcd"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try SwiftEngine().verify(try FIFODesign(.init()), name: "fifo", seed: 1, vectors: 50, options: RunOptions(trace: path))
        #expect(r.passed)
        let vcd = try String(contentsOfFile: path, encoding: .utf8)
        #expect(vcd.contains("$enddefinitions $end") && vcd.contains(" in_data [15:0] $end") && vcd.contains("#10"))
    }
}

/// Every integer parameter at both ends of its range, the others at their
/// defaults: the design either elaborates or refuses with a one-line
/// user error, never with an elaboration error or a trap.
@Suite struct ParameterExtremes {
    @Test(arguments: Catalog.designs.map(\.name))
    func extremesElaborateOrAreRefused(design: String) throws {
        let entry = try Catalog.find(design)
        for spec in entry.params {
            guard let range = spec.range else { continue }
            for v in [range.lowerBound, range.upperBound] {
                let d: any Design
                do {
                    d = try entry.instantiate(["\(spec.name)=\(v)"])
                } catch is UserError {
                    continue
                }
                #expect(throws: Never.self, "\(design) \(spec.name)=\(v)") { _ = try Elaborator.elaborate(d.top) }
            }
        }
    }
}
