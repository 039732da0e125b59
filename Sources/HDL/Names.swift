/// Verilog identifier rules: designer names are kept where legal, escaped
/// where not, so they survive into the emitted text recognisably.
public enum Names {
    static let keywords: Set<String> = [
        "always", "and", "assign", "automatic", "begin", "buf", "bufif0", "bufif1", "case", "casex", "casez",
        "cell", "cmos", "config", "deassign", "default", "defparam", "design", "disable", "edge", "else",
        "end", "endcase", "endconfig", "endfunction", "endgenerate", "endmodule", "endprimitive",
        "endspecify", "endtable", "endtask", "event", "for", "force", "forever", "fork", "function",
        "generate", "genvar", "highz0", "highz1", "if", "ifnone", "incdir", "include", "initial", "inout",
        "input", "instance", "integer", "join", "large", "liblist", "library", "localparam", "macromodule",
        "medium", "module", "nand", "negedge", "nmos", "nor", "noshowcancelled", "not", "notif0", "notif1",
        "or", "output", "parameter", "pmos", "posedge", "primitive", "pull0", "pull1", "pulldown", "pullup",
        "pulsestyle_onevent", "pulsestyle_ondetect", "rcmos", "real", "realtime", "reg", "release", "repeat",
        "rnmos", "rpmos", "rtran", "rtranif0", "rtranif1", "scalared", "showcancelled", "signed", "small",
        "specify", "specparam", "strong0", "strong1", "supply0", "supply1", "table", "task", "time", "tran",
        "tranif0", "tranif1", "tri", "tri0", "tri1", "triand", "trior", "trireg", "unsigned", "use", "uwire",
        "vectored", "wait", "wand", "weak0", "weak1", "while", "wire", "wor", "xnor", "xor",
        // SystemVerilog words that tools reading .v files in SV mode reject.
        "bit", "byte", "int", "logic", "longint", "shortint", "string", "type", "var", "void", "interface",
        "package", "import", "export", "class", "final", "unique", "priority", "break", "continue", "return",
    ]

    /// A legal Verilog identifier for `name`: illegal characters become
    /// '_', a leading digit gets an 'n' prefix, keywords get a '_' suffix.
    public static func escape(_ name: String) -> String {
        var out = String(name.unicodeScalars.map { c -> Character in
            let ok = (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_"
            return ok ? Character(c) : "_"
        })
        if let f = out.unicodeScalars.first, f >= "0" && f <= "9" { out = "n" + out }
        if keywords.contains(out) { out += "_" }
        return out
    }

    /// Why `name` cannot be a module name, or nil when it can.
    static func problem(withModuleName name: String) -> String? {
        if name.isEmpty { return "a module name must not be empty" }
        if escape(name) != name { return "module name '\(name)' is not a legal Verilog identifier (try '\(escape(name))')" }
        return nil
    }
}
