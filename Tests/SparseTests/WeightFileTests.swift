import Testing
@testable import Sparse

/// The weight file format: a round trip, and every malformed file one
/// line naming the file, the line and the entry.
@Suite struct WeightFileTests {
    @Test func roundTrip() throws {
        let text = "# comment\nlayer fc 2 3\n0.5 -1 0\n0 0 2e-3\nbias 0.1 -0.2\nlayer q 1 2 levels 3 q 0.25 pow2\n-3 0\nimages 1 64\n"
            + Array(repeating: "16", count: 64).joined(separator: " ") + "\nlabels 7\n"
        let f = try WeightFile.parse(text, path: "w.txt")
        #expect(f.layers.count == 2)
        #expect(f.layers[0].weights == [[0.5, -1, 0], [0, 0, 0.002]])
        #expect(f.layers[0].bias == [0.1, -0.2])
        #expect(f.layers[1].indices == [[-3, 0]])
        #expect(f.layers[1].weights == [[-1, 0]])    // -0.25 · 2^2
        #expect(f.labels == [7])
        let again = try WeightFile.parse(f.text, path: "again")
        #expect(again.layers == f.layers && again.images == f.images && again.labels == f.labels)
    }

    @Test(arguments: [
        ("layer fc 2 2\n1 2\n3\n", "w.txt:3: layer fc row 1 has 1 entries, expected 2 (COLS)"),
        ("layer fc 1 2\n1 nan\n", "w.txt:2: layer fc [0][1] = nan is not finite"),
        ("layer fc 1 2\n1 x\n", "w.txt:2: layer fc [0][1] = 'x' is not a number"),
        ("layer fc 1 2 levels 3 q 0.5\n1 4\n", "w.txt:2: layer fc [0][1] = 4 is out of range: levels are -3...3"),
        ("layer fc 1 2 levels 3 q 0.5\n1 0.5\n", "w.txt:2: layer fc [0][1] = '0.5' is not an integer level"),
        ("layer fc 3 2\n1 2\n", "w.txt: the file ends where row 1 of layer fc was expected"),
        ("layer fc 1 2\n1 2\nbias 1 2\n", "w.txt:3: layer fc bias has 2 entries, expected 1 (ROWS)"),
        ("layer fc 0 2\n", "w.txt:1: layer fc ROWS '0' must be an integer in 1...65536"),
        ("weights 1 2\n", "w.txt:1: expected 'layer', 'bias', 'images' or 'labels', found 'weights'"),
        ("layer fc 1 1\n1\nlayer fc 1 1\n2\n", "w.txt:3: layer 'fc' is given twice"),
        ("# nothing\n", "w.txt: no layer in the file"),
        ("layer fc 1 1 levels 3 q -1\n1\n", "w.txt:1: layer fc q = -1 must be positive (a normal double, at most 1e290)"),
    ])
    func malformed(text: String, message: String) {
        #expect(throws: (any Error).self) { try WeightFile.parse(text, path: "w.txt") }
        do { _ = try WeightFile.parse(text, path: "w.txt") } catch { #expect("\(error)" == message) }
    }
}
