import Engines
import FFT
import Foundation
import Harness
import HDL
import Sim
import Testing
@testable import Circulant

@Suite struct CircNNTests {
    /// The Swift float forward pass of the committed network reproduces the
    /// training script's held-out accuracy (two implementations, one result).
    @Test func floatNetMatchesTheTrainingScript() throws {
        let net = try CircNNNet.load(CircNNDesign.defaultPath)
        #expect(net.testImages.count == 497)
        #expect(net.floatAccuracy == net.trainedCirculantAccuracy)
        #expect(net.floatAccuracy > 0.85)
    }

    /// The bit-exact model classifies the held-out images within one point
    /// of the float block-circulant net, at 16 and at 12 bits.
    @Test(arguments: [16, 12]) func bitExactAccuracyIsWithinOnePoint(_ width: Int) throws {
        let d = try CircNNDesign(CircNNDesign.Params { $0.width = width; $0.wWidth = width })
        let model = CircNNModel(d.layers)
        var right = 0
        for (img, label) in zip(d.net.testImages, d.net.testLabels) {
            right += CircNNNet.argmax(try model.infer(img).logits) == label ? 1 : 0
        }
        let exact = Double(right) / Double(d.net.testLabels.count)
        #expect(abs(exact - d.net.floatAccuracy) <= 0.01, "bit-exact \(exact) vs float \(d.net.floatAccuracy)")
    }

    /// Images back to back in the Swift engine: all logits match and the
    /// steady state is the formula's cycles per image.
    @Test func imagesBackToBackAtTheFormula() throws {
        let d = try CircNNDesign(CircNNDesign.Params())
        let n = 9
        let s = d.stimulus(Array(d.net.testImages.prefix(n)), seed: 1, gaps: false)
        let r = try SwiftEngine().run(Job(name: "circnn", ir: try Elaborator.elaborate(d.top), ports: d.ports, stimulus: s,
                                          expected: try d.expected(s), options: RunOptions(recordCycles: true)))
        #expect(r.passed, "\(r.summary)")
        let firsts = stride(from: 0, to: r.transactionCycles.count, by: 5).map { r.transactionCycles[$0] }
        #expect(Double(firsts[n - 1] - firsts[n - 5]) / 4 == CircNNReport.cyclesPerImage(d.layers))
    }

    /// The sticky per-layer saturation flags say what the model says: with
    /// formats planned for activations 8x smaller than the real ones, some
    /// layers saturate on the digits.
    @Test func saturationFlagsFollowTheModel() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("circnn-narrow-\(getpid()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: CircNNDesign.defaultPath))) as! [String: Any]
        json["largest_activation"] = (json["largest_activation"] as! [Double]).map { $0 / 8 }
        try JSONSerialization.data(withJSONObject: json).write(to: file)
        let d = try CircNNDesign(CircNNDesign.Params { $0.weights = file.path })
        let model = CircNNModel(d.layers)
        let images = Array(d.net.testImages.prefix(3))
        var want = [false, false, false]
        for img in images { for (l, s) in try model.infer(img).saturated.enumerated() { want[l] = want[l] || s } }
        #expect(want.contains(true), "\(want)")
        let sim = try Simulator(try Elaborator.elaborate(d.top))
        sim.reset()
        try feed(sim, images)
        sim.step(3000)
        let flags = try sim.peek("saturated")
        #expect((0..<3).map { flags.bit($0) } == want)
    }

    @Test func networkFilesOfTheWrongShapeAreRefused() throws {
        let dir = FileManager.default.temporaryDirectory
        let file = dir.appendingPathComponent("circnn-bad-\(getpid()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        var text = try String(contentsOfFile: CircNNDesign.defaultPath, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"m\":64", with: "\"m\":32")
        try text.write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: UserError.self) { try CircNNDesign(CircNNDesign.Params { $0.weights = file.path }) }
        do { _ = try CircNNDesign(CircNNDesign.Params { $0.weights = file.path }) } catch {
            #expect("\(error)".contains("must be conv 8x9, fc1 64x288, fc2 10x64"))
        }
        try "{}".write(to: file, atomically: true, encoding: .utf8)
        do { _ = try CircNNDesign(CircNNDesign.Params { $0.weights = file.path }) } catch {
            #expect("\(error)".contains("is not a circnn network file"))
        }
    }
}

/// Offers each image's pixels a beat at a time, each held until taken.
func feed(_ sim: Simulator, _ images: [[Int]]) throws {
    for img in images {
        for px in img {
            try sim.poke("in_valid", 1)
            try sim.poke("in_data", px)
            sim.eval()
            while try sim.peek("in_ready").isZero { sim.step(); sim.eval() }
            sim.step()
        }
    }
    try sim.poke("in_valid", 0)
}
