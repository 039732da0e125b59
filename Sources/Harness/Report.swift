import HDL

/// One line of a report: what was measured, its value, what it must
/// satisfy (or "stated"), and whether it does (nil: informative).
public struct ReportRow: Sendable {
    public var name: String
    public var value: String
    public var bound: String
    public var pass: Bool?
    public init(_ name: String, _ value: String, bound: String = "", pass: Bool? = nil) {
        self.name = name
        self.value = value
        self.bound = bound
        self.pass = pass
    }
}

/// A titled list of rows, with an optional SVG figure.
public struct ReportSection: Sendable {
    public var title: String
    public var rows: [ReportRow]
    public var svg: String?
    /// A placed-and-routed Fmax this section measured (MHz) and where:
    /// later sections state throughputs at it.
    public var placedClock: (mhz: Double, source: String)? = nil
    public init(_ title: String, rows: [ReportRow] = [], svg: String? = nil) {
        self.title = title
        self.rows = rows
        self.svg = svg
    }
    public var failed: Int { rows.filter { $0.pass == false }.count }
}

/// Knobs reports share; each report reads the ones it needs.
public struct ReportOptions: Sendable {
    /// Random transactions of the measured run in the generic section
    /// (nil: a tenth of the design's `defaultVectors`, at least 1).
    public var vectors: Int? = nil
    public var seed: UInt64 = 1
    /// Samples for statistical gates (the GRNG spec's figure is 2^20).
    public var samples = 1 << 20
    /// Seeds and samples per seed of a two-level check.
    public var seeds = 32
    public var perSeed = 1 << 16
    /// Transactions (e.g. images) run back to back for a throughput figure.
    public var transactions = 6
    /// The clock a throughput is stated at, and what it is.
    public var clockMHz = 90.0
    public var clockSource = "stated clock"
    /// Monte-Carlo forward passes per input for accuracy figures.
    public var mcSamples = 16
    public init() {}
}

/// What a report gets to work with.
public struct ReportContext {
    /// The design's name and its elaborated IR.
    public var name: String
    public var ir: ModuleIR
    /// Runs stimulus through a simulator (Verilator unless asked otherwise).
    public var engine: any Engine
    public var options: ReportOptions
    /// Progress lines for long work.
    public var progress: (String) -> Void
    /// The top module's emitted name (with its hash), for titles.
    public var top: String
    public init(name: String, ir: ModuleIR, top: String? = nil, engine: any Engine, options: ReportOptions,
                progress: @escaping (String) -> Void) {
        self.name = name
        self.ir = ir
        self.top = top ?? ir.name
        self.engine = engine
        self.options = options
        self.progress = progress
    }
}

/// A report a design supplies: a section of rows computed on demand.
public protocol DesignReport {
    var title: String { get }
    func run(_ context: ReportContext) throws -> ReportSection
}
