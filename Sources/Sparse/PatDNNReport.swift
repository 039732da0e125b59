import Foundation
import Harness
import HDL

/// The patdnn report: the FKW image's size, the schedule (lane
/// utilisation, cycles measured against the formula and against a dense
/// 3x3 engine, MACs), the encoder checked against a dense float
/// convolution, and for the digits CNN the accuracy chain.
public struct PatDNNReport: DesignReport {
    public let design: PatDNNDesign
    public var title: String { "patdnn" }

    public func run(_ context: ReportContext) throws -> ReportSection {
        let l = design.layer, e = l.encoding, fkw = l.fkw
        var rows: [ReportRow] = []
        rows.append(ReportRow("layer", "3x3 conv \(l.cin)->\(l.cout), \(l.height)x\(l.width), \(e.patterns.count) patterns \(e.patterns.map { "{\($0.taps.map(String.init).joined(separator: ","))}" }.joined(separator: " "))"))
        rows.append(ReportRow("kernels", "\(fkw.kernels) of \(l.cin * l.cout) kept (\(e.candidateKernels) non-zero before connectivity pruning); filters with none: \((0..<l.cout).filter { fkw.length($0) == 0 }.count)"))
        let b = e.bits
        rows.append(ReportRow("FKW bits", "\(e.totalBits) = offset \(b.offset) + reorder \(b.reorder) + index \(b.index) + stride \(b.stride) + weights \(b.weights); dense 3x3 \(e.denseBits) (\(String(format: "%.2f", Double(e.denseBits) / Double(e.totalBits)))x)"))
        // The lanes' memories: their filters' FKW arrays (offsets local to
        // the lane), as elaborated.
        let lane = context.ir.memories.filter { ($0.kind ?? "").hasPrefix("FKW") }.reduce(0) { $0 + $1.width * $1.depth }
        rows.append(ReportRow("lane memories (generated)", "\(lane) bits over \(l.lanes) lanes (padding to 2 words included)"))
        rows.append(ReportRow("MACs per image", "\(fkw.kernels * 4 * l.height * l.width) (4 per kept kernel) vs dense \(l.cin * l.cout * 9 * l.height * l.width) (9 per kernel, every kernel): \(String(format: "%.2f", Double(l.cin * l.cout * 9) / Double(max(1, fkw.kernels * 4))))x fewer"))
        rows.append(ReportRow("lane schedule", "\(l.groups) groups of \(l.lanes) lanes, steps \(l.groupSteps.map(String.init).joined(separator: " ")); lane utilisation \(String(format: "%.1f%%", 100 * l.utilisation))"))

        // Cycles: images back to back.
        let imgs = design.images(seed: context.options.seed, count: 3)
        let s = design.stimulus(imgs, seed: context.options.seed, gaps: false)
        context.progress("cycles: \(imgs.count) images back to back in the \(context.engine.name) engine")
        let run = try context.engine.run(Job(name: PatDNNDesign.name, ir: context.ir, ports: design.ports, stimulus: s,
                                             expected: try design.expected(s), options: RunOptions(recordCycles: true)))
        guard run.passed else { throw UserError("the back-to-back run failed: \(run.summary)") }
        let per = design.transactionsPerUnit
        let measured = run.cyclesPerGroup(of: per)
        rows.append(ReportRow("cycles per image (measured, back to back)",
                              "\(measured) = load \(l.height * l.width) + fetch 4 x \(l.height) x \(l.width + 1) + \(l.height * l.width) pixels x \(l.groupSteps.reduce(0, +)) steps",
                              bound: "= \(l.cycles)", pass: measured == l.cycles))
        rows.append(ReportRow("dense 3x3, same lanes (formula)", "\(l.denseCycles) cycles: \(String(format: "%.2f", Double(l.denseCycles) / Double(l.cycles)))x the pattern engine"))

        // The encoder against a dense float convolution with the projected
        // weights, on the integer inputs (exact reals).
        rows.append(floatCheck(imgs))
        if design.params.net == .digits { rows += try accuracy(context) }
        return ReportSection("\(context.top): PatDNN pattern-sparse convolution", rows: rows)
    }

    /// Every output of the model against the float convolution with the
    /// projected (unquantized) weights: within the weight rounding (half a
    /// weight unit on each tap), the bias rounding and half an output LSB,
    /// unless saturated.
    func floatCheck(_ imgs: [[[[Int]]]]) -> ReportRow {
        let l = design.layer, e = l.encoding, p = design.params
        let xs = pow(2, Double(-p.actFrac)), ys = pow(2, Double(-p.outFrac)), unit = e.scale * xs
        let hi = Double((1 << (l.outWidth - 1)) - 1) * ys, lo = -Double(1 << (l.outWidth - 1)) * ys
        var worst = 0.0, checked = 0, ok = true
        for img in imgs {
            let outs = l.infer(img)
            var k = 0
            for oy in 0..<l.height { for ox in 0..<l.width { for _ in 0..<l.groups {
                let o = outs[k]; k += 1
                for (lane, id) in o.ids.enumerated() where o.mask[lane] {
                    var v = e.bias[id], slack = 0.0
                    for c in 0..<l.cin { for t in 0..<9 {
                        let y = oy + t / 3 - 1, x = ox + t % 3 - 1
                        guard y >= 0 && y < l.height && x >= 0 && x < l.width else { continue }
                        let xv = Double(img[y][x][c]) * xs
                        v += e.projected[id][c][t] * xv
                        if e.projected[id][c][t] != 0 { slack += 0.5 * e.scale * abs(xv) }
                    } }
                    if p.relu { v = max(0, v) }
                    let clamped = min(hi, max(lo, v))
                    let err = abs(Double(o.y[lane]) * ys - clamped)
                    let bound = slack + 0.5 * unit + 0.5 * ys + 1e-9
                    worst = max(worst, err / bound)
                    ok = ok && err <= bound
                    checked += 1
                }
            } } }
        }
        return ReportRow("model vs dense float conv (projected weights)", String(format: "%d outputs, largest error %.3f of its bound", checked, worst),
                         bound: "<= 1", pass: ok)
    }

