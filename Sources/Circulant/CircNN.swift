import FFT
import HDL

/// Formats and units of the circnn accelerator: three block-circulant
/// units (conv, fc1, fc2) with activations of `width` bits whose fraction
/// at each layer boundary leaves twice the largest training activation.
public struct CircNNConfig: Sendable, Hashable {
    public var width = 16, wWidth = 16, twWidth = 18
    /// MAC lanes of conv, fc1, fc2.
    public var lanes = [1, 4, 2]
    /// Products in flight in the conv unit (its 36 short products per
    /// image are bound by load-to-issue latency, which more banks hide).
    public var convBanks = 4
    public var rounding = RoundingMode.halfEven
    public init() {}

    /// Fraction bits at the input (pixels / 16 in [0, 2)) and after each layer.
    public func fractions(_ net: CircNNNet) -> [Int] {
        [width - 2] + net.largestActivation.map { a in
            var bits = 0
            while Double(1 << bits) < 2 * a { bits += 1 }
            return max(0, width - 1 - bits)
        }
    }

    public func layers(_ net: CircNNNet) throws -> [CirculantLayer] {
        let f = fractions(net)
        return try (0..<3).map { l in
            let spec = net.layers[l]
            var c = CirculantConfig(m: spec.m, n: spec.n, k: spec.k)
            c.lanes = lanes[l]
            if l == 0 { c.banks = convBanks }
            c.inWidth = width; c.inFrac = f[l]
            c.outWidth = width; c.outFrac = f[l + 1]
            c.wWidth = wWidth; c.twWidth = twWidth; c.rounding = rounding
            c.relu = l < 2
            if let problem = c.problem { throw UserError("parameter \(problem) (layer \(spec.name))") }
            return try CirculantLayer(c, matrix: net.matrices[l], bias: spec.bias)
        }
    }
}

/// The bit-exact model of the accelerator: the three units' models with
/// the im2col and buffer glue.
public struct CircNNModel: Sendable {
    public let layers: [CirculantLayer]
    public init(_ layers: [CirculantLayer]) { self.layers = layers }

    public struct Output: Sendable {
        public var logits: [Int]
        /// fc2's per-beat flags, and whether any layer saturated.
        public var overflow: [Bool]
        public var saturated: [Bool]
    }

    /// An image of 64 pixels (0...31, value pixel / 16).
    public func infer(_ pixels: [Int]) throws -> Output {
        let shift = layers[0].config.inFrac - 4
        let x = pixels.map { $0 << shift }
        let conv = CirculantModel(layers[0]), fc1 = CirculantModel(layers[1]), fc2 = CirculantModel(layers[2])
        var fm: [Int] = [], sat = [false, false, false]
        for patch in CircNNNet.patches(x) {
            let y = try conv.product(patch)
            fm += y.y
            sat[0] = sat[0] || y.overflow.contains(true)
        }
        let h = try fc1.product(fm)
        sat[1] = h.overflow.contains(true)
        let z = try fc2.product(h.y)
        sat[2] = z.overflow.contains(true)
        return Output(logits: z.y, overflow: z.overflow, saturated: sat)
    }
}

/// The circnn accelerator: pixels in (one a beat, 5-bit, value pixel/16),
/// an image buffer, the conv unit fed im2col patches (36 products per
/// image), a feature-map buffer, fc1, a hidden buffer, fc2, logits out two
/// a beat. Every buffer has two banks, claimed by the stage that will fill
/// it when that stage starts an image and released by the stage that
/// reads it, so the layers work on consecutive images at once.
///
/// Ports: in_valid / in_ready / in_data (pixel); out_valid, out_data (two
/// logits, the even one low), out_overflow (fc2's flag for the beat);
/// saturated (3 bits, sticky: conv, fc1, fc2 saturated something).
public struct CircNN: Block {
    public let layers: [CirculantLayer]
    public init(_ layers: [CirculantLayer]) { self.layers = layers }

    public var moduleName: String {
        "circnn_\(ContentHash.short(layers.map { CirculantMV($0).moduleName }.joined(separator: ","), digits: 8))"
    }
    public static let pixelBits = 5

