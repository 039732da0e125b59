import Harness
import HDL

/// `fifo`: a stream FIFO under random producer and consumer pressure.
public struct FIFODesign: Design {
    public struct Params: ParamSet {
        var width = 16, depth = 16
        public init() {}
        init(width: Int, depth: Int) { (self.width, self.depth) = (width, depth) }
        public static var specs: [Param<Self>] { [
            .int("width", \.width, 1...256, "data bits"),
            .int("depth", \.depth, 2...65536, "words (a power of two)"),
        ] }
    }

    public static let name = "fifo"
    public static let summary = "first-word-fall-through stream FIFO (valid/ready both sides) on LUT RAM"
    public static var testSets: [Params] { [Params(width: 1, depth: 2), Params(width: 100, depth: 64)] }

    public let fifo: StreamFIFO

    public init(_ p: Params) throws {
        guard p.depth & (p.depth - 1) == 0 else {
            throw UserError("parameter depth=\(p.depth) must be a power of two")
        }
        fifo = StreamFIFO(data: .uint(p.width), depth: p.depth)
    }

    public var top: any Block { fifo }
    public var ports: TestPorts { TestPorts(valid: "out_valid", ready: "out_ready", data: ["out_data"]) }

    public func stimulus(seed: UInt64, vectors: Int) -> Stimulus {
        var s = Stimulus(ports: ["in_valid", "in_data", "out_ready"])
        var rng = SplitMix64(seed: seed)
        let w = fifo.data.width
        let ones = BigValue.pow2(w) - .one
        func cycle(_ inP: UInt64, _ outP: UInt64, _ data: BigValue? = nil) {
            s.add(["in_valid": rng.next() % 100 < inP ? 1 : 0, "in_data": data ?? rng.bits(w),
                   "out_ready": rng.next() % 100 < outP ? 1 : 0])
        }
        // Directed: fill past full with extreme words, drain past empty,
        // then simultaneous push and pop at full and at empty.
        for i in 0..<(2 * fifo.depth + 4) { cycle(100, 0, i % 2 == 0 ? ones : .zero) }
        for _ in 0..<(2 * fifo.depth + 4) { cycle(0, 100) }
        for _ in 0..<8 { cycle(100, 100) }
        // Random phases of pressure, `vectors` cycles in all.
        let phases: [(UInt64, UInt64)] = [(50, 50), (90, 20), (20, 90), (100, 100), (70, 70)]
        var done = 0
        while done < vectors {
            let (i, o) = phases[Int(rng.next() % UInt64(phases.count))]
            let len = min(vectors - done, 1 + Int(rng.next() % UInt64(4 * fifo.depth + 8)))
            for _ in 0..<len { cycle(i, o) }
            done += len
        }
        return s
    }

    public func expected(_ s: Stimulus) -> [Transaction] {
        let cycles = s.cycles.map { (inValid: !$0[0].isZero, inData: $0[1], outReady: !$0[2].isZero) }
        return fifo.model(cycles).map { Transaction(cycle: $0.cycle, values: [$0.word]) }
    }
}
