import ArgumentParser
import Engines
import Foundation
import HDL
import Sparse

struct Quantize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Project trained weights onto ADMM-NN levels ±q ... ±n·q (the deterministic q scan) and write the level-index file.",
        discussion: """
        For each layer of WEIGHTS (the hwgen weights text format, README),
        q is scanned over [0.9, 1.1]·max|w|/n in steps of 0.001·max|w|/n and
        the q of least squared error kept; every non-zero weight goes to its
        nearest level, zeros (pruned) stay zero. The output is the same
        format with `levels N q Q` on each layer line and integer level
        indices (-n ... n) in place of the reals — what `--design admm
        --param weights=FILE` takes. Prints, per layer, the squared error
        against the float weights.
        Examples:
          hwgen quantize --levels 7 Data/digits_mlp.txt -o mlp.levels.txt
          hwgen quantize --levels 4 --pow2 --layer fc2 Data/digits_mlp.txt
          hwgen quantize --levels 7 --pow2-scale my_net.txt
        """)

    @Argument(help: "A weight file in the hwgen weights format.")
    var weights: String

    @Option(parsing: .unconditional, help: "Levels n per sign (1...127): indices take ceil(log2(2n+1)) bits.")
    var levels: Int

    @Flag(help: "Power-of-two levels ±q·2^k, k < n (the MAC becomes a shift).")
    var pow2 = false

    @Flag(name: .customLong("pow2-scale"), help: "Round q to the nearest power of two after the scan (requantisation is a shift).")
    var pow2Scale = false

    @Option(parsing: .unconditionalSingleValue, help: "Quantize only this layer (repeatable; default: every layer).")
    var layer: [String] = []

    @Option(name: .shortAndLong, parsing: .unconditional, help: "The level-index file to write (default: WEIGHTS with .levels.txt in the current folder).")
    var output: String?

    func validate() throws {
        guard (1...127).contains(levels) else { throw ValidationError("--levels must be in 1...127, got \(levels)") }
        if pow2 && levels > 16 { throw ValidationError("--pow2 takes at most 16 levels (2^15 q), got \(levels)") }
    }

    func run() throws {
        let path = output ?? (((weights as NSString).lastPathComponent as NSString).deletingPathExtension + ".levels.txt")
        try PendingFiles.check(path, what: "level-index file")
        let file = try WeightFile.load(weights)
        for name in layer where !file.layers.contains(where: { $0.name == name }) {
            throw UserError("\(weights): no layer '\(name)' (layers: \(file.layers.map(\.name).joined(separator: ", ")))")
        }
        let quantizer = LevelQuantizer(levels: levels, pow2: pow2, pow2Scale: pow2Scale)
        var out = file
        var table = [["layer", "shape", "non-zero", "q", "squared error", "relative", "index bits"]]
        for (i, l) in file.layers.enumerated() where layer.isEmpty || layer.contains(l.name) {
            if l.levels != nil { throw UserError("\(weights): layer \(l.name) is already quantized") }
            let (q, err) = try quantizer.quantize(l)
            out.layers[i] = q
            let energy = l.weights.joined().reduce(0) { $0 + $1 * $1 }
            let nz = l.weights.joined().filter { $0 != 0 }.count
            table.append([l.name, "\(l.rows)x\(l.cols)", "\(nz)", String(format: "%.6g", q.q ?? 0), String(format: "%.6g", err),
                          energy > 0 ? String(format: "%.4f", err / energy) : "-", "\(LevelQuantizer.indexBits(levels))"])
        }
        try AtomicFiles.write(out.text, to: path)
        print("levels \(levels)\(pow2 ? " (powers of two)" : "")\(pow2Scale ? ", q a power of two" : ""): q scanned over [0.9, 1.1]·base in 201 steps")
        printTable(table)
        print("wrote \(path)")
    }
}

/// A table with the first column left-aligned and the rest right-aligned.
func printTable(_ table: [[String]]) {
    let widths = table[0].indices.map { k in table.map { $0[k].count }.max()! }
    for row in table {
        print(row.enumerated().map { k, cell in
            k == 0 ? cell.padding(toLength: widths[k], withPad: " ", startingAt: 0)
                : String(repeating: " ", count: widths[k] - cell.count) + cell
        }.joined(separator: "  "))
    }
}
