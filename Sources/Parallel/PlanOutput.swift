import Foundation

/// What `hwgen plan-parallel` writes: the plan and the two trivial plans,
/// as JSON, and the per-level choices as an SVG grid.
public struct PlanOutput: Sendable, Codable {
    public var network: String
    public var batch: Int
    public var levels: Int
    public var accelerators: Int
    public var bytesPerElement: Double
    public var plan: ParallelPlanner.Plan
    public var allDP: ParallelPlanner.Plan
    public var allMP: ParallelPlanner.Plan

    public init(_ planner: ParallelPlanner, levels: Int) {
        network = planner.network.name
        batch = planner.batch
        self.levels = levels
        accelerators = 1 << levels
        bytesPerElement = planner.bytesPerElement
        plan = planner.plan(levels: levels)
        allDP = planner.plan(levels: levels, fixed: .dp)
        allMP = planner.plan(levels: levels, fixed: .mp)
    }

    public var json: String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try! e.encode(self), as: UTF8.self) + "\n"
    }

    /// Levels down, layers across; dp cells blue, mp orange.
    public var svg: String {
        let layers = plan.levels.first?.steps.map(\.layer) ?? []
        let cw = 64.0, ch = 26.0, left = 70.0, top = 60.0
        let width = left + cw * Double(max(1, layers.count)) + 20, height = top + ch * Double(max(1, levels)) + 40
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(Int(left))\" y=\"20\" font-size=\"14\">\(network), batch \(batch), \(accelerators) accelerators: dp (blue) / mp (orange) per level</text>\n"
        for (j, name) in layers.enumerated() {
            let x = left + cw * (Double(j) + 0.5)
            s += "<text x=\"\(fmt(x))\" y=\"\(fmt(top - 8))\" text-anchor=\"middle\">\(name)</text>\n"
        }
        for lv in plan.levels {
            let y = top + ch * Double(lv.level)
            s += "<text x=\"\(fmt(left - 8))\" y=\"\(fmt(y + ch * 0.65))\" text-anchor=\"end\">level \(lv.level)</text>\n"
            for (j, st) in lv.steps.enumerated() {
                let x = left + cw * Double(j)
                let fill = st.choice == .dp ? "#4a79a8" : "#e08a3c"
                s += "<rect x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(cw - 2))\" height=\"\(fmt(ch - 2))\" fill=\"\(fill)\"/>\n"
                s += "<text x=\"\(fmt(x + cw / 2 - 1))\" y=\"\(fmt(y + ch * 0.65))\" text-anchor=\"middle\" fill=\"white\">\(st.choice.rawValue)</text>\n"
            }
        }
        s += "<text x=\"\(Int(left))\" y=\"\(fmt(height - 14))\">total \(Self.bytes(plan.total)); all dp \(Self.bytes(allDP.total)); all mp \(Self.bytes(allMP.total))</text>\n"
        return s + "</svg>\n"
    }

    func fmt(_ v: Double) -> String { String(format: "%.1f", v) }

    /// Bytes with a binary-free SI unit: 1.23 GB.
    public static func bytes(_ v: Double) -> String {
        let units = ["B", "kB", "MB", "GB", "TB", "PB"]
        var x = v, u = 0
        while x >= 1000 && u < units.count - 1 { x /= 1000; u += 1 }
        return u == 0 ? String(format: "%.0f B", x) : String(format: "%.3g %@", x, units[u])
    }
}
