/// The interpreter: one pass over an instruction list.
struct Machine {
    let words: Wide.Ptr
    let memories: [MemoryLayout]
    // Scratch for multi-word operations, each as long as the widest value.
    let s0: Wide.Ptr, s1: Wide.Ptr, s2: Wide.Ptr

    @inline(__always) static func sext(_ x: UInt64, _ w: Int32) -> Int64 {
        let sh = UInt64(64 - w)
        return Int64(bitPattern: x << sh) >> Int64(sh)
    }

    func run(_ code: UnsafeBufferPointer<Instr>) {
        let p = words
        var pc = 0
        let end = code.count
        while pc < end {
            let i = code[pc]
            pc += 1
            let d = Int(i.dst), a = Int(i.a), b = Int(i.b)
            switch i.op {
            case .add1: p[d] = (p[a] &+ p[b]) & i.imm
            case .sub1: p[d] = (p[a] &- p[b]) & i.imm
            case .mul1: p[d] = (p[a] &* p[b]) & i.imm
            case .and1: p[d] = p[a] & p[b] & i.imm
            case .or1: p[d] = (p[a] | p[b]) & i.imm
            case .xor1: p[d] = (p[a] ^ p[b]) & i.imm
            case .not1: p[d] = ~p[a] & i.imm
            case .eq1: p[d] = p[a] == p[b] ? 1 : 0
            case .ne1: p[d] = p[a] != p[b] ? 1 : 0
            case .ltU1: p[d] = p[a] < p[b] ? 1 : 0
            case .leU1: p[d] = p[a] <= p[b] ? 1 : 0
            case .ltS1: p[d] = Machine.sext(p[a], i.aw) < Machine.sext(p[b], i.bw) ? 1 : 0
            case .leS1: p[d] = Machine.sext(p[a], i.aw) <= Machine.sext(p[b], i.bw) ? 1 : 0
            case .shl1:
                let k = p[b]
                p[d] = k >= 64 ? 0 : (p[a] << k) & i.imm
            case .shrU1:
                let k = p[b]
                p[d] = k >= 64 ? 0 : (p[a] >> k) & i.imm
            case .shrS1:
                let k = p[b], v = Machine.sext(p[a], i.aw)
                p[d] = UInt64(bitPattern: k >= 64 ? v >> 63 : v >> Int64(k)) & i.imm
            case .andR1: p[d] = p[a] == mask(Int(i.aw)) ? 1 : 0
            case .orR1: p[d] = p[a] != 0 ? 1 : 0
            case .xorR1: p[d] = UInt64(p[a].nonzeroBitCount & 1)
            case .mux1: p[d] = (p[Int(i.c)] != 0 ? p[a] : p[b]) & i.imm
            case .slice1: p[d] = (p[a] >> UInt64(i.bw)) & i.imm
            case .sext1: p[d] = UInt64(bitPattern: Machine.sext(p[a], i.aw)) & i.imm
            case .copy1: p[d] = p[a] & i.imm
            case .orShl1: p[d] |= p[a] << i.imm
            case .jz:
                let zero = i.aw <= 64 ? p[a] == 0 : !Wide.isNonZero(p + a, Int(i.aw))
                if zero { pc = Int(i.imm) }
            case .jmp: pc = Int(i.imm)
            case .memRead:
                let mem = memories[Int(i.imm)]
                let addr = Wide.amount(p + a, Int(i.aw))
                let stride = mem.stride
                if addr < mem.depth {
                    for k in 0..<stride { p[d + k] = p[mem.base + addr * stride + k] }
                } else {
                    for k in 0..<stride { p[d + k] = 0 }
                }
            case .memWrite:
                let mem = memories[Int(i.imm)]
                let addr = Wide.amount(p + a, Int(i.aw))
                if addr < mem.depth {
                    Wide.load(s0, mem.stride, p + b, Int(i.bw), signed: false)
                    Wide.store(p + mem.base + addr * mem.stride, mem.width, s0)
                }
            default:
                wide(i)
            }
        }
    }

