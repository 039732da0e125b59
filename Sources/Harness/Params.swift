import HDL

/// A design's parameters as one Swift value: each field has a default (the
/// value `init()` gives), and `specs` names the fields the command line may
/// set, with their allowed values and help. Designs read the fields as
/// properties, never by string key, so a misspelt name does not compile;
/// a misspelt `--param` key is refused naming it.
public protocol ParamSet: Sendable, Hashable {
    init()
    static var specs: [Param<Self>] { get }
}

/// One command-line parameter bound to a field of `Root`.
public struct Param<Root> {
    public let name: String
    public let help: String
    /// The allowed values, for `hwgen list --details` and error messages.
    public let allowed: String
    /// How a bad value is refused: "is out of range" or "is not allowed".
    let refusal: String
    /// For integer parameters: the range (tests probe its ends).
    public var range: ClosedRange<Int>? = nil
    let render: (Root) -> String
    let assign: (inout Root, String) -> Bool

    /// An integer field, range checked.
    public static func int(_ name: String, _ field: WritableKeyPath<Root, Int>, _ range: ClosedRange<Int>,
                           _ help: String) -> Param {
        Param(name: name, help: help, allowed: "an integer in \(range.lowerBound)...\(range.upperBound)",
              refusal: "is out of range", range: range,
              render: { "\($0[keyPath: field])" },
              assign: { root, text in
                  guard let n = Int(text), range.contains(n) else { return false }
                  root[keyPath: field] = n
                  return true
              })
    }

    /// Why `text` was refused.
    func refusal(of text: String) -> String {
        range != nil && Int(text) == nil && text != "auto" ? "is not an integer" : refusal
    }

    /// An optional integer field: nil (shown as `unset`) lets the design
    /// choose, e.g. from other parameters; `help` says how.
    public static func int(_ name: String, _ field: WritableKeyPath<Root, Int?>, _ range: ClosedRange<Int>,
                           unset: String = "auto", _ help: String) -> Param {
        Param(name: name, help: help,
              allowed: "an integer in \(range.lowerBound)...\(range.upperBound), or \(unset)",
              refusal: "is out of range", range: range,
              render: { $0[keyPath: field].map { "\($0)" } ?? unset },
              assign: { root, text in
                  if text == unset { root[keyPath: field] = nil; return true }
                  guard let n = Int(text), range.contains(n) else { return false }
                  root[keyPath: field] = n
                  return true
              })
    }

    /// One of an enumeration's cases, by raw value.
    public static func choice<E: CaseIterable & RawRepresentable>(_ name: String, _ field: WritableKeyPath<Root, E>,
                                                                 _ help: String) -> Param where E.RawValue == String {
        Param(name: name, help: help, allowed: E.allCases.map(\.rawValue).joined(separator: "|"),
              refusal: "is not allowed",
              render: { $0[keyPath: field].rawValue },
              assign: { root, text in
                  guard let e = E(rawValue: text) else { return false }
                  root[keyPath: field] = e
                  return true
              })
    }

    /// A field of any type with its own text form: `parse` refuses what it
    /// cannot read (nil), `render` writes a value back.
    public static func custom<T>(_ name: String, _ field: WritableKeyPath<Root, T>, allowed: String,
                                 parse: @escaping (String) -> T?, render: @escaping (T) -> String,
                                 _ help: String) -> Param {
        Param(name: name, help: help, allowed: allowed, refusal: "is not allowed",
              render: { render($0[keyPath: field]) },
              assign: { root, text in
                  guard let v = parse(text) else { return false }
                  root[keyPath: field] = v
                  return true
              })
    }

    /// A yes/no field.
    public static func flag(_ name: String, _ field: WritableKeyPath<Root, Bool>, _ help: String) -> Param {
        Param(name: name, help: help, allowed: "yes|no", refusal: "is not allowed",
              render: { $0[keyPath: field] ? "yes" : "no" },
              assign: { root, text in
                  guard text == "yes" || text == "no" else { return false }
                  root[keyPath: field] = text == "yes"
                  return true
              })
    }
}

extension ParamSet {
    /// `NAME=VALUE` strings checked against `specs`, over the defaults.
    public static func parse(_ given: [String], design: String) throws -> Self {
        var p = Self()
        var seen = Set<String>()
        for item in given {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw UserError("malformed parameter '\(item)': expected NAME=VALUE")
            }
            guard let spec = specs.first(where: { $0.name == parts[0] }) else {
                let names = specs.map(\.name).joined(separator: ", ")
                throw UserError("unknown parameter '\(parts[0])' for design '\(design)' (parameters: \(names.isEmpty ? "none" : names))")
            }
            guard seen.insert(spec.name).inserted else {
                throw UserError("parameter \(spec.name) is given twice")
            }
            guard spec.assign(&p, parts[1]) else {
                throw UserError("parameter \(spec.name)=\(parts[1]) \(spec.refusal(of: parts[1])): expected \(spec.allowed)")
            }
        }
        // A parameter whose help begins "OTHER=VALUE:" only means something
        // then; given otherwise it would be ignored without a word.
        for spec in specs where seen.contains(spec.name) {
            guard let (other, value) = condition(spec.help), let o = specs.first(where: { $0.name == other }) else { continue }
            let actual = o.render(p)
            if actual != value {
                throw UserError("parameter \(spec.name) does not apply to \(other)=\(actual) (it is for \(other)=\(value))")
            }
        }
        return p
    }

    /// The (parameter, value) a help text's leading "NAME=VALUE:" names.
    static func condition(_ help: String) -> (String, String)? {
        guard let colon = help.firstIndex(of: ":"), let eq = help[..<colon].firstIndex(of: "=") else { return nil }
        let name = help[..<eq], value = help[help.index(after: eq)..<colon]
        let word: (Character) -> Bool = { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "," }
        guard !name.isEmpty, !value.isEmpty, name.allSatisfy(word), value.allSatisfy(word) else { return nil }
        return (String(name), String(value))
    }

    /// Every parameter as `NAME=VALUE`, in spec order.
    public var assignments: [String] { Self.specs.map { "\($0.name)=\($0.render(self))" } }

    /// The parameters that differ from the defaults, as `NAME=VALUE`:
    /// `parse` of these gives back this value.
    public var changes: [String] {
        let base = Self()
        return Self.specs.filter { $0.render(self) != $0.render(base) }.map { "\($0.name)=\($0.render(self))" }
    }

    /// One line: every parameter, for headers and `hwgen list`.
    public var summary: String { assignments.joined(separator: " ") }
}

/// The parameters of a design that has none.
public struct NoParams: ParamSet {
    public init() {}
    public static var specs: [Param<Self>] { [] }
}
