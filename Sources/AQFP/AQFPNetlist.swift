/// A clocked AQFP netlist: every cell sits on a level (one clock phase) and
/// reads cells of the level before. Gates are MAJ3 (AND/OR when a fanin is
/// a constant) with free input negation; a buffer whose fanin is negated is
/// an inverter; splitters copy one signal to up to `capacity` cells.
public struct AQFPNetlist: Sendable {
    public enum Kind: Equatable, Sendable {
        case input(String)
        case constant(Bool)
        case gate
        case buffer
        case splitter
    }

    /// A fanin: a cell, or (`cell` = nil) the constant `inverted` (a gate's
    /// internal constant: AND = MAJ(a, b, 0)).
    public struct Fanin: Equatable, Sendable {
        public var cell: Int?
        public var inverted: Bool
        public init(cell: Int?, inverted: Bool) { self.cell = cell; self.inverted = inverted }
    }

    public struct Cell: Sendable {
        public var kind: Kind
        public var level: Int
        public var fanins: [Fanin]
        public var name: String
    }

    public var cells: [Cell] = []
    /// Output name, its driving cell, and whether it is read negated (a
    /// legal netlist has none: negation belongs to gates and inverters).
    public var outputs: [(name: String, cell: Int, inverted: Bool)] = []
    public var options: AQFPOptions
    /// The level of the outputs (with balanced outputs, every output's).
    public var depth: Int

    public init(options: AQFPOptions, depth: Int) {
        self.options = options
        self.depth = depth
    }

    public var inputs: [Int] { cells.indices.filter { if case .input = cells[$0].kind { return true }; return false } }

    /// Counts by kind; inverters are buffers with a negated fanin.
    public struct Counts: Equatable, Sendable {
        public var gates = 0, buffers = 0, inverters = 0, splitters = 0, constants = 0
        /// Buffers, inverters and splitters: the cells path balancing and
        /// fanout add.
        public var bufferSplitters: Int { buffers + inverters + splitters }
        public var jj: Int {
            gates * AQFPCost.maj3 + buffers * AQFPCost.buffer + inverters * AQFPCost.inverter
                + splitters * AQFPCost.splitter + constants * AQFPCost.constant
        }
    }

    public var counts: Counts {
        var c = Counts()
        for cell in cells {
            switch cell.kind {
            case .input: break
            case .constant: c.constants += 1
            case .gate: c.gates += 1
            case .buffer: if cell.fanins[0].inverted { c.inverters += 1 } else { c.buffers += 1 }
            case .splitter: c.splitters += 1
            }
        }
        return c
    }

    /// How many cells and outputs read each cell.
    public var fanouts: [Int] {
        var f = [Int](repeating: 0, count: cells.count)
        for c in cells { for x in c.fanins { if let i = x.cell { f[i] += 1 } } }
        for o in outputs { f[o.cell] += 1 }
        return f
    }

    /// The cells' values after one evaluation of the whole netlist as
    /// combinational logic (buffers and splitters are wires): 64 vectors a
    /// word, `inputWords` in input-cell order.
    public func evaluateCombinational(_ inputWords: [[UInt64]]) -> [[UInt64]] {
        let words = inputWords.first?.count ?? 0
        var v = [[UInt64]](repeating: [UInt64](repeating: 0, count: words), count: cells.count)
        for (k, i) in inputs.enumerated() { v[i] = inputWords[k] }
        // Levels order a legal netlist; evaluate in level order.
        let order = cells.indices.sorted { cells[$0].level < cells[$1].level }
        for i in order {
            let c = cells[i]
            func fan(_ f: Fanin, _ w: Int) -> UInt64 {
                let x = f.cell.map { v[$0][w] } ?? 0
                return f.inverted ? ~x : x
            }
            switch c.kind {
            case .input: break
            case .constant(let b): v[i] = [UInt64](repeating: b ? .max : 0, count: words)
            case .gate:
                for w in 0..<words {
                    let a = fan(c.fanins[0], w), b = fan(c.fanins[1], w), d = fan(c.fanins[2], w)
                    v[i][w] = (a & b) | (a & d) | (b & d)
                }
            case .buffer, .splitter:
                for w in 0..<words { v[i][w] = fan(c.fanins[0], w) }
            }
        }
        return outputs.map { o in (0..<words).map { o.inverted ? ~v[o.cell][$0] : v[o.cell][$0] } }
    }

    /// Every cell, fanin and output in one comparable value.
    public var fingerprint: [Int] {
        var f = [depth, options.splitterCapacity, options.inputCapacity, options.phases]
        for c in cells {
            switch c.kind {
            case .input: f.append(-1)
            case .constant(let b): f.append(b ? -3 : -2)
            case .gate: f.append(-4)
            case .buffer: f.append(-5)
            case .splitter: f.append(-6)
            }
            f.append(c.level)
            for x in c.fanins { f.append((x.cell ?? -1) * 2 + (x.inverted ? 1 : 0)) }
        }
        for o in outputs { f.append(o.cell * 2 + (o.inverted ? 1 : 0)) }
        return f
    }
}
