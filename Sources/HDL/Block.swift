/// A hardware module definition: a generator that builds itself.
///
/// Equal blocks (by `==`) are one definition: instantiated many times,
/// emitted once. `moduleName` must tell distinct parameterisations apart.
public protocol Block: Hashable {
    var moduleName: String { get }
    func build(_ m: ModuleBuilder) throws
}

/// An externally supplied Verilog module: only its ports are known.
public struct BlackBox: Block {
    public let moduleName: String
    public let inputs: [(String, HWType)]
    public let outputs: [(String, HWType)]
    public let clocked: Bool

    public init(_ name: String, inputs: [(String, HWType)], outputs: [(String, HWType)], clocked: Bool = false) {
        moduleName = name
        self.inputs = inputs
        self.outputs = outputs
        self.clocked = clocked
    }
    public func build(_ m: ModuleBuilder) throws {
        m.isBlackBox = true
        if clocked { m.needsClock = true }
        for (n, t) in inputs { _ = m.input(n, t) }
        for (n, t) in outputs { _ = m.output(n, t) }
    }
    public static func == (a: BlackBox, b: BlackBox) -> Bool {
        a.moduleName == b.moduleName && a.clocked == b.clocked
            && a.inputs.map(\.0) == b.inputs.map(\.0) && a.inputs.map(\.1) == b.inputs.map(\.1)
            && a.outputs.map(\.0) == b.outputs.map(\.0) && a.outputs.map(\.1) == b.outputs.map(\.1)
    }
    public func hash(into h: inout Hasher) { h.combine(moduleName) }
}

/// Turns blocks into checked `ModuleIR`, caching one definition per block.
public final class Elaborator {
    var cache: [String: (key: AnyHashable, ir: ModuleIR)] = [:]

    public init() {}

    /// Elaborates `top` and everything it instantiates; throws every problem found.
    public func elaborate(_ top: any Block) throws -> ModuleIR {
        let key = AnyHashable(top)
        if let hit = cache[top.moduleName] {
            if hit.key == key { return hit.ir }
            throw ElaborationError(diagnostics: [Diagnostic(.nameClash,
                "two different definitions are both named '\(top.moduleName)'; give each parameterisation its own moduleName",
                module: top.moduleName, loc: nil)])
        }
        let m = ModuleBuilder(name: top.moduleName, elaborator: self)
        if let problem = Names.problem(withModuleName: top.moduleName) {
            m.error(.badArgument, problem, nil)
        } else {
            try top.build(m)
        }
        let ir = try m.finish()
        cache[top.moduleName] = (key, ir)
        return ir
    }

    /// Convenience: elaborate a block with a fresh cache.
    public static func elaborate(_ top: any Block) throws -> ModuleIR {
        try Elaborator().elaborate(top)
    }
}

/// A child instance being connected in a parent module.
public struct InstanceHandle {
    let m: ModuleBuilder
    let index: Int
    public var name: String { m.instances[index].name }
    public var module: ModuleIR { m.instances[index].module }

    /// The child's input port `n`, to drive with `assign`.
    public func input(_ n: String, file: StaticString = #fileID, line: UInt = #line) -> Signal {
        let inst = m.instances[index]
        guard let p = inst.module.ports.firstIndex(where: { $0.name == n && $0.direction == .input }),
              let v = inst.inputVariables[p] else {
            m.error(.badArgument, "instance '\(inst.name)' of '\(inst.module.name)' has no input '\(n)' (inputs: \(inst.module.ports.filter { $0.direction == .input }.map(\.name).joined(separator: ", ")))", SourceLoc(file, line))
            return m.placeholder(.bool)
        }
        return Signal(id: m.variableNode[v], type: inst.module.ports[p].type, m: m)
    }

    /// The child's output port `n`.
    public func output(_ n: String, file: StaticString = #fileID, line: UInt = #line) -> Signal {
        let inst = m.instances[index]
        guard let p = inst.module.ports.firstIndex(where: { $0.name == n && $0.direction == .output }) else {
            m.error(.badArgument, "instance '\(inst.name)' of '\(inst.module.name)' has no output '\(n)' (outputs: \(inst.module.ports.filter { $0.direction == .output }.map(\.name).joined(separator: ", ")))", SourceLoc(file, line))
            return m.placeholder(.bool)
        }
        return m.signal(.instOutput(inst: index, port: p), inst.module.ports[p].type, loc: SourceLoc(file, line))
    }
}

extension ModuleBuilder {
    /// Instantiates `block` as `name`; the definition is elaborated once.
    public func instance(_ block: any Block, name n: String,
                         file: StaticString = #fileID, line: UInt = #line) throws -> InstanceHandle {
        let loc = SourceLoc(file, line)
        let child = try elaborator.elaborate(block)
        let n = claim(n, loc) ?? "_bad\(instances.count)"
        let index = instances.count
        instances.append(Instance(name: n, module: child, inputVariables: [], loc: loc))
        var vars: [Int?] = []
        for p in child.ports {
            let portName = "\(n)_\(p.name)"
            claim(portName, loc)
            if p.direction == .input {
                _ = newVariable(portName, p.type, .instInput(inst: index, port: vars.count), loc)
                vars.append(variables.count - 1)
            } else {
                vars.append(nil)
            }
        }
        instances[index].inputVariables = vars
        if child.usesClock { needsClock = true }
        if child.usesReset { needsReset = true }
        if child.usesAsyncReset { needsAsyncReset = true }
        return InstanceHandle(m: self, index: index)
    }
}
