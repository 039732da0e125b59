/// The neuron in software, cycle by cycle, from the arithmetic each form
/// stands for (a count, an integer accumulator, a residue clamped to
/// 0...F, majority votes), not from the gates: the sorter form's network
/// is checked by its output against `count + residue`.
public struct SCNeuronModel {
    public let config: SCNeuronConfig
    var frame: SCFrameModel
    var counter = SCCounterModel()
    var sources: SCSourceSet
    /// For each operand i: its source index for x and for w; then the bias's.
    var xSource: [Int] = [], wSource: [Int] = []
    var biasSource = 0
    var x: [Int], w: [Int], bias = 0
    var acc = 0, residue = 0
    /// Σ over the stream so far of 2·(exact count of ones) − offset2.
    var sum2 = 0
    /// `sum2` of the last finished stream: its exact activated count is
    /// clamp(floor(sum2 / (2·scale)), 0, L).
    public private(set) var lastSum2 = 0

    public init(_ config: SCNeuronConfig) {
        self.config = config
        let s = config.streams
        frame = SCFrameModel(length: s.length)
        x = Array(repeating: 0, count: config.n)
        w = x
        sources = SCSourceSet(s)
        for i in 0..<config.n {
            xSource.append(sources.add(side: 0, index: i, pairs: config.n))
            wSource.append(sources.add(side: 1, index: i, pairs: config.n))
        }
        biasSource = sources.add(side: 2, index: 0, pairs: config.n)
    }

    /// The outputs of this cycle: out (the stream bit, 0 between streams),
    /// out_count, done.
    public struct Outputs: Equatable { public var out: Bool, count: Int, done: Bool }

    /// This cycle's random numbers, one per SNG — x side, w side, bias —
    /// what the AQFP neuron's true RNGs supply (`scdnn` feeds them in).
    public var sourceValues: (x: [UInt64], w: [UInt64], bias: UInt64) {
        (xSource.map { sources.value($0) }, wSource.map { sources.value($0) }, sources.value(biasSource))
    }

    /// This cycle's product bits (n products, then the bias).
    func products() -> [Bool] {
        let unipolar = config.streams.encoding == .unipolar
        let r = given ?? sourceValues
        var p: [Bool] = []
        for i in 0..<config.n {
            let a = UInt64(x[i]) > r.x[i]
            let b = UInt64(w[i]) > r.w[i]
            p.append(unipolar ? a && b : a == b)
        }
        p.append(UInt64(bias) > r.bias)
        return p
    }

    /// Random numbers given from outside for this step (an AQFP true RNG
    /// per SNG) instead of the model's own sources.
    var given: (x: [UInt64], w: [UInt64], bias: UInt64)? = nil

    /// `step` with this cycle's random numbers given: the SNGs compare
    /// against `randoms` (x side, w side, bias) instead of the sources.
    public mutating func step(start: Bool, x newX: [Int], w newW: [Int], bias newBias: Int,
                              randoms: (x: [UInt64], w: [UInt64], bias: UInt64)) -> Outputs {
        given = randoms
        defer { given = nil }
        return step(start: start, x: newX, w: newW, bias: newBias)
    }

    /// One clock cycle: returns the outputs before the edge, then applies
    /// `start` with its operands (ignored when start is false).
    public mutating func step(start: Bool, x newX: [Int], w newW: [Int], bias newBias: Int) -> Outputs {
        let c = config
        let p = products()
        let exact = p.filter { $0 }.count
        let fire: Bool
        var nextAcc = acc, nextResidue = residue
        switch c.form {
        case .acc:
            let count: Int
            if c.count == .exact {
                count = p.filter { $0 }.count
            } else {
                // Pair j: AND on cycles where t + j is even, OR where odd.
                var pairs = 0
                for j in 0..<(p.count / 2) where (frame.t + j) % 2 == 0 ? (p[2 * j] && p[2 * j + 1]) : (p[2 * j] || p[2 * j + 1]) { pairs += 1 }
                count = 2 * pairs + (p.count % 2 == 1 && p[p.count - 1] ? 1 : 0)
            }
            let sum = acc + 2 * count - c.offset2
            fire = sum >= 2 * c.scale
            nextAcc = fire ? sum - 2 * c.scale : sum
        case .sorter:
            let total = p.filter { $0 }.count + residue - c.offset2 / 2
            fire = total >= c.scale
            nextResidue = min(c.feedback, max(0, total - (fire ? c.scale : 0)))
        case .majority:
            var chain = p
            if chain.count % 2 == 0 { chain.append(frame.t % 2 == 1) }
            var y = chain[0]
            for k in stride(from: 1, to: chain.count, by: 2) {
                y = [y, chain[k], chain[k + 1]].filter { $0 }.count >= 2
            }
            fire = y
        }
        let outputs = Outputs(out: frame.busy && fire, count: counter.result, done: frame.done)
        let busy = frame.busy
        let last = frame.step(start: start)
        counter.step(fire, busy: busy, last: last, start: start)
        if busy {
            acc = nextAcc
            residue = nextResidue
            sum2 += 2 * exact - c.offset2
            if last { lastSum2 = sum2 }
        }
        if start {
            sum2 = 0
            acc = 0
            residue = 0
            x = newX
            w = newW
            bias = newBias
        }
        sources.step()
        return outputs
    }
}
