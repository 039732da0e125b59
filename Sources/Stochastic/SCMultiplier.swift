import HDL

/// Two operands as streams and the basic SC operations on them, each
/// counted over the stream: `prod` (AND unipolar, XNOR bipolar), `sum` (the
/// scaled MUX adder (a + b)/2, its select a stream of value 1/2 from a
/// third source), `tanh` (Brown and Card's Stanh on the product: a K-state
/// saturating up/down counter, 1 in its upper half: ≈ tanh(K/2 · ab) in
/// bipolar). Ports: `start`, `a`, `b` (w bits each); `a_bit`, `b_bit`,
/// `prod`, `sum`, `tanh` and their `_count`s, `done`.
public struct SCMultiplier: Block {
    public let streams: SCStreams
    /// Stanh states: even, 2...256.
    public let states: Int

    public init(streams: SCStreams, states: Int = 8) throws {
        guard states >= 2, states <= 256, states % 2 == 0 else {
            throw UserError("Stanh states K=\(states) must be even, 2...256")
        }
        self.streams = streams
        self.states = states
    }

    public var moduleName: String { "sc_mul_l\(streams.length)_\(streams.encoding.rawValue.prefix(3))" }

    public func build(_ m: ModuleBuilder) throws {
        let s = streams, w = s.width, k = states
        m.describe("SC operations on two \(s.encoding.rawValue) streams of L = \(s.length): product, MUX sum, Stanh (K = \(k)); sources \(s.kind.rawValue)/\(s.weightKind.rawValue), sharing \(s.sharing.rawValue)")
        let frame = SCFrame(m, length: s.length)
        let a = frame.operand("a_q", m.input("a", .uint(w)))
        let b = frame.operand("b_q", m.input("b", .uint(w)))
        let bank = SCSourceBank(m, streams: s, pairs: 1)
        let sa = bank.stream(a, side: 0, index: 0)
        let sb = bank.stream(b, side: 1, index: 0)
        let select = bank.stream(m.literal(1 << (w - 1), .uint(w)), side: 2, index: 0)
        let prod = m.wire("prod_bit", s.encoding == .unipolar ? sa & sb : ~(sa ^ sb))
        frame.stream("a_bit", sa, count: false)
        frame.stream("b_bit", sb, count: false)
        frame.stream("prod", prod)
        frame.stream("sum", m.mux(select, sb, sa))
        // Stanh: the state moves up on a 1 and down on a 0, saturating.
        let sw = Int.bitWidth - (k - 1).leadingZeroBitCount
        let state = m.register("stanh", .uint(sw), reset: k / 2)
        let up = m.mux(state == k - 1, state, state &+ 1)
        let down = m.mux(state == 0, state, state &- 1)
        m.when(frame.busy) { state.assign(m.mux(prod, up, down)) }
        m.when(frame.start) { state.assign(k / 2) }
        frame.stream("tanh", state >= k / 2)
    }
}

/// The operations in software, from their definitions.
public struct SCMultiplierModel {
    public let streams: SCStreams
    public let states: Int
    var frame: SCFrameModel
    var sources: SCSourceSet
    var aSource = 0, bSource = 0, selSource = 0
    var a = 0, b = 0, state: Int
    var counts = [SCCounterModel](repeating: SCCounterModel(), count: 3)

    public init(_ unit: SCMultiplier) {
        streams = unit.streams
        states = unit.states
        frame = SCFrameModel(length: streams.length)
        state = states / 2
        sources = SCSourceSet(streams)
        aSource = sources.add(side: 0, index: 0, pairs: 1)
        bSource = sources.add(side: 1, index: 0, pairs: 1)
        selSource = sources.add(side: 2, index: 0, pairs: 1)
    }

    /// This cycle's outputs, in port order: a_bit, b_bit, prod, prod_count,
    /// sum, sum_count, tanh, tanh_count, done.
    public struct Outputs: Equatable {
        public var a: Bool, b: Bool, prod: Bool, sum: Bool, tanh: Bool
        public var prodCount: Int, sumCount: Int, tanhCount: Int, done: Bool
    }

    public mutating func step(start: Bool, a newA: Int, b newB: Int) -> Outputs {
        let sa = UInt64(a) > sources.value(aSource)
        let sb = UInt64(b) > sources.value(bSource)
        let sel = UInt64(1 << (streams.width - 1)) > sources.value(selSource)
        let prod = streams.encoding == .unipolar ? sa && sb : sa == sb
        let sum = sel ? sb : sa
        let tanh = state >= states / 2
        let busy = frame.busy
        let out = Outputs(a: busy && sa, b: busy && sb, prod: busy && prod, sum: busy && sum, tanh: busy && tanh,
                          prodCount: counts[0].result, sumCount: counts[1].result, tanhCount: counts[2].result, done: frame.done)
        let last = frame.step(start: start)
        for (i, bit) in [prod, sum, tanh].enumerated() { counts[i].step(bit, busy: busy, last: last, start: start) }
        if busy { state = prod ? min(state + 1, states - 1) : max(state - 1, 0) }
        if start { a = newA; b = newB; state = states / 2 }
        sources.step()
        return out
    }
}
