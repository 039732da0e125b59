import Foundation
import FFT
import Harness
import HDL

public struct ERNNReport: DesignReport {
    public let design: ERNNDesign
    public var title: String { "ernn" }
    public func run(_ context: ReportContext) throws -> ReportSection {
        ReportSection("ernn", rows: [])
    }
}
