import HDL

/// A netlist file that cannot be read: one line naming the file and line.
func netlistError(_ file: String, _ line: Int?, _ message: String) -> UserError {
    UserError(line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)")
}

/// A netlist name as a legal Verilog identifier (`Names.escape`), unique
/// among `taken` (a clash gets a suffix) and clear of the ports the emitted
/// module adds itself.
func verilogName(_ raw: String, taken: inout Set<String>) -> String {
    var s = Names.escape(raw)
    if s.isEmpty || moduleNames.contains(s) || ["valid_", "align_", "phase_"].contains(where: s.hasPrefix) { s += "_" }
    var name = s, k = 1
    while taken.contains(name) { name = "\(s)_\(k)"; k += 1 }
    taken.insert(name)
    return name
}

/// Ports and registers `AQFPModule` adds around a netlist (with the
/// prefixes of its delay registers and phase enables).
let moduleNames: Set<String> = ["clk", "rst", "in_valid", "out_valid", "phase"]
