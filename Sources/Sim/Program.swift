/// The compiled form of a design: one flat word array holding every value,
/// and straight-line instruction lists over it.
///
/// A value of width w lives at a word offset ("slot") in ceil(w/64) words,
/// least significant first, with the bits above w always zero. Operations
/// whose operands and result all fit one word have their own opcodes (the
/// common case, and the fast one); wider ones go through the multi-word
/// routines in `Wide`.
enum Op: UInt8 {
    // One word: every width involved is at most 64.
    case add1, sub1, mul1, and1, or1, xor1, not1
    case eq1, ne1, ltU1, leU1, ltS1, leS1
    case shl1, shrU1, shrS1
    case andR1, orR1, xorR1
    case mux1, slice1, sext1, copy1, orShl1
    // Any width.
    case addW, subW, mulW, andW, orW, xorW, notW
    case eqW, neW, ltUW, leUW, ltSW, leSW
    case shlW, shrUW, shrSW
    case andRW, orRW, xorRW
    case muxW, sliceW, sextW, copyW, insertW, zeroW
    // Control and memories.
    case jz        // if value at a (width aw) is zero, jump to imm
    case jmp       // jump to imm
    case memRead   // dst = memory[imm][value at a], zero when out of range
    case memWrite  // memory[imm][value at a] = value at b
}

/// One instruction. Fields a, b, c are operand slots; w, aw, bw the widths
/// of the result and the first two operands; imm a mask (one-word ops), bit
/// offset (slices, concatenation), jump target or memory index.
struct Instr {
    var op: Op
    var dst: Int32 = 0
    var a: Int32 = 0
    var b: Int32 = 0
    var c: Int32 = 0
    var w: Int32 = 0
    var aw: Int32 = 0
    var bw: Int32 = 0
    var imm: UInt64 = 0
}

/// A memory's words inside the value array.
struct MemoryLayout {
    var name: String
    var base: Int
    var depth: Int
    var width: Int
    var stride: Int { Wide.words(width) }
}

/// A named, inspectable value: ports, wires, registers of every instance.
public struct SignalInfo: Sendable {
    public let name: String
    public let width: Int
    let slot: Int32
}

/// Everything the simulator needs, produced by `Compiler`.
struct Program {
    var wordCount = 0
    /// Constants (literals, reset values) written once at start.
    var constants: [(slot: Int32, words: [UInt64])] = []
    /// Settles every combinational value, in dependency order.
    var comb: [Instr] = []
    /// A rising clock edge: sample next states, then commit them.
    var edge: [Instr] = []
    /// Asynchronous reset asserted: registers with async reset take their value.
    var asyncReset: [Instr] = []
    var memories: [MemoryLayout] = []
    var memoryInit: [(memory: Int, words: [[UInt64]])] = []
    /// Top-level ports, in declaration order.
    var inputs: [SignalInfo] = []
    var outputs: [SignalInfo] = []
    /// Every named signal by hierarchical name ("u0.acc").
    var signals: [SignalInfo] = []
    var rstSlot: Int32 = 0
    var arstSlot: Int32 = 0
    var maxWords = 1
}

func mask(_ w: Int) -> UInt64 { w >= 64 ? ~0 : (UInt64(1) << UInt64(w)) &- 1 }
