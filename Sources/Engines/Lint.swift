import Foundation
import HDL

/// Runs the three acceptance tools on emitted files: `verilator
/// --lint-only -Wall`, `iverilog -g2005` and yosys `check -assert`.
public enum Lint {
    /// Problems found, one entry per failing tool with its first lines;
    /// empty when all three accept the files.
    public static func check(_ files: [(name: String, text: String)], top: String) throws -> [String] {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.path + "/hwgen-lint-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: dir) }
        var paths: [String] = []
        for f in files {   // ROM data files beside the Verilog, as emitted
            try AtomicFiles.write(f.text, to: "\(dir)/\(f.name)")
            if f.name.hasSuffix(".v") { paths.append("\(dir)/\(f.name)") }
        }
        let runs: [(String, [String])] = [
            ("verilator", ["--lint-only", "-Wall", "--top-module", top] + paths),
            ("iverilog", ["-g2005", "-s", top, "-o", "\(dir)/a.out"] + paths),
            ("yosys", ["-q", "-p", "read_verilog \(paths.joined(separator: " ")); hierarchy -check -top \(top); proc; check -assert"]),
        ]
        var problems: [String] = []
        for (tool, args) in runs {
            guard let exe = Shell.which(tool) else { throw UserError("\(tool) is not installed (run 'make test' as root to install it)") }
            let (status, out) = try Shell.run(exe, args)
            let text = out.trimmingCharacters(in: .whitespacesAndNewlines)
            if status != 0 || !text.isEmpty {
                problems.append("\(tool): " + text.split(separator: "\n").prefix(5).joined(separator: " | "))
            }
        }
        return problems
    }
}
