import HDL
import Harness
import Stochastic

/// An SC neuron's AQFP netlist with its operand, random-number and
/// feedback wiring: bus ports `first` (sorter), `x`, `w` (n codes of w bits,
/// operand i in bits w·i+w−1...w·i), `bias`, `rnd` (the SNGs' random
/// numbers: x side, then w side, then the bias; an AQFP true RNG each,
/// here from outside), `pad` (majority with an even term count), `in_valid`;
/// `out`, `out_valid`. The residue bits leave at the depth D and re-enter at
/// level 0 — on four-phase clocking the same phase, so the loop closes on
/// whole clock cycles — which makes the netlist D neurons interleaved: the
/// SC cycle given at edge k continues the stream given at edge k − D.
public struct SCDNNBlock: Block {
    public let config: SCNeuronConfig
    public let netlist: AQFPNetlist

    public var moduleName: String { "scdnn_\(config.form.rawValue)_n\(config.n)_l\(config.streams.length)" }

    public static func == (a: SCDNNBlock, b: SCDNNBlock) -> Bool {
        a.config == b.config && a.netlist.fingerprint == b.netlist.fingerprint
    }
    public func hash(into h: inout Hasher) { h.combine(config) }

    public func build(_ m: ModuleBuilder) throws {
        let c = config, n = c.n, w = c.streams.width, net = netlist, k = net.counts
        m.describe("SC neuron (\(c.form.rawValue), n = \(n), \(c.streams.encoding.rawValue), L = \(c.streams.length)) as an AQFP netlist: \(k.gates) gates, \(k.bufferSplitters) buffers/inverters/splitters, \(k.jj) JJ, depth \(net.depth)")
        m.describe("one clock edge = one phase; the residue loop closes after \(net.depth) edges, so \(net.depth) streams run interleaved")
        var byName: [String: Signal] = [:]
        if c.form == .sorter { byName["first"] = m.input("first", .uint(1)) }
        let x = m.input("x", .uint(n * w)), wt = m.input("w", .uint(n * w)), bias = m.input("bias", .uint(w))
        let rnd = m.input("rnd", .uint((2 * n + 1) * w))
        for i in 0..<n {
            for b in 0..<w {
                byName["x_\(i)_\(b)"] = x.bit(w * i + b)
                byName["w_\(i)_\(b)"] = wt.bit(w * i + b)
                byName["rx_\(i)_\(b)"] = rnd.bit(w * i + b)
                byName["rw_\(i)_\(b)"] = rnd.bit(w * (n + i) + b)
            }
        }
        for b in 0..<w {
            byName["bias_\(b)"] = bias.bit(b)
            byName["rb_\(b)"] = rnd.bit(w * 2 * n + b)
        }
        if c.form == .majority, (n + 1) % 2 == 0 { byName["pad"] = m.input("pad", .uint(1)) }
        let f = c.form == .sorter ? c.feedback : 0
        let fb = (0..<f).map { m.wire("fb_\($0)", .uint(1)) }
        for (q, s) in fb.enumerated() { byName["fb_\(q)"] = s }
        var inputs: [Int: Signal] = [:]
        for i in net.inputs {
            guard let s = byName[net.cells[i].name] else { throw UserError("internal error: no signal for input \(net.cells[i].name)") }
            inputs[i] = s
        }
        let value = aqfpCells(m, net, inputs: inputs, clocking: .phased)
        func output(_ name: String) -> Signal {
            let o = net.outputs.first { $0.name == name }!
            return value[o.cell]!
        }
        for (q, s) in fb.enumerated() { s.assign(output("fb_next_\(q)")) }
        _ = m.output("out", output("out"))
        _ = m.output("out_valid", m.delay("valid", m.input("in_valid", .uint(1)), stages: net.depth, reset: 0))
    }
}