    public func build(_ m: ModuleBuilder) throws {
        let w = layers[0].config.inWidth
        m.describe("block-circulant CNN: conv 3x3x8 (36 im2col products per image), fc1 288->64, fc2 64->10")
        let units = try layers.enumerated().map { try m.instance(CirculantMV($1), name: ["conv", "fc1", "fc2"][$0]) }

        // Image buffer: a pixel a beat; two async read ports for the patches.
        let image = PingPong.imageInput(m)

        // Conv feeder: for each of the 36 positions, 5 beats of two pixels.
        let fm = PingPong(m, "fm", words: 144, width: 2 * w)
        let feeding = m.register("conv_feeding", .bool, reset: 0)
        let r = m.register("conv_r", .uint(3), reset: 0), c = m.register("conv_c", .uint(3), reset: 0)
        let beat = m.register("conv_beat", .uint(3), reset: 0)
        let startConv = !feeding & image.readable & fm.canClaim
        fm.claim.assign(startConv)
        m.when(startConv) { feeding.assign(1) }
        let base = m.cat(r, c)        // r·8 + c
        func offset(_ lane: Int) -> Signal {
            // Patch element i = 2·beat + lane at row i/3, column i%3: (i/3)·8 + i%3.
            let table = (0..<5).map { b -> Int in let i = min(2 * b + lane, 8); return (i / 3) * 8 + i % 3 }
            return (0..<5).reduce(m.literal(0, .uint(5))) { acc, b in m.mux(beat == b, m.literal(table[b], .uint(5)), acc) }
        }
        let shift = layers[0].config.inFrac - 4
        let pixels = (0..<2).map { lane -> Signal in
            let p = image.read(m, index: (base + offset(lane)).resized(to: 6))
            return (p.resized(to: w).asSInt << shift).resized(to: w)
        }
        let conv = units[0]
        conv.input("in_valid").assign(feeding)
        conv.input("in_data").assign(m.cat(pixels[1], pixels[0]))
        let convTaken = feeding & conv.output("in_ready")
        let lastBeat = beat == 4, lastPos = (r == 5) & (c == 5)
        image.release.assign(convTaken & lastBeat & lastPos)
        m.when(convTaken) {
            m.when(lastBeat) {
                beat.assign(0)
                m.when(c == 5) {
                    c.assign(0)
                    m.when(r == 5) {
                        r.assign(0)
                        feeding.assign(0)
                    }.otherwise { r.assign(r &+ 1) }
                }.otherwise { c.assign(c &+ 1) }
            }.otherwise { beat.assign(beat &+ 1) }
        }

        // Conv out → feature map (pair word pos·4 + channel/2), then fc1 ← fm, fc1 → hidden, fc2 ← hidden.
        let hidden = PingPong(m, "hid", words: 32, width: 2 * w)
        connect(m, from: conv, into: fm)
        feed(m, "fc1", from: fm, into: units[1], claiming: hidden)
        connect(m, from: units[1], into: hidden)
        feed(m, "fc2", from: hidden, into: units[2], claiming: nil)

        m.output("out_valid", units[2].output("out_valid"))
        m.output("out_data", units[2].output("out_data"))
        m.output("out_overflow", units[2].output("out_overflow"))
        let sticky = (0..<3).map { m.register("sat\($0)", .bool, reset: 0) }
        for (i, u) in units.enumerated() { m.when(u.output("out_valid") & u.output("out_overflow")) { sticky[i].assign(1) } }
        m.output("saturated", m.cat(sticky.reversed()))
    }

    /// A unit's output beats written in order into `buffer`.
    func connect(_ m: ModuleBuilder, from unit: InstanceHandle, into buffer: PingPong) {
        let v = unit.output("out_valid")
        let index = m.register("\(buffer.name)_windex", .uint(max(1, (buffer.words - 1).bitWidthNeeded)), reset: 0)
        buffer.write(m, enable: v, index: index, data: unit.output("out_data"))
        m.when(v) { m.when(index == buffer.words - 1) { index.assign(0) }.otherwise { index.assign(index &+ 1) } }
    }

