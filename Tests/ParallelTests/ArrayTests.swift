import Engines
import Harness
import HDL
@testable import Parallel
import Testing

@Suite struct ArrayTests {
    /// Each layer's layout puts every (image, input channel) of the batch
    /// in exactly one tile, whatever the plan.
    @Test(arguments: [("dp", 3), ("mp", 3), ("dp.mp,mp.dp", 2), ("mp.dp.dp,dp.mp.mp", 3), ("mp", 0)])
    func layoutCoversOnce(_ text: String, levels: Int) throws {
        let plan = try ArrayPlan.parse(text, layers: 2, levels: levels)
        for l in 0..<2 {
            let cin = 11
            let cs = plan.slice(l, cin: cin)
            for i in 0..<plan.batch {
                for c in 0..<cin {
                    let owners = (0..<plan.tiles).filter { t in
                        plan.holds(tile: t, image: i, layer: l) && plan.mpIndex(t, layer: l) == c / cs
                    }
                    #expect(owners.count == 1, "\(text) layer \(l) image \(i) channel \(c): \(owners)")
                }
            }
            for t in 0..<plan.tiles {
                #expect((0..<plan.batch).filter { plan.holds(tile: t, image: $0, layer: l) }.count == plan.localImages(l))
            }
        }
    }

    @Test func parseErrors() {
        #expect(throws: UserError.self) { try ArrayPlan.parse("dp,mp,dp", layers: 2, levels: 2) }
        #expect(throws: UserError.self) { try ArrayPlan.parse("dp.mp.mp", layers: 2, levels: 2) }
        #expect(throws: UserError.self) { try ArrayPlan.parse("xp", layers: 2, levels: 2) }
    }

    func run(_ p: ArrayDesign.Params, batches: Int) throws -> (RunResult, ArrayDesign) {
        let d = try ArrayDesign(p)
        let ir = try Elaborator.elaborate(d.top)
        let s = d.stimulus(seed: 3, vectors: batches * d.plan.batch)
        return (try SwiftEngine().run(Job(name: "t", ir: ir, ports: d.ports, stimulus: s, expected: try d.expected(s))), d)
    }

    /// Mixed plans in the Swift engine against the integer model: layout
    /// changes between layers, slices that do not divide the channels, 8
    /// tiles.
    @Test(arguments: [("dp.mp.dp,mp.dp.mp", 8, "9,6,4"), ("mp,dp", 2, "7,5,3"), ("dp.dp,mp.mp", 4, "6,10,2")])
    func mixedPlans(plan: String, tiles: Int, sizes: String) throws {
        var p = ArrayDesign.Params()
        p.net = .random; p.sizes = sizes; p.tiles = tiles; p.plan = plan; p.seed = 9
        let (r, d) = try run(p, batches: 2)
        #expect(r.passed, "\(r.summary)")
        #expect(d.plan == (try ArrayPlan.parse(plan, layers: 2, levels: tiles.trailingZeroBitCount)))
    }

    /// The planner picks the plan when asked (`auto`): at batch 4 the
    /// digits MLP's FC layers go mp (partial sums are smaller than the
    /// weight gradients).
    @Test func autoPlanFollowsThePlanner() throws {
        let d = try ArrayDesign(ArrayDesign.Params())
        #expect(d.plan.choices == [[.mp, .mp], [.mp, .mp]])
        var p = ArrayDesign.Params()
        p.net = .random; p.sizes = "2,4"; p.tiles = 4
        // Batch 4 against 2x4 weights: dp is cheaper at level 0 (8 weight
        // gradients against 16 partial sums) and ties at level 1.
        #expect(try ArrayDesign(p).plan.choices == [[.dp, .dp]])
    }
}
