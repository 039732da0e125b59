/// The samples a free-running RLF generator shows after reset, computed a
/// lane at a time from its LFSR sequence (64 bits per step) instead of
/// clocking every lane every cycle: the statistical gates need 2^24 samples.
/// Equal to `RLFModel` without loads (a test pins it).
extension RLFGRNG {
    /// Per output, `perOutput` raw samples 2S − n in the order shown.
    public func freeRunningSamples(perOutput: Int) -> [[Int]] {
        let n = self.n, windows = initialWindows
        let taps = polynomial.taps                     // includes 0
        let chunk = max(1, min(64, n - (taps.max() ?? 0)))
        var out = [[Int]](repeating: [Int](repeating: 0, count: perOutput), count: outputs)
        for q in 0..<outputs {
            for r in 0..<(decimate ? n : 1) {
                let lane = decimate ? q * n + r : q
                // Emissions of this lane: stream positions r, r + n, ...
                // (every position without decimation), window starting at
                // bit t of the lane's sequence.
                let stride = decimate ? n : 1
                let shown = perOutput > r ? (perOutput - r + stride - 1) / stride : 0
                guard shown > 0 else { continue }
                let lastStart = r + (shown - 1) * stride
                let bits = sequence(windows[lane], taps: taps, count: lastStart + n, chunk: chunk)
                var i = 0, t = r
                while i < shown {
                    out[q][t] = 2 * popcount(bits, from: (decimate ? r + i * n : t), length: n) - n
                    i += 1
                    t += stride
                }
            }
        }
        return out
    }

    /// The lane's bits a(0..<count): the window, then a(t+n) = Σ_c a(t+c).
    func sequence(_ window: [Bool], taps: [Int], count: Int, chunk: Int) -> [UInt64] {
        var words = [UInt64](repeating: 0, count: (count + 127) / 64)
        for (i, b) in window.enumerated() where b { words[i >> 6] |= 1 << UInt64(i & 63) }
        let mask: UInt64 = chunk == 64 ? ~0 : (1 << UInt64(chunk)) - 1
        var p = n
        while p < count {
            var v: UInt64 = 0
            for c in taps { v ^= field(words, from: p - n + c) }
            v &= mask
            // Write `chunk` bits at p.
            let w = p >> 6, s = UInt64(p & 63)
            words[w] |= v << s
            if s > 0 && w + 1 < words.count { words[w + 1] |= v >> (64 - s) }
            p += chunk
        }
        return words
    }

    /// 64 bits starting at bit `i`.
    func field(_ words: [UInt64], from i: Int) -> UInt64 {
        let w = i >> 6, s = UInt64(i & 63)
        let lo = words[w] >> s
        return s == 0 || w + 1 >= words.count ? lo : lo | (words[w + 1] << (64 - s))
    }

    func popcount(_ words: [UInt64], from i: Int, length: Int) -> Int {
        var left = length, at = i, total = 0
        while left > 0 {
            let take = min(64, left)
            let v = field(words, from: at)
            total += (take == 64 ? v : v & ((1 << UInt64(take)) - 1)).nonzeroBitCount
            left -= take
            at += take
        }
        return total
    }
}
