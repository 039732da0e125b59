import Foundation
import HDL

/// Shrunk failing modules kept as JSON files and replayed by the tests.
public enum Regressions {
    public static func save(_ r: Recipe, reason: String, to folder: String) throws -> String {
        var r = r
        r.note = reason
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        let path = "\(folder)/\(r.name).json"
        try enc.encode(r).write(to: URL(fileURLWithPath: path), options: .atomic)
        return path
    }

    /// Every saved module in `folder`, renamed "reg_<file>" so they can share a batch.
    public static func load(_ folder: String) throws -> [Recipe] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw UserError("\(folder): not a folder of saved regressions (no such folder, or unreadable)")
        }
        let files = names.filter { $0.hasSuffix(".json") }.sorted()
        return try files.map { f in
            let data = try InputFiles.data("\(folder)/\(f)", what: "saved regression")
            guard let r = try? JSONDecoder().decode(Recipe.self, from: data) else {
                throw UserError("\(folder)/\(f): not a saved fuzz regression (JSON recipe)")
            }
            return Shrinker.renamed(r, "reg_" + f.dropLast(5))
        }
    }
}