    /// Held-out digits: the dense float CNN, the pattern-pruned float CNN,
    /// conv2 with its quantized weights (float activations), and the
    /// bit-exact model of conv2 (conv1 and the classifier in float).
    func accuracy(_ context: ReportContext) throws -> [ReportRow] {
        guard let f = design.file else { return [] }
        let l = design.layer, e = l.encoding, p = design.params
        context.progress("accuracy: \(f.images.count) held-out images")
        func layer(_ n: String) -> WeightLayer? { f.layers.first { $0.name == n } }
        guard let c1 = layer("conv1"), let c2 = layer("conv2"), let fc = layer("fc") else { return [] }
        func conv(_ a: [[[Double]]], _ w: [[Double]], _ bias: [Double]?) -> [[[Double]]] {
            let cin = a[0][0].count
            return (0..<8).map { y in (0..<8).map { x in w.enumerated().map { o, k in
                var v = bias?[o] ?? 0
                for c in 0..<cin { for t in 0..<9 {
                    let yy = y + t / 3 - 1, xx = x + t % 3 - 1
                    if yy >= 0 && yy < 8 && xx >= 0 && xx < 8 { v += k[c * 9 + t] * a[yy][xx][c] }
                } }
                return max(0, v)
            } } }
        }
        func classify(_ a2: [[[Double]]], _ fcw: WeightLayer) -> Int {
            // 2x2 average pool, channel-major flatten (c·16 + y·4 + x).
            var pooled = Array(repeating: 0.0, count: a2[0][0].count * 16)
            for c in 0..<a2[0][0].count { for y in 0..<4 { for x in 0..<4 {
                pooled[c * 16 + y * 4 + x] = (a2[2 * y][2 * x][c] + a2[2 * y][2 * x + 1][c] + a2[2 * y + 1][2 * x][c] + a2[2 * y + 1][2 * x + 1][c]) / 4
            } } }
            return argmax(fcw.weights.enumerated().map { r, w in zip(w, pooled).reduce(fcw.bias?[r] ?? 0) { $0 + $1.0 * $1.1 } })
        }
        func input(_ img: [Int]) -> [[[Double]]] { (0..<8).map { y in (0..<8).map { x in [Double(img[y * 8 + x]) / 16] } } }
        let projected = e.projected.map { $0.flatMap { $0 } }
        var quantized = projected
        for (r, f0) in l.fkw.reorder.enumerated() {
            quantized[f0] = Array(repeating: 0, count: l.cin * 9)
            for j in l.fkw.offset[r]..<l.fkw.offset[r + 1] {
                for (i, t) in e.patterns[l.fkw.pattern(r, j - l.fkw.offset[r])].taps.enumerated() {
                    quantized[f0][l.fkw.index[j] * 9 + t] = Double(l.fkw.weights[j][i]) * e.scale
                }
            }
        }
        var right = [0, 0, 0, 0]
        let dense = (layer("conv1_dense"), layer("conv2_dense"), layer("fc_dense"))
        for (img, label) in zip(f.images, f.labels) {
            if let d1 = dense.0, let d2 = dense.1, let d3 = dense.2 {
                right[0] += classify(conv(conv(input(img), d1.weights, d1.bias), d2.weights, d2.bias), d3) == label ? 1 : 0
            }
            let a1 = conv(input(img), c1.weights, c1.bias)
            right[1] += classify(conv(a1, projected, c2.bias), fc) == label ? 1 : 0
            right[2] += classify(conv(a1, quantized, c2.bias), fc) == label ? 1 : 0
            let outs = l.infer(try design.conv1(img))
            var a2 = Array(repeating: Array(repeating: Array(repeating: 0.0, count: l.cout), count: 8), count: 8)
            for (k, o) in outs.enumerated() {
                let px = k / l.groups
                for (lane, id) in o.ids.enumerated() where o.mask[lane] { a2[px / 8][px % 8][id] = Double(o.y[lane]) * pow(2, Double(-p.outFrac)) }
            }
            right[3] += classify(a2, fc) == label ? 1 : 0
        }
        let n = Double(f.labels.count)
        let acc = right.map { Double($0) / n }
        var rows: [ReportRow] = []
        if dense.0 != nil { rows.append(ReportRow("accuracy, float dense CNN", String(format: "%.4f", acc[0]))) }
        rows.append(ReportRow("accuracy, float pattern-pruned conv2", String(format: "%.4f", acc[1])))
        rows.append(ReportRow("accuracy, conv2 weights quantized (\(e.weightBits) bits)", String(format: "%.4f", acc[2])))
        rows.append(ReportRow("accuracy, conv2 bit-exact hardware model", String(format: "%.4f", acc[3]),
                              bound: "quantized ± 0.03", pass: abs(acc[3] - acc[2]) <= 0.03))
        return rows
    }
}
