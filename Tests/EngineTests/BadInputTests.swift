import Foundation
import Testing

/// The bad-input corpus: one case a file in `BadInputs/`, as a should-fail
/// suite keeps them. A case is a command line, the input files it needs, the
/// exit code (2 unless said) and fragments the one error line must hold:
///
///     # what the case is about
///     hwgen emit --design pe --param guard=99
///     expect: guard=99
///     exit: 2
///     --- file D/pe.f
///     the file's lines
///     --- end
///
/// Each runs in a fresh folder holding only its input files. It passes when
/// the tool exits with the code, stderr is one line `TOOL: error: ...`
/// holding every fragment, no Swift runtime trap shows, and the folder is as
/// it was: every input file unchanged, nothing new (no partial output).
let badInputFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/BadInputs"

struct BadInputCase: CustomStringConvertible, Sendable {
    var name: String
    var args: [String] = []
    var expect: [String] = []
    var exit: Int32 = 2
    var files: [(path: String, text: String)] = []
    var description: String { name }

    static func load(_ path: String) throws -> BadInputCase {
        var c = BadInputCase(name: (path as NSString).lastPathComponent)
        let lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        var i = 0
        while i < lines.count {
            let l = lines[i]
            i += 1
            if l.hasPrefix("#") || l.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            if l.hasPrefix("expect: ") { c.expect.append(String(l.dropFirst(8))); continue }
            if l.hasPrefix("exit: "), let e = Int32(l.dropFirst(6)) { c.exit = e; continue }
            if l.hasPrefix("--- file ") {
                var body: [String] = []
                while i < lines.count, lines[i] != "--- end" { body.append(lines[i]); i += 1 }
                i += 1
                c.files.append((String(l.dropFirst(9)), body.joined(separator: "\n") + (body.isEmpty ? "" : "\n")))
                continue
            }
            guard c.args.isEmpty else { throw CaseError("\(c.name): a second command line '\(l)'") }
            c.args = try words(l)
        }
        guard let tool = c.args.first, ["hwgen", "hwgen-fuzz"].contains(tool) else { throw CaseError("\(c.name): the command must start with hwgen or hwgen-fuzz") }
        guard !c.expect.isEmpty || c.exit != 2 else { throw CaseError("\(c.name): no 'expect:' fragment") }
        return c
    }

    /// Shell-like words: spaces split, '...' and "..." quote (no escapes).
    static func words(_ line: String) throws -> [String] {
        var out: [String] = [], cur = "", quote: Character? = nil, any = false
        for ch in line {
            if let q = quote {
                if ch == q { quote = nil } else { cur.append(ch) }
            } else if ch == "'" || ch == "\"" {
                quote = ch; any = true
            } else if ch == " " {
                if any || !cur.isEmpty { out.append(cur) }
                cur = ""; any = false
            } else {
                cur.append(ch)
            }
        }
        guard quote == nil else { throw CaseError("unbalanced quote in '\(line)'") }
        if any || !cur.isEmpty { out.append(cur) }
        return out
    }
}

struct CaseError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

func badInputCases() -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: badInputFolder)) ?? []).filter { $0.hasSuffix(".case") }.sorted()
}

/// Every path under `dir` with its contents (folders as nil).
func snapshot(_ dir: String) -> [String: Data?] {
    var out: [String: Data?] = [:]
    guard let e = FileManager.default.enumerator(atPath: dir) else { return out }
    while let rel = e.nextObject() as? String {
        var isDir: ObjCBool = false
        FileManager.default.fileExists(atPath: "\(dir)/\(rel)", isDirectory: &isDir)
        out[rel] = isDir.boolValue ? nil : FileManager.default.contents(atPath: "\(dir)/\(rel)")
    }
    return out
}

@Suite struct BadInputCorpus {
    @Test func corpusIsLargeAndCoversEveryCommand() throws {
        let cases = try badInputCases().map { try BadInputCase.load("\(badInputFolder)/\($0)") }
        #expect(cases.count >= 300, "\(cases.count) cases")
        let commands = Set(cases.compactMap { c in c.args.first == "hwgen-fuzz" ? "hwgen-fuzz" : c.args.dropFirst().first })
        for sub in ["list", "emit", "verify", "report", "aqfp", "quantize", "compare-sparsity", "plan-parallel", "group-schedule", "synth", "hwgen-fuzz"] {
            #expect(commands.contains(sub), "no case for \(sub)")
        }
    }

    @Test(arguments: badInputCases())
    func badInputIsOneLineAndLeavesNothing(file: String) throws {
        let c = try BadInputCase.load("\(badInputFolder)/\(file)")
        let fm = FileManager.default
        let dir = NSTemporaryDirectory() + "hwgen-bad-\(ProcessInfo.processInfo.processIdentifier)-\(file.prefix(40))"
        try? fm.removeItem(atPath: dir)
        try fm.createDirectory(atPath: "\(dir)/work", withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: dir) }
        for f in c.files {
            let p = "\(dir)/work/\(f.path)"
            try fm.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try f.text.write(toFile: p, atomically: false, encoding: .utf8)
        }
        let before = snapshot("\(dir)/work")
        let exe = fm.currentDirectoryPath + "/.build/debug/" + c.args[0]
        // Paths in a case may name the repository's data as $ROOT.
        let args = c.args.dropFirst().map { $0.replacingOccurrences(of: "$ROOT", with: fm.currentDirectoryPath) }
        let r = try runTool(exe, Array(args), cwd: "\(dir)/work", env: ["HWGEN_CACHE": "\(dir)/cache", "HWGEN_ROOT": fm.currentDirectoryPath])
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
        #expect(r.status == c.exit, "\(file): exit \(r.status), expected \(c.exit); stderr: \(r.stderr)")
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Backtrac"), "\(file): a trap: \(r.stderr.prefix(300))")
        if c.exit == 2 {
            #expect(lines.count == 1 && lines[0].hasPrefix("\(c.args[0]): error: "), "\(file): stderr is not one error line: \(r.stderr)")
        }
        for e in c.expect {
            #expect(r.stderr.contains(e) || (c.exit != 2 && r.stdout.contains(e)), "\(file): '\(e)' not in: \(r.stderr)")
        }
        let after = snapshot("\(dir)/work")
        #expect(after == before, "\(file): the folder changed: \(Set(after.keys).symmetricDifference(before.keys).sorted())")
    }
}

/// Runs a tool with output to files (no pipe can fill).
func runTool(_ exe: String, _ args: [String], cwd: String, env extra: [String: String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let fm = FileManager.default
    let base = NSTemporaryDirectory() + "hwgen-tool-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
    _ = fm.createFile(atPath: base + ".out", contents: nil)
    _ = fm.createFile(atPath: base + ".err", contents: nil)
    defer { try? fm.removeItem(atPath: base + ".out"); try? fm.removeItem(atPath: base + ".err") }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = args
    p.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
    p.currentDirectoryURL = URL(fileURLWithPath: cwd)
    p.standardInput = FileHandle.nullDevice
    p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: base + ".out"))
    p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: base + ".err"))
    try p.run()
    p.waitUntilExit()
    return (p.terminationStatus, (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? "",
            (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? "")
}
