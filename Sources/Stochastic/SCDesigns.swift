import Harness
import HDL
import Random

/// Parameters every SC design shares: stream length, encoding, sources.
public struct SCStreamParams: Hashable, Sendable {
    public var length = 256
    public var encoding = SCEncoding.unipolar
    public var rng = SCSourceKind.lfsr
    public var wrng: SCSourceKind? = nil
    public var share = SCSharing.none
    public var poly = SCStreams.defaultPolynomial
    public var seed = 1

    public init() {}
    init(_ edit: (inout SCStreamParams) -> Void) { edit(&self) }

    public static func specs<Root>(_ path: WritableKeyPath<Root, SCStreamParams>) -> [Param<Root>] { [
        .int("L", path.appending(path: \.length), SCStreams.lengths, "stream length in cycles (a power of two with sobol or counter sources); operands are ceil(log2 L) bits"),
        .choice("encoding", path.appending(path: \.encoding), "unipolar: x = P(1) in [0, 1); bipolar: x = 2P(1) − 1 in [−1, 1)"),
        .choice("rng", path.appending(path: \.rng), "random source of the first operands (and extra streams): LFSR (seeded stand-in for a true RNG), Sobol, or the phase counter"),
        .custom("wrng", path.appending(path: \.wrng), allowed: "same|" + SCSourceKind.allCases.map(\.rawValue).joined(separator: "|"),
                parse: { $0 == "same" ? .some(nil) : SCSourceKind(rawValue: $0).map { .some($0) } },
                render: { $0?.rawValue ?? "same" }, "random source of the second operands (weights); same: as rng"),
        .choice("share", path.appending(path: \.share), "none: a source per SNG; inputs: one for all first operands, one for all weights; all: one source for every SNG (correlated)"),
        .custom("poly", path.appending(path: \.poly), allowed: "a primitive polynomial of degree 3...64, e.g. 31,3,0 or x^31+x^3+1",
                parse: { Polynomial.parse($0) }, render: { $0.exponentList }, "LFSR feedback polynomial (exponents)"),
        .int("seed", path.appending(path: \.seed), 0...Int.max, "LFSR seeds (each source's from this) and random operands"),
    ] }

    public func streams() throws -> SCStreams {
        try SCStreams(length: length, encoding: encoding, kind: rng, weightKind: wrng, sharing: share, polynomial: poly, seed: UInt64(seed))
    }
}

/// Stimulus for SC designs: `start` with operands every L cycles (back to
/// back), after directed cases — an idle gap and a stream aborted half-way
/// by a new start — then idle cycles for the last result.
func scStimulus(ports: [String], length: Int, seed: UInt64, vectors: Int, directed: [[String: BigValue]],
                random: (inout SplitMix64) -> [String: BigValue]) -> Stimulus {
    var s = Stimulus(ports: ["start"] + ports)
    var rng = SplitMix64(seed: seed)
    func frame(_ operands: [String: BigValue], cycles: Int = length) {
        s.add(operands.merging(["start": 1]) { a, _ in a })
        for _ in 1..<cycles { s.add([:]) }
    }
    for _ in 0..<3 { s.add([:]) }
    for (i, d) in directed.enumerated() {
        frame(d, cycles: i == 1 ? max(2, length / 2) : length)     // the second is aborted
        if i == 2 { for _ in 0..<3 { s.add([:]) } }                   // an idle gap
    }
    for _ in 0..<vectors { frame(random(&rng)) }
    for _ in 0..<(length + 3) { s.add([:]) }
    return s
}

func flag(_ b: Bool) -> BigValue { b ? .one : .zero }

/// `sc_mul`: two operands as streams; product, MUX sum and Stanh of the
/// product, each counted, against the model on every bit of every cycle.
public struct SCMulDesign: Design {
    public struct Params: ParamSet {
        var streams = SCStreamParams()
        var states = 8
        public init() {}
        init(_ edit: (inout Params) -> Void) { edit(&self) }
        public static var specs: [Param<Self>] {
            SCStreamParams.specs(\Self.streams) + [.int("states", \.states, 2...256, "Stanh states K (even): ≈ tanh(K/2 · x)")]
        }
    }

