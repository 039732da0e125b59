/// A valid / ready / data stream. A transfer happens on a cycle where
/// both valid and ready are high (`fire`).
public struct Stream {
    public let valid: Signal
    public let ready: Signal
    public let data: Signal
    public var fire: Signal { valid & ready }
}

/// A named group of fields with directions, for interfaces with more than
/// one signal. A flipped field goes against the bundle's direction (like a
/// stream's ready).
public struct BundleSpec: Sendable {
    public struct Field: Sendable {
        public let name: String
        public let type: HWType
        public let flipped: Bool
        public init(_ name: String, _ type: HWType, flipped: Bool = false) {
            self.name = name
            self.type = type
            self.flipped = flipped
        }
    }
    public let fields: [Field]
    public init(_ fields: [Field]) { self.fields = fields }

    /// The fields of a stream of `data`.
    public static func stream(_ data: HWType) -> BundleSpec {
        BundleSpec([Field("valid", .bool), Field("ready", .bool, flipped: true), Field("data", data)])
    }
}

/// The signals of a bundle port, by field name.
public struct BundleSignals {
    public let fields: [String: Signal]
    public subscript(_ name: String) -> Signal? { fields[name] }
}

extension ModuleBuilder {
    /// A bundle port: fields become ports `name_field`; unflipped fields are
    /// inputs when `input` is true (outputs otherwise), flipped ones the reverse.
    public func bundle(_ n: String, _ spec: BundleSpec, input: Bool,
                       file: StaticString = #fileID, line: UInt = #line) -> BundleSignals {
        var out: [String: Signal] = [:]
        for f in spec.fields {
            let portName = "\(n)_\(f.name)"
            out[f.name] = input != f.flipped
                ? self.input(portName, f.type, file: file, line: line)
                : self.output(portName, f.type, file: file, line: line)
        }
        return BundleSignals(fields: out)
    }

    /// A stream into this module: `n_valid`, `n_data` inputs and an `n_ready` output.
    public func streamInput(_ n: String, _ t: HWType, file: StaticString = #fileID, line: UInt = #line) -> Stream {
        stream(bundle(n, .stream(t), input: true, file: file, line: line))
    }

    /// A stream out of this module: `n_valid`, `n_data` outputs and an `n_ready` input.
    public func streamOutput(_ n: String, _ t: HWType, file: StaticString = #fileID, line: UInt = #line) -> Stream {
        stream(bundle(n, .stream(t), input: false, file: file, line: line))
    }

    func stream(_ b: BundleSignals) -> Stream {
        // The stream spec always has these three fields.
        Stream(valid: b.fields["valid"] ?? placeholder(.bool), ready: b.fields["ready"] ?? placeholder(.bool),
               data: b.fields["data"] ?? placeholder(.bool))
    }

    /// `count` input ports `n_0 ... n_{count-1}` of one type.
    public func inputs(_ n: String, count: Int, _ t: HWType, file: StaticString = #fileID, line: UInt = #line) -> [Signal] {
        (0..<max(0, count)).map { input("\(n)_\($0)", t, file: file, line: line) }
    }

    /// `count` output ports `n_0 ... n_{count-1}` of one type, to drive with `assign`.
    public func outputs(_ n: String, count: Int, _ t: HWType, file: StaticString = #fileID, line: UInt = #line) -> [Signal] {
        (0..<max(0, count)).map { output("\(n)_\($0)", t, file: file, line: line) }
    }
}
