import Foundation
import Harness
import HDL

/// The 8x8 digits as the circnn and ernn accelerators take them: a 5-bit
/// pixel a beat (held until `in_ready`), ten logits out two a beat with
/// their overflow flag.
enum DigitsImages {
    /// A committed data file: $HWGEN_DATA, else the source tree's Data/, else ./Data.
    static func path(_ file: String) -> String { dataFile(file) }

    /// A blank and a saturated image, then `count` held-out images in order.
    static func images(_ held: [[Int]], count: Int) -> [[Int]] {
        [Array(repeating: 0, count: 64), Array(repeating: 31, count: 64)] + (0..<count).map { held[$0 % held.count] }
    }

    /// With `gaps`, idle cycles between some pixels and some images; then
    /// `drain` idle cycles.
    static func stimulus(_ images: [[Int]], seed: UInt64, gaps: Bool, drain: Int) -> Stimulus {
        var s = Stimulus(ports: ["in_valid", "in_data"])
        var rng = SplitMix64(seed: seed ^ 0xC11)
        for img in images {
            if gaps && rng.next() % 4 == 0 { for _ in 0..<Int(rng.next() % 300) { s.add([:]) } }
            for px in img {
                while gaps && rng.next() % 16 == 0 { s.add([:]) }
                s.add(["in_valid": 1, "in_data": BigValue(px)])
            }
        }
        for _ in 0..<drain { s.add([:]) }
        return s
    }

    /// The cycle of each image's first logits, images offered back to back
    /// in `context`'s engine (the run must match the model).
    static func firstOutputs(_ design: any Design, images: [[Int]], stimulus: Stimulus, context: ReportContext) throws -> [Int] {
        context.progress("running \(images.count) images back to back in the \(context.engine.name) engine")
        let run = try context.engine.run(Job(name: type(of: design).name, ir: context.ir, ports: design.ports, stimulus: stimulus,
                                             expected: try design.expected(stimulus), options: RunOptions(recordCycles: true)))
        guard run.passed else { throw UserError("the back-to-back run failed: \(run.summary)") }
        return stride(from: 0, to: run.transactionCycles.count, by: 5).map { run.transactionCycles[$0] }
    }

    /// Five beats per image the stimulus offers, from `infer` (logits and
    /// per-beat overflow flags), logits `width` bits each.
    static func expected(_ s: Stimulus, width w: Int, infer: ([Int]) throws -> (logits: [Int], overflow: [Bool])) throws -> [Transaction] {
        let pixels = s.cycles.filter { !$0[0].isZero }.map { $0[1].intValue! }
        var out: [Transaction] = []
        for start in stride(from: 0, to: pixels.count - 63, by: 64) {
            let y = try infer(Array(pixels[start..<start + 64]))
            for b in 0..<5 {
                let word = (BigValue(y.logits[2 * b + 1]).modPow2(w) << w) + BigValue(y.logits[2 * b]).modPow2(w)
                out.append(Transaction(cycle: nil, values: [word, y.overflow[b] ? .one : .zero]))
            }
        }
        return out
    }
}