    public static let name = "sc_mul"
    public static let summary = "stochastic computing: two SNGs, AND/XNOR product, MUX sum, Stanh; counts over L"
    public static let unit = "operand set"
    public static var testSets: [Params] { [
        Params { $0.streams.length = 64; $0.streams.encoding = .bipolar; $0.streams.rng = .sobol; $0.states = 4 },
        Params { $0.streams.length = 1024; $0.streams.encoding = .bipolar; $0.streams.rng = .counter; $0.streams.wrng = .lfsr; $0.streams.share = .inputs },
        Params { $0.streams.length = 100; $0.streams.share = .all; $0.streams.poly = Polynomial([9, 4, 0]) },
    ] }

    public let params: Params
    public let unitBlock: SCMultiplier

    public init(_ p: Params) throws {
        params = p
        unitBlock = try SCMultiplier(streams: try p.streams.streams(), states: p.states)
    }

    public var top: any Block { unitBlock }
    public var ports: TestPorts {
        TestPorts(data: ["a_bit", "b_bit", "prod", "prod_count", "sum", "sum_count", "tanh", "tanh_count", "done"])
    }
    public var defaultVectors: Int { max(8, 100_000 / unitBlock.streams.length) }
    public var transactionsPerUnit: Int { unitBlock.streams.length }
    public var reports: [any DesignReport] { [SCMulReport(design: self)] }

    public func stimulus(seed: UInt64, vectors: Int) -> Stimulus {
        let w = unitBlock.streams.width, top = BigValue.pow2(w) - 1
        let half = BigValue.pow2(w - 1)
        return scStimulus(ports: ["a", "b"], length: unitBlock.streams.length, seed: seed, vectors: vectors,
                          directed: [["a": .zero, "b": .zero], ["a": top, "b": top], ["a": top, "b": .zero],
                                     ["a": half, "b": half], ["a": top, "b": half]]) { rng in
            ["a": rng.bits(w), "b": rng.bits(w)]
        }
    }

    public func expected(_ stimulus: Stimulus) -> [Transaction] {
        var model = SCMultiplierModel(unitBlock)
        return stimulus.cycles.enumerated().map { c, row in
            let o = model.step(start: !row[0].isZero, a: row[1].intValue!, b: row[2].intValue!)
            return Transaction(cycle: c, values: [flag(o.a), flag(o.b), flag(o.prod), BigValue(o.prodCount), flag(o.sum),
                                                  BigValue(o.sumCount), flag(o.tanh), BigValue(o.tanhCount), flag(o.done)])
        }
    }
}

/// `sc_neuron`: n operand and weight streams, products, a bias, added and
/// activated (acc, sorter or majority form), its output stream counted.
public struct SCNeuronDesign: Design {
    public struct Params: ParamSet {
        var streams = SCStreamParams { $0.encoding = .bipolar }
        var n = 25
        var form = SCForm.acc
        var count = SCCount.exact
        var scale: Int? = nil
        var feedback: Int? = nil
        public init() {}
        init(_ edit: (inout Params) -> Void) { edit(&self) }
        public static var specs: [Param<Self>] {
            [.int("n", \.n, SCNeuronConfig.fanIns, "fan-in: operand x weight products (plus one bias stream)")]
                + SCStreamParams.specs(\Self.streams) + [
                .choice("form", \.form, "acc: parallel counter + accumulator (clipped linear); sorter: ISCA CONV neuron (bitonic sorter with feedback); majority: ISCA FC neuron (majority chain)"),
                .choice("count", \.count, "the acc form's parallel counter: exact, or approximate (APC)"),
                .int("scale", \.scale, 1...257, "full scale: out = clamp(Σ/scale) (auto: about sqrt(n + 1), bipolar with the parity of n + 1)"),
                .int("feedback", \.feedback, 1...512, "the sorter form's fed-back bits (auto: scale)"),
            ]
        }
    }

