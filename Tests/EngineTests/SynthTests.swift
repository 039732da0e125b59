import Engines
import HDL
import Foundation
import Testing

/// `hwgen synth`: counts by resource, fit against a named device (one line,
/// exit 2 when a design does not fit), counts stable from run to run, and
/// the device arithmetic on its own.
@Suite struct SynthTests {
    @Test func fitUnitsWeighCarryAndRAMCells() throws {
        // An ECP5 CCU2C takes a slice's two LUTs and a DPR16X4 six LUT
        // positions; a Xilinx RAMB36 is two RAMB18 units.
        let ecp5 = ResourceReport.Counts(target: .ecp5, cells: ["LUT4": 100, "CCU2C": 10, "TRELLIS_DPR16X4": 3, "TRELLIS_FF": 7, "DP16KD": 2])
        #expect(ecp5.fitUse("LUT") == 100 + 20 + 18)
        #expect(ecp5.count("LUT") == 100 && ecp5.count("carry") == 10 && ecp5.count("LUTRAM") == 3)
        #expect(ecp5.fitUse("BRAM") == 2 && ecp5.fitUse("FF") == 7)
        let x = ResourceReport.Counts(target: .xilinx, cells: ["LUT6": 5, "LUT2": 1, "RAM64X1D": 2, "RAMB36E1": 3, "RAMB18E1": 1])
        #expect(x.fitUse("LUT") == 6 + 4 && x.fitUse("BRAM") == 7)
        let d = try Device.named("25k", target: .ecp5)
        #expect(d.overflow(ecp5) == nil)
        let big = ResourceReport.Counts(target: .ecp5, cells: ["LUT4": 20_000, "CCU2C": 3_000, "DP16KD": 60])
        // The first overflowing group, in the device's order: LUT before BRAM.
        #expect(d.overflow(big) == "LUT (LUT4 + 2 per CCU2C + 6 per DPR16X4) 26000 of 24288")
        #expect(throws: (any Error).self) { try Device.named("85k", target: .ice40) }
    }

    @Test func countsAreStableAndJSONAgrees() throws {
        let a = try runHwgen(["synth", "--design", "pe", "--target", "ice40,ecp5", "--json", "-"])
        let b = try runHwgen(["synth", "--design", "pe", "--target", "ice40,ecp5", "--json", "-"])
        #expect(a.status == 0, "\(a.stderr)")
        let ja = try #require(JSONSerialization.jsonObject(with: Data(a.stdout.utf8)) as? [[String: Any]])
        let jb = try #require(JSONSerialization.jsonObject(with: Data(b.stdout.utf8)) as? [[String: Any]])
        #expect(ja.count == 2 && jb.count == 2)
        for (x, y) in zip(ja, jb) {
            let cx = try #require(x["cells"] as? [String: Int]), cy = try #require(y["cells"] as? [String: Int])
            #expect(cx == cy)
            // A MAC PE needs LUTs and flip-flops on any target.
            #expect(cx["LUT", default: 0] > 0 && cx["FF", default: 0] > 0)
            #expect(x["fits"] as? Bool == true)
        }
        #expect(ja.map { $0["target"] as? String } == ["ice40", "ecp5"])
        #expect(ja.map { $0["device"] as? String } == ["iCE40HX8K-CT256", "LFE5U-85F-CABGA381"])
    }

    @Test func misfitIsOneLineExit2() throws {
        let r = try runHwgen(["synth", "--design", "fft", "--param", "n=8", "--target", "ice40", "--device", "hx1k"])
        #expect(r.status == 2)
        let lines = r.stderr.split(separator: "\n").filter { $0.hasPrefix("hwgen: error") }
        #expect(lines.count == 1, "\(r.stderr)")
        #expect(lines.first?.contains("fft does not fit iCE40HX1K-TQ144 (ice40): LUT ") == true, "\(r.stderr)")
        // The table still shows what was used.
        #expect(r.stdout.contains("does NOT fit"), "\(r.stdout)")
    }

    /// Written memories are state no logic can compress: a design whose
    /// RAMs exceed every storage bit of the part is refused before Yosys
    /// (the default vibnn's RLF windows on an iCE40, which has no LUT RAM).
    @Test func stateThatCannotFitIsRefusedBeforeYosys() throws {
        // A 16 x 8 RAM is counted, the 16 x 8 ROM beside it is not.
        #expect(Device.writtenMemoryBits(try Elaborator.elaborate(ManyReads())) == 16 * 8)
        let hx8k = try Device.named("hx8k", target: .ice40)
        #expect(hx8k.stateBitCapacity == 32 * 4_096 + 7_680)
        let r = try runHwgen(["synth", "--design", "vibnn", "--target", "ice40"])
        #expect(r.status == 2)
        let lines = r.stderr.split(separator: "\n").filter { $0.hasPrefix("hwgen: error") }
        #expect(lines.count == 1 && lines[0].contains("cannot fit iCE40HX8K-CT256 (ice40): its RAMs hold "), "\(r.stderr)")
        #expect(lines.first?.hasSuffix("(138752); Yosys not run") == true, "\(r.stderr)")
    }

    /// A target that fails (here the time limit, which no Yosys run meets)
    /// does not stop the others or lose their records: the JSON holds
    /// every target, one error line, exit 2.
    @Test func oneFailingTargetKeepsTheOthers() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("synth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("r.json").path
        let r = try runHwgen(["synth", "--design", "requant", "--target", "xilinx,gowin", "--timeout", "0.001", "--json", file])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").filter { $0.hasPrefix("hwgen: error") }.count == 1, "\(r.stderr)")
        let j = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [[String: Any]])
        #expect(j.map { $0["target"] as? String } == ["xilinx", "gowin"])
        for rec in j { #expect((rec["error"] as? String)?.contains("ran past the time limit of 0.001 s") == true, "\(rec)") }
    }

    @Test func badArgumentsAreOneLine() throws {
        for (args, text) in [
            (["synth", "--design", "pe", "--target", "ecp5", "--device", "hx8k"], "unknown ecp5 device 'hx8k' (devices: 25k, 45k, 85k)"),
            (["synth", "--design", "pe", "--target", "altera"], "unknown target 'altera'"),
            (["synth", "--design", "pe", "--all"], "give --design D or --all"),
            (["synth", "--design", "pe", "--target", "ice40,ecp5", "--device", "85k"], "--device names one part"),
            (["synth", "--design", "pe", "--target", "ecp5,xilinx", "--pnr"], "--pnr: no open place and route for xilinx"),
        ] {
            let r = try runHwgen(args)
            #expect(r.status == 2 || r.status == 64, "\(args)")
            #expect(r.stderr.contains(text), "\(args): \(r.stderr)")
        }
    }
}
