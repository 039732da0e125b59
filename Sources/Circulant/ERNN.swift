import FFT
import HDL

/// Formats and parts of the ernn accelerator, `width` bits everywhere:
///   x, h, gate outputs   fraction width-2 (|v| <= 1; pixels / 16)
///   gate pre-activations fraction width-6 (±32)
///   cell state c         fraction width-5 (±16, saturating)
///   logits               fraction width-7
public struct ERNNConfig: Sendable, Hashable {
    public var width = 16, wWidth = 12, twWidth = 16
    public var segments = 16
    public var lanes = 4
    public var rounding = RoundingMode.halfEven
    public init() {}

    public var fa: Int { width - 2 }
    public var fg: Int { width - 6 }
    public var fc: Int { width - 5 }
    public var fl: Int { width - 7 }

    public func gateLayer(_ net: ERNNNet) throws -> CirculantLayer {
        var c = CirculantConfig(m: 4 * net.hidden, n: net.inputs + net.hidden, k: net.k)
        c.lanes = lanes
        c.inWidth = width; c.inFrac = fa; c.outWidth = width; c.outFrac = fg
        c.wWidth = wWidth; c.twWidth = twWidth; c.rounding = rounding
        if let problem = c.problem { throw UserError("parameter \(problem) (gate matrix)") }
        return try CirculantLayer(c, matrix: net.gates, bias: net.gateBias)
    }

    public func classifierLayer(_ net: ERNNNet) throws -> CirculantLayer {
        var c = CirculantConfig(m: 10, n: net.hidden, k: net.k)
        c.lanes = min(lanes, c.q)
        c.inWidth = width; c.inFrac = fa; c.outWidth = width; c.outFrac = fl
        c.wWidth = wWidth; c.twWidth = twWidth; c.rounding = rounding
        return try CirculantLayer(c, matrix: net.classifier, bias: net.classifierBias)
    }

    /// sigmoid and tanh of gate pre-activations, tanh of the cell state.
    public func pwl() throws -> (sigmoid: PiecewiseLinear, tanh: PiecewiseLinear, tanhCell: PiecewiseLinear) {
        (try PiecewiseLinear(.sigmoid, segments: segments, inWidth: width, inFrac: fg, outWidth: width, outFrac: fa),
         try PiecewiseLinear(.tanh, segments: segments, inWidth: width, inFrac: fg, outWidth: width, outFrac: fa),
         try PiecewiseLinear(.tanh, segments: segments, inWidth: width, inFrac: fc, outWidth: width, outFrac: fa))
    }
}

/// The bit-exact sequence model: per step the gate unit's model on
/// [x_t; h], then the cell update in integers.
public struct ERNNModel: Sendable, Hashable {
    public let cell: ERNNNet.Cell
    public let config: ERNNConfig
    public let hidden: Int
    public let gates: CirculantLayer, classifier: CirculantLayer
    public let sigmoid: PiecewiseLinear, tanh: PiecewiseLinear, tanhCell: PiecewiseLinear

    public init(cell: ERNNNet.Cell, config: ERNNConfig, hidden: Int, gates: CirculantLayer, classifier: CirculantLayer) throws {
        self.cell = cell
        self.config = config
        self.hidden = hidden
        self.gates = gates
        self.classifier = classifier
        (sigmoid, tanh, tanhCell) = try config.pwl()
    }

    public struct Output: Sendable {
        public var logits: [Int]
        public var overflow: [Bool]
        /// Saturation anywhere in: the gate unit, the cell update, the classifier.
        public var saturated: [Bool]
    }

    func sat(_ v: Int, _ flag: inout Bool) -> Int {
        let (r, s) = FixedMath.saturate(v, width: config.width)
        flag = flag || s
        return r
    }

    /// One step of the cell update on pre-activations `a` (4H raw).
    public func update(_ a: [Int], h: inout [Int], c: inout [Int], saturated: inout Bool) {
        let H = hidden, fa = config.fa, r = config.rounding
        for j in 0..<H {
            switch cell {
            case .lstm:
                let i = sigmoid.eval(a[j]), f = sigmoid.eval(a[H + j]), g = tanh.eval(a[2 * H + j]), o = sigmoid.eval(a[3 * H + j])
                let sum = (f * c[j]) << (fa - config.fc) + i * g
                c[j] = sat(FixedMath.roundShift(sum, 2 * fa - config.fc, r), &saturated)
                h[j] = sat(FixedMath.roundShift(o * tanhCell.eval(c[j]), fa, r), &saturated)
            case .gru:
                let z = sigmoid.eval(a[j]), rg = sigmoid.eval(a[H + j])
                let pre = sat(FixedMath.roundShift((a[2 * H + j] << fa) + rg * a[3 * H + j], fa, r), &saturated)
                let n = tanh.eval(pre)
                // One rounding of n + z·(h − n) (not n + round(z·(h − n)): under
                // half-even the parity of n decides ties).
                h[j] = sat(FixedMath.roundShift((n << fa) + z * (h[j] - n), fa, r), &saturated)
            }
        }
    }

