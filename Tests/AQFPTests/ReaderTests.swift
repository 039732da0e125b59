import Foundation
import HDL
import Testing
@testable import AQFP

func readError(_ body: () throws -> Any) -> String {
    do { _ = try body(); return "" } catch { return "\(error)" }
}

/// Truth tables by brute force over all input combinations.
func truthTable(_ m: MIG) -> [[Bool]] {
    let n = m.inputs.count
    return (0..<(1 << n)).map { v in m.evaluate((0..<n).map { v >> $0 & 1 == 1 }) }
}

@Suite struct ReaderTests {
    @Test func verilogPrimitivesAndAssigns() throws {
        let text = """
        // every construct the reader takes
        module t (a, b, c, y0, y1, y2, y3, y4, y5, y6, y7, y8);
          input a, b,
                c;
          output y0, y1, y2, y3, y4, y5, y6, y7, y8;
          wire w1, w2;
          and g1 (w1, a, b);
          or (w2, a, b, c);
          nand (y0, a, b);
          nor (y1, a, c);
          xor (y2, a, b, c);
          xnor (y3, a, b);
          not (y4, w1);
          buf (y5, w2);
          /* a majority, and constants */
          assign y6 = ( a & ~b ) | ( a & c ) | ( ~b & c ) ;
          assign y7 = (a ^ 1'b1) | !c & 1'b0;
          assign y8 = w1 | 1'b0;
        endmodule
        """
        let m = try VerilogReader.read(text, file: "t.v")
        #expect(m.inputNames == ["a", "b", "c"])
        #expect(m.outputs.map(\.name) == (0...8).map { "y\($0)" })
        let table = truthTable(m)
        for v in 0..<8 {
            let a = v & 1 == 1, b = v & 2 != 0, c = v & 4 != 0
            let maj = [a, !b, c].filter { $0 }.count >= 2
            #expect(table[v] == [!(a && b), !(a || c), (a != b) != c, a == b, !(a && b), a || b || c, maj, !a, a && b])
        }
        // The sum of three pairwise products is one majority node.
        var one = MIG()
        let a = one.input("a"), b = one.input("b"), c = one.input("c")
        one.output("y", one.maj(a, !b, c))
        let single = try VerilogReader.read("module m(a,b,c,y); input a,b,c; output y; assign y = (a & ~b) | (a & c) | (~b & c); endmodule", file: "m.v")
        #expect(single.gateCount == 1)
        #expect(truthTable(single) == truthTable(one))
    }

    @Test func iscasBenchmarksRead() throws {
        // c17: six two-input gates, depth 3; adder1: a full adder whose carry
        // is one majority node.
        let c17 = try AQFPBenchmarks.mig("c17")
        #expect(c17.gateCount == 6 && c17.depth == 3)
        #expect(c17.inputNames == ["N1", "N2", "N3", "N6", "N7"])
        // N22 = ~(~(N1 & N3) & ~(N2 & ~(N3 & N6))) in c17's own NAND form.
        for v in 0..<32 {
            let n1 = v & 1 != 0, n2 = v & 2 != 0, n3 = v & 4 != 0, n6 = v & 8 != 0, n7 = v & 16 != 0
            let n11 = !(n3 && n6)
            let n22 = (n1 && n3) || (n2 && n11)
            let n23 = n11 && (n2 || n7)
            #expect(c17.evaluate([n1, n2, n3, n6, n7]) == [n22, n23])
        }
    }

    @Test(arguments: [
        ("module m(a,y); input a; output y; assign y = a + a; endmodule", "m.v:1: expected ';', found '+'"),
        ("module m(a,y);\ninput a;\noutput y;\nassign y = b;\nendmodule", "m.v:4: 'b' is not declared"),
        ("module m(a,y);\ninput a;\noutput y;\nwire p, q;\nassign p = q & a;\nassign q = p | a;\nassign y = p;\nendmodule", "m.v:5: combinational cycle: p -> q -> p"),
        ("module m(a,y);\ninput [3:0] a;\noutput y;\nendmodule", "m.v:2: vector declarations are not supported"),
        ("module m(a,y);\ninput a;\noutput y;\nalways @(a) y = a;\nendmodule", "m.v:4: unsupported construct 'always'"),
        ("module m(a,y);\ninput a;\noutput y;\nassign y = a;\nassign y = ~a;\nendmodule", "m.v:5: 'y' is driven twice"),
        ("module m(a,y);\ninput a;\noutput y;\nassign y = a;\n", "m.v: missing endmodule"),
        ("module m(a,y);\ninput a;\noutput y;\nwire w;\nassign y = w;\nendmodule", "m.v:5: 'w' is never driven"),
        ("module m(a,y);\ninput a;\noutput y;\nassign y = a[0];\nendmodule", "m.v:4: bit selects are not supported"),
        ("module m(\n  input a,\n  output y);\nassign y = a;\nendmodule", "m.v:2: port declarations in the module header are not supported"),
        ("module m(a);\ninput a;\nendmodule", "m.v: the module has no outputs"),
    ])
    func verilogErrorsNameTheLine(text: String, message: String) {
        let e = readError { try VerilogReader.read(text, file: "m.v") }
        #expect(e.contains(message), "\(e)")
        #expect(!e.contains("\n"))
    }

