import Foundation

/// How a layer is split between two accelerators (or two groups).
public enum Parallelism: String, Sendable, Codable {
    /// Data parallel: the batch is split, the weights replicated.
    case dp
    /// Model parallel: the kernel is split along its input channels.
    case mp
}

/// The HyPar planner (Song et al., HPCA 2019), as the multi-accelerator
/// spec states it: per level a dynamic programme over the layers with the
/// dp/mp cost model, then every layer halved along its choice (dp halves
/// the batch, mp the input channels) and the next level planned on the
/// halves. Communication is in bytes (`bytesPerElement`, 2 by default).
public struct ParallelPlanner: Sendable {
    public let network: Network
    public let batch: Int
    public let bytesPerElement: Double

    public init(network: Network, batch: Int, bytesPerElement: Double = 2) {
        self.network = network
        self.batch = batch
        self.bytesPerElement = bytesPerElement
    }

    /// A layer's batch and input channels at one level (halved by the
    /// levels above; fractional when halved past one, as the model is).
    public struct Shape: Sendable, Codable {
        public var batch: Double
        public var cin: Double
    }

    /// One layer at one level.
    public struct Step: Sendable, Codable {
        public var layer: String
        public var choice: Parallelism
        /// A(dW) for dp, A(F_{l+1}) for mp.
        public var intra: Double
        /// From the previous layer's choice to this one's.
        public var inter: Double
        public var batch: Double
        public var cin: Double
    }

    /// One level: its steps, the level's cost (one pair of groups) and its
    /// weight 2^h in the total.
    public struct Level: Sendable, Codable {
        public var level: Int
        public var steps: [Step]
        public var cost: Double
        public var weighted: Double
    }

    public struct Plan: Sendable, Codable {
        public var name: String
        public var levels: [Level]
        public var total: Double
        public func choices(_ level: Int) -> [Parallelism] { levels[level].steps.map(\.choice) }
    }

    func tensors(_ l: NetworkLayer, _ s: Shape) -> (fIn: Double, fOut: Double, dW: Double) {
        let fIn = s.batch * s.cin * Double(l.h * l.w)
        let fOut = s.batch * Double(l.cout * l.outH * l.outW)
        let dW = s.cin * Double(l.cout * l.k * l.k)
        return (fIn * bytesPerElement, fOut * bytesPerElement, dW * bytesPerElement)
    }

    /// The intra-layer cost of `t` for layer `l` at shape `s`.
    func intra(_ l: NetworkLayer, _ s: Shape, _ t: Parallelism) -> Double {
        let x = tensors(l, s)
        return t == .dp ? x.dW : x.fOut
    }

    /// The inter-layer cost into layer `l` (its input F_l and error E_l,
    /// the same size) from the previous layer's choice `p` to `t`.
    func inter(_ l: NetworkLayer, _ s: Shape, from p: Parallelism, to t: Parallelism) -> Double {
        let a = tensors(l, s).fIn
        switch (p, t) {
        case (.dp, .dp): return 0
        case (.dp, .mp): return 0.25 * (a + a)
        case (.mp, _): return 0.5 * a
        }
    }

    /// The level's steps for given choices.
    func steps(_ shapes: [Shape], _ choice: [Parallelism]) -> [Step] {
        network.layers.indices.map { i in
            let l = network.layers[i]
            return Step(layer: l.name, choice: choice[i], intra: intra(l, shapes[i], choice[i]),
                        inter: i == 0 ? 0 : inter(l, shapes[i], from: choice[i - 1], to: choice[i]),
                        batch: shapes[i].batch, cin: shapes[i].cin)
        }
    }

    /// The dynamic programme of one level: cost[l][t] = intra(l, t) +
    /// min_p(cost[l-1][p] + inter(l, p, t)), then the backtrack. Ties go
    /// to dp (no layout change, and no partial sums on the wire).
    func optimal(_ shapes: [Shape]) -> [Parallelism] {
        let ts: [Parallelism] = [.dp, .mp]
        let n = network.layers.count
        var cost = [[Double]](repeating: [0, 0], count: n)
        var from = [[Int]](repeating: [0, 0], count: n)
        for i in 0..<n {
            let l = network.layers[i]
            for (ti, t) in ts.enumerated() {
                let own = intra(l, shapes[i], t)
                if i == 0 { cost[i][ti] = own; continue }
                let via = ts.indices.map { cost[i - 1][$0] + inter(l, shapes[i], from: ts[$0], to: t) }
                from[i][ti] = via[1] < via[0] ? 1 : 0
                cost[i][ti] = own + via[from[i][ti]]
            }
        }
        var pick = cost[n - 1][1] < cost[n - 1][0] ? 1 : 0
        var out = [Parallelism](repeating: .dp, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            out[i] = ts[pick]
            pick = from[i][pick]
        }
        return out
    }

    /// The hierarchical plan over 2^levels accelerators; `fixed` evaluates
    /// one choice for every layer at every level instead (the trivial
    /// plans).
    public func plan(levels: Int, fixed: Parallelism? = nil) -> Plan {
        var p = plan(levels: levels) { shapes, _ in
            fixed.map { [Parallelism](repeating: $0, count: self.network.layers.count) } ?? self.optimal(shapes)
        }
        p.name = fixed.map { "all \($0.rawValue)" } ?? "HyPar"
        return p
    }

    /// A given plan, `choices[h][l]`, costed by the same model.
    public func evaluate(_ choices: [[Parallelism]], name: String) -> Plan {
        var p = plan(levels: choices.count) { _, h in choices[h] }
        p.name = name
        return p
    }

    func plan(levels: Int, choose: ([Shape], Int) -> [Parallelism]) -> Plan {
        var shapes = network.layers.map { Shape(batch: Double(batch), cin: Double($0.cin)) }
        var out: [Level] = []
        var total = 0.0
        for h in 0..<levels {
            let choice = choose(shapes, h)
            let st = steps(shapes, choice)
            let cost = st.reduce(0) { $0 + $1.intra + $1.inter }
            let weighted = Double(1 << h) * cost
            out.append(Level(level: h, steps: st, cost: cost, weighted: weighted))
            total += weighted
            for i in shapes.indices {
                if choice[i] == .dp { shapes[i].batch /= 2 } else { shapes[i].cin /= 2 }
            }
        }
        return Plan(name: "", levels: out, total: total)
    }
}
