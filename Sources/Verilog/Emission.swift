import Foundation
import HDL

/// How ROM contents are written.
public enum ROMStyle: String, Sendable, CaseIterable {
    /// In `.hex` files read with `$readmemh` through a parameter per ROM
    /// (every simulator and synthesis tool infers a ROM from it), so equal
    /// modules that differ only in contents are one definition.
    case files
    /// As `initial` assignments in the module text.
    case inline
}

/// The files of one design: module definitions (children first) and ROM
/// contents, with every module named by its stem and a short hash of its
/// text, so two variants of a design never define one name two ways.
public struct Emission: Sendable {
    /// The top module's emitted name.
    public var top: String
    public var verilog: [(name: String, text: String)]
    /// `$readmemh` files, named by their memory and a hash of the contents.
    public var data: [(name: String, text: String)]
    public var all: [(name: String, text: String)] { verilog + data }
    /// IR module name -> emitted name (black boxes keep theirs).
    public var names: [String: String]
}

extension VerilogEmitter {
    /// Emits the hierarchy under `top`. A module's name is its stem (the IR
    /// name, or the `shareDefinition` name) and 8 hex digits of its text,
    /// written with a placeholder name; the text includes its children's
    /// emitted names and its ROM files' names, so the name changes whenever
    /// anything below it does.
    public static func emission(for top: ModuleIR, roms: ROMStyle = .files) -> Emission {
        let nameMark = "\u{1}NAME\u{1}"
        func fileMark(_ i: Int) -> String { "\u{1}FILE\(i)\u{1}" }
        var names: [String: String] = [:]
        var childROMs: [String: [(param: String, file: String)]] = [:]
        var shapes: [String: String] = [:]            // stem + shape text -> emitted name
        var verilog: [(name: String, text: String)] = []
        var data: [(name: String, text: String)] = []
        var written = Set<String>()

        for m in top.hierarchy where !m.isBlackBox {
            let stem = roms == .files ? (m.sharedName ?? m.name) : m.name
            var e = VerilogEmitter(ir: m)
            e.moduleName = nameMark
            e.names = names
            e.childROMs = childROMs
            var files: [(index: Int, param: String, file: String)] = []
            if roms == .files {
                var taken = Set(m.ports.map(\.name) + m.variables.map(\.name) + m.memories.map(\.name) + m.instances.map(\.name))
                for (i, mem) in m.memories.enumerated() where !mem.reads.isEmpty {
                    guard let initial = mem.initial else { continue }
                    var param = "INIT_\(mem.name)"
                    while !taken.insert(param).inserted { param += "_" }
                    let text = hexText(initial, width: mem.width, depth: mem.depth, what: "\(mem.name) of \(stem)")
                    let file = "\(stem)_\(mem.name)_\(ContentHash.short(text)).hex"
                    if written.insert(file).inserted { data.append((file, text)) }
                    e.romParams[i] = (param, fileMark(i))
                    files.append((i, param, file))
                }
            }
            let shape = e.run()
            childROMs[m.name] = files.map { ($0.param, $0.file) }
            let key = stem + "\n" + shape
            if let shared = shapes[key] {   // equal but for ROM contents
                names[m.name] = shared
                continue
            }
            var text = shape
            for f in files { text = text.replacingOccurrences(of: fileMark(f.index), with: f.file) }
            let name = "\(stem)_\(ContentHash.short(text))"
            text = text.replacingOccurrences(of: nameMark, with: name)
            shapes[key] = name
            names[m.name] = name
            verilog.append(("\(name).v", text))
        }
        return Emission(top: names[top.name] ?? top.name, verilog: verilog, data: data, names: names)
    }

}

extension Emission {
    /// A FuseSoC CAPI2 core description, so the folder drops into FuseSoC
    /// flows (paths relative to the core file). Its version carries the
    /// top module's hash: two variants are two cores.
    public func fusesocCore(design: String, summary: String) -> String {
        let hash = top.split(separator: "_").last.map(String.init) ?? "0"
        var s = "CAPI=2:\n"
        s += "name: hwgen:designs:\(design):0.1.0-\(hash)\n"
        // YAML double-quoted string: keep it free of double quotes.
        s += "description: \"\(String(summary.map { $0 == "\"" ? "'" : $0 })) (top \(top))\"\n"
        s += "filesets:\n  rtl:\n    file_type: verilogSource\n    files:\n"
        for f in verilog { s += "      - \(f.name)\n" }
        if !data.isEmpty {
            s += "  roms:\n    files:\n"
            for f in data { s += "      - \(f.name): {file_type: user, copyto: \(f.name)}\n" }
        }
        s += "targets:\n  default:\n    filesets: [rtl\(data.isEmpty ? "" : ", roms")]\n    toplevel: \(top)\n"
        return s
    }
}

extension VerilogEmitter {
    /// A `$readmemh` file: a comment line, then one word per line.
    static func hexText(_ words: [BigValue], width: Int, depth: Int, what: String) -> String {
        let digits = (width + 3) / 4
        var s = "// Generated by \(generator): \(what), \(words.count) of \(depth) words x \(width) bits\n"
        s.reserveCapacity(words.count * (digits + 1) + 80)
        for w in words {
            let h = w.toString(radix: 16)
            s += String(repeating: "0", count: max(0, digits - h.count)) + h + "\n"
        }
        return s
    }
}
