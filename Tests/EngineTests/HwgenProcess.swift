import Foundation
import Testing

/// Runs the built hwgen (make test builds it before swift test) with PATH,
/// extra environment and working folder as given; stdout and stderr go to
/// files, so no pipe can fill.
func runHwgen(_ args: [String], path: String? = nil, env extra: [String: String] = [:],
              cwd: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
    let fm = FileManager.default
    let exe = fm.currentDirectoryPath + "/.build/debug/hwgen"
    try #require(fm.isExecutableFile(atPath: exe), "build hwgen first (swift build)")
    let base = NSTemporaryDirectory() + "hwgen-cli-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
    _ = fm.createFile(atPath: base + ".out", contents: nil)
    _ = fm.createFile(atPath: base + ".err", contents: nil)
    defer {
        try? fm.removeItem(atPath: base + ".out")
        try? fm.removeItem(atPath: base + ".err")
    }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = args
    var env = ProcessInfo.processInfo.environment
    if let path { env["PATH"] = path }
    env.merge(extra) { $1 }
    p.environment = env
    if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: base + ".out"))
    p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: base + ".err"))
    try p.run()
    p.waitUntilExit()
    return (p.terminationStatus, try String(contentsOfFile: base + ".out", encoding: .utf8),
            try String(contentsOfFile: base + ".err", encoding: .utf8))
}

/// Writes `text` to `name` in a scratch folder of this test process
/// (`folder` keeps suites apart) and returns its path.
func scratchFile(_ folder: String, _ name: String, _ text: String) -> String {
    let dir = NSTemporaryDirectory() + "hwgen-\(folder)-\(ProcessInfo.processInfo.processIdentifier)"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let path = "\(dir)/\(name)"
    FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    return path
}
