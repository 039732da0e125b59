import Foundation
import Testing
import Catalog
import Engines
import Harness
import HDL
import Verilog

/// `hwgen emit` as a user meets it: one folder written whole, earlier
/// emissions replaced without touching the user's files, variants that
/// never share a module name, filelists the simulators read.
@Suite struct EmitFolders {
    let fm = FileManager.default

    func scratch(_ tag: String) throws -> String {
        let dir = NSTemporaryDirectory() + "hwgen-emit-\(tag)-\(ProcessInfo.processInfo.processIdentifier)"
        try? fm.removeItem(atPath: dir)
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func verilogFiles(_ dir: String) throws -> [String] {
        try fm.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".v") }.sorted()
    }

    @Test func reEmissionReplacesHwgenFilesAndKeepsTheUsers() throws {
        let dir = try scratch("replace")
        defer { try? fm.removeItem(atPath: dir) }
        let args = ["emit", "--design", "vibnn", "--param", "inputs=6", "--param", "hidden=4", "--param", "outputs=3"]
        #expect(try runHwgen(args + ["--param", "pes=4", "-o", "d"], cwd: dir).status == 0)
        let four = try verilogFiles("\(dir)/d")
        try "my notes\n".write(toFile: "\(dir)/d/notes.txt", atomically: true, encoding: .utf8)
        try fm.createDirectory(atPath: "\(dir)/d/mine", withIntermediateDirectories: true)
        #expect(try runHwgen(args + ["--param", "pes=2", "-o", "d"], cwd: dir).status == 0)
        let two = try verilogFiles("\(dir)/d")
        // Nothing of the first emission stays: every module is new.
        #expect(Set(two).isDisjoint(with: four), "\(two) \(four)")
        let listed = try String(contentsOfFile: "\(dir)/d/\(OutputFolder.manifest)", encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(Set(try fm.contentsOfDirectory(atPath: "\(dir)/d")) == Set(listed + [OutputFolder.manifest, "notes.txt", "mine"]))
        #expect(try String(contentsOfFile: "\(dir)/d/notes.txt", encoding: .utf8) == "my notes\n")
    }

    /// A user file in the way of an hwgen file stops the emission before
    /// anything changes.
    @Test func aUserFileInTheWayLeavesTheFolderAsItWas() throws {
        let dir = try scratch("clash")
        defer { try? fm.removeItem(atPath: dir) }
        #expect(try runHwgen(["emit", "--design", "pe", "-o", "d"], cwd: dir).status == 0)
        let before = try fm.contentsOfDirectory(atPath: "\(dir)/d").sorted()
        try fm.removeItem(atPath: "\(dir)/d/pe.f")
        try fm.createDirectory(atPath: "\(dir)/d/pe.f", withIntermediateDirectories: true)
        try "x".write(toFile: "\(dir)/d/pe.f/keep", atomically: true, encoding: .utf8)
        let r = try runHwgen(["emit", "--design", "pe", "--param", "guard=4", "-o", "d"], cwd: dir)
        #expect(r.status == 2 && r.stderr.contains("pe.f there was not written by hwgen"), "\(r.stderr)")
        #expect(try fm.contentsOfDirectory(atPath: "\(dir)/d").sorted() == before)
        #expect(fm.fileExists(atPath: "\(dir)/d/pe.f/keep"))
        #expect(try fm.contentsOfDirectory(atPath: dir) == ["d"])   // no temporary folder left
    }

    /// Without -o: the defaults go to Generated/DESIGN, anything else to
    /// out/TOP, and the output says where.
    @Test func nonDefaultEmissionGoesToItsOwnFolder() throws {
        let dir = try scratch("where")
        defer { try? fm.removeItem(atPath: dir) }
        let r = try runHwgen(["emit", "--design", "pe", "--param", "guard=4"], cwd: dir)
        #expect(r.status == 0)
        let top = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("top module: ") }).dropFirst(12)
        #expect(r.stdout.contains("wrote out/\(top)"), "\(r.stdout)")
        #expect(fm.fileExists(atPath: "\(dir)/out/\(top)/\(top).v") && !fm.fileExists(atPath: "\(dir)/Generated"))
        // The defaults spelt out are still the defaults.
        let guardDefault = try #require(try Catalog.find("pe").params.first { $0.name == "guard" }).defaultValue
        #expect(try runHwgen(["emit", "--design", "pe", "--param", "guard=\(guardDefault)"], cwd: dir).status == 0)
        #expect(fm.fileExists(atPath: "\(dir)/Generated/pe/pe.f"))
    }

    /// The filelist names files from the folder hwgen ran in (or
    /// absolutely): Verilator and Icarus read it from there, and from any
    /// folder when -o was absolute. ROM files are found beside the Verilog.
    @Test func filelistsWorkWithVerilatorAndIcarus() throws {
        let dir = try scratch("filelist")
        defer { try? fm.removeItem(atPath: dir) }
        try fm.createDirectory(atPath: "\(dir)/elsewhere", withIntermediateDirectories: true)
        #expect(try runHwgen(["emit", "--design", "wallace", "-o", "rel/w"], cwd: dir).status == 0)
        #expect(try runHwgen(["emit", "--design", "wallace", "-o", "\(dir)/abs/w"], cwd: "\(dir)/elsewhere").status == 0)
        for (list, from) in [("rel/w/wallace.f", dir), ("\(dir)/abs/w/wallace.f", "\(dir)/elsewhere")] {
            let text = try String(contentsOfFile: list.hasPrefix("/") ? list : "\(dir)/\(list)", encoding: .utf8)
            let top = try #require(text.split(separator: "\n").last.map { ($0 as NSString).lastPathComponent.replacingOccurrences(of: ".v", with: "") })
            let v = try Shell.run(try #require(Shell.which("verilator")), ["--lint-only", "-Wall", "--top-module", top, "-f", list], cwd: from)
            #expect(v.status == 0, "\(v.output)")
            let i = try Shell.run(try #require(Shell.which("iverilog")), ["-g2005", "-s", top, "-o", "/dev/null", "-c", list], cwd: from)
            #expect(i.status == 0, "\(i.output)")
        }
    }
}

/// Every design at its defaults and every test set, emitted in one
/// process: a module name never stands for two texts, a ROM file name never
/// for two contents, and two different tops never share a core name.
@Suite struct EmitNames {
    @Test func noModuleNameHasTwoTexts() throws {
        var texts: [String: String] = [:]
        var cores: [String: String] = [:]     // core name -> top
        var clashes: [String] = []
        for entry in Catalog.designs {
            for set in [[]] + entry.testSets + [["seed=2"], ["seed=3"]].filter({ s in entry.params.contains { $0.name == "seed" } && !entry.testSets.contains(s) }) {
                guard let design = try? entry.instantiate(set) else { continue }
                let emission = VerilogEmitter.emission(for: try Elaborator.elaborate(design.top))
                for f in emission.all {
                    if let seen = texts[f.name], seen != f.text { clashes.append("\(entry.name) \(set): \(f.name)") }
                    texts[f.name] = f.text
                }
                let core = emission.fusesocCore(design: entry.name, summary: entry.summary)
                let name = String(core.split(separator: "\n")[1])
                if let other = cores[name], other != emission.top { clashes.append("core \(name): \(other) and \(emission.top)") }
                cores[name] = emission.top
            }
        }
        #expect(clashes.isEmpty, "\(clashes)")
        #expect(texts.count > 40)
        // vibnn's mu_frac/param_bits and macs once shared a module name.
        let vibnn = try Catalog.find("vibnn")
        var tops = Set<String>()
        for set in [[], ["mu_frac=8", "param_bits=10"], ["macs=2"], ["seed=2"]] {
            let small = ["inputs=20", "hidden=6", "outputs=3", "pes=3"] + set
            tops.insert(VerilogEmitter.emission(for: try Elaborator.elaborate(try vibnn.instantiate(small).top)).top)
        }
        #expect(tops.count == 4, "\(tops)")
    }
}
