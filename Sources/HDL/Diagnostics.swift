/// Where in the user's Swift source a DSL call was made.
public struct SourceLoc: Hashable, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public init(_ file: StaticString, _ line: UInt) {
        self.file = "\(file)"
        self.line = Int(line)
    }
    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }
    public var description: String { "\(file):\(line)" }
}

/// One problem found while elaborating or checking a design.
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case widthMismatch = "width mismatch"
        case typeMismatch = "type mismatch"
        case undriven
        case multipleDrivers = "multiple drivers"
        case combinationalLoop = "combinational loop"
        case direction
        case nameClash = "name clash"
        case latch
        case badArgument = "bad argument"
    }
    public let kind: Kind
    public let message: String
    public let module: String
    public let loc: SourceLoc?

    public init(_ kind: Kind, _ message: String, module: String, loc: SourceLoc?) {
        self.kind = kind
        self.message = message
        self.module = module
        self.loc = loc
    }

    public var description: String {
        let at = loc.map { "\($0): " } ?? ""
        return "\(at)error: \(message) [module \(module)]"
    }
}

/// Thrown when elaboration finds problems; lists every one, first error first.
public struct ElaborationError: Error, CustomStringConvertible, Sendable {
    public let diagnostics: [Diagnostic]
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// A problem the user can fix — a parameter out of range, a missing tool, a
/// file that cannot be written — as one line. Every layer throws this one
/// type (elaboration throws `ElaborationError`, one line per diagnostic), so
/// the CLI prints it as it is and nothing translates errors into each other.
public struct UserError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
