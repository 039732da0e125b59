/// A memory being built: synchronous writes, synchronous or asynchronous
/// reads, emitted in the style FPGA tools infer as block (or LUT) RAM.
public struct MemoryHandle {
    let m: ModuleBuilder
    let index: Int
    public let type: HWType
    public var addressWidth: Int { m.memories[index].addrWidth }

    /// Declares what the memory holds, for reports (memory bits are totalled
    /// by kind); no effect on the hardware.
    @discardableResult
    public func kind(_ k: String) -> MemoryHandle {
        m.memories[index].kind = k
        return self
    }

    func checkAddress(_ a: Signal, _ loc: SourceLoc) -> Bool {
        let mem = m.memories[index]
        if a.width != mem.addrWidth || a.type.isSigned || a.type.fraction != 0 {
            m.error(.widthMismatch, "address of memory '\(mem.name)' must be UInt<\(mem.addrWidth)>, got \(a.type)", loc)
            return false
        }
        return true
    }

    /// Writes `data` at `addr` on the clock edge when `enable` is high.
    public func write(addr: Signal, data: Signal, enable: Signal,
                      file: StaticString = #fileID, line: UInt = #line) {
        let loc = SourceLoc(file, line)
        let mem = m.memories[index]
        if m.scopes.count > 1 {
            // A write inside a when would silently ignore the when's condition.
            m.error(.badArgument, "write to memory '\(mem.name)' inside a when block; move it out and give the condition as enable:", loc)
            return
        }
        guard checkAddress(addr, loc) else { return }
        guard data.type == type else {
            m.error(.widthMismatch, "data written to memory '\(mem.name)' must be \(type), got \(data.type)", loc)
            return
        }
        if mem.isROM {
            m.error(.badArgument, "memory '\(mem.name)' is a ROM (it has initial contents); it cannot be written", loc)
            return
        }
        let en = m.condition(enable, loc)
        m.stamp(addr.id, loc)
        m.stamp(data.id, loc)
        m.memories[index].writes.append(MemoryWrite(addr: addr.id, data: data.id, enable: en, loc: loc))
    }

    /// Reads the word at `addr`. Synchronous reads (block RAM) deliver it a
    /// cycle later, loading only when `enable` is high; asynchronous reads
    /// (LUT RAM) deliver it at once.
    public func read(addr: Signal, synchronous: Bool = true, enable: Signal? = nil,
                     file: StaticString = #fileID, line: UInt = #line) -> Signal {
        let loc = SourceLoc(file, line)
        guard checkAddress(addr, loc) else { return m.placeholder(type) }
        var en: NodeID? = nil
        if let e = enable {
            if !synchronous { m.error(.badArgument, "an asynchronous read has no enable", loc) }
            en = m.condition(e, loc)
        }
        m.stamp(addr.id, loc)
        if synchronous { m.needsClock = true }
        m.memories[index].reads.append(MemoryRead(addr: addr.id, synchronous: synchronous, enable: en))
        return m.signal(.memRead(mem: index, port: m.memories[index].reads.count - 1), type, loc: loc)
    }
}

extension ModuleBuilder {
    /// A RAM of `depth` words of type `t`.
    public func memory(_ n: String, _ t: HWType, depth: Int,
                       file: StaticString = #fileID, line: UInt = #line) -> MemoryHandle {
        makeMemory(n, t, depth: depth, initial: nil, SourceLoc(file, line))
    }

    /// A RAM starting with `initial` (numbers in `t`; FPGA block RAM takes
    /// them from the bitstream). A reset does not restore them.
    public func memory(_ n: String, _ t: HWType, initial: [BigValue],
                       file: StaticString = #fileID, line: UInt = #line) -> MemoryHandle {
        preloaded("memory '\(n)' initial", n, t, initial, SourceLoc(file, line))
    }

    /// A ROM holding `contents` (numbers in `t`, scaled by its fraction bits).
    public func rom(_ n: String, _ t: HWType, contents: [BigValue],
                    file: StaticString = #fileID, line: UInt = #line) -> MemoryHandle {
        let h = preloaded("ROM '\(n)'", n, t, contents, SourceLoc(file, line))
        memories[h.index].isROM = true
        return h
    }

    /// A memory with initial contents, each checked against `t`.
    func preloaded(_ what: String, _ n: String, _ t: HWType, _ words: [BigValue], _ loc: SourceLoc) -> MemoryHandle {
        for (i, v) in words.enumerated() where !t.canHold(raw: v) {
            error(.widthMismatch, "\(what) word \(i) = \(v) does not fit \(t)", loc)
            break
        }
        return makeMemory(n, t, depth: words.count, initial: words.map { $0.modPow2(t.width) }, loc)
    }

    func makeMemory(_ n: String, _ t: HWType, depth: Int, initial: [BigValue]?, _ loc: SourceLoc) -> MemoryHandle {
        var ok = checkType(t, "memory '\(n)'", loc)
        if depth < 2 || depth > 1 << 24 {
            error(.badArgument, "memory '\(n)' depth must be 2...16777216, got \(depth)", loc)
            ok = false
        }
        let escaped = claim(n, loc)
        ok = escaped != nil && ok
        var aw = 1
        while (1 << aw) < depth { aw += 1 }
        memories.append(Memory(name: escaped ?? "_bad\(memories.count)", width: t.width, depth: ok ? depth : 2, addrWidth: ok ? aw : 1,
                               initial: initial, loc: loc))
        needsClock = true
        return MemoryHandle(m: self, index: memories.count - 1, type: ok ? t : .bool)
    }
}
