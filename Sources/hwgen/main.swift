import ArgumentParser
import Foundation
import Engines
import HDL

/// Every user-facing failure ends here: one line on stderr, exit 2 (exit 1
/// is kept for "the design failed verification").
func fail(_ message: String) -> Never { CommandLineErrors.fail("hwgen", message) }

Interrupts.install()
do {
    let args = Array(CommandLine.arguments.dropFirst())
    let sub = args.first { !$0.hasPrefix("-") } ?? ""
    if let name = CommandLineErrors.repeatedOption(args, repeatable: sub == "quantize" ? ["--param", "--layer"] : ["--param"]) {
        fail("\(name) is given twice; give it once")
    }
}
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
    if let m = CommandLineErrors.plainMessage(error) { fail(m) }
    fail(Hwgen.message(for: error))
}
