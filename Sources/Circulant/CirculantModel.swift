import Foundation
import FFT
import HDL

/// The bit-exact model of a `CirculantLayer`, on whole vectors: the FFT
/// family's real-FFT models for the transforms, plain integer arithmetic
/// for the frequency-domain products, the accumulation and the roundings.
/// Per product: q forward FFTs, p·q element-wise products, p inverse FFTs.
public struct CirculantModel: Sendable {
    public let layer: CirculantLayer
    public init(_ layer: CirculantLayer) { self.layer = layer }

    public struct Output: Sendable, Equatable {
        /// m raw outputs.
        public var y: [Int]
        /// Per output beat (two rows): its block saturated an accumulator or
        /// a spectrum bin, or one of its two outputs saturated.
        public var overflow: [Bool]
        public var ffts: Int, iffts: Int
    }

    /// The spectra of the q input blocks, packed (word 0: bin 0 and bin k/2).
    public func inputSpectra(_ x: [Int]) throws -> [[ComplexInt]] {
        let c = layer.config, k = c.k, half = c.half
        guard x.count == c.n else { throw UserError("a product takes n=\(c.n) inputs, got \(x.count)") }
        for v in x where !FixedMath.fits(v, width: c.inWidth) { throw UserError("input \(v) does not fit in_width=\(c.inWidth) bits") }
        let padded = x + Array(repeating: 0, count: c.q * k - c.n)
        let fft = RealFFTModel(layer.forward)
        return try (0..<c.q).map { j in
            let pairs = (0..<half).map { ComplexInt(padded[j * k + 2 * $0], padded[j * k + 2 * $0 + 1]) }
            let s = try fft.transform(pairs)
            return (0..<half).map { $0 == 0 ? ComplexInt(s.main[0].re, s.mirror[0].re) : s.main[$0] }
        }
    }

    public func product(_ x: [Int]) throws -> Output {
        let L = layer, c = L.config, half = c.half
        let xs = try inputSpectra(x)
        var y: [Int] = [], saturated: [Bool] = [], blockFlags: [Bool] = []
        let ifft = RealFFTModel(L.inverse)
        for i in 0..<c.p {
            var spectrum: [ComplexInt] = [], flag = false
            for f in 0..<half {
                var acc = ComplexInt.zero
                for j in 0..<c.q {
                    let a = xs[j][f], w = L.spectra.words[i][j][f]
                    // Word 0 packs two real bins: their products apart.
                    let prod = f == 0 ? ComplexInt(a.re * w.re, a.im * w.im)
                                      : ComplexInt(a.re * w.re - a.im * w.im, a.re * w.im + a.im * w.re)
                    acc = j == 0 ? prod : acc + prod
                    let (re, s1) = FixedMath.saturate(acc.re, width: L.accWidth), (im, s2) = FixedMath.saturate(acc.im, width: L.accWidth)
                    acc = ComplexInt(re, im)
                    flag = flag || s1 || s2
                }
                let r = FixedMath.roundShift(acc, L.specShift, c.rounding)
                let (re, s1) = FixedMath.saturate(r.re, width: L.specWidth), (im, s2) = FixedMath.saturate(r.im, width: L.specWidth)
                flag = flag || s1 || s2
                spectrum.append(ComplexInt(re, im))
            }
            blockFlags.append(flag)
            let nyquist = spectrum[0].im
            spectrum[0].im = 0
            for z in try ifft.transform(spectrum, nyquist: nyquist).main {
                for v in [z.re, z.im] where y.count < c.m {
                    let (s, sat) = FixedMath.saturate(v + (L.bias.isEmpty ? 0 : L.bias[y.count]), width: c.outWidth)
                    saturated.append(sat)
                    y.append(c.relu ? max(0, s) : s)
                }
            }
        }
        let overflow = (0..<L.outBeats).map { b in
            blockFlags[b / half] || saturated[2 * b] || (2 * b + 1 < c.m && saturated[2 * b + 1])
        }
        return Output(y: y, overflow: overflow, ffts: c.q, iffts: c.p)
    }

    /// y = W x (+ the stored bias) in float64 from the dense matrix and the
    /// raw input, in output units (raw / 2^outFrac), before saturation and ReLU.
    public func reference(_ x: [Int]) -> [Double] {
        let c = layer.config
        let scale = Double(1 << c.outFrac) / Double(1 << c.inFrac)
        return layer.matrix.times(x.map(Double.init)).enumerated().map { r, v in
            v * scale + (layer.bias.isEmpty ? 0 : Double(layer.bias[r]))
        }
    }

    /// A worst-case bound on |y_model − y_float| for each of the m rows
    /// (output units), derived from the quantization steps: the forward
    /// FFTs' bound (`RealFFTPlan.errorBound`), the weights' half LSB
    /// times |X| and |W_q| times the FFT error, the spectrum rounding, all
    /// carried through the normalised inverse DFT (|IDFT(E)[t]| <=
    /// Σ_f |E_f| / k over the k bins), plus the inverse FFT's own bound.
    /// Holds for rows that did not saturate (nor their block).
    public func errorBound(_ x: [Int]) -> [Double] {
        let L = layer, c = L.config, k = c.k, half = c.half
        let padded = (x + Array(repeating: 0, count: c.q * k - c.n)).map(Double.init)
        let blocks = (0..<c.q).map { Array(padded[$0 * k..<($0 + 1) * k]) }
        let spectra = blocks.map { CirculantMatrix.realDFT($0) }
        let forwardError = blocks.map { (b: [Double]) -> Double in
            let pairs: [Double] = (0..<half).map { (t: Int) -> Double in (b[2 * t] * b[2 * t] + b[2 * t + 1] * b[2 * t + 1]).squareRoot() }
            return L.forward.errorBound(inputMagnitude: pairs.max()!)
        }
        let exactW = L.matrix.spectra
        let rhoPart = c.rounding == .truncate ? 1.0 : 0.5
        let toOut = pow(2, Double(c.outFrac - c.inFrac)), shiftDown = pow(2, -Double(L.specShift))
        var rows: [Double] = []
        for i in 0..<c.p {
            var sum = 0.0, largestY = 0.0
            for f in 0...half {
                let real = f == 0 || f == half
                var e = 0.0, y = (re: 0.0, im: 0.0)
                for j in 0..<c.q {
                    let word = L.spectra.words[i][j][f == half ? 0 : f]
                    let wq = f == 0 ? abs(Double(word.re)) : f == half ? abs(Double(word.im))
                                    : (Double(word.re) * Double(word.re) + Double(word.im) * Double(word.im)).squareRoot()
                    let xf = spectra[j][f], xMag = (xf.re * xf.re + xf.im * xf.im).squareRoot()
                    e += wq * forwardError[j] + (real ? 0.5 : 0.5 * 2.0.squareRoot()) * xMag
                    let w = exactW[i][j][f]
                    y.re += (w.re * xf.re - w.im * xf.im) * toOut
                    y.im += (w.re * xf.im + w.im * xf.re) * toOut
                }
                e = e * shiftDown + (L.specShift > 0 ? (real ? rhoPart : rhoPart * 2.0.squareRoot()) : 0)
                sum += real ? e : 2 * e
                largestY = max(largestY, (y.re * y.re + y.im * y.im).squareRoot() + e)
            }
            let bound = sum / Double(k) + L.inverse.errorBound(inputMagnitude: largestY)
            rows += Array(repeating: bound, count: k)
        }
        return Array(rows.prefix(c.m))
    }
}
