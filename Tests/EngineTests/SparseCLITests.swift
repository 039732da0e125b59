import Foundation
import Testing

/// `hwgen quantize`, `hwgen compare-sparsity` and the sparse designs' weight
/// files: results, and malformed input as one line naming the file and the
/// entry, exit 2.
@Suite struct SparseCLITests {
    func write(_ name: String, _ text: String) -> String { scratchFile("sparse", name, text) }

    @Test func quantizeWritesLevels() throws {
        let input = write("net.txt", "layer fc 2 4\n0.5 -0.25 0 1\n0 0 -1 0.75\nbias 0 1\n")
        let out = input + ".levels"
        let r = try runHwgen(["quantize", "--levels", "2", input, "-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOfFile: out, encoding: .utf8)
        let lines = text.split(separator: "\n")
        // |w| in {0.25, 0.5, 0.75, 1}, base max|w|/2 = 0.5: over the window
        // the error (q - .25)² + (.5 - q)² + (2q - .75)² + 2(1 - 2q)² falls
        // to q = 0.446, so the scan stops at its low end, 0.9 · 0.5.
        #expect(lines.contains { $0.hasPrefix("layer fc 2 4 levels 2 q 0.45") }, "\(text)")
        #expect(lines.contains("1 -1 0 2") && lines.contains("0 0 -2 2"), "\(text)")
        // The design takes the file as it is.
        let v = try runHwgen(["verify", "--design", "admm", "--param", "weights=\(out)", "--param", "layer=fc", "--param", "levels=2",
                              "--engine", "swift", "--vectors", "20"])
        #expect(v.status == 0 && v.stdout.contains("PASS"), "\(v.stdout)\(v.stderr)")
    }

    @Test(arguments: [
        ("shape.txt", "layer fc 2 3\n1 2 3\n4 5\n", "shape.txt:3: layer fc row 1 has 2 entries, expected 3 (COLS)"),
        ("nan.txt", "layer fc 1 2\nNaN 1\n", "nan.txt:2: layer fc [0][0] = NaN is not finite"),
    ])
    func malformedWeights(name: String, text: String, message: String) throws {
        let path = write(name, text)
        for args in [["quantize", "--levels", "3", path],
                     ["emit", "--design", "admm", "--param", "weights=\(path)", "--param", "layer=fc", "-o", NSTemporaryDirectory() + "x"]] {
            let r = try runHwgen(args)
            #expect(r.status == 2)
            #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
            #expect(r.stderr.contains(message), "\(r.stderr)")
        }
    }

    @Test func levelOutOfRangeInADesign() throws {
        let path = write("levels.txt", "layer fc 1 2 levels 3 q 0.5\n1 -4\n")
        let r = try runHwgen(["emit", "--design", "admm", "--param", "weights=\(path)", "--param", "layer=fc", "--param", "levels=3"])
        #expect(r.status == 2 && r.stderr.contains("levels.txt:2: layer fc [0][1] = -4 is out of range: levels are -3...3"), "\(r.stderr)")
    }

    @Test func compareSparsity() throws {
        let r = try runHwgen(["compare-sparsity", "--rates", "0.9", "--vectors", "2", "--engine", "swift", "--synth", "none"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = r.stdout.split(separator: "\n").filter { $0.hasPrefix("0.") }
        #expect(rows.count == 3, "\(r.stdout)")
        // Every row's storage equals the formula and its cycles the model.
        #expect(rows.allSatisfy { !$0.contains("NO") }, "\(r.stdout)")
        #expect(r.stdout.contains("break-even"))
        let bad = try runHwgen(["compare-sparsity", "--rates", "0.5,1.2"])
        #expect(bad.status == 2 && bad.stderr.contains("--rates must be fractions in 0 ..< 1"), "\(bad.stderr)")
    }
}
