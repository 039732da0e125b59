import Testing
import Catalog
import Engines
import Harness
import HDL

/// A design added in one file: a registered adder with its parameters,
/// stimulus, model and ports. Switches make it misbehave on purpose so the
/// tests below can watch the seam refuse each mistake by name.
struct ToyAdder: Design, Block {
    struct Params: ParamSet {
        var width = 8
        var misspeltStimulus = false, throwingModel = false, misspeltPort = false
        init() {}
        static var specs: [Param<Self>] { [
            .int("width", \.width, 1...64, "operand bits"),
            .flag("misspelt_stimulus", \.misspeltStimulus, "drive 'in_vaild' instead of 'in_valid'"),
            .flag("throwing_model", \.throwingModel, "the model refuses the stimulus"),
            .flag("misspelt_port", \.misspeltPort, "watch 'out_smu' instead of 'out_sum'"),
        ] }
    }
    static let name = "toy"
    static let summary = "registered adder (a test's toy)"

    let p: Params
    init(_ p: Params) throws { self.p = p }

    var moduleName: String { "toy_adder_\(p.width)" }
    func build(_ m: ModuleBuilder) throws {
        let valid = m.input("in_valid", .bool)
        let a = m.input("a", .uint(p.width)), b = m.input("b", .uint(p.width))
        m.output("out_valid", m.register("valid_q", next: valid, reset: 0))
        m.output("out_sum", m.register("sum_q", next: a + b))
    }

    var top: any Block { self }
    var ports: TestPorts { TestPorts(valid: "out_valid", data: [p.misspeltPort ? "out_smu" : "out_sum"], latency: 1) }

    /// Columns in the reverse of the declaration order: the engines match
    /// them by name.
    func stimulus(seed: UInt64, vectors: Int) -> Stimulus {
        var s = Stimulus(ports: ["b", "a", "in_valid"])
        var rng = SplitMix64(seed: seed)
        for _ in 0..<vectors {
            s.add([p.misspeltStimulus ? "in_vaild" : "in_valid": rng.next() % 4 == 0 ? 0 : 1,
                   "a": rng.bits(p.width), "b": rng.bits(p.width)])
        }
        s.add([:])
        return s
    }

    func expected(_ s: Stimulus) throws -> [Transaction] {
        if p.throwingModel { throw UserError("toy model: operands wider than the table") }
        let (b, a, v) = (0, 1, 2)
        return s.cycles.enumerated().compactMap { c, row in
            row[v].isZero ? nil : Transaction(cycle: c + 1, values: [row[a] + row[b]])
        }
    }
}

@Suite(.serialized) struct DesignSeam {
    let engines: [any Engine] = [SwiftEngine(), try! VerilatorEngine()]
    let toy = AnyDesign(ToyAdder.self)

    @Test func aToyDesignInOneFileRunsEverywhere() throws {
        #expect(toy.name == "toy" && toy.defaults == "width=8 misspelt_stimulus=no throwing_model=no misspelt_port=no")
        for e in engines {
            for w in ["width=1", "width=8", "width=64"] {
                let r = try e.verify(try toy.instantiate([w]), name: "toy", seed: 3, vectors: 2_000)
                #expect(r.passed, "\(e.name) \(w): \(r.mismatches)")
            }
        }
        // Its report: the generic section, measured in the Swift engine.
        let d = try toy.instantiate()
        var o = ReportOptions()
        o.vectors = 500
        let section = try GenericReport(d).run(ReportContext(name: "toy", ir: try Elaborator.elaborate(d.top), engine: SwiftEngine(),
                                                            options: o, progress: { _ in }))
        let rows = Dictionary(section.rows.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(rows["registers (bits)"]?.value == "2 (10)")
        #expect(rows["latency (declared)"]?.value == "1 cycles")
        #expect(rows["model check (swift)"]?.pass == true)
        #expect(section.failed == 0)
    }

    @Test func aMisspeltParameterIsRefusedByName() {
        #expect { try toy.instantiate(["widht=3"]) } throws: { "\($0)".contains("unknown parameter 'widht' for design 'toy'") }
        #expect { try Catalog.find("pe").instantiate(["data_fract=3"]) } throws: { "\($0)".contains("'data_fract'") }
    }

    /// What `engine` says when asked to verify `d`; nil if it ran.
    func refusal(_ d: any Design, in engine: any Engine) -> String? {
        do {
            _ = try engine.verify(d, name: "toy", seed: 1, vectors: 10)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func aMisspeltStimulusPortIsRefusedByName() throws {
        let d = try toy.instantiate(["misspelt_stimulus=yes"])
        for e in engines {
            let why = refusal(d, in: e)
            #expect(why?.contains("the stimulus drives 'in_vaild', which is not an input of toy_adder_8") == true, "\(e.name): \(why ?? "ran")")
        }
    }

    @Test func aMisspeltWatchedPortIsRefusedByName() throws {
        let d = try toy.instantiate(["misspelt_port=yes"])
        for e in engines {
            let why = refusal(d, in: e)
            #expect(why?.contains("data port 'out_smu' is not a port of toy_adder_8") == true, "\(e.name): \(why ?? "ran")")
        }
    }

    @Test func aThrowingModelSurfacesItsMessage() throws {
        let d = try toy.instantiate(["throwing_model=yes"])
        for e in engines {
            #expect(refusal(d, in: e) == "toy model: operands wider than the table", "\(e.name)")
        }
    }
}
