import Foundation
import Harness
import HDL

/// One layer of a network description: a convolution (C_in → C_out
/// channels on an H x W input, K x K kernels) or a fully connected layer
/// (H = W = K = 1).
public struct NetworkLayer: Sendable, Equatable {
    public enum Kind: String, Sendable { case conv, fc }
    public var kind: Kind
    public var name: String
    public var cin: Int, cout: Int
    public var h = 1, w = 1, k = 1, stride = 1, pad = 0

    public init(_ kind: Kind, _ name: String, cin: Int, cout: Int, h: Int = 1, w: Int = 1, k: Int = 1, stride: Int = 1, pad: Int? = nil) {
        self.kind = kind
        self.name = name
        self.cin = cin
        self.cout = cout
        self.h = h
        self.w = w
        self.k = k
        self.stride = stride
        self.pad = pad ?? k / 2
    }

    /// Output height and width (before any pooling).
    public var outH: Int { (h + 2 * pad - k) / stride + 1 }
    public var outW: Int { (w + 2 * pad - k) / stride + 1 }
    /// Weights (and weight gradients): C_in·C_out·K².
    public var weights: Int { cin * cout * k * k }
}

/// A network description: `hwgen plan-parallel` input. The text format:
/// `#` comments, an optional `network NAME`, then one layer a line —
/// `conv NAME C_in C_out H W K [stride S] [pad P]` (H, W the layer's
/// input size after any pooling; pad defaults to K/2, "same") or `fc NAME
/// C_in C_out`. Channels must chain: a conv takes the previous layer's
/// C_out, an fc after a conv its C_out·h·w flattened (h·w a whole number
/// no larger than the conv's output), an fc after an fc its C_out.
public struct Network: Sendable {
    public var name: String
    public var layers: [NetworkLayer]

    public init(name: String, layers: [NetworkLayer]) {
        self.name = name
        self.layers = layers
    }

    /// The networks shipped in Data/networks.
    public static let shipped = ["alexnet", "vgg11", "vgg16", "lenet5"]

    /// A shipped network by name, or a file.
    public static func load(_ nameOrPath: String) throws -> Network {
        if shipped.contains(nameOrPath.lowercased()) {
            return try load(file: dataFile("networks/\(nameOrPath.lowercased()).txt"))
        }
        guard FileManager.default.fileExists(atPath: nameOrPath) else {
            throw UserError("no network '\(nameOrPath)': not a file, nor a shipped network (\(shipped.joined(separator: ", ")))")
        }
        return try load(file: nameOrPath)
    }

    public static func load(file path: String) throws -> Network {
        let text = try InputFiles.text(path, what: "network file")
        return try parse(text, file: path)
    }

    /// Parses the text format; an error is one line `file:line: layer NAME:
    /// what is wrong`.
    public static func parse(_ text: String, file: String) throws -> Network {
        var name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        var layers: [NetworkLayer] = []
        for (i, raw) in text.components(separatedBy: "\n").enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard let head = f.first else { continue }
            let at = "\(file):\(i + 1)"
            if head == "network" {
                guard f.count == 2 else { throw UserError("\(at): 'network' takes one name") }
                name = f[1]
                continue
            }
            let lname = f.count > 1 ? f[1] : "?"
            func fail(_ why: String) -> UserError { UserError("\(at): layer \(lname): \(why)") }
            guard let kind = NetworkLayer.Kind(rawValue: head) else {
                throw fail("unknown layer type '\(head)' (types: conv, fc)")
            }
            func number(_ j: Int, _ what: String) throws -> Int {
                guard j < f.count else { throw fail("missing \(what)") }
                guard let v = Int(f[j]) else { throw fail("\(what) '\(f[j])' is not a whole number") }
                guard v > 0 || what == "pad" && v == 0 else { throw fail("\(what) must be positive, got \(v)") }
                // Bounds that keep every product of the cost model in range.
                let top = ["K", "stride", "pad"].contains(what) ? 1 << 10 : 1 << 20
                guard v <= top else { throw fail("\(what) \(v) is more than the \(top) hwgen plans for") }
                return v
            }
            guard f.count > 1 else { throw fail("missing the layer name") }
            if layers.contains(where: { $0.name == lname }) { throw fail("a second layer of that name") }
            var layer: NetworkLayer
            switch kind {
            case .fc:
                guard f.count <= 4 else { throw fail("an fc layer takes NAME C_in C_out, got \(f.count - 2) numbers") }
                layer = NetworkLayer(.fc, lname, cin: try number(2, "C_in"), cout: try number(3, "C_out"))
            case .conv:
                let (cin, cout) = (try number(2, "C_in"), try number(3, "C_out"))
                let (h, w, k) = (try number(4, "H"), try number(5, "W"), try number(6, "K"))
                var stride = 1, pad: Int? = nil
                var j = 7
                while j < f.count {
                    switch f[j] {
                    case "stride": stride = try number(j + 1, "stride")
                    case "pad": pad = try number(j + 1, "pad")
                    default: throw fail("unexpected '\(f[j])' (options: stride S, pad P)")
                    }
                    j += 2
                }
                layer = NetworkLayer(.conv, lname, cin: cin, cout: cout, h: h, w: w, k: k, stride: stride, pad: pad)
                guard k <= min(h, w) + 2 * layer.pad else { throw fail("a \(k)x\(k) kernel does not fit a \(h)x\(w) input with pad \(layer.pad)") }
            }
            if let prev = layers.last { try chain(prev, layer, fail) }
            layers.append(layer)
        }
        guard !layers.isEmpty else { throw UserError("\(file): no layers") }
        return Network(name: name, layers: layers)
    }

    /// Throws unless `next` takes what `prev` gives.
    static func chain(_ prev: NetworkLayer, _ next: NetworkLayer, _ fail: (String) -> UserError) throws {
        switch (prev.kind, next.kind) {
        case (.conv, .conv):
            guard next.cin == prev.cout else {
                throw fail("C_in \(next.cin) does not chain: the previous layer \(prev.name) gives \(prev.cout) channels")
            }
            guard next.h <= prev.outH, next.w <= prev.outW else {
                throw fail("input \(next.h)x\(next.w) is larger than the previous layer \(prev.name)'s output \(prev.outH)x\(prev.outW)")
            }
        case (.conv, .fc):
            let area = next.cin / prev.cout
            guard next.cin % prev.cout == 0, area <= prev.outH * prev.outW else {
                throw fail("C_in \(next.cin) does not chain: the previous layer \(prev.name) gives \(prev.cout) channels of at most \(prev.outH)x\(prev.outW)")
            }
        case (.fc, .fc):
            guard next.cin == prev.cout else {
                throw fail("C_in \(next.cin) does not chain: the previous layer \(prev.name) gives \(prev.cout)")
            }
        case (.fc, .conv):
            throw fail("a conv after the fc layer \(prev.name) (a network goes conv ... fc)")
        }
    }
}
