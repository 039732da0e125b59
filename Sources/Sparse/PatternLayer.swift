import Foundation
import HDL

/// A pattern-sparse 3x3 convolution (stride 1, zero padding 1) as the
/// engine runs it: the FKW image, `lanes` filters in parallel (reordered
/// filter g·lanes + l on lane l in group g), integer activations and
/// weights, integer bias in accumulator units, requantisation.
public struct PatternLayer: Sendable {
    public let encoding: PatternEncoding
    public let height: Int, width: Int
    public let lanes: Int
    public let actWidth: Int, actFrac: Int
    public let requant: Requant
    /// Per reordered filter, in accumulator units (one unit = weight scale ·
    /// 2^-actFrac).
    public let bias: [Int]

    public init(_ e: PatternEncoding, height: Int, width: Int, lanes: Int, actWidth: Int, actFrac: Int,
                outWidth: Int, outFrac: Int, relu: Bool) throws {
        encoding = e
        self.height = height; self.width = width; self.lanes = lanes
        self.actWidth = actWidth; self.actFrac = actFrac
        let unit = e.scale * pow(2, Double(-actFrac))
        requant = try Requant(scale: unit * pow(2, Double(outFrac)), width: outWidth, relu: relu, what: "the pattern layer")
        bias = try integerBias(e.fkw.reorder.map { e.bias[$0] }, unit: unit, what: "the pattern layer")
    }

    static func bound(cin: Int, actWidth: Int, weightBits: Int) -> Int { cin * 4 * (1 << (actWidth - 1)) * (1 << (weightBits - 1)) }
    public var cin: Int { encoding.cin }
    public var cout: Int { encoding.cout }
    public var fkw: FKW { encoding.fkw }
    public var groups: Int { (cout + lanes - 1) / lanes }
    public var outWidth: Int { requant.width }
    /// Bits of a lane's accumulator: a filter's bound plus the largest bias.
    public var accWidth: Int {
        signedBits(PatternLayer.bound(cin: cin, actWidth: actWidth, weightBits: encoding.weightBits) + (bias.map(abs).max() ?? 0))
    }

    /// The static lane schedule: steps of each group, the longest filter in
    /// it (at least 1: a group still emits its outputs).
    public var groupSteps: [Int] {
        (0..<groups).map { g in max(1, (0..<lanes).map { g * lanes + $0 }.filter { $0 < cout }.map { fkw.length($0) }.max() ?? 0) }
    }

    /// Cycles an image occupies the engine, images back to back: the load
    /// (one pixel of all channels a beat), window fetches (W + 1 columns a
    /// row, 4 cycles each: three rows read, one to land), and the lanes'
    /// steps at every output pixel.
    public var cycles: Int {
        height * width + 4 * height * (width + 1) + height * width * groupSteps.reduce(0, +)
    }
    /// A dense 3x3 engine with the same lanes: every filter takes all cin
    /// kernels (9 MACs each) at every pixel.
    public var denseCycles: Int { height * width + 4 * height * (width + 1) + height * width * groups * cin }
    /// Lane utilisation: kernels processed over lane-steps offered.
    public var utilisation: Double { Double(fkw.kernels) / Double(lanes * groupSteps.reduce(0, +)) }

    // MARK: the golden model, from the FKW image

    /// The outputs of one image ([y][x][channel], raw signed integers), in
    /// the engine's order: for each pixel (raster), each group, the lanes'
    /// values, their original filter ids and which lanes carry a filter.
    public func infer(_ image: [[[Int]]]) -> [(y: [Int], ids: [Int], mask: [Bool])] {
        let taps = encoding.patterns.map(\.taps)
        var out: [(y: [Int], ids: [Int], mask: [Bool])] = []
        for oy in 0..<height {
            for ox in 0..<width {
                for g in 0..<groups {
                    var ys: [Int] = [], ids: [Int] = [], mask: [Bool] = []
                    for l in 0..<lanes {
                        let f = g * lanes + l
                        guard f < cout else { ys.append(0); ids.append(0); mask.append(false); continue }
                        var acc = bias[f]
                        for j in fkw.offset[f]..<fkw.offset[f + 1] {
                            let p = fkw.pattern(f, j - fkw.offset[f])
                            for (i, t) in taps[p].enumerated() {
                                let y = oy + t / 3 - 1, x = ox + t % 3 - 1
                                if y >= 0 && y < height && x >= 0 && x < width { acc += fkw.weights[j][i] * image[y][x][fkw.index[j]] }
                            }
                        }
                        ys.append(requant.apply(acc)); ids.append(fkw.reorder[f]); mask.append(true)
                    }
                    out.append((ys, ids, mask))
                }
            }
        }
        return out
    }
}
