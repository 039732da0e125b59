import HDL

/// How the phase-accurate Verilog is clocked.
public enum AQFPClocking: String, CaseIterable, Sendable {
    /// Every cell loads on every edge: one edge = one phase, a new input
    /// vector every edge (a wave pipeline).
    case phased
    /// Four-phase: a cell at level l loads only when the phase counter is
    /// (l − 1) mod 4, and each input vector is held for 4 edges.
    case strict
}

/// The phase-accurate Verilog of an AQFP netlist: every clocked cell is a
/// register `q <= f(fanins)` (negations folded in), so the output at edge k
/// is the function of the input of edge k − depth. Around the netlist, as
/// the test bench's side: `in_valid` delayed by the depth to `out_valid`,
/// and registers aligning unbalanced inputs and outputs. Cells listed in
/// `combinational` become wires instead (fault injection; all of them: the
/// netlist with its buffers stripped, for equivalence checking — then the
/// module has no clock and no valid ports).
public struct AQFPModule: Block {
    public let netlist: AQFPNetlist
    public let name: String
    public let clocking: AQFPClocking
    public let combinational: Set<Int>
    public let stripped: Bool

    public init(_ netlist: AQFPNetlist, name: String, clocking: AQFPClocking = .phased,
                combinational: Set<Int> = [], stripped: Bool = false) {
        self.netlist = netlist
        self.name = name
        self.clocking = clocking
        self.combinational = combinational
        self.stripped = stripped
    }

    public var moduleName: String { name }

    // Blocks are values: two modules are the same when their netlists,
    // clocking and stripped cells are.
    public static func == (a: AQFPModule, b: AQFPModule) -> Bool {
        a.name == b.name && a.clocking == b.clocking && a.combinational == b.combinational
            && a.stripped == b.stripped && a.netlist.fingerprint == b.netlist.fingerprint
    }
    public func hash(into h: inout Hasher) {
        h.combine(name)
        h.combine(netlist.cells.count)
        h.combine(netlist.depth)
    }

    public func build(_ m: ModuleBuilder) throws {
        let net = netlist
        let c = net.counts
        m.describe("AQFP netlist: \(c.gates) gates, \(c.buffers) buffers, \(c.inverters) inverters, \(c.splitters) splitters, \(c.constants) constants; \(c.jj) JJ; depth \(net.depth)")
        m.describe(stripped ? "buffers and splitters stripped: combinational, for equivalence checking"
                   : "one clock edge = one phase (\(clocking.rawValue)); outputs follow inputs by \(net.depth) edges")
        var inputs: [Int: Signal] = [:]
        for i in net.inputs {
            let cell = net.cells[i]
            let port = m.input(cell.name, .uint(1))
            // An input placed later than level 0 is fed late: the bench
            // delays it by its level.
            inputs[i] = stripped || cell.level == 0 ? port : m.delay("align_\(cell.name)", port, stages: cell.level)
        }
        let value = aqfpCells(m, net, inputs: inputs, clocking: stripped ? nil : clocking, combinational: combinational,
                              stripped: stripped)
        for o in net.outputs {
            let cell = net.cells[o.cell]
            var v = value[o.cell]!
            if o.inverted { v = ~v }
            if !stripped && cell.level < net.depth {
                v = m.delay("align_\(o.name)", v, stages: net.depth - cell.level)
            }
            _ = m.output(o.name, v)
        }
        if !stripped {
            let valid = m.input("in_valid", .uint(1))
            _ = m.output("out_valid", m.delay("valid", valid, stages: net.depth, reset: 0))
        }
    }
}

/// The cells of `net` in `m`: registers `q <= f(fanins)` (wires when
/// `stripped` or listed in `combinational`), with the phase enables of
/// strict clocking (clocking nil: no clock at all). `inputs` gives each
/// input cell's signal. Returns each cell's signal.
func aqfpCells(_ m: ModuleBuilder, _ net: AQFPNetlist, inputs: [Int: Signal], clocking: AQFPClocking?,
               combinational: Set<Int> = [], stripped: Bool = false) -> [Signal?] {
    var value = [Signal?](repeating: nil, count: net.cells.count)
    let bit = HWType.uint(1)
    // Four-phase enables: level l loads when the phase is (l - 1) mod 4.
    var enables: [Signal] = []
    if clocking == .strict {
        let phase = m.register("phase", .uint(2), reset: 0)
        phase.assign(phase &+ 1)
        enables = (0..<4).map { m.wire("phase_\($0)", phase == $0) }
    }
    for (i, s) in inputs { value[i] = s }
    let order = net.cells.indices.sorted { (net.cells[$0].level, $0) < (net.cells[$1].level, $1) }
    func fanin(_ f: AQFPNetlist.Fanin) -> Signal {
        guard let s = f.cell else { return m.literal(f.inverted ? 1 : 0, bit) }
        return f.inverted ? ~value[s]! : value[s]!
    }
    for i in order {
        let cell = net.cells[i]
        let f: Signal
        switch cell.kind {
        case .input: continue
        case .constant(let b): f = m.literal(b ? 1 : 0, bit)
        case .gate:
            let x = cell.fanins
            // AND / OR when a fanin is a gate-internal constant.
            if let k = x.firstIndex(where: { $0.cell == nil }) {
                let rest = x.indices.filter { $0 != k }.map { fanin(x[$0]) }
                f = x[k].inverted ? rest[0] | rest[1] : rest[0] & rest[1]
            } else {
                let a = fanin(x[0]), b = fanin(x[1]), d = fanin(x[2])
                f = (a & b) | (a & d) | (b & d)
            }
        case .buffer, .splitter: f = fanin(cell.fanins[0])
        }
        if stripped || combinational.contains(i) {
            value[i] = m.wire(cell.name, f)
        } else {
            let en = enables.isEmpty ? nil : enables[(cell.level - 1) % 4]
            value[i] = m.register(cell.name, next: f, enable: en)
        }
    }
    return value
}
