import Foundation
import HDL

/// The AQFP flow on one MIG: levels (by `options.schedule`), splitter and
/// buffer insertion, and the legality check of the result.
public enum AQFPFlow {
    public static func run(_ mig: MIG, _ options: AQFPOptions) throws -> AQFPNetlist {
        try options.validate()
        var s = Schedule(mig, options)
        s.run()
        let net = s.netlist()
        let v = net.violations()
        // A violation here is a bug of the flow, not of the input.
        guard v.isEmpty else { throw UserError("internal error: the flow built an illegal netlist: \(v[0])") }
        return net
    }

    /// Reads a netlist by its extension: `.v` structural Verilog, `.aig`
    /// binary or `.aag` ASCII AIGER.
    public static func read(path: String) throws -> MIG {
        let name = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UserError("\(path): cannot read the file")
        }
        switch (path as NSString).pathExtension.lowercased() {
        case "v":
            guard let text = String(data: data, encoding: .utf8) else { throw UserError("\(path): not UTF-8 text") }
            return try VerilogReader.read(text, file: name)
        case "aig", "aag":
            return try AIGERReader.read([UInt8](data), file: name)
        default:
            throw UserError("\(path): unknown netlist format; expected .v (structural Verilog), .aig or .aag (AIGER)")
        }
    }
}
