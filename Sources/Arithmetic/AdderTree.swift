import HDL

public enum AdderTree {
    /// The exact sum of `terms` as a balanced tree of adders (each level
    /// pairs neighbours, an odd one passes through), so the depth is
    /// ceil(log2 n) adders; widths grow a bit per level, nothing is lost.
    public static func sum(_ terms: [Signal]) -> Signal {
        var level = terms
        while level.count > 1 {
            level = stride(from: 0, to: level.count, by: 2).map {
                $0 + 1 < level.count ? level[$0] + level[$0 + 1] : level[$0]
            }
        }
        return level[0]
    }
}
