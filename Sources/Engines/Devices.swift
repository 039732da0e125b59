import HDL

/// A named FPGA part a synthesized design is checked against: its capacity
/// in the resource groups `ResourceReport.Target.groups` counts, and how to
/// name it to nextpnr. Figures from the vendors' family data sheets
/// (Lattice ECP5 DS1044, iCE40 HX DS1040 / UltraPlus DS1056, Xilinx 7 series
/// DS180, Gowin GW1N DS100 / GW2A DS102).
public struct Device: Sendable {
    public let name: String
    public let target: ResourceReport.Target
    /// The part and package as the vendor writes it.
    public let part: String
    /// Capacity per fit group (see `ResourceReport.fitUse`).
    public let capacity: [(String, Int)]
    /// nextpnr's device arguments, or nil where no open place and route
    /// exists in this flow.
    public let pnrArguments: [String]?

    public static let all: [Device] = [
        Device(name: "hx1k", target: .ice40, part: "iCE40HX1K-TQ144",
               capacity: [("LUT", 1_280), ("FF", 1_280), ("BRAM", 16), ("DSP", 0)], pnrArguments: ["--hx1k", "--package", "tq144"]),
        Device(name: "hx8k", target: .ice40, part: "iCE40HX8K-CT256",
               capacity: [("LUT", 7_680), ("FF", 7_680), ("BRAM", 32), ("DSP", 0)], pnrArguments: ["--hx8k", "--package", "ct256"]),
        Device(name: "up5k", target: .ice40, part: "iCE40UP5K-SG48",
               capacity: [("LUT", 5_280), ("FF", 5_280), ("BRAM", 30), ("DSP", 8)], pnrArguments: ["--up5k", "--package", "sg48"]),
        Device(name: "25k", target: .ecp5, part: "LFE5U-25F-CABGA381",
               capacity: [("LUT", 24_288), ("FF", 24_288), ("BRAM", 56), ("DSP", 28)], pnrArguments: ["--25k", "--package", "CABGA381"]),
        Device(name: "45k", target: .ecp5, part: "LFE5U-45F-CABGA381",
               capacity: [("LUT", 43_848), ("FF", 43_848), ("BRAM", 108), ("DSP", 72)], pnrArguments: ["--45k", "--package", "CABGA381"]),
        Device(name: "85k", target: .ecp5, part: "LFE5U-85F-CABGA381",
               capacity: [("LUT", 83_640), ("FF", 83_640), ("BRAM", 208), ("DSP", 156)], pnrArguments: ["--85k", "--package", "CABGA381"]),
        Device(name: "xc7a35t", target: .xilinx, part: "XC7A35T",
               capacity: [("LUT", 20_800), ("FF", 41_600), ("BRAM", 100), ("DSP", 90)], pnrArguments: nil),
        Device(name: "xc7a100t", target: .xilinx, part: "XC7A100T",
               capacity: [("LUT", 63_400), ("FF", 126_800), ("BRAM", 270), ("DSP", 240)], pnrArguments: nil),
        Device(name: "xc7a200t", target: .xilinx, part: "XC7A200T",
               capacity: [("LUT", 134_600), ("FF", 269_200), ("BRAM", 730), ("DSP", 740)], pnrArguments: nil),
        Device(name: "gw1n-9", target: .gowin, part: "GW1N-9",
               capacity: [("LUT", 8_640), ("FF", 6_480), ("BRAM", 26), ("DSP", 20)], pnrArguments: nil),
        Device(name: "gw2a-18", target: .gowin, part: "GW2A-18",
               capacity: [("LUT", 20_736), ("FF", 15_552), ("BRAM", 46), ("DSP", 48)], pnrArguments: nil),
    ]

    /// Capacity of a fit group (0 when the part has none).
    public func count(_ group: String) -> Int { capacity.first { $0.0 == group }?.1 ?? 0 }

    /// The device a target uses unless one is named: the largest of the
    /// family with an open place and route (ice40 HX8K, ECP5-85), else a
    /// mid-size part.
    public static func standard(for target: ResourceReport.Target) -> Device {
        let name = ["ice40": "hx8k", "ecp5": "85k", "xilinx": "xc7a100t", "gowin": "gw2a-18"][target.rawValue]!
        return all.first { $0.name == name }!
    }

    /// A device by name, checked against the target.
    public static func named(_ name: String, target: ResourceReport.Target) throws -> Device {
        let family = all.filter { $0.target == target }
        guard let d = family.first(where: { $0.name == name.lowercased() }) else {
            throw UserError("unknown \(target.rawValue) device '\(name)' (devices: \(family.map(\.name).joined(separator: ", ")))")
        }
        return d
    }

    /// The most state bits the part can hold at all: every block RAM bit,
    /// every LUT used as RAM (none on iCE40; ECP5 64 bits a DPR16X4 of six
    /// LUTs; 7-series 64 a LUT6; Gowin 16 a LUT4) and every flip-flop.
    /// Block RAMs are 4 kbit on iCE40 and 18 kbit on the others.
    public var stateBitCapacity: Int {
        let bram = count("BRAM") * (target == .ice40 ? 4_096 : 18_432)
        let lutRAM: Int
        switch target {
        case .ice40: lutRAM = 0
        case .ecp5: lutRAM = count("LUT") / 6 * 64
        case .xilinx: lutRAM = count("LUT") * 64
        case .gowin: lutRAM = count("LUT") * 16
        }
        return bram + lutRAM + count("FF")
    }

    /// Bits of the memories a design writes (each instance's), a lower
    /// bound on its state: unlike a ROM, which logic can compress, every
    /// bit of a written and read memory must be stored somewhere.
    public static func writtenMemoryBits(_ ir: ModuleIR) -> Int {
        ir.memories.filter { !$0.writes.isEmpty && !$0.reads.isEmpty }.reduce(0) { $0 + $1.width * $1.depth }
            + ir.instances.reduce(0) { $0 + writtenMemoryBits($1.module) }
    }

    /// Why the design cannot fit whatever synthesis does (its written
    /// memories alone exceed `stateBitCapacity`), or nil.
    public func cannotHold(_ ir: ModuleIR) -> String? {
        let bits = Device.writtenMemoryBits(ir), capacity = stateBitCapacity
        guard bits > capacity else { return nil }
        return "its RAMs hold \(bits) bits, more than all of the part's block RAM, LUT RAM and flip-flops together (\(capacity))"
    }

    /// The first resource the counts overflow, as "BRAM 320 of 208", or nil
    /// when the design fits.
    public func overflow(_ counts: ResourceReport.Counts) -> String? {
        for (group, cap) in capacity {
            let used = counts.fitUse(group)
            if used > cap {
                let what = target.fitNote(group).map { "\(group) (\($0))" } ?? group
                return "\(what) \(used) of \(cap)"
            }
        }
        return nil
    }
}
