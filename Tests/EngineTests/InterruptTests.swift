import Foundation
import Testing
import Engines

/// Ctrl-C during a Verilator build stops the build's whole process group
/// and leaves no half-built folder; leftovers of dead processes are swept.
@Suite struct InterruptCleanup {
    let fm = FileManager.default

    @Test func leftoversOfDeadProcessesAreSwept() throws {
        let root = NSTemporaryDirectory() + "hwgen-sweep-\(ProcessInfo.processInfo.processIdentifier)"
        defer { try? fm.removeItem(atPath: root) }
        let dead: Int32 = 4_194_000   // above any pid this machine hands out by default
        let mine = ProcessInfo.processInfo.processIdentifier
        for name in ["pe_1234abcd-00ff.tmp-\(dead)", "run-pe-\(dead)-1a2b3c4d", "run-vibnn-\(dead)-5e6f7a8b",
                     "pe_1234abcd-00ff.tmp-\(mine)", "run-pe-\(mine)-0a0b0c0d", "pe_1234abcd-00ff"] {
            try fm.createDirectory(atPath: "\(root)/\(name)", withIntermediateDirectories: true)
        }
        fm.createFile(atPath: "\(root)/run-vibnn-\(dead)-5e6f7a8b/kept", contents: Data())   // kept for a replay
        _ = try VerilatorEngine(cacheRoot: root)
        #expect(try fm.contentsOfDirectory(atPath: root).sorted()
                == ["pe_1234abcd-00ff", "pe_1234abcd-00ff.tmp-\(mine)", "run-pe-\(mine)-0a0b0c0d", "run-vibnn-\(dead)-5e6f7a8b"])
    }

    @Test func ctrlCDuringABuildStopsItAndCleansUp() throws {
        let cache = NSTemporaryDirectory() + "hwgen-int-\(ProcessInfo.processInfo.processIdentifier)"
        try? fm.removeItem(atPath: cache)
        defer { try? fm.removeItem(atPath: cache) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: fm.currentDirectoryPath + "/.build/debug/hwgen")
        p.arguments = ["verify", "--design", "vibnn", "--param", "net=digits", "--vectors", "3"]
        p.environment = ProcessInfo.processInfo.environment.merging(["HWGEN_CACHE": cache]) { $1 }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Wait for the build folder, then interrupt mid-build.
        var building = false
        for _ in 0..<600 where !building {
            usleep(100_000)
            building = ((try? fm.contentsOfDirectory(atPath: cache)) ?? []).contains { $0.contains(".tmp-") }
        }
        try #require(building)
        usleep(1_500_000)
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        #expect(p.terminationStatus == 130)
        #expect(((try? fm.contentsOfDirectory(atPath: cache)) ?? []).isEmpty)
        usleep(300_000)
        let (_, ps) = try Shell.run("/bin/ps", ["-eo", "args"])
        #expect(!ps.split(separator: "\n").contains { $0.contains(cache) }, "a tool is still running in \(cache)")
    }
}
