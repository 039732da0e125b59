import Foundation
import FFT
import Harness
import HDL

/// The circulant report: storage and multiplies against the dense layer,
/// widths, the timing formulas.
public struct CirculantReport: DesignReport {
    public let layer: CirculantLayer
    public let unit: CirculantMV
    public var title: String { "circulant" }

    public func run(_ context: ReportContext) throws -> ReportSection {
        let L = layer, c = L.config
        var rows: [ReportRow] = []
        rows.append(ReportRow("blocks", "p=\(c.p) x q=\(c.q) of k=\(c.k) (m=\(c.m), n=\(c.n))"))
        rows.append(ReportRow("weight words (reals)", "\(L.weightWords) vs dense \(L.denseWords): \(String(format: "%.1fx", Double(L.denseWords) / Double(L.weightWords))) less"))
        rows.append(ReportRow("cycles per product", "\(unit.cyclesPerProduct)"))
        rows.append(ReportRow("latency", "\(unit.latency)"))
        return ReportSection("circulant", rows: rows)
    }
}
