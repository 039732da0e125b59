import Foundation
import FFT
import Harness
import HDL

/// `circnn`: the trained block-circulant CNN on the 8x8 digits, against its
/// bit-exact model: every logit of every image compared, in order.
public struct CircNNDesign: Design {
    public struct Params: ParamSet {
        var width = 16, wWidth = 16, twWidth = 18
        var convLanes = 1, fc1Lanes = 4, fc2Lanes = 2, convBanks = 4
        var rounding = RoundingMode.halfEven
        var weights = ""
        public init() {}
        public init(_ edit: (inout Params) -> Void) { edit(&self) }
        public static var specs: [Param<Self>] { [
            .int("width", \.width, 10...24, "activation bits (fractions chosen per layer from the training activations)"),
            .int("w_width", \.wWidth, 4...24, "bits of each stored weight-spectrum part"),
            .int("tw_width", \.twWidth, 4...24, "twiddle bits of the FFTs"),
            .int("conv_lanes", \.convLanes, 1...4, "MAC lanes of the conv unit (k=8: at most q=2)"),
            .int("fc1_lanes", \.fc1Lanes, 1...8, "MAC lanes of fc1 (k=16)"),
            .int("fc2_lanes", \.fc2Lanes, 1...4, "MAC lanes of fc2 (k=8)"),
            .int("conv_banks", \.convBanks, 2...16, "patches in flight in the conv unit (a power of two): its load and FFT run ahead of the MACs"),
            .choice("rounding", \.rounding, "how the FFTs and spectra drop bits"),
            .custom("weights", \.weights, allowed: "a JSON file, or empty", parse: { $0 }, render: { $0.isEmpty ? "digits" : $0 },
                    "a network from Tools/train_circnn.py (empty: Data/digits_circnn.json)"),
        ] }
    }

    public static let name = "circnn"
    public static let summary = "CirCNN digits network: block-circulant conv (im2col) and FC layers on FFT units, trained weights"
    public static let unit = "image"
    // No synthesis by default: synth_xilinx of the whole network takes
    // about 45 s (`hwgen report --design circnn --synth xilinx`).
    public static var testSets: [Params] { [
        Params { $0.width = 12; $0.wWidth = 12; $0.twWidth = 14; $0.convLanes = 2; $0.fc1Lanes = 8; $0.fc2Lanes = 1; $0.convBanks = 8
                 $0.rounding = .truncate },
    ] }

    public static var defaultPath: String { DigitsImages.path("digits_circnn.json") }

    public let params: Params
    public let net: CircNNNet
    public let config: CircNNConfig
    public let layers: [CirculantLayer]
    public let accelerator: CircNN

    public init(_ p: Params) throws {
        params = p
        net = try CircNNNet.load(p.weights.isEmpty ? CircNNDesign.defaultPath : p.weights)
        var c = CircNNConfig()
        c.width = p.width; c.wWidth = p.wWidth; c.twWidth = p.twWidth
        c.lanes = [p.convLanes, p.fc1Lanes, p.fc2Lanes]
        c.convBanks = p.convBanks
        c.rounding = p.rounding
        config = c
        layers = try c.layers(net)
        accelerator = CircNN(layers)
    }

    public var top: any Block { accelerator }
    public var ports: TestPorts {
        TestPorts(valid: "out_valid", inputStream: ("in_valid", "in_ready"), data: ["out_data", "out_overflow"])
    }
    public var transactionsPerUnit: Int { 5 }
    public var defaultVectors: Int { 40 }
    public var reports: [any DesignReport] { [CircNNReport(design: self)] }

    /// Held-out images in order (a blank and a saturated image first).
    public func images(count: Int) -> [[Int]] { DigitsImages.images(net.testImages, count: count) }

    public func stimulus(seed: UInt64, vectors: Int) -> Stimulus {
        stimulus(images(count: vectors), seed: seed, gaps: true)
    }

    public func stimulus(_ images: [[Int]], seed: UInt64, gaps: Bool) -> Stimulus {
        DigitsImages.stimulus(images, seed: seed, gaps: gaps, drain: 6000)
    }

    public func expected(_ s: Stimulus) throws -> [Transaction] {
        let model = CircNNModel(layers)
        return try DigitsImages.expected(s, width: config.width) { img in
            let y = try model.infer(img)
            return (y.logits, y.overflow)
        }
    }
}
