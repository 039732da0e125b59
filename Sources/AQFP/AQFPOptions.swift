import HDL

/// How levels are chosen before buffers and splitters are inserted.
public enum AQFPSchedule: String, CaseIterable, Sendable {
    /// As soon as possible, every fanout of a node behind a splitter tree of
    /// the full height ceil(log_c(fanout)) — the classic baseline.
    case asap
    /// As late as possible against the minimum depth, splitter trees built
    /// per consumer (a critical consumer takes a shallow leaf): the minimum
    /// depth for the given capacities.
    case depth
    /// `depth`, then buffers minimised: each gate moved within its slack to
    /// the level where its own tree and its fanins' trees cost least, until
    /// no move helps (the depth does not change).
    case optimised
}

/// The AQFP technology and flow parameters.
public struct AQFPOptions: Sendable, Hashable {
    /// Outputs of one splitter: 2...4.
    public var splitterCapacity = 4
    /// Cells a primary input may drive directly (ci_capacity): 1...4.
    public var inputCapacity = 1
    /// All primary inputs at level 0 (else each input sits as late as its
    /// consumers allow; the simulation wrapper delays it).
    public var balanceInputs = true
    /// All outputs at one level, the depth (else each output is taken where
    /// it is ready; the wrapper aligns them).
    public var balanceOutputs = true
    /// 1, or 4 for four-phase clocking: the depth is a multiple of 4.
    public var phases = 1
    public var schedule = AQFPSchedule.optimised

    public init(splitterCapacity: Int = 4, inputCapacity: Int = 1, balanceInputs: Bool = true,
                balanceOutputs: Bool = true, phases: Int = 1, schedule: AQFPSchedule = .optimised) {
        self.splitterCapacity = splitterCapacity
        self.inputCapacity = inputCapacity
        self.balanceInputs = balanceInputs
        self.balanceOutputs = balanceOutputs
        self.phases = phases
        self.schedule = schedule
    }

    public func validate() throws {
        guard (2...4).contains(splitterCapacity) else {
            throw UserError("splitter capacity \(splitterCapacity) must be 2...4 (AQFP splitters are 1->2, 1->3, 1->4)")
        }
        guard (1...4).contains(inputCapacity) else { throw UserError("input capacity \(inputCapacity) must be 1...4") }
        guard phases == 1 || phases == 4 else { throw UserError("phases \(phases) must be 1 or 4") }
    }
}

/// The cell library's Josephson-junction costs (shared/specs/sc-aqfp.md).
public enum AQFPCost {
    public static let buffer = 2, inverter = 2, constant = 2, splitter = 2
    public static let maj3 = 6
}
