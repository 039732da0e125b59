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
        let pos = m.framePosition("pos", valid: valid, start: start, bits: bits)
        let mem = m.memory("banks", .uint(2 * width), depth: 2 * n).kind("FFT reorder RAM")

        let wbank = m.register("wbank", .bool, reset: 0)
        let reversed = m.cat((0..<bits).map { pos.bit($0) })   // bit 0 becomes the top bit
        let last = valid & (pos == n - 1)
        mem.write(addr: m.cat(wbank, reversed), data: m.cat(x.re, x.im), enable: valid)
        m.when(last) { wbank.assign(!wbank) }

        // The reader: N cycles per frame, from the bank just completed.
        let reading = m.register("reading", .bool, reset: 0)
        let rbank = m.register("rbank", .bool, reset: 0)
        let raddr = m.register("raddr", .uint(bits), reset: 0)
        m.when(last) {
            reading.assign(1)
            rbank.assign(wbank)
            raddr.assign(0)
        }.elseWhen(reading) {
            raddr.assign(raddr &+ 1)
            m.when(raddr == n - 1) { reading.assign(0) }
        }
        let word = mem.read(addr: m.cat(rbank, raddr))
        let (ov, os, od) = m.streamPorts("out", width: width, input: false)
        ov.assign(m.register("valid_q", next: reading, reset: 0))
        os.assign(m.register("start_q", next: reading & (raddr == 0), reset: 0))
        od.re.assign(word.bits(2 * width - 1, width).asSInt)
        od.im.assign(word.bits(width - 1, 0).asSInt)
    }
}
