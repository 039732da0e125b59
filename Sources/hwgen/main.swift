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

Interrupts.install()
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
    fail(Hwgen.message(for: error))
}
