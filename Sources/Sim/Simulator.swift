import HDL

/// A two-state, cycle-accurate simulator of an elaborated design.
///
/// The hierarchy is flattened and compiled once (see `Compiler`); each
/// `eval()` then runs one straight pass over the combinational code, and
/// each `tick()` one over the clock-edge code. All state starts at zero, as
/// in Verilator, and memories at their initial contents.
///
///     let sim = try Simulator(ir)
///     sim.reset()                     // rst / arst as the test harness does
///     try sim.poke("a", 3)
///     sim.eval()
///     let y = try sim.peek("y")
///     sim.tick()
public final class Simulator {
    let program: Program
    let store: Wide.Ptr
    let scratch: Wide.Ptr
    let machine: Machine
    let comb: UnsafeMutableBufferPointer<Instr>
    let edge: UnsafeMutableBufferPointer<Instr>
    let asyncResetCode: UnsafeMutableBufferPointer<Instr>
    let byName: [String: SignalInfo]
    /// Cycles clocked so far.
    public private(set) var cycle = 0
    /// Optional waveform: every named signal after each eval.
    var vcd: VCDWriter?
    var time = 0

    public let usesClock: Bool, usesReset: Bool, usesAsyncReset: Bool
    public var inputs: [SignalInfo] { program.inputs }
    public var outputs: [SignalInfo] { program.outputs }
    public var signals: [SignalInfo] { program.signals }

    public init(_ top: ModuleIR) throws {
        program = try Compiler.compile(top)
        usesClock = top.usesClock
        usesReset = top.usesReset
        usesAsyncReset = top.usesAsyncReset
        store = .allocate(capacity: max(1, program.wordCount))
        store.initialize(repeating: 0, count: max(1, program.wordCount))
        let n = program.maxWords + 1
        scratch = .allocate(capacity: 3 * n)
        scratch.initialize(repeating: 0, count: 3 * n)
        machine = Machine(words: store, memories: program.memories, s0: scratch, s1: scratch + n, s2: scratch + 2 * n)
        func copied(_ a: [Instr]) -> UnsafeMutableBufferPointer<Instr> {
            let b = UnsafeMutableBufferPointer<Instr>.allocate(capacity: a.count)
            _ = b.initialize(from: a)
            return b
        }
        comb = copied(program.comb)
        edge = copied(program.edge)
        asyncResetCode = copied(program.asyncReset)
        var names: [String: SignalInfo] = [:]
        for s in program.signals + program.inputs { names[s.name] = s }
        byName = names
        for (slot, words) in program.constants {
            for (k, v) in words.enumerated() { store[Int(slot) + k] = v }
        }
        for (m, contents) in program.memoryInit {
            let mem = program.memories[m]
            for (addr, words) in contents.enumerated() {
                for (k, v) in words.enumerated() { store[mem.base + addr * mem.stride + k] = v }
            }
        }
        eval()
    }

    deinit {
        // A VCD still open is finished, so a script that never calls
        // closeTrace() still gets the whole waveform.
        closeTrace()
        store.deallocate()
        scratch.deallocate()
        comb.deallocate()
        edge.deallocate()
        asyncResetCode.deallocate()
    }

    /// Instructions per evaluation and per clock edge (for reports).
    public var size: (comb: Int, edge: Int, words: Int) { (comb.count, edge.count, program.wordCount) }

    // MARK: driving and observing

    func info(_ name: String) throws -> SignalInfo {
        guard let s = byName[name] else {
            let near = byName.keys.filter { $0.hasSuffix(name) || name.hasSuffix($0) }.sorted().prefix(3)
            throw UserError("no signal '\(name)' in the design\(near.isEmpty ? "" : " (did you mean \(near.joined(separator: ", "))?)")")
        }
        return s
    }

    /// Sets a top-level input (raw bits; negative numbers as two's
    /// complement). A value that does not fit the port, unsigned or signed,
    /// is an error: nothing is cut off silently.
    public func poke(_ name: String, _ value: BigValue) throws {
        guard let s = program.inputs.first(where: { $0.name == name }) else {
            throw UserError("no input port '\(name)' (inputs: \(program.inputs.map(\.name).joined(separator: ", ")))")
        }
        let fits = value.isNegative ? !(value < BigValue.pow2(s.width - 1).negated()) : value < BigValue.pow2(s.width)
        guard fits else {
            throw UserError("\(value) does not fit input '\(name)' of \(s.width) bit(s) (\(BigValue.pow2(s.width - 1).negated())...\(BigValue.pow2(s.width) - .one))")
        }
        set(s, value.words(count: Wide.words(s.width)))
    }