    public static let name = "sc_neuron"
    public static let summary = "stochastic-computing neuron: n x/w SNG pairs + bias, AND/XNOR, counter/sorter/majority activation"
    public static let unit = "operand set"
    public static var testSets: [Params] { [
        Params { $0.n = 9; $0.streams.length = 64; $0.streams.encoding = .unipolar; $0.count = .apc },
        Params { $0.n = 128; $0.streams.length = 1024; $0.form = .sorter; $0.streams.share = .inputs },
        Params { $0.n = 25; $0.streams.length = 1024; $0.streams.encoding = .unipolar; $0.form = .majority; $0.streams.rng = .sobol },
        Params { $0.n = 9; $0.form = .sorter; $0.streams.rng = .counter; $0.streams.wrng = .sobol; $0.streams.share = .inputs },
    ] }

    public let params: Params
    public let neuron: SCNeuron

    public init(_ p: Params) throws {
        params = p
        neuron = SCNeuron(try SCNeuronConfig(streams: try p.streams.streams(), n: p.n, form: p.form, count: p.count,
                                              scale: p.scale, feedback: p.feedback))
    }

    public var config: SCNeuronConfig { neuron.config }
    public var top: any Block { neuron }
    public var ports: TestPorts { TestPorts(data: ["out", "out_count", "done"]) }
    public var defaultVectors: Int { max(4, min(500, 400_000 / (config.streams.length * config.terms))) }
    public var transactionsPerUnit: Int { config.streams.length }
    public var reports: [any DesignReport] { [SCNeuronReport(design: self)] }

    /// Random operands: uniform w-bit codes.
    public static func randomOperands(_ c: SCNeuronConfig, _ rng: inout SplitMix64) -> (x: [Int], w: [Int], bias: Int) {
        let w = c.streams.width
        let draw = { (r: inout SplitMix64) in Int(r.next() >> UInt64(64 - w)) }
        return ((0..<c.n).map { _ in draw(&rng) }, (0..<c.n).map { _ in draw(&rng) }, draw(&rng))
    }

    func pack(_ v: [Int]) -> BigValue {
        let w = config.streams.width
        return v.enumerated().reduce(BigValue.zero) { $0 + (BigValue($1.element) << (w * $1.offset)) }
    }

    public func stimulus(seed: UInt64, vectors: Int) -> Stimulus {
        let c = config, w = c.streams.width, top = (1 << w) - 1, half = 1 << (w - 1)
        let zero = c.streams.encoding == .bipolar ? half : 0
        func set(_ x: Int, _ wt: Int, _ b: Int) -> [String: BigValue] {
            ["x": pack(Array(repeating: x, count: c.n)), "w": pack(Array(repeating: wt, count: c.n)), "bias": BigValue(b)]
        }
        return scStimulus(ports: ["x", "w", "bias"], length: c.streams.length, seed: seed, vectors: vectors,
                          directed: [set(0, 0, 0), set(top, top, top), set(top, 0, zero), set(half, half, zero), set(top, top, 0)]) { rng in
            let o = SCNeuronDesign.randomOperands(c, &rng)
            return ["x": pack(o.x), "w": pack(o.w), "bias": BigValue(o.bias)]
        }
    }

    public func expected(_ stimulus: Stimulus) -> [Transaction] {
        let c = config, w = c.streams.width
        var model = SCNeuronModel(c)
        func unpack(_ v: BigValue) -> [Int] { (0..<c.n).map { (v >> (w * $0)).modPow2(w).intValue! } }
        return stimulus.cycles.enumerated().map { cycle, row in
            let start = !row[0].isZero
            let o = model.step(start: start, x: start ? unpack(row[1]) : [], w: start ? unpack(row[2]) : [], bias: row[3].intValue!)
            return Transaction(cycle: cycle, values: [flag(o.out), BigValue(o.count), flag(o.done)])
        }
    }
}
