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
    var env = extra
    if let path { env["PATH"] = path }
    return try runTool(exe, args, cwd: cwd ?? fm.currentDirectoryPath, env: env)
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