    /// The multi-word forms.
    func wide(_ i: Instr) {
        let p = words
        let d = p + Int(i.dst), a = p + Int(i.a), b = p + Int(i.b)
        let w = Int(i.w), aw = Int(i.aw), bw = Int(i.bw)
        let n = Wide.words(w)
        func result(_ r: Bool) {
            for k in 0..<n { d[k] = 0 }
            d[0] = r ? 1 : 0
        }
        switch i.op {
        case .addW, .subW, .mulW, .andW, .orW, .xorW:
            // Only the low w bits of the operands matter.
            Wide.load(s0, n, a, aw, signed: false)
            Wide.load(s1, n, b, bw, signed: false)
            switch i.op {
            case .addW: Wide.add(s2, s0, s1, n)
            case .subW: Wide.sub(s2, s0, s1, n)
            case .mulW: Wide.mul(s2, s0, s1, n)
            case .andW: for k in 0..<n { s2[k] = s0[k] & s1[k] }
            case .orW: for k in 0..<n { s2[k] = s0[k] | s1[k] }
            default: for k in 0..<n { s2[k] = s0[k] ^ s1[k] }
            }
            Wide.store(d, w, s2)
        case .notW:
            Wide.load(s0, n, a, aw, signed: false)
            for k in 0..<n { s0[k] = ~s0[k] }
            Wide.store(d, w, s0)
        case .eqW, .neW, .ltUW, .leUW, .ltSW, .leSW:
            let signed = i.op == .ltSW || i.op == .leSW
            let m = Wide.words(max(aw, bw))
            Wide.load(s0, m, a, aw, signed: signed)
            Wide.load(s1, m, b, bw, signed: signed)
            let c = signed ? Wide.compareS(s0, s1, m) : Wide.compareU(s0, s1, m)
            switch i.op {
            case .eqW: result(c == 0)
            case .neW: result(c != 0)
            case .ltUW, .ltSW: result(c < 0)
            default: result(c <= 0)
            }
        case .shlW, .shrUW, .shrSW:
            let m = Wide.words(max(aw, w))
            let k = Wide.amount(b, bw)
            let signed = i.op == .shrSW
            Wide.load(s0, m, a, aw, signed: signed)
            if i.op == .shlW {
                Wide.shiftLeft(s1, s0, m, k)
            } else {
                let fill: UInt64 = signed && Int64(bitPattern: s0[m - 1]) < 0 ? ~0 : 0
                Wide.shiftRight(s1, s0, m, k, fill: fill)
            }
            Wide.store(d, w, s1)
        case .andRW:
            var all = true
            for k in 0..<aw where Wide.bit(a, aw, k) == 0 { all = false; break }
            result(all)
        case .orRW: result(Wide.isNonZero(a, aw))
        case .xorRW:
            var ones = 0
            for k in 0..<Wide.words(aw) { ones += a[k].nonzeroBitCount }
            result(ones & 1 == 1)
        case .muxW:
            let pick = Wide.isNonZero(p + Int(i.c), Int(i.imm))
            Wide.load(s0, n, pick ? a : b, pick ? aw : bw, signed: false)
            Wide.store(d, w, s0)
        case .sliceW:
            let lo = Int(i.imm)
            for k in 0..<n { s0[k] = Wide.word(a, aw, at: lo + 64 * k) }
            Wide.store(d, w, s0)
        case .sextW:
            Wide.load(s0, n, a, aw, signed: true)
            Wide.store(d, w, s0)
        case .copyW:
            Wide.load(s0, n, a, aw, signed: false)
            Wide.store(d, w, s0)
        case .insertW: Wide.insert(d, w, a, aw, at: Int(i.imm))
        case .zeroW: for k in 0..<n { d[k] = 0 }
        default: preconditionFailure("opcode \(i.op) has no multi-word form")
        }
    }
}
