import Foundation
import HDL
import Parallel
import Testing

@Suite struct PlannerTests {
    /// HyPar's known answer ("one weird trick"): AlexNet at batch 512, the
    /// first level splits the convolutions by data and the FC layers by
    /// model.
    @Test func alexnetLevelZero() throws {
        let plan = ParallelPlanner(network: try Network.load("alexnet"), batch: 512).plan(levels: 1)
        #expect(plan.choices(0) == [.dp, .dp, .dp, .dp, .dp, .mp, .mp, .mp])
    }

    /// The planner never communicates more than either trivial plan, on
    /// every shipped network at 2 ... 16 accelerators, and at a batch no
    /// test elsewhere uses.
    @Test(arguments: Network.shipped) func beatsTrivialPlans(_ name: String) throws {
        let net = try Network.load(name)
        for batch in [512, 24] {
            let planner = ParallelPlanner(network: net, batch: batch)
            for h in 1...4 {
                let best = planner.plan(levels: h).total
                let dp = planner.plan(levels: h, fixed: .dp).total, mp = planner.plan(levels: h, fixed: .mp).total
                #expect(best <= dp * (1 + 1e-12) && best <= mp * (1 + 1e-12), "\(name) batch \(batch) H=\(h): \(best) vs dp \(dp), mp \(mp)")
            }
        }
    }

    /// The per-level DP is optimal: no assignment of the level's choices
    /// costs less (exhaustive over LeNet-5's 2^5 assignments, at each of
    /// three levels of the hierarchy).
    @Test func dynamicProgrammeIsExhaustiveOptimum() throws {
        let net = try Network.load("lenet5")
        let planner = ParallelPlanner(network: net, batch: 32)
        let plan = planner.plan(levels: 3)
        // Rebuild each level's shapes from the plan's own records, then try
        // every assignment with the costs computed from the spec's table.
        for lv in plan.levels {
            var best = Double.infinity
            for mask in 0..<(1 << net.layers.count) {
                var cost = 0.0
                for (i, l) in net.layers.enumerated() {
                    let st = lv.steps[i]
                    let mp = mask >> i & 1 == 1
                    let fIn = 2 * st.batch * st.cin * Double(l.h * l.w)
                    let fOut = 2 * st.batch * Double(l.cout * l.outH * l.outW)
                    cost += mp ? fOut : 2 * st.cin * Double(l.cout * l.k * l.k)
                    if i > 0 {
                        let prevMP = mask >> (i - 1) & 1 == 1
                        cost += prevMP ? 0.5 * fIn : (mp ? 0.5 * fIn : 0)
                    }
                }
                best = min(best, cost)
            }
            #expect(abs(lv.cost - best) <= 1e-9 * best, "level \(lv.level): \(lv.cost) vs \(best)")
        }
    }

    /// The hierarchy halves each layer along its choice and weighs level h
    /// by 2^h.
    @Test func hierarchyHalvesAndWeighs() throws {
        let planner = ParallelPlanner(network: try Network.load("vgg11"), batch: 256)
        let plan = planner.plan(levels: 4)
        var total = 0.0
        for lv in plan.levels {
            total += Double(1 << lv.level) * lv.cost
            guard lv.level > 0 else { continue }
            for (i, st) in lv.steps.enumerated() {
                let up = plan.levels[lv.level - 1].steps[i]
                #expect(st.batch == (up.choice == .dp ? up.batch / 2 : up.batch))
                #expect(st.cin == (up.choice == .mp ? up.cin / 2 : up.cin))
            }
        }
        #expect(abs(total - plan.total) <= 1e-9 * total)
    }

    @Test func shippedNetworksShapes() throws {
        let alex = try Network.load("alexnet")
        #expect(alex.layers.map(\.outH) == [55, 27, 13, 13, 13, 1, 1, 1])
        let vgg = try Network.load("vgg16")
        #expect(vgg.layers.count == 16)
        #expect(vgg.layers.reduce(0) { $0 + $1.weights } == 138_357_544 - vgg.layers.reduce(0) { $0 + $1.cout })
        let lenet = try Network.load("lenet5")
        #expect(lenet.layers.map(\.outH) == [28, 10, 1, 1, 1])
    }

    @Test(arguments: [
        ("conv a 3 8 8 8 3\nconv b 4 8 8 8 3\n", "t.txt:2: layer b: C_in 4 does not chain"),
        ("conv a 3 8 8 8 3\nfc f 100 10\n", "t.txt:2: layer f: C_in 100 does not chain"),
        ("fc f 10 0\n", "t.txt:1: layer f: C_out must be positive"),
        ("conv a 3 8 0 8 3\n", "t.txt:1: layer a: H must be positive"),
        ("pool p 2\n", "t.txt:1: layer p: unknown layer type 'pool'"),
        ("fc f 10 x\n", "t.txt:1: layer f: C_out 'x' is not a whole number"),
        ("conv a 3 8 4 4 11 pad 0\n", "t.txt:1: layer a: a 11x11 kernel does not fit"),
        ("fc f 10 5\nconv c 5 5 4 4 3\n", "t.txt:2: layer c: a conv after the fc layer f"),
        ("# nothing\n", "t.txt: no layers"),
    ]) func malformed(_ text: String, _ message: String) {
        #expect {
            _ = try Network.parse(text, file: "t.txt")
        } throws: { error in
            "\(error)".hasPrefix(message) && !"\(error)".contains("\n")
        }
    }
}