/// The AQFP SC-DNN neurons of Cai et al. (ISCA 2019): the CONV neuron (25
/// products, bitonic sorter with feedback) and the FC neuron (128 products,
/// majority chain), each with its SNGs as one balanced AQFP netlist,
/// phase-accurate, checked stream bit by stream bit against the SC golden
/// model (Stochastic's `SCNeuronModel`) given the same random numbers.
public struct SCDNNDesign: Design {
    public enum Layer: String, CaseIterable, Sendable { case conv, fc }

    public struct Params: ParamSet {
        var layer = Layer.conv
        var n: Int? = nil
        var streams: SCStreamParams = {
            var s = SCStreamParams()
            s.length = 64
            s.encoding = .bipolar
            return s
        }()
        var capacity = 4
        var phases = 4
        var ghz = 5
        public init() {}
        init(_ edit: (inout Params) -> Void) { edit(&self) }
        public static var specs: [Param<Self>] {
            [
                .choice("layer", \.layer, "conv: the CONV neuron (bitonic sorter with feedback); fc: the FC neuron (majority chain)"),
                .int("n", \.n, 1...256, unset: "auto", "products per neuron (auto: 25 conv, 128 fc)"),
                .int("capacity", \.capacity, 2...4, "splitter capacity"),
                .int("phases", \.phases, 1...4, "1, or 4 for four-phase clocking (depth a multiple of 4)"),
                .int("ghz", \.ghz, 1...20, "AQFP clock for the energy estimate, GHz"),
            ] + SCStreamParams.specs(\Self.streams)
        }
    }

    public static let name = "scdnn"
    public static let summary = "AQFP SC-DNN neuron (ISCA 2019): SNGs, products, sorter or majority activation as a balanced AQFP netlist"
    public static let unit = "stream"
    public static var testSets: [Params] { [
        Params { $0.layer = .fc; $0.streams.length = 16 },
        Params { $0.n = 9; $0.streams.encoding = .unipolar; $0.phases = 1; $0.capacity = 3 },
    ] }

    public let params: Params
    public let config: SCNeuronConfig
    public let mig: MIG
    public let netlist: AQFPNetlist
    public let block: SCDNNBlock

    public init(_ p: Params) throws {
        params = p
        let streams = try p.streams.streams()
        let n = p.n ?? (p.layer == .conv ? 25 : 128)
        config = try SCNeuronConfig(streams: streams, n: n, form: p.layer == .conv ? .sorter : .majority)
        mig = try SCNeuronMIG.build(config)
        netlist = try AQFPFlow.run(mig, AQFPOptions(splitterCapacity: p.capacity, phases: p.phases))
        block = SCDNNBlock(config: config, netlist: netlist)
    }

    public var top: any Block { block }
    public var ports: TestPorts { TestPorts(valid: "out_valid", data: ["out"], latency: netlist.depth) }
    public var defaultVectors: Int { 2 * netlist.depth }
    public var transactionsPerUnit: Int { config.streams.length }
    public var reports: [any DesignReport] { [SCDNNReport(design: self)] }

    var inputPorts: [String] {
        (config.form == .sorter ? ["first"] : []) + ["x", "w", "bias", "rnd"]
            + (config.form == .majority && (config.n + 1) % 2 == 0 ? ["pad"] : []) + ["in_valid"]
    }

