import Foundation

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
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }.sorted()
        return try files.map { f in
            let data = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(f)"))
            return Shrinker.renamed(try JSONDecoder().decode(Recipe.self, from: data), "reg_" + f.dropLast(5))
        }
    }
}
