import Foundation
import Testing
import Engines

/// hwgen never moves or deletes a file it did not write: tested the way the
/// losses were found — a folder of user files, emissions killed at random
/// instants with SIGINT, SIGTERM and SIGKILL, concurrent emissions, then a
/// count of the user's files.
@Suite struct DataSafety {
    let fm = FileManager.default
    var exe: String { fm.currentDirectoryPath + "/.build/debug/hwgen" }

    func scratch(_ tag: String) throws -> String {
        let dir = NSTemporaryDirectory() + "hwgen-safety-\(tag)-\(ProcessInfo.processInfo.processIdentifier)"
        try? fm.removeItem(atPath: dir)
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// `count` user files (and a subfolder with one more) in `dir`.
    func plantUserFiles(_ dir: String, count: Int) throws {
        try fm.createDirectory(atPath: "\(dir)/mine", withIntermediateDirectories: true)
        try "deep\n".write(toFile: "\(dir)/mine/deep.txt", atomically: false, encoding: .utf8)
        for i in 0..<count { try "user \(i)\n".write(toFile: "\(dir)/u\(i).txt", atomically: false, encoding: .utf8) }
    }

    /// The user files still there with their contents; returns how many are missing or changed.
    func missing(_ dir: String, count: Int) -> Int {
        var lost = (try? String(contentsOfFile: "\(dir)/mine/deep.txt", encoding: .utf8)) == "deep\n" ? 0 : 1
        for i in 0..<count where (try? String(contentsOfFile: "\(dir)/u\(i).txt", encoding: .utf8)) != "user \(i)\n" { lost += 1 }
        return lost
    }

    func start(_ args: [String], cwd: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// The files hwgen left beside the user's: its manifest's, nothing else.
    func strays(_ dir: String, users: Int) throws -> [String] {
        let listed = Set((try? String(contentsOfFile: "\(dir)/\(OutputFolder.manifest)", encoding: .utf8))?
            .split(separator: "\n").map(String.init) ?? [])
        return try fm.contentsOfDirectory(atPath: dir).filter { name in
            !(name.hasPrefix("u") && name.hasSuffix(".txt")) && name != "mine" && name != OutputFolder.manifest && !listed.contains(name)
        }
    }

    @Test func aUserFileInTheWayDeletesNothing() throws {
        let dir = try scratch("clash")
        defer { try? fm.removeItem(atPath: dir) }
        try fm.createDirectory(atPath: "\(dir)/D", withIntermediateDirectories: true)
        try plantUserFiles("\(dir)/D", count: 20)
        try "mine\n".write(toFile: "\(dir)/D/pe.f", atomically: false, encoding: .utf8)
        let r = try runHwgen(["emit", "--design", "pe", "-o", "D"], cwd: dir)
        #expect(r.status == 2 && r.stderr.contains("pe.f there was not written by hwgen"), "\(r.stderr)")
        #expect(missing("\(dir)/D", count: 20) == 0)
        #expect(try String(contentsOfFile: "\(dir)/D/pe.f", encoding: .utf8) == "mine\n")
        #expect(try fm.contentsOfDirectory(atPath: dir) == ["D"])
        #expect(try fm.contentsOfDirectory(atPath: "\(dir)/D").count == 22)
    }

    /// 60 emissions killed at random instants (20 each of SIGINT, SIGTERM,
    /// SIGKILL), alternating between two designs' file sets, into a folder
    /// of 400 user files; then one into a folder of only hwgen's files.
    @Test func killedEmissionsLoseNoUserFile() throws {
        let dir = try scratch("kill")
        defer { try? fm.removeItem(atPath: dir) }
        let users = 400
        try fm.createDirectory(atPath: "\(dir)/D", withIntermediateDirectories: true)
        try plantUserFiles("\(dir)/D", count: users)
        let sets = [["emit", "--design", "vibnn", "--param", "net=digits", "-o", "D"],
                    ["emit", "--design", "pe", "--param", "guard=3", "-o", "D"]]
        var rng = SystemRandomNumberGenerator()
        let signals = [SIGINT, SIGTERM, SIGKILL]
        for trial in 0..<60 {
            let p = try start(sets[trial % 2], cwd: dir)
            usleep(UInt32.random(in: 0...220_000, using: &rng))
            kill(p.processIdentifier, signals[trial % 3])
            p.waitUntilExit()
            #expect(missing("\(dir)/D", count: users) == 0, "trial \(trial): user files lost")
        }
        // The next emission cleans up whatever the kills left, all of it hwgen's.
        #expect(try runHwgen(sets[0], cwd: dir).status == 0)
        #expect(missing("\(dir)/D", count: users) == 0)
        let left = try strays("\(dir)/D", users: users)
        #expect(left.isEmpty, "\(left)")
        #expect(try fm.contentsOfDirectory(atPath: dir) == ["D"])

        // A folder of hwgen's files alone is swapped whole: after any kill
        // and one more emission it is one complete set.
        for trial in 0..<20 {
            let p = try start(Array(sets[trial % 2].dropLast(2)) + ["-o", "G"], cwd: dir)
            usleep(UInt32.random(in: 0...220_000, using: &rng))
            kill(p.processIdentifier, signals[trial % 3])
            p.waitUntilExit()
        }
        #expect(try runHwgen(Array(sets[1].dropLast(2)) + ["-o", "G"], cwd: dir).status == 0)
        let g = try fm.contentsOfDirectory(atPath: "\(dir)/G")
        let listed = try String(contentsOfFile: "\(dir)/G/\(OutputFolder.manifest)", encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(Set(g) == Set(listed + [OutputFolder.manifest]))
        #expect(Set(try fm.contentsOfDirectory(atPath: dir)) == ["D", "G"])
    }

    /// Two emissions at once into one folder of 500 user files take turns.
    @Test func concurrentEmissionsLoseNoUserFile() throws {
        let dir = try scratch("race")
        defer { try? fm.removeItem(atPath: dir) }
        let users = 500
        try fm.createDirectory(atPath: "\(dir)/D", withIntermediateDirectories: true)
        try plantUserFiles("\(dir)/D", count: users)
        for trial in 0..<12 {
            let a = try start(["emit", "--design", "vibnn", "--param", "net=digits", "-o", "D"], cwd: dir)
            let b = try start(["emit", "--design", "pe", "--param", "guard=\(trial % 5)", "-o", "D"], cwd: dir)
            a.waitUntilExit(); b.waitUntilExit()
            #expect(a.terminationStatus == 0 && b.terminationStatus == 0)
            #expect(missing("\(dir)/D", count: users) == 0, "trial \(trial)")
            #expect(try strays("\(dir)/D", users: users).isEmpty)
        }
    }

    /// Links are the user's: a link where hwgen's file was stops the
    /// emission (its target untouched), and a linked folder stays a link.
    @Test func linksAreNeverReplaced() throws {
        let dir = try scratch("links")
        defer { try? fm.removeItem(atPath: dir) }
        #expect(try runHwgen(["emit", "--design", "pe", "-o", "D"], cwd: dir).status == 0)
        try "mine\n".write(toFile: "\(dir)/target.txt", atomically: false, encoding: .utf8)
        try fm.removeItem(atPath: "\(dir)/D/pe.f")
        try fm.createSymbolicLink(atPath: "\(dir)/D/pe.f", withDestinationPath: "../target.txt")
        let r = try runHwgen(["emit", "--design", "pe", "--param", "guard=2", "-o", "D"], cwd: dir)
        #expect(r.status == 2 && r.stderr.contains("pe.f there was not written by hwgen"), "\(r.stderr)")
        #expect(try String(contentsOfFile: "\(dir)/target.txt", encoding: .utf8) == "mine\n")
        #expect(try fm.destinationOfSymbolicLink(atPath: "\(dir)/D/pe.f") == "../target.txt")
        // A link to a folder is written through, and stays a link.
        try fm.createDirectory(atPath: "\(dir)/real", withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: "\(dir)/L", withDestinationPath: "real")
        for g in ["3", "4"] { #expect(try runHwgen(["emit", "--design", "pe", "--param", "guard=\(g)", "-o", "L"], cwd: dir).status == 0) }
        #expect(try fm.destinationOfSymbolicLink(atPath: "\(dir)/L") == "real")
        #expect(fm.fileExists(atPath: "\(dir)/real/pe.f"))
    }

    /// A leftover temporary folder of an older hwgen that holds a user's
    /// files is not swept with them.
    @Test func leftoversHoldingUserFilesAreKept() throws {
        let dir = try scratch("left")
        defer { try? fm.removeItem(atPath: dir) }
        let dead = 4_194_000
        let old = "\(dir)/.D.hwgen-new-\(dead)"
        try fm.createDirectory(atPath: old, withIntermediateDirectories: true)
        try "user\n".write(toFile: "\(old)/notes.txt", atomically: false, encoding: .utf8)
        try "// Generated by hwgen 0.1\n".write(toFile: "\(old)/x.v", atomically: false, encoding: .utf8)
        let r = try runHwgen(["emit", "--design", "pe", "-o", "D"], cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try fm.contentsOfDirectory(atPath: old) == ["notes.txt"])
    }

    @Test func pathsAreTakenLiterally() throws {
        let dir = try scratch("paths")
        defer { try? fm.removeItem(atPath: dir) }
        // A quoted tilde is a folder named ~ here, not the home folder.
        let r = try runHwgen(["emit", "--design", "pe", "-o", "~/hwgen-tilde-test"], cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(fm.fileExists(atPath: "\(dir)/~/hwgen-tilde-test/pe.f"))
        #expect(!fm.fileExists(atPath: NSHomeDirectory() + "/hwgen-tilde-test"))
        // A deleted working folder is an error, not a write into /.
        try fm.createDirectory(atPath: "\(dir)/gone", withIntermediateDirectories: true)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "cd gone && rmdir ../gone && exec \"$0\" emit --design pe -o hwgen-gone-test", exe]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 2 && text.contains("the working folder no longer exists"), "\(text)")
        #expect(!fm.fileExists(atPath: "/hwgen-gone-test"))
    }

    /// `synth --keep P`: a file at P is refused before Yosys runs; a user's
    /// folder at P keeps its files.
    @Test func synthKeepNeverDeletes() throws {
        let dir = try scratch("keep")
        defer { try? fm.removeItem(atPath: dir) }
        try "mine\n".write(toFile: "\(dir)/P", atomically: false, encoding: .utf8)
        let f = try runHwgen(["synth", "--design", "requant", "--target", "ecp5", "--keep", "P"], cwd: dir)
        #expect(f.status == 2 && f.stderr.contains("it is a file"), "\(f.stderr)")
        #expect(try String(contentsOfFile: "\(dir)/P", encoding: .utf8) == "mine\n")
        guard Shell.which("yosys") != nil else { return }
        try fm.createDirectory(atPath: "\(dir)/K/sub", withIntermediateDirectories: true)
        try "notes\n".write(toFile: "\(dir)/K/notes.txt", atomically: false, encoding: .utf8)
        let k = try runHwgen(["synth", "--design", "requant", "--target", "ecp5", "--keep", "K"], cwd: dir)
        #expect(k.status == 0, "\(k.stderr)")
        #expect(try String(contentsOfFile: "\(dir)/K/notes.txt", encoding: .utf8) == "notes\n")
        #expect(fm.fileExists(atPath: "\(dir)/K/sub") && fm.fileExists(atPath: "\(dir)/K/netlist.json"))
        // Again: hwgen's kept files are replaced, the user's stay.
        #expect(try runHwgen(["synth", "--design", "requant", "--target", "ecp5", "--keep", "K"], cwd: dir).status == 0)
        #expect(try String(contentsOfFile: "\(dir)/K/notes.txt", encoding: .utf8) == "notes\n")
    }
}
