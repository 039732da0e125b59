import Foundation
import Harness
import HDL

/// The fft report (accuracy, overflow sweep, multipliers, throughput).
public struct FFTReport: DesignReport {
    public let design: FFTDesign
    public init(design: FFTDesign) { self.design = design }
    public var title: String { "fft" }
    public func run(_ context: ReportContext) throws -> ReportSection {
        ReportSection("\(context.top): FFT")
    }
}
