import ArgumentParser
import Foundation
import Engines
import HDL

/// Every user-facing failure ends here: one line on stderr, exit 2 (exit 1
/// is kept for "the design failed verification").
func fail(_ message: String) -> Never {
    let line = message.split(separator: "\n").first.map(String.init) ?? message
    FileHandle.standardError.write(Data("hwgen: error: \(line)\n".utf8))
    exit(2)
}

/// An option given twice (other than the repeatable ones) is an error, not
/// "the last one wins": `--vectors 10 --vectors 100` is a typo somewhere.
func refuseRepeatedOptions(_ args: [String]) {
    let sub = args.first { !$0.hasPrefix("-") } ?? ""
    let repeatable: Set<String> = sub == "quantize" ? ["--param", "--layer"] : ["--param"]
    var seen: Set<String> = []
    var previous = ""
    for a in args {
        if a == "--" { break }
        defer { previous = a }
        // A value that starts with '-' (a negative number) follows an option.
        guard a.hasPrefix("-"), a.count > 1, Double(a) == nil else { continue }
        if previous.hasPrefix("-") && !previous.contains("=") && Double(previous) == nil && a.first == "-" && a.dropFirst().first?.isNumber == true { continue }
        var name = String(a.split(separator: "=", maxSplits: 1).first ?? "")
        if name == "-o" { name = "--output" }
        if repeatable.contains(name) { continue }
        if seen.contains(name) { fail("\(name) is given twice; give it once") }
        seen.insert(name)
    }
}

/// A Foundation error as one plain line (its raw NSCocoaErrorDomain text
/// is not for users).
func plainMessage(_ error: Error) -> String? {
    let e = error as NSError
    guard e.domain == NSCocoaErrorDomain || e.domain == NSPOSIXErrorDomain else { return nil }
    let path = e.userInfo[NSFilePathErrorKey] as? String ?? (e.userInfo[NSURLErrorKey] as? URL)?.path
    let code = (e.userInfo[NSUnderlyingErrorKey] as? NSError).map { Int32($0.code) } ?? (e.domain == NSPOSIXErrorDomain ? Int32(e.code) : 0)
    let why = code != 0 ? UserPaths.reason(code) : "a file operation failed"
    return path.map { "\($0): \(why)" } ?? why
}

Interrupts.install()
refuseRepeatedOptions(Array(CommandLine.arguments.dropFirst()))
do {
    var command = try Hwgen.parseAsRoot()
    try command.run()
} catch let e as ExitCode {
    exit(e.rawValue)
} catch let e as ElaborationError {
    // Elaboration problems can be several; each is one line with file:line.
    FileHandle.standardError.write(Data(e.diagnostics.map { "hwgen: \($0)\n" }.joined().utf8))
    exit(2)
} catch let e as UserError {
    fail(e.description)
} catch {
    if Hwgen.exitCode(for: error) == .success { Hwgen.exit(withError: error) }
    if let m = plainMessage(error) { fail(m) }
    fail(Hwgen.message(for: error))
}
