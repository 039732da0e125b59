import HDL

/// Bit-reversed to natural order: two banks of N words. A frame is written
/// at bit-reversed addresses into one bank; once its last sample is in,
/// it is read out in order over the next N cycles while the next frame
/// fills the other bank. Output frames are contiguous; an input frame may
/// follow the last one back to back or after any gap.
///
/// Latency (first sample in → first sample out): N + 1.
public struct ReorderBuffer: Block {
    public let n: Int
    public let width: Int

    public init(n: Int, width: Int) {
        self.n = n
        self.width = width
    }

    public var moduleName: String { "fft_reorder_n\(n)_w\(width)" }
    public var latency: Int { n + 1 }

    public func build(_ m: ModuleBuilder) throws {
        let bits = n.trailingZeroBitCount
        m.describe("bit-reversed to natural order, \(n) points, two banks of \(n) x \(2 * width) bits, latency \(latency)")
        let (valid, start, x) = m.streamPorts("in", width: width, input: true)
        let banks = m.frameBanks(n, width: width, kind: "FFT reorder RAM", valid: valid, start: start, data: x) { pos in
            m.cat((0..<bits).map { pos.bit($0) })   // bit 0 becomes the top bit
        }
        let word = banks.mem.read(addr: m.cat(banks.rbank, banks.k))
        let (ov, os, od) = m.streamPorts("out", width: width, input: false)
        ov.assign(m.register("valid_q", next: banks.reading, reset: 0))
        os.assign(m.register("start_q", next: banks.reading & (banks.k == 0), reset: 0))
        od.re.assign(word.bits(2 * width - 1, width).asSInt)
        od.im.assign(word.bits(width - 1, 0).asSInt)
    }
}

/// Two banks of a frame's words: `FrameBanks` of `ModuleBuilder.frameBanks`.
public struct FrameBanks {
    public let mem: MemoryHandle
    /// The bank being written, the one being read, whether a read is on,
    /// the word index being read.
    public let wbank: Signal, rbank: Signal, reading: Signal, k: Signal
}

extension ModuleBuilder {
    /// A frame of `words` complex words written at `address(position)` into
    /// one of two banks; once its last word is in, it is read over the next
    /// `words` cycles (index `k`) from that bank while the next frame fills
    /// the other. Frames arrive at least `words` cycles apart, so a bank is
    /// never written while it is read.
    public func frameBanks(_ words: Int, width: Int, kind: String, valid: Signal, start: Signal, data x: ComplexSignal,
                    address: (Signal) -> Signal) -> FrameBanks {
        let bits = words.trailingZeroBitCount
        let pos = framePosition("pos", valid: valid, start: start, bits: bits)
        let mem = memory("banks", .uint(2 * width), depth: 2 * words).kind(kind)
        let wbank = register("wbank", .bool, reset: 0)
        let last = valid & (pos == words - 1)
        mem.write(addr: cat(wbank, address(pos)), data: cat(x.re, x.im), enable: valid)
        when(last) { wbank.assign(!wbank) }
        let reading = register("reading", .bool, reset: 0)
        let rbank = register("rbank", .bool, reset: 0)
        let k = register("k", .uint(bits), reset: 0)
        when(last) {
            reading.assign(1)
            rbank.assign(wbank)
            k.assign(0)
        }.elseWhen(reading) {
            k.assign(k &+ 1)
            when(k == words - 1) { reading.assign(0) }
        }
        return FrameBanks(mem: mem, wbank: wbank, rbank: rbank, reading: reading, k: k)
    }
}
