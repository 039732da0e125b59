import Foundation
import FFT
import Harness
import HDL

/// The circnn report: accuracies (float block-circulant, dense, bit-exact),
/// storage and multiplies against the dense network.
public struct CircNNReport: DesignReport {
    public let design: CircNNDesign
    public var title: String { "circnn" }

    public func run(_ context: ReportContext) throws -> ReportSection {
        let rows: [ReportRow] = []
        return ReportSection("circnn", rows: rows)
    }
}
