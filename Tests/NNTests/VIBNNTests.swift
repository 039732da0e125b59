import Foundation
import Testing
import HDL
import NN
import Random
import Sim
import Engines
import Harness

@Suite struct VIBNN {
    static let small = ["inputs=12", "hidden=7", "outputs=4", "pes=3", "rlf_n=7"]

    static func design(_ params: [String]) throws -> VIBNNDesign {
        try VIBNNDesign(.parse(params, design: "vibnn"))
    }

    /// A negative control: the same hardware against a model fed another
    /// eps sequence (generator seed + 1) must fail, so a pass means the
    /// sampled weights really are compared, not just the means.
    @Test func modelWithOtherEpsIsCaught() throws {
        let d = try VIBNN.design(VIBNN.small)
        let other = try VIBNN.design(VIBNN.small + ["seed=2"])
        // Same weights and hardware; only the model's generators differ.
        var c = other.config
        c.seed = 2
        let good = try SwiftEngine().verify(d, name: "vibnn", seed: 3, vectors: 12)
        #expect(good.passed, "\(good.mismatches)")
        let stim = d.stimulus(seed: 3, vectors: 12)
        let swapped = Job(name: "vibnn", ir: try Elaborator.elaborate(d.top), ports: d.ports, stimulus: stim,
                          expected: d.expected(stim, model: try VIBNNModel(c, d.weights)))
        let bad = try SwiftEngine().run(swapped)
        #expect(!bad.passed)
        #expect(bad.mismatches.contains { $0.contains("port=out_logits") }, "\(bad.mismatches)")
    }

    /// The sampled weights have the spread the eps scale promises: over many
    /// draws, (w − mu)/sigma has mean ≈ 0 and variance ≈ 1 for both
    /// generators (checked on the model's eps stream).
    @Test(arguments: [RLFSource(window: 15) as any GaussianSource, WallaceSource(log2N: 6)])
    func epsStreamIsStandardNormal(source: any GaussianSource) throws {
        let c = VIBNNConfig(sizes: [4, 4], pes: 8, eps: source, seed: 5)
        var s = try VIBNNModel(c, VIBNNWeights.random(c)).eps
        var sum = 0.0, sq = 0.0, count = 0.0
        let scale = Double(1 << c.epsFraction)
        for _ in 0..<20_000 {
            for e in s.next().prefix(c.samplers) {
                let x = Double(e) / scale
                sum += x; sq += x * x; count += 1
            }
        }
        let mean = sum / count, variance = sq / count - mean * mean
        // 160,000 samples: 4/sqrt(N) = 0.01 for the mean, 4*sqrt(2/N) = 0.014 for the variance.
        #expect(abs(mean) < 0.01, "mean \(mean)")
        #expect(abs(variance - 1) < 0.02, "variance \(variance)")
    }

    /// Undecimated RLF eps (`rlf_decimate=no`, the paper's form): an
    /// output's samples l cycles apart share n − l of their n bits, so
    /// their correlation is (n − l)/n below l = n and about 0 from there;
    /// mean 0 and variance 1 as before. The bounds are four standard
    /// errors at the correlated stream's effective size (about N/n).
    @Test func undecimatedEpsIsCorrelatedAsDocumented() throws {
        let n = 15
        let c = VIBNNConfig(sizes: [4, 4], pes: 8, eps: RLFSource(window: n, decimate: false), seed: 5)
        var s = try VIBNNModel(c, VIBNNWeights.random(c)).eps
        let scale = Double(1 << c.epsFraction)
        var xs = [[Double]](repeating: [], count: c.samplers)
        for _ in 0..<40_000 {
            for (q, e) in s.next().prefix(c.samplers).enumerated() { xs[q].append(Double(e) / scale) }
        }
        let all = xs.flatMap { $0 }
        let mean = all.reduce(0, +) / Double(all.count)
        let variance = all.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(all.count)
        #expect(abs(mean) < 0.03, "mean \(mean)")
        #expect(abs(variance - 1) < 0.04, "variance \(variance)")
        for lag in [1, 4, 14, 15, 16, 30] {
            var num = 0.0, count = 0.0
            for x in xs { for t in 0..<(x.count - lag) { num += (x[t] - mean) * (x[t + lag] - mean); count += 1 } }
            let r = num / count / variance
            let expected = lag < n ? Double(n - lag) / Double(n) : 0
            #expect(abs(r - expected) < 0.03, "lag \(lag): \(r), expected \(expected)")
        }
    }

    /// With sigma forced to 0 the bit-exact model is a quantised version of
    /// the float network's mean weights: its held-out accuracy must stay
    /// within 2 points (it catches a mis-scaled format or a wrong bias).
    @Test func quantisedMeansKeepTheFloatAccuracy() throws {
        let d = try VIBNN.design(["net=digits"])
        let net = try #require(d.net)
        var w = d.weights
        w.sigma = w.sigma.map { $0.map { $0.map { _ in 0 } } }
        var model = try VIBNNModel(d.config, w)
        var right = 0
        for (img, label) in zip(net.test_images, net.test_labels) {
            let l = model.infer(d.activations(img))
            if l.indices.max(by: { l[$0] < l[$1] }) == label { right += 1 }
        }
        let acc = Double(right) / Double(net.test_labels.count)
        #expect(abs(acc - net.float_mean_weights_accuracy) < 0.02, "quantised \(acc) vs float \(net.float_mean_weights_accuracy)")
    }

    /// Parameters that cannot work are refused with one line.
    @Test func badConfigurationsAreRefused() throws {
        #expect(throws: UserError.self) { try VIBNN.design(["net=digits", "hidden=5"]) }
        #expect(throws: UserError.self) { try VIBNN.design(["act_bits=4", "act_frac=4"]) }
        #expect(throws: UserError.self) { try VIBNN.design(["w_bits=8", "w_frac=9"]) }
    }

    /// The accelerator keeps up with its schedule: images offered back to
    /// back come out exactly `cyclesPerImage` apart (Swift engine).
    @Test(arguments: [VIBNN.small, VIBNN.small + ["macs=3", "grng=wallace", "wallace_log2n=4"]])
    func throughputMatchesTheSchedule(params: [String]) throws {
        let d = try VIBNN.design(params)
        let sim = try Simulator(try Elaborator.elaborate(d.top))
        let stim = d.stimulus(images: d.images(seed: 1, count: 8), seed: 1, denseCount: 8)
        let valid = try #require(sim.inputs.firstIndex { $0.name == "in_valid" })
        let data = try #require(sim.inputs.firstIndex { $0.name == "in_data" })
        sim.reset()
        var r = 0, outs: [Int] = []
        for c in 0..<20_000 where r < stim.cycles.count {
            sim.setInput(valid, stim.cycles[r][0])
            sim.setInput(data, stim.cycles[r][1])
            sim.eval()
            if try sim.peek("out_valid") != .zero { outs.append(c) }
            let ready = try sim.peek("in_ready") != .zero
            if stim.cycles[r][0].isZero || ready { r += 1 }
            sim.tick()
        }
        #expect(outs.count == 8)
        let gaps = zip(outs.dropFirst(), outs).map { $0 - $1 }
        #expect(gaps.dropFirst(2).allSatisfy { $0 == d.config.cyclesPerImage }, "gaps \(gaps), schedule \(d.config.cyclesPerImage)")
    }
}