    /// y0 = a AND NOT b, y1 = NOT(y0 AND c); symbols name them.
    static let aag = """
    aag 5 3 0 2 2
    2
    4
    6
    8
    11
    8 2 5
    10 8 6
    i0 a
    i1 b
    i2 c
    o0 y0
    o1 y1
    c
    a comment
    """

    @Test func asciiAIGER() throws {
        let m = try AIGERReader.read(Array(Self.aag.utf8), file: "t.aag")
        #expect(m.inputNames == ["a", "b", "c"])
        #expect(m.outputs.map(\.name) == ["y0", "y1"])
        for v in 0..<8 {
            let a = v & 1 != 0, b = v & 2 != 0, c = v & 4 != 0
            #expect(m.evaluate([a, b, c]) == [a && !b, !(a && !b && c)])
        }
    }

    /// The same circuit as binary AIGER, encoded here from the format's
    /// definition (inputs implicit, ANDs as two LEB128 deltas).
    @Test func binaryAIGER() throws {
        func leb(_ x: Int) -> [UInt8] {
            var x = x, out: [UInt8] = []
            while x >= 0x80 { out.append(UInt8(x & 0x7f | 0x80)); x >>= 7 }
            return out + [UInt8(x)]
        }
        // ANDs: 8 = 2 AND 5 (lhs 8: deltas 3, 3), 10 = 8 AND 6 (deltas 2, 2).
        var bytes = Array("aig 5 3 0 2 2\n8\n11\n".utf8)
        bytes += leb(8 - 5) + leb(5 - 2) + leb(10 - 8) + leb(8 - 6)
        bytes += Array("i0 a\ni1 b\ni2 c\no0 y0\no1 y1\n".utf8)
        let bin = try AIGERReader.read(bytes, file: "t.aig")
        let asc = try AIGERReader.read(Array(Self.aag.utf8), file: "t.aag")
        #expect(truthTable(bin) == truthTable(asc))
        #expect(bin.inputNames == asc.inputNames)
    }

    @Test(arguments: [
        ("aag 1 1 1 0 0\n2\n2 3\n", "t.aag:1: 1 latch(es): sequential AIGER is not supported"),
        ("agg 1 1 0 0 0\n", "t.aag:1: not an AIGER file"),
        ("aag 3 1 0 1 1\n2\n6\n6 2 4\n", "t.aag:4: AND 6 depends on an undefined literal"),
        ("aag 3 1 0 1 2\n2\n6\n6 2 4\n4 6 2\n", "t.aag:4: AND 6 reads 4, which depends on it (a cycle)"),
        ("aag 2 1 0 1 1\n2\nx\n", "t.aag:3: expected an output literal"),
        ("aag 2 1 0 1 1\n2\n4\n4 2\n", "t.aag:4: expected an AND line"),
        ("aag 1 1 0 0 0\n", "t.aag:2: unexpected end of file"),
    ])
    func aigerErrorsNameTheLine(text: String, message: String) {
        let e = readError { try AIGERReader.read(Array(text.utf8), file: "t.aag") }
        #expect(e.contains(message), "\(e)")
    }

    @Test func truncatedBinaryNamesTheByte() {
        let e = readError { try AIGERReader.read(Array("aig 3 2 0 1 1\n6\n".utf8) + [0x82], file: "t.aig") }
        #expect(e.contains("t.aig: byte ") && e.contains("truncated"), "\(e)")
    }

    /// The design's netlist choices are the bundled files, each readable.
    @Test func bundledNames() throws {
        #expect(AQFPDesign.Bench.allCases.map(\.rawValue) == AQFPBenchmarks.names)
        for n in AQFPBenchmarks.names { #expect(try AQFPBenchmarks.mig(n).gateCount > 0) }
        #expect(readError { try AQFPBenchmarks.path("c18") }.contains("unknown AQFP benchmark 'c18'"))
    }

    /// The EPFL files: inputs, outputs and AND counts as their headers say
    /// (structural hashing may only merge).
    @Test(arguments: ["ctrl", "int2float", "router", "cavlc", "dec", "i2c", "bar"])
    func epflHeaders(name: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: try AQFPBenchmarks.path(name)))
        let header = String(decoding: data.prefix { $0 != 10 }, as: UTF8.self).split(separator: " ").dropFirst().map { Int($0)! }
        let m = try AQFPBenchmarks.mig(name)
        #expect(m.inputs.count == header[1])
        #expect(m.outputs.count == header[3])
        #expect(m.gateCount <= header[4] && m.gateCount > header[4] * 9 / 10)
    }
}
