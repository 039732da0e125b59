import Foundation
import HDL

/// The benchmark netlists bundled with hwgen (copies of shared/data/aqfp:
/// the ISCAS/SCE structural Verilog set and EPFL AIGER files, with their
/// licences), and the best published AQFP results without logic
/// optimisation (splitter capacity 4, balanced I/O) for comparison.
public enum AQFPBenchmarks {
    public static let iscas = ["c17", "adder1", "adder8", "c432", "c499", "c880", "c1908", "counter16", "counter32",
                               "mult8", "sorter32"]
    public static let epfl = ["ctrl", "int2float", "router", "cavlc", "dec", "i2c", "bar"]
    public static var names: [String] { iscas + epfl }

    /// Published buffers+splitters, JJ and depth (shared/specs/sc-aqfp.md).
    public static let published: [String: (bufferSplitters: Int, jj: Int, depth: Int)] = [
        "c17": (12, 60, 5), "c432": (839, 2404, 37), "adder8": (371, 1204, 33),
        "mult8": (1690, 6014, 70), "sorter32": (480, 3840, 30),
    ]

    public static func path(_ name: String) throws -> String {
        let (folder, ext) = iscas.contains(name) ? ("iscas", "v") : ("epfl", "aig")
        guard names.contains(name),
              let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Benchmarks/\(folder)")
        else { throw UserError("unknown AQFP benchmark '\(name)' (known: \(names.joined(separator: ", ")))") }
        return url.path
    }

    public static func mig(_ name: String) throws -> MIG { try AQFPFlow.read(path: try path(name)) }
}
