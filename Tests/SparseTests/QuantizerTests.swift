import Testing
@testable import Sparse

@Suite struct QuantizerTests {
    @Test func indexBits() {
        #expect(LevelQuantizer.indexBits(1) == 2)
        #expect(LevelQuantizer.indexBits(7) == 4)
        #expect(LevelQuantizer.indexBits(8) == 5)
    }
}