    /// An image of 64 pixels (0...31), 8 steps of 8.
    public func infer(_ pixels: [Int]) throws -> Output {
        let shift = config.fa - 4
        var h = [Int](repeating: 0, count: hidden), c = h
        var flags = [false, false, false]
        let unit = CirculantModel(gates)
        for t in 0..<8 {
            let v = pixels[(t * 8)..<(t * 8 + 8)].map { $0 << shift } + h
            let a = try unit.product(v)
            flags[0] = flags[0] || a.overflow.contains(true)
            update(a.y, h: &h, c: &c, saturated: &flags[1])
        }
        let z = try CirculantModel(classifier).product(h)
        flags[2] = z.overflow.contains(true)
        return Output(logits: z.y, overflow: z.overflow, saturated: flags)
    }
}

/// The ernn accelerator: pixels in (one a beat), a two-bank image buffer;
/// per step the gate unit (one `CirculantMV`, 4H x (8 + H)) fed [x_t;
/// h_t-1] two values a beat, its 4H pre-activations into a gate buffer, then
/// the cell update one hidden unit a cycle (piecewise-linear sigmoid and
/// tanh, c and h in RAM); after 8 steps the classifier unit on h, logits
/// out two a beat.
///
/// Ports as circnn: in_valid / in_ready / in_data; out_valid, out_data,
/// out_overflow (the classifier's flag); saturated (sticky: gate unit,
/// cell update, classifier).
public struct ERNN: Block {
    public let model: ERNNModel
    public init(_ model: ERNNModel) { self.model = model }

    public var moduleName: String {
        let d = model
        return "ernn_\(d.cell.rawValue)_h\(d.hidden)_\(ContentHash.short(CirculantMV(d.gates).moduleName, CirculantMV(d.classifier).moduleName, "\(d.config)", digits: 8))"
    }

    var gateUnit: CirculantMV { CirculantMV(model.gates) }
    var classifierUnit: CirculantMV { CirculantMV(model.classifier) }

    /// Beats feeding one step: 8 pixels and H hidden values, two a beat.
    public var feedBeats: Int { (8 + model.hidden) / 2 }
    /// Cycles from a step's first beat to the next step's: the gate unit's
    /// latency, its p output blocks (one every k/(2·lanes)·q cycles, the
    /// last k/2 beats long), then H cycles of cell update.
    public var stepCycles: Int {
        let c = model.gates.config
        return gateUnit.latency + (c.p - 1) * c.groups * c.q + c.half + model.hidden
    }
    /// Cycles between images when they keep coming: 8 steps, the
    /// classifier's H/2 beats, one idle cycle.
    public var imageCycles: Int { 8 * stepCycles + model.hidden / 2 + 1 }

