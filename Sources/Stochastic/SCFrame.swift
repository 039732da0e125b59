import HDL

/// The stream framing every SC circuit here shares. `start` (with the
/// operands) begins a stream of L cycles on the next cycle, aborting one in
/// progress; a start on a stream's last cycle runs frames back to back.
/// `busy` is high on the L stream cycles; `done` pulses the cycle after the
/// last, when each `result` holds its stream's count of ones.
final class SCFrame {
    let m: ModuleBuilder
    let start: Signal
    let busy: Signal
    /// The frame cycle 0..L−1.
    let t: Signal
    /// busy on cycle L−1.
    let last: Signal
    let countWidth: Int

    init(_ m: ModuleBuilder, length: Int) {
        self.m = m
        let tw = max(1, Int.bitWidth - (length - 1).leadingZeroBitCount)
        countWidth = Int.bitWidth - length.leadingZeroBitCount
        start = m.input("start", .bool)
        busy = m.register("busy", .bool, reset: 0)
        t = m.register("t", .uint(tw), reset: 0)
        last = m.wire("last", busy & (t == length - 1))
        m.when(busy) {
            t.assign(t &+ 1)
            m.when(last) { busy.assign(0) }
        }
        m.when(start) {
            busy.assign(1)
            t.assign(0)
        }
        m.output("done", m.register("done_q", next: last, reset: 0))
    }

    /// Latches `value` on a start cycle (the operands of the next stream).
    func operand(_ name: String, _ value: Signal) -> Signal {
        let r = m.register(name, value.type, reset: 0)
        m.when(start) { r.assign(value) }
        return r
    }

    /// The stream bit as an output (0 between streams), and its count of
    /// ones over the stream as output `name`_count, updated with `done`.
    @discardableResult
    func stream(_ name: String, _ bit: Signal, count: Bool = true) -> Signal {
        let shown = m.output(name, busy & bit)
        guard count else { return shown }
        let cnt = m.register("\(name)_ones", .uint(countWidth), reset: 0)
        let result = m.register("\(name)_result", .uint(countWidth), reset: 0)
        let next = (cnt &+ bit.extended(to: countWidth))
        m.when(busy) { cnt.assign(next) }
        m.when(start) { cnt.assign(0) }
        m.when(last) { result.assign(next) }
        m.output("\(name)_count", result)
        return shown
    }
}

/// The same framing in software, for the models: one `step` a cycle.
struct SCFrameModel {
    let length: Int
    var busy = false, t = 0, done = false

    /// Advances one cycle given `start`; returns whether this cycle was
    /// the stream's last.
    mutating func step(start: Bool) -> Bool {
        let last = busy && t == length - 1
        done = last
        if busy { t += 1; if last { busy = false } }
        if start { busy = true; t = 0 }
        return last
    }
}

/// A stream's count of ones in software, latched as the hardware does.
struct SCCounterModel {
    var ones = 0, result = 0
    mutating func step(_ bit: Bool, busy: Bool, last: Bool, start: Bool) {
        let next = ones + (bit ? 1 : 0)
        if busy { ones = next }
        if start { ones = 0 }
        if last { result = next }
    }
}
