import Foundation
import FFT
import Harness
import HDL

/// `ernn`: the trained block-circulant LSTM or GRU on the digits read row
/// by row, the recurrence in the hardware, against the bit-exact sequence
/// model: every logit of every image compared, in order.
public struct ERNNDesign: Design {
    public struct Params: ParamSet {
        var cell = ERNNNet.Cell.lstm
        var width = 16, wWidth = 12, twWidth = 16
        var segments = 16, lanes = 4
        var rounding = RoundingMode.halfEven
        var weights = ""
        public init() {}
        public init(_ edit: (inout Params) -> Void) { edit(&self) }
        public static var specs: [Param<Self>] { [
            .choice("cell", \.cell, "lstm: gates i, f, g, o and a cell state; gru: gates z, r and the candidate n"),
            .int("width", \.width, 12...16, "bits of every activation, state and pre-activation (fractions: h width-2, pre-activations width-6, c width-5)"),
            .int("w_width", \.wWidth, 6...16, "bits of each stored weight-spectrum part"),
            .int("tw_width", \.twWidth, 8...24, "twiddle bits of the FFTs"),
            .int("segments", \.segments, 2...256, "piecewise-linear segments of sigmoid (over ±8) and tanh (over ±4), a power of two"),
            .int("lanes", \.lanes, 1...4, "MAC lanes of the gate unit (k=8: at most 4)"),
            .choice("rounding", \.rounding, "how the FFTs, spectra and the cell update drop bits"),
            .custom("weights", \.weights, allowed: "a JSON file, or empty", parse: { $0 }, render: { $0.isEmpty ? "digits" : $0 },
                    "a network from Tools/train_ernn.py (empty: Data/digits_ernn.json)"),
        ] }
    }

    public static let name = "ernn"
    public static let summary = "E-RNN LSTM/GRU cell: block-circulant gate matrix on FFT units, PWL sigmoid/tanh, the recurrence in hardware"
    public static let unit = "image"
    public static var testSets: [Params] { [
        Params { $0.width = 12; $0.wWidth = 10; $0.segments = 8; $0.lanes = 1; $0.rounding = .truncate },
        Params { $0.cell = .gru; $0.width = 14; $0.segments = 32; $0.lanes = 2 },
    ] }
    // The GRU's report: `hwgen report --design ernn --param cell=gru` (its
    // accuracy is also a test).

    public static var defaultPath: String { DigitsImages.path("digits_ernn.json") }

    public let params: Params
    public let net: ERNNNet
    public let model: ERNNModel
    public let accelerator: ERNN

    public init(_ p: Params) throws {
        params = p
        net = try ERNNNet.load(p.weights.isEmpty ? ERNNDesign.defaultPath : p.weights, cell: p.cell)
        var c = ERNNConfig()
        c.width = p.width; c.wWidth = p.wWidth; c.twWidth = p.twWidth
        c.segments = p.segments; c.lanes = p.lanes; c.rounding = p.rounding
        model = try ERNNModel(cell: p.cell, config: c, hidden: net.hidden, gates: try c.gateLayer(net), classifier: try c.classifierLayer(net))
        accelerator = ERNN(model)
    }

    public var top: any Block { accelerator }
    public var ports: TestPorts {
        TestPorts(valid: "out_valid", inputStream: ("in_valid", "in_ready"), data: ["out_data", "out_overflow"])
    }
    public var transactionsPerUnit: Int { 5 }
    public var defaultVectors: Int { 20 }
    public var reports: [any DesignReport] { [ERNNReport(design: self)] }

    /// Held-out images in order (a blank and a saturated image first).
    public func images(count: Int) -> [[Int]] { DigitsImages.images(net.testImages, count: count) }

    public func stimulus(seed: UInt64, vectors: Int) -> Stimulus {
        stimulus(images(count: vectors), seed: seed, gaps: true)
    }

    public func stimulus(_ images: [[Int]], seed: UInt64, gaps: Bool) -> Stimulus {
        DigitsImages.stimulus(images, seed: seed, gaps: gaps, drain: 2 * accelerator.imageCycles + 400)
    }

    public func expected(_ s: Stimulus) throws -> [Transaction] {
        let model = model
        return try DigitsImages.expected(s, width: model.config.width) { img in
            let y = try model.infer(img)
            return (y.logits, y.overflow)
        }
    }
}
