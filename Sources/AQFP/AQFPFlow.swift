import Foundation
import HDL

/// The AQFP flow on one MIG: levels (by `options.schedule`), splitter and
/// buffer insertion, and the legality check of the result.
public enum AQFPFlow {
    public static func run(_ mig: MIG, _ options: AQFPOptions) throws -> AQFPNetlist {
        try options.validate()
        try refuseUnbuildable(mig)
        var s = Schedule(mig, options)
        s.run()
        let net = s.netlist()
        let v = net.violations()
        // A violation here is a bug of the flow, not of the input.
        guard v.isEmpty else { throw UserError("internal error: the flow built an illegal netlist: \(v[0])") }
        return net
    }

    /// A netlist the flow cannot build, refused before any work.
    public static func refuseUnbuildable(_ mig: MIG) throws {
        // A constant output is carried by a buffer chain to the output
        // phase; with no logic at all there is no phase to carry it to.
        if let o = mig.outputs.first(where: { $0.lit.isConstant }), mig.outputs.allSatisfy({ $0.lit.isConstant || (mig.inputs.contains($0.lit.node) && !$0.lit.complemented) }), mig.depth == 0 {
            throw UserError("output '\(o.name)' is the constant \(o.lit == .one ? 1 : 0) and the netlist has no logic: an AQFP netlist needs at least one gate or inversion")
        }
    }

    /// Reads a netlist by its extension: `.v` structural Verilog, `.aig`
    /// binary or `.aag` ASCII AIGER.
    public static func read(path: String) throws -> MIG {
        let name = (path as NSString).lastPathComponent
        let data = try InputFiles.data(path, what: "netlist")
        switch (path as NSString).pathExtension.lowercased() {
        case "v":
            guard let raw = String(data: data, encoding: .utf8) else { throw UserError("\(path): not UTF-8 text") }
            let text = InputFiles.lf(raw)
            return try VerilogReader.read(text, file: name)
        case "aig", "aag":
            return try AIGERReader.read([UInt8](data), file: name)
        default:
            throw UserError("\(path): unknown netlist format; expected .v (structural Verilog), .aig or .aag (AIGER)")
        }
    }
}
