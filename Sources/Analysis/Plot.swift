import Foundation

/// A line plot as SVG, with optional logarithmic axes: the figure reports
/// attach (SQNR against amplitude, error against stream length, ...).
public struct LinePlot {
    public struct Series {
        public var name: String
        public var points: [(Double, Double)]
        public var colour: String
        public init(_ name: String, _ points: [(Double, Double)], colour: String = "#4a79a8") {
            self.name = name
            self.points = points
            self.colour = colour
        }
    }

    public var title: String, xLabel: String, yLabel: String
    public var logX = false, logY = false
    public var series: [Series]
    public init(title: String, xLabel: String, yLabel: String, logX: Bool = false, logY: Bool = false, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logX = logX
        self.logY = logY
        self.series = series
    }

    public var svg: String {
        let (w, h, left, right, top, bottom) = (720.0, 420.0, 70.0, 20.0, 40.0, 50.0)
        let all = series.flatMap(\.points).filter { $0.0.isFinite && $0.1.isFinite }
        func tx(_ x: Double) -> Double { logX ? log10(x) : x }
        func ty(_ y: Double) -> Double { logY ? log10(y) : y }
        var (x0, x1) = (all.map { tx($0.0) }.min() ?? 0, all.map { tx($0.0) }.max() ?? 1)
        var (y0, y1) = (all.map { ty($0.1) }.min() ?? 0, all.map { ty($0.1) }.max() ?? 1)
        if x1 <= x0 { x1 = x0 + 1 }
        if y1 <= y0 { y1 = y0 + 1 }
        let pad = (y1 - y0) * 0.05
        (y0, y1) = (y0 - pad, y1 + pad)
        if !logX { x0 = min(x0, 0) }
        func px(_ x: Double) -> Double { left + (tx(x) - x0) / (x1 - x0) * (w - left - right) }
        func py(_ y: Double) -> Double { h - bottom - (ty(y) - y0) / (y1 - y0) * (h - top - bottom) }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(h))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(Int(left))\" y=\"20\">\(title)</text>\n"
        s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n", left, h - bottom, w - right, h - bottom)
        s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n", left, top, left, h - bottom)
        // Ticks: decades on a log axis; on a linear one multiples of a
        // round step (1, 2 or 5 times a power of ten), about five of them.
        func ticks(_ a: Double, _ b: Double, _ isLog: Bool) -> [Double] {
            if isLog { return (Int(a.rounded(.up))...max(Int(a.rounded(.up)), Int(b.rounded(.down)))).map { pow(10, Double($0)) } }
            let raw = (b - a) / 5, decade = pow(10, floor(log10(raw)))
            let step = [1.0, 2, 5, 10].first { $0 * decade >= raw }! * decade
            return stride(from: (a / step).rounded(.up) * step, through: b, by: step).map { $0 }
        }
        for t in ticks(x0, x1, logX) {
            s += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%@</text>\n", px(t), h - bottom + 16, LinePlot.label(t))
        }
        for t in ticks(y0, y1, logY) {
            s += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%@</text>\n", left - 6, py(t) + 4, LinePlot.label(t))
            s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", left, py(t), w - right, py(t))
        }
        s += "<text x=\"\(Int((left + w - right) / 2))\" y=\"\(Int(h - 12))\" text-anchor=\"middle\">\(xLabel)</text>\n"
        s += "<text transform=\"translate(16,\(Int((top + h - bottom) / 2))) rotate(-90)\" text-anchor=\"middle\">\(yLabel)</text>\n"
        for (i, ser) in series.enumerated() {
            let pts = ser.points.filter { $0.0.isFinite && $0.1.isFinite }
            let path = pts.enumerated().map { String(format: "%@%.1f,%.1f", $0.offset == 0 ? "M" : "L", px($0.element.0), py($0.element.1)) }.joined(separator: " ")
            s += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(ser.colour)\" stroke-width=\"1.5\"/>\n"
            for p in pts { s += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%@\"/>\n", px(p.0), py(p.1), ser.colour) }
            s += "<text x=\"\(Int(w - right - 220))\" y=\"\(Int(top) + 16 * i)\" fill=\"\(ser.colour)\">\(ser.name)</text>\n"
        }
        return s + "</svg>\n"
    }

    static func label(_ v: Double) -> String {
        if v != 0 && (abs(v) < 0.01 || abs(v) >= 1e5) { return String(format: "%.0e", v) }
        return String(format: "%g", (v * 1000).rounded() / 1000)
    }
}
