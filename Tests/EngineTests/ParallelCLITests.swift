import Foundation
import Testing

/// `hwgen plan-parallel` and `hwgen group-schedule`: results, JSON, and
/// malformed input as one line naming the layer, exit 2.
@Suite struct ParallelCLITests {
    @Test func planAlexNet() throws {
        let svg = NSTemporaryDirectory() + "hwgen-plan.svg"
        let r = try runHwgen(["plan-parallel", "--network", "alexnet", "--batch", "512", "--levels", "2", "--svg", svg])
        #expect(r.status == 0, "\(r.stderr)")
        // Level 0's rows: conv1..5 dp, fc1..3 mp.
        let level0 = r.stdout.components(separatedBy: "level 1:")[0].split(separator: "\n")
        for name in ["conv1", "conv2", "conv3", "conv4", "conv5"] {
            #expect(level0.contains { $0.hasPrefix(name + " ") && $0.contains(" dp ") }, "\(r.stdout)")
        }
        for name in ["fc1", "fc2", "fc3"] {
            #expect(level0.contains { $0.hasPrefix(name + " ") && $0.contains(" mp ") }, "\(r.stdout)")
        }
        #expect(r.stdout.contains("all dp") && r.stdout.contains("all mp"))
        #expect(try String(contentsOfFile: svg, encoding: .utf8).hasPrefix("<svg"))
    }

    @Test func planJSON() throws {
        let r = try runHwgen(["plan-parallel", "--network", "vgg16", "--accelerators", "1024", "--json", "-"])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(j["accelerators"] as? Int == 1024)
        let plan = j["plan"] as! [String: Any], dp = j["allDP"] as! [String: Any], mp = j["allMP"] as! [String: Any]
        #expect((plan["levels"] as! [Any]).count == 10)
        let total = plan["total"] as! Double
        #expect(total <= dp["total"] as! Double && total <= mp["total"] as! Double)
    }

    @Test(arguments: [
        ("chain.txt", "conv a 3 8 8 8 3\nconv b 16 8 8 8 3\n", "chain.txt:2: layer b: C_in 16 does not chain: the previous layer a gives 8 channels"),
        ("zero.txt", "fc a 10 0\n", "zero.txt:1: layer a: C_out must be positive, got 0"),
        ("type.txt", "conv a 3 8 8 8 3\nlstm b 8 8\n", "type.txt:2: layer b: unknown layer type 'lstm' (types: conv, fc)"),
    ]) func malformedNetwork(name: String, text: String, message: String) throws {
        let path = scratchFile("parallel", name, text)
        let r = try runHwgen(["plan-parallel", "--network", path])
        #expect(r.status == 2)
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains(message), "\(r.stderr)")
    }

    @Test func groupSchedule() throws {
        let rom = NSTemporaryDirectory() + "hwgen-schedule.hex"
        let r = try runHwgen(["group-schedule", "--n", "8", "--k", "2", "--rom", rom, "--measure", "--elems", "8"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("conflict-free: yes") && r.stdout.contains("every node holds the full all-reduce: yes"))
        #expect(try String(contentsOfFile: rom, encoding: .utf8).split(separator: "\n").count == 3)
        // Every measured row equals the formula.
        let rows = r.stdout.split(separator: "\n").filter { $0.hasPrefix("8 ") && $0.hasSuffix("%") }
        #expect(rows.count == 3 && rows.allSatisfy { $0.contains(" yes ") }, "\(r.stdout)")
        let bad = try runHwgen(["group-schedule", "--n", "12", "--k", "4"])
        #expect(bad.status == 2 && bad.stderr.contains("N = 12 is not a power of K = 4"), "\(bad.stderr)")
    }
}
