import Foundation
import Testing
import HDL
import Arithmetic
import Catalog
import Engines
import Harness
import Verilog

// Verilator builds are slow; run these one at a time.
@Suite(.serialized) struct VerilatorLoop {
    let engine: VerilatorEngine

    init() throws { engine = try VerilatorEngine() }

    @Test(arguments: [[]] + (try! Catalog.find("pe")).testSets)
    func peMatchesItsModel(params: [String]) throws {
        let d = try Catalog.find("pe").instantiate(params)
        let r = try engine.verify(d, name: "pe", seed: 5, vectors: 20_000)
        #expect(r.passed, "\(r.summary)")
        #expect(r.summary.hasPrefix("PASS design=pe vectors="))
    }

    /// A mismatch names cycle, port and values, keeps the run folder and
    /// gives a command that replays it with the same verdict.
    @Test func mismatchIsReportedWithCyclePortAndValues() throws {
        let (job, cycle) = try corruptedJob(try PEDesign(.init()), name: "pe", seed: 9, vectors: 300, index: 40)
        let r = try engine.run(job)
        #expect(!r.passed)
        #expect(r.mismatches.first?.contains("first mismatch: cycle=\(cycle ?? -1) transaction=40 port=out_y") == true, "\(r.mismatches)")
        #expect(r.summary.contains("mismatches=1"))
        let folder = try #require(r.keptFolder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (status, out) = try Shell.run("/bin/sh", ["-c", try #require(r.replay)])
        #expect(status == 1)
        #expect(out.contains(r.summary), "\(out)")
    }

    @Test func traceWritesAWaveform() throws {
        let path = FileManager.default.temporaryDirectory.path + "/hwgen-trace-\(ProcessInfo.processInfo.processIdentifier).vcd"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try engine.verify(try Catalog.find("requant").instantiate(), name: "requant", seed: 1, vectors: 20,
                                  options: RunOptions(trace: path))
        #expect(r.passed)
        let vcd = try String(contentsOfFile: path, encoding: .utf8)
        #expect(vcd.contains("$var wire 16") && vcd.contains("in_x"))
    }

    @Test func secondRunReusesTheBuild() throws {
        let d = try Catalog.find("requant").instantiate(["in_int=3", "in_frac=64", "out_int=20", "out_frac=60"])
        _ = try engine.verify(d, name: "requant", seed: 1, vectors: 100)
        let again = try engine.verify(d, name: "requant", seed: 2, vectors: 2000)
        #expect(again.reusedBuild)
        #expect(again.passed, "\(again.summary)")
    }

    /// A cache entry whose model was deleted is rebuilt, not a raw error
    /// on every later run.
    @Test func aDamagedCacheEntryIsRebuilt() throws {
        let cache = NSTemporaryDirectory() + "hwgen-damaged-\(ProcessInfo.processInfo.processIdentifier)"
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let args = ["verify", "--design", "requant", "--param", "in_int=5", "--vectors", "20"]
        #expect(try runHwgen(args, env: ["HWGEN_CACHE": cache]).status == 0)
        let entry = try #require(try FileManager.default.contentsOfDirectory(atPath: cache).first { $0.hasPrefix("requant") && !$0.contains(".tmp-") })
        try FileManager.default.removeItem(atPath: "\(cache)/\(entry)/obj/sim")
        for _ in 0..<2 {
            let r = try runHwgen(args, env: ["HWGEN_CACHE": cache])
            #expect(r.status == 0 && r.stdout.contains("PASS"), "\(r.stderr)")
        }
        #expect(FileManager.default.isExecutableFile(atPath: "\(cache)/\(entry)/obj/sim"))
    }
}

@Suite struct CLIErrors {
    func hwgen(_ args: [String], path: String? = nil, env: [String: String] = [:], cwd: String? = nil) throws -> (status: Int32, stderr: String) {
        let r = try runHwgen(args, path: path, env: env, cwd: cwd)
        return (r.status, r.stderr)
    }

