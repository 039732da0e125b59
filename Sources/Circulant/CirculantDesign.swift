import Foundation
import FFT
import Harness
import HDL

/// `circulant`: the block-circulant matrix-vector unit alone, against its
/// bit-exact model, every output beat of every product compared in order.
/// Weights: seeded random first columns, or a JSON file of them.
public struct CirculantDesign: Design {
    public struct Params: ParamSet {
        var m = 48, n = 40, k = 8, lanes = 1, banks = 2
        var inWidth = 16, inFrac = 12, wWidth = 16
        var wFrac: Int? = nil
        var outWidth = 16
        var outFrac: Int? = nil
        var twWidth = 18, guardBits = 2
        var rounding = RoundingMode.halfEven
        var accWidth: Int? = nil
        var relu = false, bias = false
        var mults = MultiplierStyle.three
        var seed = 1
        var weights = ""
        public init() {}
        init(_ edit: (inout Params) -> Void) { edit(&self) }
        public static var specs: [Param<Self>] { [
            .int("m", \.m, 1...8192, "rows of W (outputs); zero-padded to a multiple of k inside"),
            .int("n", \.n, 1...8192, "columns of W (inputs); zero-padded to a multiple of k inside"),
            .int("k", \.k, 1...128, "circulant block size, a power of two in 4...128"),
            .int("lanes", \.lanes, 1...64, "frequency bins multiplied per cycle (complex MAC lanes), a power of two <= k/2 and <= q"),
            .int("banks", \.banks, 2...16, "products in flight: banks of the input-spectra memory, a power of two (loads run ahead of the MACs)"),
            .int("in_width", \.inWidth, 2...24, "bits of each input (signed)"),
            .int("in_frac", \.inFrac, 0...24, "fraction bits of each input"),
            .int("w_width", \.wWidth, 2...24, "bits of each stored weight-spectrum part (signed)"),
            .int("w_frac", \.wFrac, -8...32, "fraction bits of the weight spectra (auto: the most that hold the largest part)"),
            .int("out_width", \.outWidth, 2...32, "bits of each output (signed, saturating)"),
            .int("out_frac", \.outFrac, 0...40, "fraction bits of each output (auto: in_frac)"),
            .int("tw_width", \.twWidth, 2...24, "twiddle bits of both FFTs"),
            .int("guard", \.guardBits, 0...8, "extra fraction bits inside the FFTs"),
            .choice("rounding", \.rounding, "how the FFTs and the spectrum drop bits (convergent: half-even)"),
            .int("acc_width", \.accWidth, 8...62, "accumulator bits (auto: exact; narrower saturates and flags out_overflow)"),
            .flag("relu", \.relu, "ReLU on the outputs"),
            .flag("bias", \.bias, "a seeded random bias per row (uniform ±0.5) added before the saturation"),
            .choice("mults", \.mults, "real multipliers per complex multiplier inside the FFTs"),
            .int("seed", \.seed, 0...Int.max, "random weights (first columns uniform in ±1/sqrt(n)) and vectors"),
            .custom("weights", \.weights, allowed: "a JSON file, or empty", parse: { $0 }, render: { $0.isEmpty ? "random" : $0 },
                    "JSON array [p][q][k] of each block's first column (floats); empty: seeded random"),
        ] }
    }

    public static let name = "circulant"
    public static let summary = "block-circulant y = W x: real FFTs, frequency-domain MACs, one IFFT per output block; weights as spectra"
    public static let unit = "product"
    public static let synthTargets = ["xilinx"]
    public static var testSets: [Params] { [
        Params { $0.m = 32; $0.n = 32; $0.k = 4; $0.lanes = 2; $0.rounding = .truncate },
        Params { $0.m = 37; $0.n = 50; $0.k = 16; $0.lanes = 2; $0.relu = true; $0.bias = true; $0.mults = .four },
        Params { $0.m = 64; $0.n = 200; $0.k = 64; $0.lanes = 2; $0.rounding = .halfUp },
        Params { $0.m = 13; $0.n = 9; $0.k = 8; $0.inWidth = 8; $0.inFrac = 6; $0.wWidth = 8; $0.outWidth = 8; $0.outFrac = 4; $0.accWidth = 16 },
        Params { $0.m = 24; $0.n = 97; $0.k = 8; $0.lanes = 4; $0.banks = 4; $0.inWidth = 12; $0.inFrac = 10; $0.wWidth = 12; $0.outWidth = 12 },
        Params { $0.m = 130; $0.n = 64; $0.k = 32; $0.lanes = 2; $0.twWidth = 16 },
    ] }

    public let params: Params
    public let layer: CirculantLayer
    public let unit: CirculantMV

    public init(_ p: Params) throws {
        var c = CirculantConfig(m: p.m, n: p.n, k: p.k)
        c.lanes = p.lanes
        c.banks = p.banks
        c.inWidth = p.inWidth; c.inFrac = p.inFrac
        c.wWidth = p.wWidth; c.wFrac = p.wFrac
        c.outWidth = p.outWidth; c.outFrac = p.outFrac ?? p.inFrac
        c.twWidth = p.twWidth; c.guardBits = p.guardBits; c.rounding = p.rounding
        c.accWidth = p.accWidth; c.relu = p.relu; c.fftMults = p.mults
        if let problem = c.problem { throw UserError("parameter \(problem)") }
        let matrix: CirculantMatrix
        if p.weights.isEmpty {
            matrix = CirculantMatrix.random(m: p.m, n: p.n, k: p.k, seed: UInt64(p.seed))
        } else {
            let data = try InputFiles.data(p.weights, what: "weights file")
            guard let cols = try? JSONDecoder().decode([[[Double]]].self, from: data) else {
                throw UserError("weights file \(p.weights) is not a JSON array [p][q][k] of numbers")
            }
            matrix = try CirculantMatrix(m: p.m, n: p.n, k: p.k, columns: cols)
        }
        params = p
        var rng = SplitMix64(seed: UInt64(p.seed) ^ 0xB1A5)
        let bias = p.bias ? (0..<p.m).map { _ in rng.unit() - 0.5 } : []
        layer = try CirculantLayer(c, matrix: matrix, bias: bias)
        unit = CirculantMV(layer)
    }

