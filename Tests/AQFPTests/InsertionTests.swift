import Testing
@testable import AQFP

/// The spec's known small case (the reference result of the open AQFP
/// buffer-insertion tool): f1 = c AND d, f2 = c OR d, f3 = d AND e,
/// f4 = f2 AND f3; outputs 0, a, b, b, b, f1, f3, f4.
func knownCase() -> MIG {
    var m = MIG()
    let a = m.input("a"), b = m.input("b"), c = m.input("c"), d = m.input("d"), e = m.input("e")
    let f1 = m.and(c, d), f2 = m.or(c, d), f3 = m.and(d, e), f4 = m.and(f2, f3)
    for (k, l) in [MIGLit.zero, a, b, b, b, f1, f3, f4].enumerated() { m.output("o\(k)", l) }
    return m
}

@Suite struct InsertionTests {
    @Test func knownCaseASAPBalanced() throws {
        let o = AQFPOptions(splitterCapacity: 2, inputCapacity: 1, schedule: .asap)
        let net = try AQFPFlow.run(knownCase(), o)
        #expect(net.counts.bufferSplitters == 23)
        #expect(net.depth == 5)
        #expect(net.violations().isEmpty)
    }

    @Test func knownCaseDepthOptimalUnbalanced() throws {
        let o = AQFPOptions(splitterCapacity: 2, inputCapacity: 1, balanceInputs: false, balanceOutputs: false,
                            schedule: .depth)
        let net = try AQFPFlow.run(knownCase(), o)
        #expect(net.depth == 4)
        #expect(net.violations().isEmpty)
    }

    @Test func table() throws {
        let dir = "/work/main/Sources/AQFP/Benchmarks"
        for f in ["iscas/c17.v", "iscas/adder1.v", "iscas/adder8.v", "iscas/c432.v", "iscas/mult8.v", "iscas/sorter32.v", "iscas/c499.v", "iscas/c880.v", "iscas/c1908.v", "iscas/counter16.v", "iscas/counter32.v", "epfl/ctrl.aig", "epfl/int2float.aig", "epfl/router.aig", "epfl/cavlc.aig", "epfl/dec.aig", "epfl/i2c.aig", "epfl/bar.aig"] {
            let mig = try AQFPFlow.read(path: "\(dir)/\(f)")
            var row = "\(f): gates \(mig.gateCount) mdepth \(mig.depth)"
            for s in AQFPSchedule.allCases {
                let net = try AQFPFlow.run(mig, AQFPOptions(schedule: s))
                row += " | \(s.rawValue) BS \(net.counts.bufferSplitters) JJ \(net.counts.jj) D \(net.depth)"
            }
            print(row)
        }
    }
}
