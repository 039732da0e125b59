import HDL

/// A first-word-fall-through FIFO between two valid/ready streams, on a
/// LUT RAM (asynchronous read) of `depth` words. Pointers carry one extra
/// wrap bit so full and empty are told apart without a counter.
public struct StreamFIFO: Block {
    public let data: HWType
    public let depth: Int

    public init(data: HWType, depth: Int) {
        self.data = data
        self.depth = depth
    }

    public var moduleName: String { "stream_fifo_w\(data.width)_d\(depth)" }
    var addrBits: Int { depth.trailingZeroBitCount }

    public func build(_ m: ModuleBuilder) throws {
        m.describe("\(depth) words of \(data), first word falls through")
        let input = m.streamInput("in", data)
        let output = m.streamOutput("out", data)
        let a = addrBits
        let wptr = m.register("wptr", .uint(a + 1), reset: 0)
        let rptr = m.register("rptr", .uint(a + 1), reset: 0)
        let empty = wptr == rptr
        let full = (wptr.bit(a) != rptr.bit(a)) & (wptr.bits(a - 1, 0) == rptr.bits(a - 1, 0))
        let mem = m.memory("words", data, depth: depth).kind("FIFO RAM")
        input.ready.assign(~full)
        output.valid.assign(~empty)
        output.data.assign(mem.read(addr: rptr.bits(a - 1, 0), synchronous: false))
        let push = m.wire("push", input.valid & ~full)
        let pop = m.wire("pop", output.ready & ~empty)
        mem.write(addr: wptr.bits(a - 1, 0), data: input.data, enable: push)
        m.when(push) { wptr.assign(wptr &+ 1) }
        m.when(pop) { rptr.assign(rptr &+ 1) }
    }

    /// Golden model, cycle by cycle: given each cycle's (in_valid, in_data,
    /// out_ready), the words leaving and the cycle each leaves on.
    public func model(_ cycles: [(inValid: Bool, inData: BigValue, outReady: Bool)]) -> [(cycle: Int, word: BigValue)] {
        var queue: [BigValue] = []
        var head = 0
        var out: [(Int, BigValue)] = []
        for (c, x) in cycles.enumerated() {
            let count = queue.count - head
            let pop = x.outReady && count > 0
            let push = x.inValid && count < depth
            if pop {
                out.append((c, queue[head]))
                head += 1
            }
            if push { queue.append(x.inData) }
        }
        return out
    }
}