    public var top: any Block { unit }
    public var ports: TestPorts { CirculantStimulus(layer: layer, unit: unit).ports }
    public var transactionsPerUnit: Int { layer.outBeats }
    public var defaultVectors: Int { min(200, max(10, Int(200_000 / unit.cyclesPerProduct))) }
    public var reports: [any DesignReport] { [CirculantReport(layer: layer, unit: unit)] }

    /// Vectors: directed (zero, all largest, all smallest, an impulse at
    /// the first, a middle and the last row, alternating extremes), then
    /// random — full range and quarter range.
    public func vectors(seed: UInt64, count: Int) -> [[Int]] {
        let c = layer.config, n = c.n
        let hi = (1 << (c.inWidth - 1)) - 1, lo = -(1 << (c.inWidth - 1))
        var out: [[Int]] = [Array(repeating: 0, count: n), Array(repeating: hi, count: n), Array(repeating: lo, count: n)]
        for at in [0, n / 2, n - 1] {
            var v = Array(repeating: 0, count: n)
            v[at] = hi
            out.append(v)
        }
        out.append((0..<n).map { $0 % 2 == 0 ? hi : lo })
        var rng = SplitMix64(seed: seed)
        while out.count < count + 7 {
            let range = out.count % 2 == 0 ? hi : hi / 4
            out.append((0..<n).map { _ in Int(rng.next() % UInt64(2 * range + 1)) - range })
        }
        return out
    }

    public func stimulus(seed: UInt64, vectors count: Int) -> Stimulus {
        stimulus(vectors(seed: seed, count: count), seed: seed, gaps: true)
    }

    public func stimulus(_ xs: [[Int]], seed: UInt64, gaps: Bool) -> Stimulus {
        CirculantStimulus(layer: layer, unit: unit).stimulus(xs, seed: seed, gaps: gaps)
    }

    public func expected(_ s: Stimulus) throws -> [Transaction] {
        try CirculantStimulus(layer: layer, unit: unit).expected(s)
    }
}

/// The unit's stimulus and expected transactions: x two reals a beat,
/// y two rows a beat with its overflow flag.
public struct CirculantStimulus {
    public let layer: CirculantLayer
    public let unit: CirculantMV
    public init(layer: CirculantLayer, unit: CirculantMV) {
        self.layer = layer
        self.unit = unit
    }

    public var ports: TestPorts {
        TestPorts(valid: "out_valid", inputStream: ("in_valid", "in_ready"), data: ["out_data", "out_overflow"])
    }

    /// The products' beats, held until taken; with `gaps`, some beats and
    /// some products after idle cycles; then idle cycles to drain.
    public func stimulus(_ xs: [[Int]], seed: UInt64, gaps: Bool) -> Stimulus {
        var s = Stimulus(ports: ["in_valid", "in_data"])
        var rng = SplitMix64(seed: seed ^ 0xC1C)
        let w = layer.config.inWidth
        for x in xs {
            if gaps && rng.next() % 4 == 0 {
                for _ in 0..<Int(rng.next() % UInt64(layer.loadBeats + 8)) { s.add([:]) }
            }
            for b in 0..<layer.userBeats {
                while gaps && rng.next() % 8 == 0 { s.add([:]) }
                let x0 = x[2 * b], x1 = 2 * b + 1 < x.count ? x[2 * b + 1] : Int(rng.next() % 7) - 3
                s.add(["in_valid": 1, "in_data": (BigValue(x1).modPow2(w) << w) + BigValue(x0).modPow2(w)])
            }
        }
        for _ in 0..<(unit.latency + 2 * Int(unit.cyclesPerProduct) + 20) { s.add([:]) }
        return s
    }

    public func expected(_ s: Stimulus) throws -> [Transaction] {
        let c = layer.config, w = c.inWidth, ow = c.outWidth
        let beats = s.cycles.filter { !$0[0].isZero }.map { $0[1] }
        let model = CirculantModel(layer)
        var out: [Transaction] = []
        for start in stride(from: 0, to: beats.count - layer.userBeats + 1, by: layer.userBeats) {
            var x: [Int] = []
            for word in beats[start..<start + layer.userBeats] {
                x.append(word.modPow2(w).wrapped(width: w, signed: true).intValue!)
                x.append((word >> w).modPow2(w).wrapped(width: w, signed: true).intValue!)
            }
            let y = try model.product(Array(x.prefix(c.n)))
            for b in 0..<layer.outBeats {
                let y1 = 2 * b + 1 < c.m ? y.y[2 * b + 1] : 0
                let word = (BigValue(y1).modPow2(ow) << ow) + BigValue(y.y[2 * b]).modPow2(ow)
                out.append(Transaction(cycle: nil, values: [word, y.overflow[b] ? .one : .zero]))
            }
        }
        return out
    }
}