    @Test(arguments: [
        (["emit", "--design", "nope"], "unknown design 'nope' (designs: pe, requant, fifo, lfsr, taus, rlf, wallace, binomial, vibnn, fft, circulant, circnn, ernn, sc_mul, sc_neuron, sc_pool, aqfp, scdnn, admm, patdnn, allreduce, array, hop)"),
        (["emit", "--design", "lfsr", "--param", "seed=0"], "LFSR seed 0 is not allowed: an all-zero state never leaves zero"),
        (["emit", "--design", "lfsr", "--param", "degree=4", "--param", "seed=16"], "LFSR seed 16 does not fit 4 bits"),
        (["emit", "--design", "taus", "--param", "kind=taus99"], "parameter kind=taus99 is not allowed: expected taus88|taus113"),
        (["emit", "--design", "rlf", "--param", "n=200"], "parameter n=200 is out of range: expected an integer in 3...128"),
        (["emit", "--design", "rlf", "--param", "k=64"], "needs 8128 lanes; at most 4096"),
        (["emit", "--design", "wallace", "--param", "log2n=3"], "parameter log2n=3 is out of range: expected an integer in 4...10"),
        (["report", "--design", "grng"], "unknown design 'grng'"),
        (["report", "--design", "wallace", "--samples", "10"], "--samples must be in 1000...67108864"),
        (["report", "--design", "vibnn", "--param", "net=digits", "--param", "hidden=5"], "parameter hidden does not apply to net=digits"),
        (["emit", "--design", "pe", "--param", "guard=1", "--param", "guard=2"], "parameter guard is given twice"),
        (["emit", "--design", "lfsr", "--param", "degree=2"], "parameter degree=2 is out of range: expected an integer in 3...128"),
        (["emit", "--design", "pe", "--param", "gard=3"], "unknown parameter 'gard' for design 'pe'"),
        (["emit", "--design", "pe", "--param", "guard=99"], "parameter guard=99 is out of range: expected an integer in 0...32"),
        (["emit", "--design", "pe", "--param", "guard"], "malformed parameter 'guard': expected NAME=VALUE"),
        (["emit", "--design", "pe", "--param", "rounding=up"], "expected truncate|half-up|half-even"),
        (["verify", "--design", "pe", "--vectors=-5"], "--vectors must be in 0...50000000"),
        (["emit", "--design", "pe", "-o", "/proc/nope/x"], "cannot create the folder /proc/nope"),
        (["emit", "--design", "pe", "-o", "/etc/hostname"], "cannot emit into /etc/hostname: it is a file"),
        (["emit", "--design", "pe", "-o", "."], "cannot emit into .: it holds the working folder"),
        (["verify", "--design", "pe", "--vectors", "-5"], "--vectors must be in 0...50000000, got -5"),
        (["verify", "--design", "pe", "--seed", "-1"], "--seed must be a whole number in 0...18446744073709551615, got '-1'"),
        (["emit", "--design", "vibnn", "--param", "act_frac=16", "--param", "act_bits=2"], "act_frac=16 must be in 0...1 with act_bits=2"),
        (["emit", "--design", "vibnn", "--param", "mu_frac=24", "--param", "param_bits=2"], "mu_frac=24 must be in 0...2 with param_bits=2"),
        (["emit", "--design", "pe", "--param", "guard=abc"], "parameter guard=abc is not an integer: expected an integer in 0...32"),
        (["emit", "--design", "fifo", "--param", "depth=12"], "parameter depth=12 must be a power of two"),
        (["emit", "--design", "fifo", "--param", "width=0"], "parameter width=0 is out of range"),
        (["emit", "--design", "fifo", "--param", "width=-3"], "parameter width=-3 is out of range"),
        (["emit", "--design", "requant", "--param", "in_int=0", "--param", "in_frac=0"], "in_int + in_frac must be 1...128, got 0"),
        (["verify", "--design", "pe", "--engine", "iverilog"], "'iverilog' is invalid for '--engine <engine>'"),
        (["verify", "--design", "nope", "--engine", "swift"], "unknown design 'nope'"),
        (["verify", "--design", "fifo", "--engine", "swift", "--param", "depth=3"], "must be a power of two"),
        (["verify", "--design", "pe", "--vectors", "10", "--trace", "/proc/nope/x.vcd"], "cannot write the trace file /proc/nope/x.vcd"),
        (["verify", "--design", "pe", "--engine", "swift", "--trace", "/proc/nope/x.vcd"], "cannot write the trace file"),
        (["emit", "--design", "fft", "--param", "n=48"], "parameter n=48 must be a power of two, at least 2"),
        (["emit", "--design", "fft", "--param", "n=1"], "parameter n=1 must be a power of two, at least 2"),
        (["emit", "--design", "fft", "--param", "n=2", "--param", "input=real"], "parameter n=2 must be a power of two, at least 4, for real input"),
        (["emit", "--design", "fft", "--param", "tw_width=1"], "parameter tw_width=1 is too narrow"),
        (["emit", "--design", "fft", "--param", "out_width=20"], "parameter out_width=20 is too narrow for scaling=grow: the output needs 23 bits"),
        (["emit", "--design", "fft", "--param", "n=16", "--param", "scaling=shift", "--param", "out_width=16"], "parameter out_width=16 is too narrow for scaling=shift: the output needs 17 bits"),
        (["emit", "--design", "fft", "--param", "scaling=1,1"], "parameter scaling=1,1 gives 2 shifts; this FFT has 6 stages"),
        (["emit", "--design", "fft", "--param", "scaling=halve"], "parameter scaling=halve is not allowed: expected grow|shift|s1,s2,..."),
        (["emit", "--design", "fft", "--param", "arch=parallel", "--param", "n=128"], "parameter n=128 is too large for arch=parallel"),
        (["verify", "--design", "fft", "--param", "input=real", "--param", "order=bit-reversed"], "parameter order=bit-reversed is not offered with input=real dir=forward"),
        (["report", "--design", "fft", "--synth", "altera"], "--synth: unknown target 'altera'"),
        (["emit", "--design", "circulant", "--param", "k=12"], "parameter k=12 must be a power of two in 4...128"),
        (["emit", "--design", "circulant", "--param", "m=20", "--param", "n=30", "--param", "k=64"], "k=64 is larger than the matrix (m=20, n=30): a block would be mostly padding; choose k <= 16"),
        (["emit", "--design", "circulant", "--param", "weights=/nonexistent.json"], "/nonexistent.json: cannot read the weights file: no such file"),
        (["emit", "--design", "circulant", "--param", "lanes=4", "--param", "n=8"], "lanes=4 exceeds q=1 block columns"),
        (["emit", "--design", "circnn", "--param", "weights=/nonexistent.json"], "/nonexistent.json: cannot read the circnn network: no such file"),
        (["emit", "--design", "ernn", "--param", "segments=12"], "parameter segments=12 must be a power of two in 2...256"),
        (["emit", "--design", "ernn", "--param", "cell=rnn"], "parameter cell=rnn is not allowed: expected lstm|gru"),
        (["emit", "--design", "sc_mul", "--param", "L=100", "--param", "rng=sobol"], "stream length L=100 must be a power of two with sobol sources"),
        (["emit", "--design", "sc_neuron", "--param", "n=0"], "parameter n=0 is out of range: expected an integer in 1...256"),
        (["emit", "--design", "sc_neuron", "--param", "poly=31,4,0"], "LFSR polynomial x^31 + x^4 + 1 is not primitive"),
        (["emit", "--design", "sc_mul", "--param", "poly=x^5+x^2+1"], "has degree 5, less than the 8 bits a cycle L=256 needs"),
        (["emit", "--design", "sc_neuron", "--param", "form=sorter", "--param", "scale=5"], "scale=5 must have the parity of n + 1 = 26"),
        (["emit", "--design", "sc_mul", "--param", "states=7"], "Stanh states K=7 must be even"),
    ])
    func badInputIsOneLineAndExitTwo(args: [String], message: String) throws {
        let (status, stderr) = try hwgen(args)
        #expect(status == 2)
        #expect(stderr.split(separator: "\n").count == 1, "\(stderr)")
        #expect(stderr.contains(message), "\(stderr)")
    }