    /// `buffer`'s words in order into `unit`, once the buffer is full and
    /// (if given) the next buffer can be claimed.
    func feed(_ m: ModuleBuilder, _ name: String, from buffer: PingPong, into unit: InstanceHandle, claiming next: PingPong?) {
        let on = m.register("\(name)_feeding", .bool, reset: 0)
        let index = m.register("\(name)_rindex", .uint(max(1, (buffer.words - 1).bitWidthNeeded)), reset: 0)
        let start = !on & buffer.readable & (next?.canClaim ?? m.literal(1, .bool))
        next?.claim.assign(start)
        m.when(start) { on.assign(1) }
        unit.input("in_valid").assign(on)
        unit.input("in_data").assign(buffer.read(m, index: index))
        let taken = on & unit.output("in_ready")
        let last = index == buffer.words - 1
        buffer.release.assign(taken & last)
        m.when(taken) {
            m.when(last) {
                index.assign(0)
                on.assign(0)
            }.otherwise { index.assign(index &+ 1) }
        }
    }
}

/// A two-bank buffer between stages: a bank is claimed (by the stage that
/// will fill it, when it starts an image), written in order, full after
/// `words` writes, read freely, and released by the reader. Banks are used
/// in turn on every side, so images stay in order. Async reads (LUT RAM).
struct PingPong {
    let m: ModuleBuilder
    let name: String
    let words: Int
    let mem: MemoryHandle
    let busy: [Signal], full: [Signal]
    let claimBank: Signal, writeBank: Signal, readBank: Signal
    /// Drive these: claim (when canClaim) and release (when readable).
    let claim: Signal, release: Signal

    init(_ m: ModuleBuilder, _ name: String, words: Int, width: Int) {
        self.m = m
        self.name = name
        self.words = words
        let bits = (words - 1).bitWidthNeeded
        mem = m.memory("\(name)_mem", .uint(width), depth: 2 << bits).kind("\(name) buffer RAM")
        busy = (0..<2).map { m.register("\(name)_busy\($0)", .bool, reset: 0) }
        full = (0..<2).map { m.register("\(name)_full\($0)", .bool, reset: 0) }
        claimBank = m.register("\(name)_cbank", .bool, reset: 0)
        writeBank = m.register("\(name)_wbank", .bool, reset: 0)
        readBank = m.register("\(name)_rbank", .bool, reset: 0)
        claim = m.wire("\(name)_claim", .bool)
        release = m.wire("\(name)_release", .bool)
        m.when(claim) {
            for b in 0..<2 { m.when(claimBank == b) { busy[b].assign(1) } }
            claimBank.assign(!claimBank)
        }
        m.when(release) {
            for b in 0..<2 {
                m.when(readBank == b) {
                    busy[b].assign(0)
                    full[b].assign(0)
                }
            }
            readBank.assign(!readBank)
        }
    }

    /// The 8x8 image input of circnn and ernn: `in_valid`/`in_ready`/
    /// `in_data` (a 5-bit pixel a beat) into a two-bank image buffer.
    static func imageInput(_ m: ModuleBuilder) -> PingPong {
        let inValid = m.input("in_valid", .bool), pixel = m.input("in_data", .uint(CircNN.pixelBits))
        let image = PingPong(m, "img", words: 64, width: CircNN.pixelBits)
        let loading = m.register("img_loading", .bool, reset: 0)
        let pos = m.register("img_pos", .uint(6), reset: 0)
        m.when(!loading & image.canClaim) { loading.assign(1) }
        image.claim.assign(!loading & image.canClaim)
        m.output("in_ready", loading)
        let take = loading & inValid
        image.write(m, enable: take, index: pos, data: pixel)
        m.when(take) {
            pos.assign(pos &+ 1)
            m.when(pos == 63) { loading.assign(0) }
        }
        return image
    }

    var canClaim: Signal { !mux(busy, claimBank) }
    var readable: Signal { mux(full, readBank) }

    func mux(_ r: [Signal], _ b: Signal) -> Signal { m.mux(b, r[1], r[0]) }

    func write(_ m: ModuleBuilder, enable: Signal, index: Signal, data: Signal) {
        mem.write(addr: m.cat(writeBank, index.resized(to: mem.addressWidth - 1)), data: data, enable: enable)
        m.when(enable & (index == words - 1)) {
            for b in 0..<2 { m.when(writeBank == b) { full[b].assign(1) } }
            writeBank.assign(!writeBank)
        }
    }

    func read(_ m: ModuleBuilder, index: Signal) -> Signal {
        mem.read(addr: m.cat(readBank, index.resized(to: mem.addressWidth - 1)), synchronous: false)
    }
}
