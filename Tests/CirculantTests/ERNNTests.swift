import Engines
import FFT
import Foundation
import Harness
import HDL
import Sim
import Testing
@testable import Circulant

@Suite struct ERNNTests {
    /// The Swift float cell (exact sigmoid/tanh) reproduces the training
    /// script's held-out accuracy, for both cells.
    @Test(arguments: ERNNNet.Cell.allCases) func floatCellMatchesTheTrainingScript(_ cell: ERNNNet.Cell) throws {
        let net = try ERNNNet.load(ERNNDesign.defaultPath, cell: cell)
        #expect(net.floatAccuracy == net.trainedAccuracy)
        #expect(net.floatAccuracy > 0.8)
    }

    /// The bit-exact sequence model (PWL functions, 16 and 12 bits) within
    /// one point of the float cell.
    @Test(arguments: [(ERNNNet.Cell.lstm, 16), (.gru, 12)])
    func bitExactAccuracyIsWithinOnePoint(_ c: (ERNNNet.Cell, Int)) throws {
        let d = try ERNNDesign(ERNNDesign.Params { $0.cell = c.0; $0.width = c.1; $0.wWidth = min(12, c.1) })
        var right = 0
        for (img, label) in zip(d.net.testImages, d.net.testLabels) {
            right += CircNNNet.argmax(try d.model.infer(img).logits) == label ? 1 : 0
        }
        let exact = Double(right) / Double(d.net.testLabels.count)
        #expect(abs(exact - d.net.floatAccuracy) <= 0.01, "\(c): bit-exact \(exact) vs float \(d.net.floatAccuracy)")
    }

    /// Images back to back: every logit matches and each image takes the
    /// formula's cycles (8 steps and the classifier feed).
    @Test(arguments: [ERNNDesign.Params(), ERNNDesign.Params { $0.cell = .gru; $0.lanes = 1 }])
    func imagesBackToBackAtTheFormula(_ p: ERNNDesign.Params) throws {
        let d = try ERNNDesign(p)
        let n = 4
        let s = d.stimulus(Array(d.net.testImages.prefix(n)), seed: 1, gaps: false)
        let r = try SwiftEngine().run(Job(name: "ernn", ir: try Elaborator.elaborate(d.top), ports: d.ports, stimulus: s,
                                          expected: try d.expected(s), options: RunOptions(recordCycles: true)))
        #expect(r.passed, "\(r.summary)")
        let firsts = stride(from: 0, to: r.transactionCycles.count, by: 5).map { r.transactionCycles[$0] }
        #expect(zip(firsts.dropFirst(), firsts.dropFirst(2)).allSatisfy { $1 - $0 == d.accelerator.imageCycles })
    }

    /// The sticky saturation flags follow the model: a network whose gate
    /// pre-activations are scaled up 8x saturates in the cell update.
    @Test func saturationFlagsFollowTheModel() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ernn-loud-\(getpid()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: ERNNDesign.defaultPath))) as! [String: Any]
        var lstm = json["lstm"] as! [String: Any], gates = lstm["gates"] as! [String: Any]
        gates["columns"] = (gates["columns"] as! [[[Double]]]).map { $0.map { $0.map { $0 * 8 } } }
        lstm["gates"] = gates
        json["lstm"] = lstm
        try JSONSerialization.data(withJSONObject: json).write(to: file)
        let d = try ERNNDesign(ERNNDesign.Params { $0.weights = file.path })
        let images = Array(d.net.testImages.prefix(2))
        var want = [false, false, false]
        for img in images { for (l, s) in try d.model.infer(img).saturated.enumerated() { want[l] = want[l] || s } }
        #expect(want.contains(true), "\(want)")
        let sim = try Simulator(try Elaborator.elaborate(d.top))
        sim.reset()
        try feed(sim, images)
        sim.step(2 * d.accelerator.imageCycles)
        let flags = try sim.peek("saturated")
        #expect((0..<3).map { flags.bit($0) } == want)
    }

    @Test func badParametersAreRefused() throws {
        func message(_ edit: (inout ERNNDesign.Params) -> Void) -> String {
            do { _ = try ERNNDesign(ERNNDesign.Params(edit)); return "" } catch { return "\(error)" }
        }
        #expect(message { $0.segments = 12 }.contains("power of two"))
        #expect(message { $0.lanes = 8 }.contains("lanes=8"))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ernn-bad-\(getpid()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        var text = try String(contentsOfFile: ERNNDesign.defaultPath, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"hidden\":32", with: "\"hidden\":24")
        try text.write(to: file, atomically: true, encoding: .utf8)
        #expect(message { $0.weights = file.path }.contains("must be"))
    }
}
