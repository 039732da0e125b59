import ArgumentParser
import Engines
import Foundation
import HDL
import Verilog

struct Emit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a design's Verilog, ROM files, a filelist and a FuseSoC core into one folder.",
        discussion: """
        The folder is written whole or not at all (a temporary sibling renamed
        into place). Writing over an earlier emission replaces hwgen's files
        (listed in .hwgen-manifest) and keeps everything else there.
        Module names are a readable stem plus 8 hex digits of the module's
        text, so variants never define one name two ways. ROM contents go to
        .hex files read with $readmemh through a parameter per ROM (equal
        modules that differ only in contents are one definition); --roms
        inline writes them into the Verilog instead. The simulators read the
        .hex files from the folder they run in (Yosys also looks beside the
        source).
        The filelist DESIGN.f names the files relative to the folder hwgen ran
        in (absolute when -o is): run 'verilator -f' or 'iverilog -c' from
        there. The .core file names them relative to itself.
        Default folder: Generated/DESIGN for the default parameters, else
        out/TOP (TOP is the top module's emitted name).
        Examples:
          hwgen emit --design pe                 # into Generated/pe
          hwgen emit --design pe --param guard=4 # into out/<top module>
          hwgen emit --design vibnn -o build/vibnn --roms inline
        """)

    @OptionGroup var options: DesignOptions

    @Option(name: [.customShort("o"), .long], parsing: .unconditional, help: "Output folder (default: Generated/<design>, or out/<top> when a parameter differs from its default).")
    var output: String?

    @Option(parsing: .unconditional, help: "ROM contents: files ($readmemh, default) or inline (initial blocks).")
    var roms: ROMStyle = .files

    func run() throws {
        let (entry, design) = try options.load()
        let ir = try Elaborator.elaborate(design.top)
        let emission = VerilogEmitter.emission(for: ir, roms: roms)
        let isDefault = try entry.changes(options.params).isEmpty && roms == .files
        let dir = output ?? (isDefault ? "Generated/\(entry.name)" : "out/\(emission.top)")
        // Taken literally: a quoted '~' is a folder named ~, not home.
        let prefix = dir.hasPrefix("/") ? try UserPaths.absolute(dir) : try UserPaths.tidy(dir)
        var files = emission.all
        files.append(("\(entry.name).f", OutputFolder.banner + ": files of \(emission.top), children first\n"
                      + emission.verilog.map { "\(prefix)/\($0.name)\n" }.joined()))
        files.append(("\(entry.name).core", emission.fusesocCore(design: entry.name, summary: entry.summary)))
        try OutputFolder.write(files, to: dir)
        print("wrote \(dir): \(emission.verilog.count) Verilog file(s), \(emission.data.count) ROM file(s), \(entry.name).f, \(entry.name).core")
        print("top module: \(emission.top)")
        if output == nil && !isDefault { print("(not the defaults, so not Generated/\(entry.name); -o picks the folder)") }
    }
}

extension ROMStyle: ExpressibleByArgument {}
