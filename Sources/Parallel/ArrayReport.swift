import Foundation
import Harness
import HDL

/// The array report: the plan per layer and level and its cost in HyPar's
/// model beside the planner's and the trivial plans, cycles per batch
/// measured against the phase formula (and one tile's), and for the
/// digits net the held-out accuracy float → bit-exact.
public struct ArrayReport: DesignReport {
    public let design: ArrayDesign
    public var title: String { "array" }

    public func run(_ context: ReportContext) throws -> ReportSection {
        let d = design, plan = d.plan, net = d.net, B = plan.batch, H = plan.levels
        var rows: [ReportRow] = []
        rows.append(ReportRow("array", "\(plan.tiles) tile(s), \(H) tree level(s), batch \(B) images, \(net.sizes.map(String.init).joined(separator: "-")) MLP"))
        for (l, layer) in net.layers.enumerated() {
            let levels = plan.choices[l].enumerated().map { "level \($0.0) \($0.1.rawValue)" }.joined(separator: ", ")
            rows.append(ReportRow("layer \(layer.name) (\(layer.cin) -> \(layer.cout))",
                                  (H == 0 ? "one tile" : levels) + "; a tile: \(plan.localImages(l)) image(s) x \(layer.cout) outputs x \(plan.slice(l, cin: layer.cin)) input channels"))
        }
        if H > 0 {
            let planner = ParallelPlanner(network: ArrayDesign.network(net), batch: B)
            let this = planner.evaluate((0..<H).map { h in (0..<net.layers.count).map { plan.choices[$0][h] } }, name: "this plan")
            let best = planner.plan(levels: H), dp = planner.plan(levels: H, fixed: .dp), mp = planner.plan(levels: H, fixed: .mp)
            rows.append(ReportRow("communication, HyPar's model (training, 2 B/element)",
                                  "this plan \(PlanOutput.bytes(this.total)); HyPar \(PlanOutput.bytes(best.total)); all dp \(PlanOutput.bytes(dp.total)); all mp \(PlanOutput.bytes(mp.total))"))
        }

        // Batches back to back, no gaps: first logit of each batch.
        let xs = d.inputs(seed: context.options.seed, count: 3 * B)
        let s = d.stimulus(Array(xs.prefix(3 * B)), seed: context.options.seed, gaps: false)
        context.progress("cycles: 3 batches back to back in the \(context.engine.name) engine")
        let run = try context.engine.run(Job(name: ArrayDesign.name, ir: context.ir, ports: d.ports, stimulus: s,
                                             expected: try d.expected(s), options: RunOptions(recordCycles: true)))
        guard run.passed else { throw UserError("the back-to-back run failed: \(run.summary)") }
        let perBatch = B * net.sizes.last!
        let per = run.cyclesPerGroup(of: perBatch)
        let block = d.block, dr = block.drain
        let compute = net.layers.enumerated().map { plan.localImages($0.0) * $0.1.cout * plan.slice($0.0, cin: $0.1.cin) }
        let gather = net.layers.map { B * $0.cout }
        rows.append(ReportRow("cycles per batch (measured)",
                              "\(per) = load \(B * net.sizes[0]) + compute \(compute.map(String.init).joined(separator: " + ")) + gather \(gather.map(String.init).joined(separator: " + ")) + drains \(2 * net.layers.count + 1) x \(dr)",
                              bound: "= \(block.batchCycles)", pass: per == block.batchCycles))
        let one = TileArray(net: net, plan: ArrayPlan(levels: 0, choices: net.layers.map { _ in [] }), actWidth: d.params.actWidth, outWidth: d.params.outWidth)
        rows.append(ReportRow("cycles per image", String(format: "%.1f; one tile: %d (%.2fx); MACs a tile busy %.1f%% of the batch",
                                                        Double(per) / Double(B), one.batchCycles, Double(one.batchCycles) / (Double(per) / Double(B)),
                                                        100 * Double(compute.reduce(0, +)) / Double(max(1, per)))))
        if !d.images.isEmpty {
            rows += accuracy(context)
        }
        return ReportSection("\(context.top): tile array", rows: rows)
    }

    /// Held-out accuracy: the float dense MLP, and the integer model the
    /// array is checked against bit for bit.
    func accuracy(_ context: ReportContext) -> [ReportRow] {
        let d = design
        context.progress("accuracy: \(d.images.count) held-out images")
        func argmax(_ v: [Double]) -> Int { v.indices.max { v[$0] < v[$1] }! }
        var fRight = 0, qRight = 0
        for (img, label) in zip(d.images, d.labels) {
            var a = img.map { Double($0) / 16 }
            for (l, f) in d.float.enumerated() {
                a = f.weights.enumerated().map { o, w in
                    let z = zip(w, a).reduce(f.bias?[o] ?? 0) { $0 + $1.0 * $1.1 }
                    return l < d.float.count - 1 ? max(0, z) : z
                }
            }
            fRight += argmax(a) == label ? 1 : 0
            qRight += argmax(d.net.infer(img).map(Double.init)) == label ? 1 : 0
        }
        let n = Double(d.images.count)
        return [ReportRow("accuracy, float dense", String(format: "%.4f", Double(fRight) / n)),
                ReportRow("accuracy, 8-bit weights, bit-exact array model", String(format: "%.4f", Double(qRight) / n))]
    }
}
