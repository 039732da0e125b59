import Harness
import HDL

/// Average pooling of k streams (the ISCA design's pooling): a k-input MUX
/// whose select is the top log2(k) bits of a source's number, so each
/// cycle passes one input chosen uniformly (round-robin with a counter
/// source): out = (x_1 + ... + x_k)/k in either encoding. Ports: `start`,
/// `x` (k operands of w bits, operand i in bits w·i+w−1...w·i), `out`,
/// `out_count`, `done`.
public struct SCAvgPool: Block {
    public let streams: SCStreams
    public let window: Int

    public init(streams: SCStreams, window: Int) throws {
        guard [2, 4, 8, 16].contains(window) else { throw UserError("pooling window k=\(window) must be 2, 4, 8 or 16") }
        guard window <= 1 << streams.width else { throw UserError("pooling window k=\(window) needs L >= \(window)") }
        self.streams = streams
        self.window = window
    }

    public var moduleName: String { "sc_pool_k\(window)_l\(streams.length)" }
    var selectBits: Int { window.trailingZeroBitCount }

    public func build(_ m: ModuleBuilder) throws {
        let s = streams, w = s.width, k = window
        m.describe("SC average pooling of \(k) \(s.encoding.rawValue) streams, L = \(s.length), select from a \(s.weightKind.rawValue) source")
        let frame = SCFrame(m, length: s.length)
        let x = frame.operand("x_q", m.input("x", .uint(k * w)))
        let bank = SCSourceBank(m, streams: s, pairs: k)
        let inputs = (0..<k).map { bank.stream(x.bits(w * $0 + w - 1, w * $0), side: 0, index: $0) }
        let select = bank.number(SCSource.make(s.weightKind, instance: s.instance(side: 1, index: 0, pairs: k), streams: s))
        frame.stream("out", m.select(select.bits(w - 1, w - selectBits), inputs))
    }
}

/// The pooling in software.
public struct SCAvgPoolModel {
    public let pool: SCAvgPool
    var frame: SCFrameModel
    var counter = SCCounterModel()
    var sources: SCSourceSet
    var inputSource: [Int] = [], selectSource = 0
    var x: [Int]

    public init(_ pool: SCAvgPool) {
        self.pool = pool
        let s = pool.streams, k = pool.window
        frame = SCFrameModel(length: s.length)
        x = Array(repeating: 0, count: k)
        sources = SCSourceSet(s)
        inputSource = (0..<k).map { sources.add(side: 0, index: $0, pairs: k) }
        selectSource = sources.add(side: 1, index: 0, pairs: k)
    }

    /// out (0 between streams), out_count, done of this cycle; then the edge.
    public mutating func step(start: Bool, x newX: [Int]) -> (out: Bool, count: Int, done: Bool) {
        let w = pool.streams.width
        let chosen = Int(sources.value(selectSource) >> UInt64(w - pool.selectBits))
        let bit = UInt64(x[chosen]) > sources.value(inputSource[chosen])
        let outputs = (frame.busy && bit, counter.result, frame.done)
        let busy = frame.busy
        let last = frame.step(start: start)
        counter.step(bit, busy: busy, last: last, start: start)
        if start { x = newX }
        sources.step()
        return outputs
    }
}

/// `sc_pool`: k operand streams average-pooled by a MUX, the pooled stream
/// counted, against the model on every bit of every cycle.
public struct SCPoolDesign: Design {
    public struct Params: ParamSet {
        var streams = SCStreamParams()
        var k = 4
        public init() {}
        init(_ edit: (inout Params) -> Void) { edit(&self) }
        public static var specs: [Param<Self>] {
            [.int("k", \.k, 2...16, "pooling window: 2, 4, 8 or 16 streams")] + SCStreamParams.specs(\Self.streams)
        }
    }

    public static let name = "sc_pool"
    public static let summary = "stochastic-computing average pooling: k SNGs into a MUX with a uniform select (wrng: its source)"
    public static let unit = "operand set"
    public static var testSets: [Params] { [
        Params { $0.k = 16; $0.streams.length = 64; $0.streams.encoding = .bipolar; $0.streams.wrng = .counter },
    ] }

    public let params: Params
    public let pool: SCAvgPool

    public init(_ p: Params) throws {
        params = p
        pool = try SCAvgPool(streams: try p.streams.streams(), window: p.k)
    }

    public var top: any Block { pool }
    public var ports: TestPorts { TestPorts(data: ["out", "out_count", "done"]) }
    public var defaultVectors: Int { max(8, 100_000 / pool.streams.length) }
    public var transactionsPerUnit: Int { pool.streams.length }
    public var reports: [any DesignReport] { [SCPoolReport(design: self)] }

    func pack(_ v: [Int]) -> BigValue {
        v.enumerated().reduce(BigValue.zero) { $0 + (BigValue($1.element) << (pool.streams.width * $1.offset)) }
    }

    public func stimulus(seed: UInt64, vectors: Int) -> Stimulus {
        let w = pool.streams.width, k = pool.window, top = (1 << w) - 1
        func same(_ v: Int) -> [String: BigValue] { ["x": pack(Array(repeating: v, count: k))] }
        return scStimulus(ports: ["x"], length: pool.streams.length, seed: seed, vectors: vectors,
                          directed: [same(0), same(top), ["x": pack((0..<k).map { $0 % 2 == 0 ? top : 0 })], same(1 << (w - 1)), same(1)]) { rng in
            ["x": rng.bits(k * w)]
        }
    }

    public func expected(_ stimulus: Stimulus) -> [Transaction] {
        var model = SCAvgPoolModel(pool)
        let w = pool.streams.width
        return stimulus.cycles.enumerated().map { c, row in
            let start = !row[0].isZero
            let x = (0..<pool.window).map { (row[1] >> (w * $0)).modPow2(w).intValue! }
            let o = model.step(start: start, x: x)
            return Transaction(cycle: c, values: [flag(o.out), BigValue(o.count), flag(o.done)])
        }
    }
}
