import HDL
import Verification

/// A design users can name on the command line.
public struct DesignEntry: Sendable {
    public let name: String
    public let summary: String
    public let params: [ParamSpec]
    /// Parameter sets `make test` verifies besides the defaults.
    public let testParams: [[String]]
    let make: @Sendable (ParamValues) throws -> any Verifiable

    public func instantiate(_ given: [String]) throws -> any Verifiable {
        try make(ParamValues(given, specs: params, design: name))
    }
}

public enum Registry {
    /// Every design, in the order `hwgen list` shows them.
    public static let designs: [DesignEntry] = [PEDesign.entry, RequantDesign.entry, FIFODesign.entry, LFSRDesign.entry, TauswortheDesign.entry, RLFDesign.entry, WallaceDesign.entry, VIBNNDesign.entry]

    public static func find(_ name: String) throws -> DesignEntry {
        guard let d = designs.first(where: { $0.name == name }) else {
            throw ParamError("unknown design '\(name)' (designs: \(designs.map(\.name).joined(separator: ", ")))")
        }
        return d
    }
}