    public func build(_ m: ModuleBuilder) throws {
        let d = model, H = d.hidden, w = d.config.width, fa = d.config.fa, r = RotationStage.hdlRounding(d.config.rounding)
        m.describe("E-RNN \(d.cell.rawValue.uppercased()) cell, \(H) hidden, block-circulant gate matrix \(4 * H)x\(8 + H) (k=\(d.gates.config.k)), PWL sigmoid/tanh with \(d.config.segments) segments")
        let gates = try m.instance(gateUnit, name: "gates"), cls = try m.instance(classifierUnit, name: "classifier")
        let image = PingPong.imageInput(m)

        // 0 idle, 1 feed the gate unit, 2 collect its outputs, 3 cell update, 4 feed the classifier.
        let phase = m.register("phase", .uint(3), reset: 0)
        let t = m.register("step", .uint(3), reset: 0)
        let beat = m.register("beat", .uint(max(1, (feedBeats - 1).bitWidthNeeded)), reset: 0)
        let j = m.register("unit_j", .uint(max(1, (H - 1).bitWidthNeeded)), reset: 0)
        let gw = m.register("gate_w", .uint((2 * H - 1).bitWidthNeeded), reset: 0)
        let gmem = m.memory("gate_mem", .uint(2 * w), depth: 2 * H).kind("gate buffer RAM")
        let hmem = (0..<2).map { m.memory("h\($0)_mem", .sint(w), depth: H / 2).kind("hidden state RAM") }
        let cmem = d.cell == .lstm ? m.memory("c_mem", .sint(w), depth: H).kind("cell state RAM") : nil
        let half = max(1, (H / 2 - 1).bitWidthNeeded)
        func hidden(_ index: Signal) -> (Signal, Signal) {
            let a = index.resized(to: half)
            return (hmem[0].read(addr: a, synchronous: false), hmem[1].read(addr: a, synchronous: false))
        }
        let first = t == 0
        let zero = m.literal(0, .sint(w))

        m.when((phase == 0) & image.readable) {
            phase.assign(1)
            t.assign(0)
            beat.assign(0)
        }

        // Feed: 4 beats of pixels of row t, then h_{t-1} (zero at t = 0).
        let feeding = phase == 1
        let pixelBeat = beat < 4
        let row = m.cat(t, beat.resized(to: 2), m.literal(0, .uint(1)))      // t·8 + 2·beat
        let shift = fa - 4
        func scaled(_ p: Signal) -> Signal { (p.resized(to: w).asSInt << shift).resized(to: w) }
        let p0 = scaled(image.read(m, index: row)), p1 = scaled(image.read(m, index: row | m.literal(1, .uint(6))))
        let (h0, h1) = hidden(beat &- 4)
        let v0 = m.mux(pixelBeat, p0, m.mux(first, zero, h0)), v1 = m.mux(pixelBeat, p1, m.mux(first, zero, h1))
        gates.input("in_valid").assign(feeding)
        gates.input("in_data").assign(m.cat(v1, v0))
        let fed = feeding & gates.output("in_ready")
        m.when(fed) {
            m.when(beat == feedBeats - 1) {
                beat.assign(0)
                phase.assign(2)
            }.otherwise { beat.assign(beat &+ 1) }
        }

        // Collect the 4H pre-activations (2H beats).
        let gv = gates.output("out_valid")
        gmem.write(addr: gw, data: gates.output("out_data"), enable: gv)
        m.when(gv) {
            m.when(gw == 2 * H - 1) {
                gw.assign(0)
                phase.assign(3)
                j.assign(0)
            }.otherwise { gw.assign(gw &+ 1) }
        }

        // Cell update, hidden unit j: gate g is row g·H + j, pair word g·H/2 + j/2.
        let updating = phase == 3
        let lane = j.bit(0), pair = j >> 1
        let a = (0..<4).map { g -> Signal in
            let word = gmem.read(addr: (pair.resized(to: gw.width) + g * H / 2).resized(to: gw.width), synchronous: false)
            return m.mux(lane, word.bits(2 * w - 1, w).asSInt, word.bits(w - 1, 0).asSInt)
        }
        let (he, ho) = hidden(pair)
        let hPrev = m.mux(first, zero, m.mux(lane, ho, he))
        var bad = m.literal(0, .bool)
        func saturate(_ x: Signal, _ frac: Int) -> Signal {
            // x has `frac` extra fraction bits: round them off, saturate to w bits.
            let y = x.asFixed(signed: true, fraction: frac).cast(to: .sint(x.width - frac + 1), rounding: r, overflow: .wrap)
            bad = bad | outside(m, y, w)
            return y.cast(to: .sint(w), overflow: .saturate)
        }
        let sigmoid = { (x: Signal, n: String) in d.sigmoid.build(m, n, x) }
        let hNew: Signal
        switch d.cell {
        case .lstm:
            let cmem = cmem!
            let cPrev = m.mux(first, zero, cmem.read(addr: j, synchronous: false))
            let i = sigmoid(a[0], "sig_i"), f = sigmoid(a[1], "sig_f"), o = sigmoid(a[3], "sig_o")
            let g = d.tanh.build(m, "tanh_g", a[2])
            let cNew = saturate((f * cPrev) << (fa - d.config.fc) + i * g, 2 * fa - d.config.fc)
            cmem.write(addr: j, data: cNew, enable: updating)
            hNew = saturate(o * d.tanhCell.build(m, "tanh_c", cNew), fa)
        case .gru:
            let z = sigmoid(a[0], "sig_z"), rg = sigmoid(a[1], "sig_r")
            let pre = saturate((a[2] << fa) + rg * a[3], fa)
            let n = d.tanh.build(m, "tanh_n", pre)
            hNew = saturate((n << fa) + z * (hPrev - n), fa)
        }
        for b in 0..<2 {
            hmem[b].write(addr: pair.resized(to: half), data: hNew, enable: updating & (lane == b))
        }
        m.when(updating) {
            m.when(j == H - 1) {
                m.when(t == 7) {
                    phase.assign(4)
                    beat.assign(0)
                }.otherwise {
                    t.assign(t &+ 1)
                    phase.assign(1)
                }
            }.otherwise { j.assign(j &+ 1) }
        }

        // Classifier: h_T as H/2 beats.
        let classifying = phase == 4
        let (c0, c1) = hidden(beat)
        cls.input("in_valid").assign(classifying)
        cls.input("in_data").assign(m.cat(c1, c0))
        let clsFed = classifying & cls.output("in_ready")
        let lastCls = beat == H / 2 - 1
        image.release.assign(clsFed & lastCls)
        m.when(clsFed) {
            m.when(lastCls) {
                beat.assign(0)
                phase.assign(0)
            }.otherwise { beat.assign(beat &+ 1) }
        }

        m.output("out_valid", cls.output("out_valid"))
        m.output("out_data", cls.output("out_data"))
        m.output("out_overflow", cls.output("out_overflow"))
        let sticky = (0..<3).map { m.register("sat\($0)", .bool, reset: 0) }
        m.when(gv & gates.output("out_overflow")) { sticky[0].assign(1) }
        m.when(updating & bad) { sticky[1].assign(1) }
        m.when(cls.output("out_valid") & cls.output("out_overflow")) { sticky[2].assign(1) }
        m.output("saturated", m.cat(sticky.reversed()))
    }
}
