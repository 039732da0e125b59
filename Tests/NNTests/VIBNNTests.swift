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

    /// A binomial eps is an integer e; sigma carries 2/sqrt(n), so
    /// sigma_stored·e has the spread sigma·N(0, 1) would: e·2/sqrt(n) has
    /// mean ≈ 0, variance ≈ 1, and the quantised sigma is the float sigma
    /// times that constant.
    @Test func binomialEpsAndTheFoldedSigma() throws {
        let d = try VIBNN.design(["net=digits", "grng=binomial", "binomial_n=16", "pes=8"])
        let c = d.config
        #expect(c.epsType == HWType.sint(5) && c.epsFraction == 0)
        #expect(abs(c.sigmaFold - 0.5) < 1e-12)
        var s = try VIBNNModel(c, d.weights).eps
        var sum = 0.0, sq = 0.0, count = 0.0
        for _ in 0..<20_000 {
            for e in s.next() { let x = Double(e) * c.sigmaFold; sum += x; sq += x * x; count += 1 }
        }
        let mean = sum / count, variance = sq / count - mean * mean
        #expect(abs(mean) < 0.02 && abs(variance - 1) < 0.03, "mean \(mean) variance \(variance)")
        let net = try #require(d.net)
        let want = Int((net.layers[1].w_sigma[3][5] * 0.5 * Double(1 << c.sigmaFraction)).rounded(.toNearestOrEven))
        #expect(d.weights.sigma[1][3][5] == min(want, (1 << c.sigmaBits) - 1))
    }

    /// Drawing each neuron's pre-activation from its exact Gaussian (local
    /// reparameterisation) gives the logits the per-weight draw gives: mean
    /// and spread of every logit of one image agree within sampling error.
    @Test func localReparameterisationMatchesPerWeightSampling() throws {
        let net = try #require(try VIBNN.design(["net=digits"]).net)
        let image = net.test_images[7]
        var rng = SplitMix64(seed: 99)
        let passes = 3000
        let direct = (0..<passes).map { _ in net.logits(image, normal: { rng.normal() }) }
        let local = net.sampledLogits(image, samples: passes, normal: { rng.normal() })
        for o in 0..<10 {
            let a = direct.map { $0[o] }, b = local.map { $0[o] }
            let ma = a.reduce(0, +) / Double(passes), mb = b.reduce(0, +) / Double(passes)
            let sa = (a.reduce(0) { $0 + ($1 - ma) * ($1 - ma) } / Double(passes)).squareRoot()
            let sb = (b.reduce(0) { $0 + ($1 - mb) * ($1 - mb) } / Double(passes)).squareRoot()
            // Five standard errors of a difference of means; 10% on the sd.
            #expect(abs(ma - mb) < 5 * sa * (2.0 / Double(passes)).squareRoot() + 1e-9, "logit \(o): \(ma) vs \(mb)")
            #expect(abs(sa - sb) < 0.1 * sa + 1e-9, "logit \(o) sd: \(sa) vs \(sb)")
        }
    }

    /// The shipped MNIST network: the paper's shape, 1,000 held-out images
    /// of the stated split (100 of each digit, interleaved), pixels 0...255,
    /// and the mean-weight accuracy its header states, recomputed here.
    @Test func mnistNetworkLoadsWithItsSplit() throws {
        let d = try VIBNN.design(["net=mnist", "grng=binomial", "pes=50", "macs=5"])
        let net = try #require(d.net)
        #expect(net.sizes == [784, 200, 200, 10])
        #expect(net.test_images.count == 1000 && net.test_images.allSatisfy { $0.count == 784 && $0.allSatisfy { (0...255).contains($0) } })
        #expect(net.test_labels.prefix(20) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
        #expect(abs(net.meanWeightsAccuracy - net.float_mean_weights_accuracy) < 1e-9)
        #expect(net.meanWeightsAccuracy > 0.9)
        // Auto formats saturate nothing: the largest |mu| fits mu's range.
        let mu = net.layers.flatMap { $0.w_mu.flatMap { $0 } + $0.b_mu }.map(abs).max()!
        #expect(mu * Double(1 << d.config.muFraction) <= Double((1 << (d.config.paramBits - 1)) - 1))
        #expect(mu * Double(1 << (d.config.muFraction + 1)) > Double((1 << (d.config.paramBits - 1)) - 1))
    }

    /// The device configuration as flags (README, Makefile's VIBNN_DEVICE)
    /// is the one the code names; its schedule is 858 cycles an image.
    @Test func deviceFlagsAreTheDeviceConfiguration() throws {
        let flags = VIBNNDesign.deviceFlags.split(separator: " ").map(String.init)
        let a = try VIBNN.design(flags).config, b = try VIBNNDesign(VIBNNDesign.device).config
        #expect(a == b)
        #expect(b.cyclesPerImage == 858 && b.samplers == 250)
        let makefile = try String(contentsOfFile: #filePath.replacingOccurrences(of: "Tests/NNTests/VIBNNTests.swift", with: "Makefile"), encoding: .utf8)
        #expect(makefile.contains("VIBNN_DEVICE := " + VIBNNDesign.deviceFlags))
    }
}
