import HDL

/// One parameter a design accepts, with its default and allowed values.
public struct ParamSpec: Sendable {
    public enum Kind: Sendable {
        case int(ClosedRange<Int>)
        case choice([String])
    }
    public let name: String
    public let kind: Kind
    public let defaultValue: String
    public let help: String

    public static func int(_ name: String, _ def: Int, _ range: ClosedRange<Int>, _ help: String) -> ParamSpec {
        ParamSpec(name: name, kind: .int(range), defaultValue: "\(def)", help: help)
    }
    public static func choice(_ name: String, _ def: String, _ values: [String], _ help: String) -> ParamSpec {
        ParamSpec(name: name, kind: .choice(values), defaultValue: def, help: help)
    }

    public var allowed: String {
        switch kind {
        case .int(let r): return "an integer in \(r.lowerBound)...\(r.upperBound)"
        case .choice(let v): return v.joined(separator: "|")
        }
    }
}

/// A problem with the user's design or parameter choice: one line.
public struct ParamError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ d: String) { description = d }
}

/// Parameter values after checking against the specs.
public struct ParamValues: Sendable {
    var values: [String: String]
    /// The names the user set (not defaults).
    public private(set) var explicit: Set<String> = []

    /// Checks `given` ("k=v" strings) against `specs`; fills in defaults.
    public init(_ given: [String], specs: [ParamSpec], design: String) throws {
        var v: [String: String] = [:]
        for s in specs { v[s.name] = s.defaultValue }
        for item in given {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ParamError("malformed parameter '\(item)': expected NAME=VALUE")
            }
            guard let spec = specs.first(where: { $0.name == parts[0] }) else {
                let names = specs.map(\.name).joined(separator: ", ")
                throw ParamError("unknown parameter '\(parts[0])' for design '\(design)' (parameters: \(names.isEmpty ? "none" : names))")
            }
            switch spec.kind {
            case .int(let r):
                guard let n = Int(parts[1]), r.contains(n) else {
                    throw ParamError("parameter \(spec.name)=\(parts[1]) is out of range: expected \(spec.allowed)")
                }
            case .choice(let options):
                guard options.contains(parts[1]) else {
                    throw ParamError("parameter \(spec.name)=\(parts[1]) is not allowed: expected \(spec.allowed)")
                }
            }
            v[spec.name] = parts[1]
            explicit.insert(spec.name)
        }
        values = v
    }

    public func int(_ k: String) -> Int { Int(values[k] ?? "") ?? 0 }
    public func string(_ k: String) -> String { values[k] ?? "" }
    public func rounding(_ k: String) -> Rounding { Rounding(rawValue: string(k)) ?? .truncate }
    public func overflow(_ k: String) -> Overflow { Overflow(rawValue: string(k)) ?? .saturate }
    /// "k=v, ..." in spec order, for headers and messages.
    public func summary(_ specs: [ParamSpec]) -> String {
        specs.map { "\($0.name)=\(values[$0.name] ?? "")" }.joined(separator: " ")
    }
}
