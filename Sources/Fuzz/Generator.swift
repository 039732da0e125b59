import HDL
import Engines
import Harness
import Verilog

/// Draws random recipes from a seed: the same seed gives the same module on
/// every machine (SplitMix64, no Swift hashing).
public struct Generator {
    var rng: SplitMix64

    public static func recipe(seed: UInt64) -> Recipe {
        var g = Generator(rng: SplitMix64(seed: seed ^ 0x5EED_F022))
        return g.module(name: "fz\(seed)", depth: 0)
    }

    mutating func int(_ r: ClosedRange<Int>) -> Int {
        r.lowerBound + Int(rng.next() % UInt64(r.upperBound - r.lowerBound + 1))
    }
    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }
    mutating func pick<T>(_ list: [T]) -> T { list[int(0...(list.count - 1))] }

    /// Widths around word and byte boundaries most of the time.
    static let edgeWidths = [1, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 48, 63, 64, 65, 66, 96, 100, 127, 128, 129, 130]

    mutating func width(max: Int = RecipeBlock.maxWidth) -> Int {
        let w = chance(70) ? pick(Generator.edgeWidths) : int(1...RecipeBlock.maxWidth)
        return min(w, max)
    }

    mutating func type(max: Int = RecipeBlock.maxWidth) -> FuzzType {
        let w = width(max: max)
        return FuzzType(width: w, signed: chance(50), fraction: chance(65) ? 0 : int(0...min(w + 2, 24)))
    }

    mutating func hex(_ bits: Int) -> String { rng.bits(bits).toString(radix: 16) }

    /// An operand: often one of the latest values (deep chains), else any.
    mutating func operand(_ count: Int) -> Int {
        chance(50) ? count - 1 - int(0...min(3, count - 1)) : int(0...(count - 1))
    }

    mutating func statements(_ count: Int, depth: Int) -> [Stmt] {
        (0..<int(1...3)).map { _ in
            if depth < 3 && chance(45) {
                return .when(operand(count), statements(count, depth: depth + 1),
                             chance(50) ? statements(count, depth: depth + 1) : [])
            }
            return .connect(operand(count))
        }
    }

    mutating func module(name: String, depth: Int) -> Recipe {
        let inputs = (0..<int(1...4)).map { _ in type() }
        var children: [Recipe] = []
        if depth < 2 && chance(25) {
            children = (0..<int(1...2)).map { module(name: "\(name)_c\($0)", depth: depth + 1) }
        }
        let registers = (0..<int(0...3)).map { _ in
            Register(type: type(), reset: chance(60) ? int(-2...3) : nil, async: chance(40),
                     enable: chance(30) ? int(0...(inputs.count - 1)) : nil, next: [])
        }
        var memories: [Mem] = []
        if chance(30) {
            let t = type()
            let depthWords = pick([2, 4, 8, 16, 32])
            let contents = chance(45) ? (0..<depthWords).map { _ in hex(t.width) } : nil
            // With contents: a ROM, or a RAM preloaded with them.
            memories.append(Mem(type: t, depth: depthWords, rom: contents,
                                writable: contents != nil && chance(40) ? true : nil, writes: []))
        }

        var count = inputs.count + registers.count
        var steps: [Step] = []
        for _ in 0..<(depth == 0 ? int(4...20) : int(2...8)) {
            steps.append(step(count, children: children.count, memories: memories.count))
            count += 1
        }
        var r = Recipe(name: name, inputs: inputs, registers: registers, memories: memories, children: children,
                       steps: steps, outputs: [], note: nil)
        for k in r.registers.indices { r.registers[k].next = statements(count, depth: 0) }
        for k in r.memories.indices where !r.memories[k].isROM {
            r.memories[k].writes = (0..<int(1...2)).map { _ in
                MemWrite(addr: operand(count), data: operand(count), enable: operand(count))
            }
        }
        let firstStep = inputs.count + registers.count
        r.outputs = (0..<int(1...4)).map { _ in count > firstStep && chance(80) ? int(firstStep...(count - 1)) : operand(count) }
        return r
    }

    mutating func step(_ count: Int, children: Int, memories: Int) -> Step {
        let a = operand(count), b = operand(count)
        switch int(0...99) {
        case 0..<30: return .binary(pick(BinOp.allCases), a, b)
        case 30..<38: return .unary(pick(UnOp.allCases), a)
        case 38..<43: return .shift(a, by: int(0...70), left: chance(50))
        case 43..<49: return .slice(a, hi: int(0...130), lo: int(0...130))
        case 49..<53: return .cat((0..<int(2...3)).map { _ in operand(count) })
        case 53..<57: return .resize(a, width: width())
        case 57..<60: return .reinterpret(a, signed: chance(50), fraction: int(0...20))
        case 60..<70:
            return .cast(a, to: type(), rounding: pick(Rounding.allCases).rawValue, overflow: pick(Overflow.allCases).rawValue)
        case 70..<76: return .mux(operand(count), a, b)
        case 76..<78: return .select(a, (0..<int(2...5)).map { _ in operand(count) })
        case 78..<82:
            let t = type()
            return .literal(t, hex(t.width))
        case 82..<86: return .constant(pick([.add, .sub, .wrapAdd, .mul, .lt, .eq]), a, int(-100...100))
        case 86..<92: return .wire(type(), statements(count, depth: 0))
        case 92..<96 where memories > 0:
            return .read(mem: 0, addr: a, sync: chance(50), enable: chance(50) ? b : nil)
        case 96..<100 where children > 0:
            return .instance(child: int(0...(children - 1)), inputs: (0..<int(1...4)).map { _ in operand(count) })
        default: return .binary(pick(BinOp.allCases), a, b)
        }
    }
}
