import HDL

/// A design `hwgen` can emit, verify and report on: hardware, stimulus,
/// golden model and reports side by side. Adding one is one file in its
/// family and one line in the catalog.
public protocol Design {
    associatedtype Params: ParamSet
    /// The name on the command line (`--design`).
    static var name: String { get }
    /// One line for `hwgen list`.
    static var summary: String { get }
    /// Parameter sets `make test` verifies besides the defaults.
    static var testSets: [Params] { get }
    /// Parameter sets whose reports `make test` runs (default: the defaults).
    static var reportSets: [Params] { get }

    /// Builds the design; a parameter combination it cannot build is a
    /// `UserError` saying why.
    init(_ params: Params) throws
    /// The top-level block.
    var top: any Block { get }
    /// Which ports the engines watch; checked against the elaborated IR.
    var ports: TestPorts { get }
    /// Seeded stimulus: directed vectors first, then about `vectors` random
    /// ones (the design says what a vector is).
    func stimulus(seed: UInt64, vectors: Int) -> Stimulus
    /// The golden model's output transactions for `stimulus`.
    func expected(_ stimulus: Stimulus) throws -> [Transaction]
    /// The design's own report sections (the generic one from the IR is
    /// always printed first).
    var reports: [any DesignReport] { get }
    /// What one transaction (one `vectors` unit, one compared output) is,
    /// singular: "vector", "image".
    static var unit: String { get }
    /// Random transactions `hwgen verify` runs when --vectors is not given.
    var defaultVectors: Int { get }
    /// Compared outputs per unit (an FFT frame: N bins); 1 by default.
    var transactionsPerUnit: Int { get }
    /// Yosys targets (`synth_<target>`) its reports synthesize for a
    /// resource section unless told otherwise; none by default.
    static var synthTargets: [String] { get }
}

extension Design {
    public static var testSets: [Params] { [] }
    public static var reportSets: [Params] { [Params()] }
    public var reports: [any DesignReport] { [] }
    public static var unit: String { "vector" }
    public var defaultVectors: Int { 100_000 }
    public var transactionsPerUnit: Int { 1 }
    public static var synthTargets: [String] { [] }
}

/// The ports an engine watches. A transaction is a cycle on which `valid`
/// (an output) is high — and `ready` (an input) too, if given; nil valid:
/// every cycle. The values of `data` (outputs) are compared then.
public struct TestPorts: Sendable {
    public var valid: String?
    /// The consumer's ready on a back-pressured output stream (an input).
    public var ready: String?
    /// An input stream with back-pressure: a stimulus row whose `valid`
    /// input is high is applied again on the next cycle until the design's
    /// `ready` output is high (a source that holds its offer until taken).
    public var inputStream: (valid: String, ready: String)?
    public var data: [String]
    /// Cycles from an input to its output, when the design has one fixed
    /// latency (documentation and report).
    public var latency: Int?

    public init(valid: String? = nil, ready: String? = nil, inputStream: (valid: String, ready: String)? = nil,
                data: [String], latency: Int? = nil) {
        self.valid = valid
        self.ready = ready
        self.inputStream = inputStream
        self.data = data
        self.latency = latency
    }

    /// Throws naming the first port that `ir` lacks or has in the other
    /// direction.
    public func check(_ ir: ModuleIR) throws {
        var wanted: [(String, Port.Direction, String)] = data.map { ($0, .output, "data port") }
        if let v = valid { wanted.append((v, .output, "valid port")) }
        if let r = ready { wanted.append((r, .input, "ready port")) }
        if let s = inputStream {
            wanted.append((s.valid, .input, "input stream's valid"))
            wanted.append((s.ready, .output, "input stream's ready"))
        }
        for (name, dir, role) in wanted {
            guard let p = ir.ports.first(where: { $0.name == name }) else {
                let list = ir.ports.filter { $0.direction == dir }.map(\.name).joined(separator: ", ")
                throw UserError("\(role) '\(name)' is not a port of \(ir.name) (\(dir.rawValue)s: \(list))")
            }
            guard p.direction == dir else {
                throw UserError("\(role) '\(name)' of \(ir.name) is an \(p.direction.rawValue), expected an \(dir.rawValue)")
            }
        }
    }
}

/// A design as the command line sees it: names, parameter texts, and a
/// constructor from `NAME=VALUE` strings.
public struct AnyDesign: Sendable {
    public struct ParamInfo: Sendable {
        public let name: String, defaultValue: String, allowed: String, help: String
        /// For integer parameters, the allowed range.
        public let range: ClosedRange<Int>?
    }
    public let name: String
    public let summary: String
    /// What a transaction is (`Design.unit`).
    public let unit: String
    /// `Design.synthTargets`.
    public let synthTargets: [String]
    public let params: [ParamInfo]
    /// The test sets and report sets as `NAME=VALUE` lists (only the
    /// parameters that differ from the defaults).
    public let testSets: [[String]]
    public let reportSets: [[String]]
    let make: @Sendable ([String]) throws -> any Design
    let changed: @Sendable ([String]) throws -> [String]

    public init<D: Design>(_ type: D.Type) {
        name = D.name
        summary = D.summary
        unit = D.unit
        synthTargets = D.synthTargets
        let defaults = D.Params()
        params = D.Params.specs.map {
            ParamInfo(name: $0.name, defaultValue: $0.render(defaults), allowed: $0.allowed, help: $0.help, range: $0.range)
        }
        // The defaults are always verified; a set listed twice runs once.
        var sets: [[String]] = []
        for set in D.testSets.map(\.changes) where !set.isEmpty && !sets.contains(set) { sets.append(set) }
        testSets = sets
        reportSets = D.reportSets.map(\.changes)
        make = { given in try D(D.Params.parse(given, design: D.name)) }
        changed = { given in try D.Params.parse(given, design: D.name).changes }
    }

    /// The parameters of `given` that differ from the defaults (empty: the
    /// default design, whatever was spelt out).
    public func changes(_ given: [String]) throws -> [String] { try changed(given) }

    /// The design with `given` parameters (`NAME=VALUE`) over the defaults.
    public func instantiate(_ given: [String] = []) throws -> any Design { try make(given) }

    /// `NAME=VALUE ...` of the defaults.
    public var defaults: String { params.map { "\($0.name)=\($0.defaultValue)" }.joined(separator: " ") }
}
