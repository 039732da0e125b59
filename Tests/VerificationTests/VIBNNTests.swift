import Foundation
import Testing
import HDL
import NN
import Random
import Sim
import Designs
import Verification

@Suite struct VIBNN {
    static let small = ["inputs=12", "hidden=7", "outputs=4", "pes=3", "rlf_n=7"]

    /// A negative control: the same hardware against a model fed another
    /// eps sequence (generator seed + 1) must fail, so a pass means the
    /// sampled weights really are compared, not just the means.
    @Test func modelWithOtherEpsIsCaught() throws {
        let d = try #require(try VIBNNDesign.entry.instantiate(VIBNN.small) as? VIBNNDesign)
        let other = try #require(try VIBNNDesign.entry.instantiate(VIBNN.small + ["seed=2"]) as? VIBNNDesign)
        // Same weights and hardware; only the model's generators differ.
        var c = other.config
        c.seed = 2
        struct Swapped: Verifiable {
            let hw: VIBNNDesign, model: VIBNNModel
            var top: any Block { hw.top }
            var validPort: String? { hw.validPort }
            var inputStream: (valid: String, ready: String)? { hw.inputStream }
            var dataPorts: [String] { hw.dataPorts }
            var latency: Int { hw.latency }
            func stimulus(seed: UInt64, vectors: Int) -> Stimulus { hw.stimulus(seed: seed, vectors: vectors) }
            func expected(_ s: Stimulus) -> [Transaction] { hw.expected(s, model: model) }
        }
        let good = try SwiftEngine().verify(name: "vibnn", d, seed: 3, vectors: 3000)
        #expect(good.passed, "\(good.output)")
        let bad = try SwiftEngine().verify(name: "vibnn", Swapped(hw: d, model: try VIBNNModel(c, d.weights)), seed: 3, vectors: 3000)
        #expect(!bad.passed)
        #expect(bad.output.contains("port=out_logits"), "\(bad.output)")
    }

    /// The sampled weights have the spread the eps scale promises: over many
    /// draws, (w − mu)/sigma has mean ≈ 0 and variance ≈ 1 for both
    /// generators (checked on the model's eps stream).
    @Test(arguments: [EpsSource.rlf(window: 15), .wallace(log2N: 6)])
    func epsStreamIsStandardNormal(source: EpsSource) throws {
        let c = VIBNNConfig(sizes: [4, 4], pes: 8, eps: source, seed: 5)
        var s = try EpsStream(c)
        var sum = 0.0, sq = 0.0, count = 0.0
        let scale = Double(1 << c.epsFraction)
        for _ in 0..<20_000 {
            for e in s.next() {
                let x = Double(e) / scale
                sum += x; sq += x * x; count += 1
            }
        }
        let mean = sum / count, variance = sq / count - mean * mean
        // 160,000 samples: 4/sqrt(N) = 0.01 for the mean, 4*sqrt(2/N) = 0.014 for the variance.
        #expect(abs(mean) < 0.01, "mean \(mean)")
        #expect(abs(variance - 1) < 0.02, "variance \(variance)")
    }

    /// With sigma forced to 0 the bit-exact model is a quantised version of
    /// the float network's mean weights: its held-out accuracy must stay
    /// within 2 points (it catches a mis-scaled format or a wrong bias).
    @Test func quantisedMeansKeepTheFloatAccuracy() throws {
        let d = try #require(try VIBNNDesign.entry.instantiate(["net=digits"]) as? VIBNNDesign)
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
        #expect(throws: ParamError.self) { try VIBNNDesign.entry.instantiate(["net=digits", "hidden=5"]) }
        #expect(throws: ParamError.self) { try VIBNNDesign.entry.instantiate(["act_bits=4", "act_frac=4"]) }
        #expect(throws: ParamError.self) { try VIBNNDesign.entry.instantiate(["w_bits=8", "w_frac=9"]) }
    }

    /// The accelerator keeps up with its schedule: images offered back to
    /// back come out exactly `cyclesPerImage` apart (Swift engine).
    @Test(arguments: [VIBNN.small, VIBNN.small + ["macs=3", "grng=wallace", "wallace_log2n=4"]])
    func throughputMatchesTheSchedule(params: [String]) throws {
        let d = try #require(try VIBNNDesign.entry.instantiate(params) as? VIBNNDesign)
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
