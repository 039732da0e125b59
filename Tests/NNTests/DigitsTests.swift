import Foundation
import Testing
import NN

let digitsPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path + "/Data/digits_bnn.json"

@Suite struct DigitsNetwork {
    /// The committed network loads, has the shape it says, and Swift's float
    /// forward pass reproduces the training script's mean-weights accuracy.
    @Test func swiftForwardPassMatchesTheTrainingScript() throws {
        let net = try BayesianMLP.load(digitsPath)
        #expect(net.sizes == [64, 32, 32, 10])
        #expect(net.test_images.count == 497 && net.test_labels.count == 497)
        #expect(net.layers.map { $0.w_mu.count } == [32, 32, 10])
        #expect(net.layers.allSatisfy { $0.w_sigma.allSatisfy { $0.allSatisfy { $0 > 0 } } })
        #expect(abs(net.meanWeightsAccuracy - net.float_mean_weights_accuracy) < 1e-9,
                "\(net.meanWeightsAccuracy) vs \(net.float_mean_weights_accuracy)")
        #expect(net.float_mc_accuracy_16_samples > 0.9)
    }
}
