import Foundation
import HDL

/// How to run one job.
public struct RunOptions: Sendable {
    /// Write a VCD waveform here.
    public var trace: String?
    /// Record the cycle of every transaction (reports measure latency and
    /// throughput from them).
    public var recordCycles = false
    public init(trace: String? = nil, recordCycles: Bool = false) {
        self.trace = trace
        self.recordCycles = recordCycles
    }
}

/// What an engine runs: the elaborated design, the ports it watches, the
/// stimulus (columns by port name) and the transactions the model expects.
public struct Job {
    public var name: String
    public var ir: ModuleIR
    public var ports: TestPorts
    public var stimulus: Stimulus
    public var expected: [Transaction]
    public var options: RunOptions
    public init(name: String, ir: ModuleIR, ports: TestPorts, stimulus: Stimulus, expected: [Transaction],
                options: RunOptions = RunOptions()) {
        self.name = name
        self.ir = ir
        self.ports = ports
        self.stimulus = stimulus
        self.expected = expected
        self.options = options
    }
}

/// The outcome of a run.
public struct RunResult: Sendable {
    public var passed: Bool
    /// The verdict line: `PASS design=D vectors=N mismatches=0 cycles=C` or FAIL ...
    public var summary: String
    /// The first mismatch (cycle, transaction, port, expected, actual), and
    /// the first one of each other port, when it failed.
    public var mismatches: [String]
    /// With `recordCycles`: the cycle of each transaction.
    public var transactionCycles: [Int]
    /// On a failure: a folder kept with the inputs of the run, and a
    /// command that replays it.
    public var keptFolder: String?
    public var replay: String?
    public var reusedBuild: Bool

    public init(passed: Bool, summary: String, mismatches: [String] = [], transactionCycles: [Int] = [],
                keptFolder: String? = nil, replay: String? = nil, reusedBuild: Bool = false) {
        self.passed = passed
        self.summary = summary
        self.mismatches = mismatches
        self.transactionCycles = transactionCycles
        self.keptFolder = keptFolder
        self.replay = replay
        self.reusedBuild = reusedBuild
    }
}

extension RunResult {
    /// Cycles from one group of `size` transactions to the next, averaged
    /// over a back-to-back run (first transaction of each group; 0 with
    /// fewer than two groups): cycles per vector, image or operation.
    public func cyclesPerGroup(of size: Int) -> Int {
        let firsts = stride(from: 0, to: transactionCycles.count, by: size).map { transactionCycles[$0] }
        return firsts.count > 1 ? (firsts.last! - firsts[0]) / (firsts.count - 1) : 0
    }
}

extension RunResult {
    /// The summary with its transaction count said in the design's unit:
    /// `frames=14 (896 outputs)` when a unit has many outputs.
    public func verdict(unit: String, per: Int) -> String {
        guard per > 1, let r = summary.range(of: #" vectors=\d+"#, options: .regularExpression),
              let count = Int(summary[r].dropFirst(" vectors=".count)) else {
            return summary.replacingOccurrences(of: " vectors=", with: " \(unit)s=")
        }
        return summary.replacingCharacters(in: r, with: " \(unit)s=\(count / per) (\(count) outputs)")
    }
}

/// A simulator that runs jobs: Verilator on the emitted Verilog, or hwgen's
/// own. Families never import an engine; reports get one in their context.
public protocol Engine {
    var name: String { get }
    func run(_ job: Job) throws -> RunResult
    /// Simulated cycles per second of `ir` with random inputs (nil: the
    /// engine cannot say).
    func cyclesPerSecond(_ ir: ModuleIR, cycles: Int) throws -> Double?
}

extension Engine {
    public func cyclesPerSecond(_ ir: ModuleIR, cycles: Int) throws -> Double? { nil }
}

extension Engine {
    /// Elaborates `design`, draws its stimulus, asks its model, and runs.
    public func verify(_ design: any Design, name: String, seed: UInt64, vectors: Int,
                       options: RunOptions = RunOptions()) throws -> RunResult {
        let ir = try Progress.timed("elaborating \(name)") { try Elaborator.elaborate(design.top) }
        let stimulus = design.stimulus(seed: seed, vectors: vectors)
        let expected = try Progress.timed("golden model of \(name), \(stimulus.cycles.count) cycles") {
            try design.expected(stimulus)
        }
        return try run(Job(name: name, ir: ir, ports: design.ports, stimulus: stimulus, expected: expected, options: options))
    }
}

extension Job {
    /// Checks the ports and the stimulus against the IR and returns, for
    /// each input of the IR in port order, the stimulus column driving it.
    public func checkedColumns() throws -> [Int?] {
        try ports.check(ir)
        return try stimulus.columns(for: ir)
    }
}
