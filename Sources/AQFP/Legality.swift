/// The legality rules of a clocked AQFP netlist (shared/specs/sc-aqfp.md),
/// each violation naming its cell.
extension AQFPNetlist {
    public func violations(limit: Int = 20) -> [String] {
        var out: [String] = []
        func bad(_ s: String) { if out.count < limit { out.append(s) } }
        let fan = fanouts
        let cap = options.splitterCapacity
        for (i, c) in cells.enumerated() {
            let what = "\(c.name) (\(c.kindName), level \(c.level))"
            let expected: Int
            switch c.kind {
            case .input, .constant: expected = 0
            case .gate: expected = 3
            case .buffer, .splitter: expected = 1
            }
            if c.fanins.count != expected { bad("\(what) has \(c.fanins.count) fanins, expected \(expected)") }
            for f in c.fanins {
                guard let src = f.cell else {
                    if c.kind != .gate { bad("\(what) reads a constant; only gates have constant fanins") }
                    continue
                }
                guard cells.indices.contains(src) else { bad("\(what) reads a missing cell \(src)"); continue }
                if cells[src].level != c.level - 1 {
                    bad("\(what) reads \(cells[src].name) at level \(cells[src].level), not \(c.level - 1): the path is not balanced")
                }
                if f.inverted, c.kind == .splitter { bad("\(what) reads \(cells[src].name) negated; a splitter cannot invert") }
            }
            switch c.kind {
            case .gate where fan[i] != 1:
                bad("\(what) drives \(fan[i]) fanouts; a gate drives exactly one (more go through splitters)")
            case .buffer where fan[i] > 1:
                bad("\(what) drives \(fan[i]) fanouts; a buffer drives one")
            case .splitter where fan[i] > cap:
                bad("\(what) drives \(fan[i]) fanouts, more than the splitter capacity \(cap)")
            case .input where fan[i] > options.inputCapacity:
                bad("\(what) drives \(fan[i]) fanouts, more than the input capacity \(options.inputCapacity)")
            case .constant where fan[i] > 1:
                bad("\(what) drives \(fan[i]) fanouts; a constant cell drives one")
            default: break
            }
            if c.kind == .gate || c.kind == .buffer || c.kind == .splitter, fan[i] == 0 {
                bad("\(what) drives nothing")
            }
            if case .input = c.kind {
                if options.balanceInputs, c.level != 0 { bad("\(what): inputs are balanced at level 0") }
                if c.level % options.phases != 0 { bad("\(what): an input must sit on a phase-0 level with \(options.phases)-phase clocking") }
            } else if c.level < 1 {
                bad("\(what): a clocked cell sits at level 1 or later")
            }
        }
        for o in outputs {
            guard cells.indices.contains(o.cell) else { bad("output \(o.name) has no driver"); continue }
            let c = cells[o.cell]
            if o.inverted { bad("output \(o.name) reads \(c.name) negated; negation belongs to a gate or an inverter") }
            if options.balanceOutputs, c.level != depth {
                bad("output \(o.name) is driven by \(c.name) at level \(c.level), not the output level \(depth): outputs are not balanced")
            }
            if c.level > depth { bad("output \(o.name) is driven by \(c.name) at level \(c.level), past the depth \(depth)") }
            if c.level % options.phases != 0 {
                bad("output \(o.name) at level \(c.level), not a multiple of \(options.phases) (\(options.phases)-phase clocking)")
            }
        }
        return out
    }
}

extension AQFPNetlist.Cell {
    public var kindName: String {
        switch kind {
        case .input: return "input"
        case .constant: return "constant"
        case .gate: return "gate"
        case .buffer: return fanins.first?.inverted == true ? "inverter" : "buffer"
        case .splitter: return "splitter"
        }
    }
}
