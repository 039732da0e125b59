import Foundation
import HDL

/// Size figures of an elaborated design, over the whole hierarchy (each
/// instance counted, not each definition).
public struct IRSummary: Sendable {
    public var modules = 0, instances = 0, nodes = 0
    public var registers = 0, registerBits = 0
    /// Memory bits by declared kind (`MemoryHandle.kind`), else ROM / RAM /
    /// preloaded RAM.
    public var memoryBits: [String: Int] = [:]
    /// Multiplier nodes (those by a constant counted apart) and the
    /// largest variable one (a x b bits).
    public var multipliers = 0, constantMultipliers = 0
    public var widestMultiplier = (0, 0)

    public init(_ ir: ModuleIR) {
        modules = ir.hierarchy.count
        add(ir)
    }

    mutating func add(_ m: ModuleIR) {
        nodes += m.nodes.count
        for v in m.variables { if case .register = v.kind { registers += 1; registerBits += v.width } }
        for mem in m.memories {
            let kind = mem.kind ?? (mem.isROM ? "ROM" : mem.initial != nil ? "preloaded RAM" : "RAM")
            memoryBits[kind, default: 0] += mem.width * mem.depth
        }
        // Operands come extended to the product width; a multiplier's real
        // size is that of what was extended.
        func operand(_ n: NodeID) -> Node {
            if case .extend(let x, _) = m.nodes[Int(n)].kind { return operand(x) }
            return m.nodes[Int(n)]
        }
        for n in m.nodes {
            guard case .binary(.mul, let a, let b) = n.kind else { continue }
            let (x, y) = (operand(a), operand(b))
            if case .literal = x.kind { constantMultipliers += 1; continue }
            if case .literal = y.kind { constantMultipliers += 1; continue }
            multipliers += 1
            if x.width * y.width > widestMultiplier.0 * widestMultiplier.1 {
                widestMultiplier = (max(x.width, y.width), min(x.width, y.width))
            }
        }
        for inst in m.instances {
            instances += 1
            add(inst.module)
        }
    }

    public var memoryTotal: Int { memoryBits.values.reduce(0, +) }
}

/// The section every design gets: size from the IR, and a run of the
/// design's own stimulus in the context's engine (checked against the
/// model) for latency and cycles per transaction as measured.
public struct GenericReport: DesignReport {
    public let design: any Design
    public init(_ design: any Design) { self.design = design }
    public var title: String { "design" }

    public func run(_ context: ReportContext) throws -> ReportSection {
        let s = IRSummary(context.ir)
        var rows: [ReportRow] = [
            ReportRow("top module", context.top),
            ReportRow("module definitions / instances", "\(s.modules) / \(s.instances)"),
            ReportRow("IR nodes", "\(s.nodes)"),
            ReportRow("registers (bits)", "\(s.registers) (\(s.registerBits))"),
            ReportRow("memory bits", "\(s.memoryTotal)"),
        ]
        for (kind, bits) in s.memoryBits.sorted(by: { $0.key < $1.key }) {
            rows.append(ReportRow("  \(kind)", "\(bits)"))
        }
        rows.append(ReportRow("multipliers", s.multipliers == 0 ? "0"
            : "\(s.multipliers) (widest \(s.widestMultiplier.0) x \(s.widestMultiplier.1) bits)"))
        if s.constantMultipliers > 0 { rows.append(ReportRow("multipliers by a constant", "\(s.constantMultipliers)")) }
        if let l = design.ports.latency { rows.append(ReportRow("latency (declared)", "\(l) cycles")) }

        let o = context.options
        let vectors = o.vectors ?? max(1, design.defaultVectors / 10)
        context.progress("running \(context.name) in the \(context.engine.name) engine (seed \(o.seed), \(vectors) random \(type(of: design).unit)s)")
        let r = try context.engine.verify(design, name: context.name, seed: o.seed, vectors: vectors,
                                          options: RunOptions(recordCycles: true))
        rows.append(ReportRow("model check (\(context.engine.name))", r.verdict(unit: type(of: design).unit, per: design.transactionsPerUnit),
                             bound: "0 mismatches", pass: r.passed))
        let tx = r.transactionCycles
        if let first = tx.first {
            rows.append(ReportRow("first transaction", "cycle \(first)"))
        }
        if tx.count > 1 {
            let per = Double(tx.last! - tx.first!) / Double(tx.count - 1)
            let value = per == per.rounded() ? "\(Int(per))" : String(format: "%.3f", per)
            rows.append(ReportRow("cycles per transaction (this run)", value + " (\(tx.count) transactions)"))
        }
        return ReportSection("\(context.name): \(context.top)", rows: rows)
    }
}