    /// The streams' SC cycles as rows (inputs with in_valid high), keyed by
    /// edge: stream k runs in slot k mod D, its cycle t at edge
    /// ((k / D)·L + t)·D + k mod D. The random numbers are those of an SC
    /// neuron's own seeded sources (one `SCNeuronModel` per slot, run
    /// without pause) — the stand-in for AQFP's true RNGs.
    func rows(seed: UInt64, streams count: Int) -> (rows: [Int: [BigValue]], edges: Int) {
        let c = config, n = c.n, w = c.streams.width, L = c.streams.length, d = max(1, netlist.depth)
        let top = (1 << w) - 1
        var rng = SplitMix64(seed: seed)
        var models = [SCNeuronModel](repeating: SCNeuronModel(c), count: min(d, count))
        var rows: [Int: [BigValue]] = [:]
        var edges = 0
        for k in 0..<count {
            // Directed streams first: all zero, all full scale, alternating.
            let xs: [Int], ws: [Int], b: Int
            switch k {
            case 0: (xs, ws, b) = (Array(repeating: 0, count: n), Array(repeating: 0, count: n), 0)
            case 1: (xs, ws, b) = (Array(repeating: top, count: n), Array(repeating: top, count: n), top)
            case 2: (xs, ws, b) = ((0..<n).map { $0 % 2 == 0 ? top : 0 }, Array(repeating: top, count: n), 1 << (w - 1))
            default:
                xs = (0..<n).map { _ in Int(rng.next() % UInt64(top + 1)) }
                ws = (0..<n).map { _ in Int(rng.next() % UInt64(top + 1)) }
                b = Int(rng.next() % UInt64(top + 1))
            }
            let slot = k % d
            _ = models[slot].step(start: true, x: xs, w: ws, bias: b)
            for t in 0..<L {
                let sv = models[slot].sourceValues
                _ = models[slot].step(start: false, x: xs, w: ws, bias: b)
                let edge = ((k / d) * L + t) * d + slot
                var row: [BigValue] = c.form == .sorter ? [t == 0 ? .one : .zero] : []
                row += [pack(xs.map { UInt64($0) }), pack(ws.map { UInt64($0) }), BigValue(b), pack(sv.x + sv.w + [sv.bias])]
                if hasPad { row.append(t % 2 == 1 ? .one : .zero) }
                row.append(.one)
                rows[edge] = row
                edges = max(edges, edge + 1)
            }
        }
        return (rows, edges)
    }

    var hasPad: Bool { config.form == .majority && (config.n + 1) % 2 == 0 }

    func pack(_ v: [UInt64]) -> BigValue {
        v.enumerated().reduce(BigValue.zero) { $0 + (BigValue(Int($1.element)) << (config.streams.width * $1.offset)) }
    }

    func unpack(_ v: BigValue, _ count: Int) -> [UInt64] {
        let w = config.streams.width
        return (0..<count).map { UInt64((v >> (w * $0)).modPow2(w).intValue!) }
    }

    public func stimulus(seed: UInt64, vectors: Int) -> Stimulus {
        let r = rows(seed: seed, streams: max(1, vectors))
        var s = Stimulus(ports: inputPorts)
        let idle = [BigValue](repeating: .zero, count: inputPorts.count)
        for e in 0..<(r.edges + netlist.depth + 1) { s.cycles.append(r.rows[e] ?? idle) }
        return s
    }

    /// The SC golden model (`SCNeuronModel`, one per slot) run over the
    /// valid rows in edge order, with each row's operands and random
    /// numbers: a stream starts every L rows of a slot.
    public func expected(_ stimulus: Stimulus) throws -> [Transaction] {
        let c = config, n = c.n, L = c.streams.length, d = max(1, netlist.depth)
        var models: [Int: SCNeuronModel] = [:], seen: [Int: Int] = [:]
        let col = Dictionary(uniqueKeysWithValues: inputPorts.enumerated().map { ($1, $0) })
        var out: [Transaction] = []
        for (edge, row) in stimulus.cycles.enumerated() where !row[col["in_valid"]!].isZero {
            let slot = edge % d
            let xs = unpack(row[col["x"]!], n).map { Int($0) }, ws = unpack(row[col["w"]!], n).map { Int($0) }
            let b = row[col["bias"]!].intValue!
            let r = unpack(row[col["rnd"]!], 2 * n + 1)
            var model = models[slot] ?? SCNeuronModel(c)
            if seen[slot, default: 0] % L == 0 { _ = model.step(start: true, x: xs, w: ws, bias: b) }
            seen[slot, default: 0] += 1
            let o = model.step(start: false, x: xs, w: ws, bias: b, randoms: (Array(r[0..<n]), Array(r[n..<2 * n]), r[2 * n]))
            models[slot] = model
            out.append(Transaction(cycle: nil, values: [o.out ? .one : .zero]))
        }
        return out
    }
}
