import HDL

/// A netlist file that cannot be read: one line naming the file and line.
func netlistError(_ file: String, _ line: Int?, _ message: String) -> UserError {
    UserError(line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)")
}

/// A name usable as a Verilog identifier and unique among `taken`: other
/// characters become `_`, a leading digit gets a `_`, clashes get a suffix.
func verilogName(_ raw: String, taken: inout Set<String>) -> String {
    var s = String(raw.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
    if s.isEmpty || s.first!.isNumber { s = "_" + s }
    if reservedWords.contains(s) { s += "_" }
    var name = s, k = 1
    while taken.contains(name) { name = "\(s)_\(k)"; k += 1 }
    taken.insert(name)
    return name
}

/// Names the emitted module uses itself, and Verilog keywords.
let reservedWords: Set<String> = [
    "clk", "rst", "in_valid", "out_valid", "module", "input", "output", "wire", "reg", "assign", "always",
    "begin", "end", "if", "else", "and", "or", "not", "xor", "xnor", "nand", "nor", "buf", "initial",
    "posedge", "negedge", "case", "endcase", "default", "integer", "parameter", "localparam", "function",
]
