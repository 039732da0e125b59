extension Schedule {
    /// The netlist of this schedule: each node's cheapest splitter/buffer
    /// tree built level by level from the top (the packing `cost`
    /// counts), complemented outputs through an inverter or a negated gate.
    func netlist() -> AQFPNetlist {
        var net = AQFPNetlist(options: options, depth: depth)
        var cellOf = [Int](repeating: -1, count: mig.nodes.count)
        var negated = [Bool](repeating: false, count: mig.nodes.count)
        var counter = [0, 0, 0, 0, 0]   // gates, buffers, splitters, inverters, constants
        // Cell names must not clash with the port names.
        var taken = Set(mig.inputNames + mig.outputs.map(\.name))
        func add(_ kind: AQFPNetlist.Kind, _ level: Int, _ fanins: [AQFPNetlist.Fanin], _ prefix: Int) -> Int {
            let name: String
            switch kind {
            case .input(let n): name = n
            default:
                name = verilogName(["g", "b", "s", "n", "k"][prefix] + "\(counter[prefix])", taken: &taken)
                counter[prefix] += 1
            }
            net.cells.append(.init(kind: kind, level: level, fanins: fanins, name: name))
            return net.cells.count - 1
        }
        for n in mig.inputs {
            guard case .input(let name) = mig.nodes[n] else { continue }
            cellOf[n] = add(.input(name), level[n], [], 0)
        }
        for n in mig.nodes.indices where live[n] && mig.isGate(n) {
            negated[n] = negatesForFree(n, at: level[n])
            // Constant fanins now; the others when their trees are built (a
            // slot left at -1 would be a missing cell to the verifier).
            let fanins = mig.fanins(n).map { f in
                AQFPNetlist.Fanin(cell: f.isConstant ? nil : -1, inverted: f.isConstant && f.complemented != negated[n])
            }
            cellOf[n] = add(.gate, level[n], fanins, 0)
        }
        net.outputs = mig.outputs.map { ($0.name, -1, false) }
        for (k, o) in mig.outputs.enumerated() where o.lit.isConstant {
            net.outputs[k].cell = add(.constant(o.lit.complemented), depth, [], 4)
        }

        enum Target { case consumer(Consumer), inverter(Int), cell(Int) }
        for n in mig.nodes.indices where live[n] && n != 0 && !consumers[n].isEmpty {
            let root = cellOf[n], l0 = level[n]
            let d = demands(n, at: l0)
            var byLevel: [Int: [Target]] = [:]
            for (i, c) in consumers[n].enumerated() {
                if d.inverter[i], case .output(let k) = c {
                    byLevel[d.levels[i], default: []].append(.inverter(k))
                } else {
                    byLevel[d.levels[i], default: []].append(.consumer(c))
                }
            }
            func connect(_ t: Target, to driver: Int) {
                switch t {
                case .consumer(.gate(let g, let s)):
                    net.cells[cellOf[g]].fanins[s] = .init(cell: driver, inverted: mig.fanins(g)[s].complemented != negated[g])
                case .consumer(.output(let k)):
                    net.outputs[k].cell = driver
                case .inverter(let k):
                    let inv = add(.buffer, net.cells[driver].level + 1, [.init(cell: driver, inverted: true)], 3)
                    net.outputs[k].cell = inv
                case .cell(let c):
                    net.cells[c].fanins = [.init(cell: driver, inverted: false)]
                }
            }
            let top = d.levels.max()!
            var pending: [Target] = []
            var t = top
            while t > l0 {
                let items = (byLevel[t] ?? []) + pending
                pending = []
                var i = 0
                while i < items.count {
                    let group = items[i..<min(i + options.splitterCapacity, items.count)]
                    let cell = add(group.count == 1 ? .buffer : .splitter, t, [], group.count == 1 ? 1 : 2)
                    for item in group { connect(item, to: cell) }
                    pending.append(.cell(cell))
                    i += options.splitterCapacity
                }
                t -= 1
            }
            for item in (byLevel[l0] ?? []) + pending { connect(item, to: root) }
        }
        return net
    }
}