    /// HWGEN_CACHE set but empty means the default cache; an unusable one
    /// is one line naming it.
    @Test func cacheVariable() throws {
        let ok = try hwgen(["verify", "--design", "pe", "--vectors", "10"], env: ["HWGEN_CACHE": ""])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stderr.contains("/.hwgen-cache") || !ok.stderr.contains("building"), "\(ok.stderr)")
        for bad in ["/etc/hostname", "/proc/no/cache"] {
            let r = try hwgen(["verify", "--design", "pe", "--vectors", "10"], env: ["HWGEN_CACHE": bad])
            #expect(r.status == 2)
            let lines = r.stderr.split(separator: "\n").filter { $0.hasPrefix("hwgen: error") }
            #expect(lines.count == 1 && lines[0].contains(bad), "\(r.stderr)")
            #expect(!r.stderr.contains("NSCocoaErrorDomain"))
        }
    }

    @Test func verilatorMissingIsOneLine() throws {
        let (status, stderr) = try hwgen(["verify", "--design", "pe"], path: "/nonexistent")
        #expect(status == 2)
        #expect(stderr.split(separator: "\n").count == 1, "\(stderr)")
        #expect(stderr.contains("verilator is not installed"), "\(stderr)")
        // The Swift engine needs no external tool.
        let swift = try hwgen(["verify", "--design", "pe", "--engine", "swift", "--vectors", "100"], path: "/nonexistent")
        #expect(swift.status == 0, "\(swift.stderr)")
    }

    @Test func failedEmitWritesNothing() throws {
        let dir = NSTemporaryDirectory() + "hwgen-nothing-\(ProcessInfo.processInfo.processIdentifier)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (status, _) = try hwgen(["emit", "--design", "fifo", "--param", "depth=12", "-o", dir])
        #expect(status == 2)
        #expect(!FileManager.default.fileExists(atPath: dir))
    }

    /// The same design emitted by two separate processes is byte-identical.
    @Test(arguments: Catalog.designs.map(\.name).filter { $0 != "vibnn" })
    func emissionIsDeterministicAcrossProcesses(design: String) throws {
        let base = NSTemporaryDirectory() + "hwgen-det-\(ProcessInfo.processInfo.processIdentifier)-\(design)"
        defer { try? FileManager.default.removeItem(atPath: base) }
        for run in ["a", "b"] {   // the filelist names files from the folder hwgen runs in
            try FileManager.default.createDirectory(atPath: "\(base)/\(run)", withIntermediateDirectories: true)
            let (status, stderr) = try hwgen(["emit", "--design", design, "-o", "out"], cwd: "\(base)/\(run)")
            #expect(status == 0, "\(stderr)")
        }
        let fm = FileManager.default
        let names = try fm.contentsOfDirectory(atPath: "\(base)/a/out").sorted()
        #expect(names == (try fm.contentsOfDirectory(atPath: "\(base)/b/out").sorted()))
        #expect(names.count >= 4)
        for n in names {
            #expect(fm.contents(atPath: "\(base)/a/out/\(n)") == fm.contents(atPath: "\(base)/b/out/\(n)"), "\(n)")
        }
    }
}