    public func poke(_ name: String, _ value: Int) throws { try poke(name, BigValue(value)) }

    /// Sets input port number `index` from its words (least significant first).
    public func setInput(_ index: Int, _ words: [UInt64]) { set(program.inputs[index], words) }

    /// Sets input port number `index` to the raw bits of `value`.
    public func setInput(_ index: Int, _ value: BigValue) {
        let s = program.inputs[index]
        set(s, value.words(count: Wide.words(s.width)))
    }

    /// Whether output/signal `s` holds the raw bits of `value`.
    public func matches(_ s: SignalInfo, _ value: BigValue) -> Bool {
        matches(s, value.modPow2(s.width).words(count: Wide.words(s.width)))
    }

    func set(_ s: SignalInfo, _ words: [UInt64]) {
        settled = false
        let n = Wide.words(s.width)
        for k in 0..<n { store[Int(s.slot) + k] = k < words.count ? words[k] : 0 }
        store[Int(s.slot) + n - 1] &= mask(s.width - (n - 1) * 64)
    }

    /// The current value (raw bits) of any named signal: a port, wire or
    /// register, by hierarchical name ("u0.acc").
    public func peek(_ name: String) throws -> BigValue { BigValue(words: words(try info(name))) }

    public func words(_ s: SignalInfo) -> [UInt64] {
        (0..<Wide.words(s.width)).map { store[Int(s.slot) + $0] }
    }

    /// Whether output/signal `s` equals `expected` (words, least significant first).
    public func matches(_ s: SignalInfo, _ expected: [UInt64]) -> Bool {
        for k in 0..<Wide.words(s.width) where store[Int(s.slot) + k] != (k < expected.count ? expected[k] : 0) {
            return false
        }
        return true
    }

    /// Word `addr` of memory `name` (hierarchical, like signals).
    public func peekMemory(_ name: String, _ addr: Int) throws -> BigValue {
        guard let mem = program.memories.first(where: { $0.name == name }) else {
            throw UserError("no memory '\(name)' (memories: \(program.memories.map(\.name).joined(separator: ", ")))")
        }
        guard addr >= 0 && addr < mem.depth else { throw UserError("address \(addr) is outside memory '\(name)' (depth \(mem.depth))") }
        return BigValue(words: (0..<mem.stride).map { store[mem.base + addr * mem.stride + $0] })
    }

    // MARK: time

    /// Whether the combinational values reflect the current inputs.
    var settled = false

    /// Settles the combinational logic after inputs changed.
    public func eval() {
        machine.run(UnsafeBufferPointer(comb))
        settled = true
    }

    /// One rising clock edge: every register, memory and synchronous read
    /// port takes its next value; then the logic settles again.
    public func tick() {
        if !settled { eval() }
        vcd?.sample(self, time: time, clock: false)
        time += 5
        machine.run(UnsafeBufferPointer(edge))
        eval()
        vcd?.sample(self, time: time, clock: true)
        time += 5
        cycle += 1
    }

    /// `cycles` clock edges with the inputs held.
    public func step(_ cycles: Int = 1) {
        for _ in 0..<max(0, cycles) { tick() }
    }

    /// The synchronous reset input (held across edges while true).
    public var rst: Bool {
        get { store[Int(program.rstSlot)] != 0 }
        set { store[Int(program.rstSlot)] = newValue ? 1 : 0 }
    }

    /// Asserts (true) or releases the asynchronous reset; asserting it sets
    /// every asynchronously reset register at once.
    public func asyncReset(_ on: Bool) {
        store[Int(program.arstSlot)] = on ? 1 : 0
        if on { machine.run(UnsafeBufferPointer(asyncResetCode)) }
        eval()
    }

    /// The reset sequence of hwgen's test harness: inputs at zero, async
    /// reset pulsed, synchronous reset held for two clock edges.
    public func reset() {
        for s in program.inputs { set(s, []) }
        if usesAsyncReset {
            asyncReset(true)
            asyncReset(false)
        }
        if usesReset { rst = true }
        eval()
        if usesClock {
            tick()
            tick()
        }
        rst = false
        eval()
        cycle = 0
    }

    // MARK: waveforms

    /// Starts writing a VCD of every named signal to `path`.
    public func trace(to path: String) throws {
        vcd = try VCDWriter(path: path, signals: program.signals,
                            inputs: program.inputs)
    }

    /// Finishes the VCD file, if one is being written.
    public func closeTrace() {
        vcd?.sample(self, time: time, clock: false)
        vcd?.close()
        vcd = nil
    }
}
