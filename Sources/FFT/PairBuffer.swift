import HDL

/// Holds a frame of M words and reads it back as pairs (word k, word
/// (M - k) mod M) over the next M cycles, k = 0, 1, ...: what the real-FFT
/// split needs. Two banks, as the reorder buffer; the frame is written at
/// bit-reversed addresses when it comes from an FFT core. With `nyquist`,
/// an extra real word taken with the frame's start stands in for word M
/// (the partner of k = 0).
///
/// Latency (first word in → first pair out): M + 1.
public struct PairBuffer: Block {
    public let m: Int
    public let width: Int
    public let bitReversed: Bool
    public let nyquist: Bool

    public init(m: Int, width: Int, bitReversed: Bool, nyquist: Bool) {
        self.m = m
        self.width = width
        self.bitReversed = bitReversed
        self.nyquist = nyquist
    }

    public var moduleName: String { "fft_pair_buffer_m\(m)_w\(width)\(bitReversed ? "_rev" : "")\(nyquist ? "_nyq" : "")" }
    public var latency: Int { m + 1 }

    public func build(_ b: ModuleBuilder) throws {
        let bits = m.trailingZeroBitCount
        b.describe("frame of \(m) words read back as pairs (k, M-k), two banks, \(bitReversed ? "bit-reversed" : "natural") writes, latency \(latency)")
        let (valid, start, x) = b.streamPorts("in", width: width, input: true)
        let banks = b.frameBanks(m, width: width, kind: "FFT pair RAM", valid: valid, start: start, data: x) { pos in
            bitReversed ? b.cat((0..<bits).map { pos.bit($0) }) : pos
        }
        let (mem, wbank, rbank, reading, k) = (banks.mem, banks.wbank, banks.rbank, banks.reading, banks.k)
        var nyq: [Signal] = []
        if nyquist {
            let input = b.input("in_nyq", .sint(width))
            nyq = (0..<2).map { i in
                let r = b.register("nyq\(i)", .sint(width))
                b.when(valid & start & (wbank == i)) { r.assign(input) }
                return r
            }
        }
        let zero = b.literal(0, .uint(bits))
        let first = mem.read(addr: b.cat(rbank, k)), second = mem.read(addr: b.cat(rbank, zero &- k))
        func split(_ w: Signal) -> ComplexSignal { ComplexSignal(w.bits(2 * width - 1, width).asSInt, w.bits(width - 1, 0).asSInt) }
        var partner = split(second)
        if nyquist {
            let atZero = b.register("k0_q", next: reading & (k == 0)), bankQ = b.register("rbank_q", next: rbank)
            let n = b.mux(bankQ, nyq[1], nyq[0])
            partner = ComplexSignal.mux(b, atZero, ComplexSignal(n, b.literal(0, .sint(width))), partner)
        }
        b.output("out_valid", b.register("valid_q", next: reading, reset: 0))
        b.output("out_start", b.register("start_q", next: reading & (k == 0), reset: 0))
        let a = split(first)
        b.output("out_re", a.re)
        b.output("out_im", a.im)
        b.output("out_b_re", partner.re)
        b.output("out_b_im", partner.im)
    }
}
