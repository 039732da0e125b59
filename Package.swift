// swift-tools-version: 6.0
import PackageDescription

// Layers, lowest first; each target depends only on those above it:
//   HDL (DSL, IR, checks)  →  Verilog (back end), Sim (Swift engine)
//   Harness (Design, params, stimulus, reports, the Engine protocol), Analysis (statistics)
//   families: Arithmetic, Blocks, Random, NN, FFT, Circulant, Stochastic, AQFP, Sparse, Parallel — blocks, models, designs, reports; no engine
//   Engines (Verilator, Swift), Catalog (every design), Fuzz
//   executables: hwgen, hwgen-fuzz, hwgen-bench
// Compiled optimised in debug builds too (the `hwgen` of `make` and of
// `swift test`): the IR and values, the Swift engine and the golden models
// that clock every lane every cycle (the RLF model) run millions of steps a
// test. Unoptimised, one VIBNN accuracy test took 107 s instead of 3 s and
// the default vibnn verify 6 minutes instead of 48 s.
let optimised: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "hwgen",
    products: [
        .library(name: "HDL", targets: ["HDL", "Verilog", "Sim"]),
        .library(name: "HWGenLibrary", targets: ["Harness", "Engines", "Arithmetic", "Blocks", "Random", "NN", "FFT", "Circulant", "Stochastic", "AQFP", "Sparse", "Parallel", "Catalog"]),
        .executable(name: "hwgen", targets: ["hwgen"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // GMP through a system-library target: arbitrary-precision values in
        // literals, golden models and vector files.
        .systemLibrary(name: "CGMP", path: "Sources/CGMP",
                       providers: [.apt(["libgmp-dev"])]),
        .target(name: "HDL", dependencies: ["CGMP"], swiftSettings: optimised),
        .target(name: "Verilog", dependencies: ["HDL"]),
        .target(name: "Sim", dependencies: ["HDL"], swiftSettings: optimised),
        .target(name: "Harness", dependencies: ["HDL"]),
        .target(name: "Analysis"),
        // Block families.
        .target(name: "Arithmetic", dependencies: ["HDL", "Harness"]),
        .target(name: "Blocks", dependencies: ["HDL", "Harness"]),
        .target(name: "Random", dependencies: ["HDL", "Harness", "Analysis", "Arithmetic"],
                swiftSettings: optimised),
        .target(name: "NN", dependencies: ["HDL", "Harness", "Arithmetic", "Random"],
                swiftSettings: optimised),
        .target(name: "FFT", dependencies: ["HDL", "Harness", "Analysis"]),
        .target(name: "Circulant", dependencies: ["HDL", "Harness", "Analysis", "FFT"]),
        .target(name: "Stochastic", dependencies: ["HDL", "Harness", "Analysis", "Arithmetic", "Random"]),
        // The AQFP flow's optimiser is compiled optimised in debug builds too
        // (the `hwgen` of `make`): the largest EPFL netlist in seconds.
        .target(name: "AQFP", dependencies: ["HDL", "Harness", "Stochastic"],
                resources: [.copy("Benchmarks")],
                swiftSettings: optimised),
        .target(name: "Sparse", dependencies: ["HDL", "Harness", "Analysis"]),
        .target(name: "Parallel", dependencies: ["HDL", "Harness", "Analysis", "Sparse"]),
        .target(name: "Catalog", dependencies: ["Harness", "Arithmetic", "Blocks", "Random", "NN", "FFT", "Circulant", "Stochastic", "AQFP", "Sparse", "Parallel"]),
        .target(name: "Engines", dependencies: ["HDL", "Verilog", "Sim", "Harness"]),
        .executableTarget(name: "hwgen", dependencies: [
            "HDL", "Verilog", "Harness", "Engines", "Catalog", "AQFP", "Sparse", "Parallel", "Analysis",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .target(name: "Fuzz", dependencies: ["HDL", "Verilog", "Sim", "Engines"]),
        .executableTarget(name: "hwgen-fuzz", dependencies: [
            "Fuzz", "Engines", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "hwgen-bench", dependencies: ["HDL", "Verilog", "Arithmetic", "Sim", "Engines", "Harness", "FFT", "Parallel"]),
        // One test target per layer or family; `TestSupport` helpers live in
        // EngineTests (the cross-engine checks of every catalogued design).
        .testTarget(name: "HDLTests", dependencies: ["HDL", "Verilog", "Sim"]),
        .testTarget(name: "EngineTests", dependencies: ["HDL", "Verilog", "Sim", "Harness", "Engines", "Catalog", "Fuzz"],
                    exclude: ["FuzzRegressions", "BadInputs"]),
        .testTarget(name: "ArithmeticTests", dependencies: ["HDL", "Harness", "Engines", "Arithmetic"]),
        .testTarget(name: "BlocksTests", dependencies: ["HDL", "Harness", "Engines", "Blocks"]),
        .testTarget(name: "RandomTests", dependencies: ["HDL", "Sim", "Harness", "Analysis", "Engines", "Random"]),
        .testTarget(name: "FFTTests", dependencies: ["HDL", "Verilog", "Sim", "Harness", "Engines", "FFT"]),
        .testTarget(name: "CirculantTests", dependencies: ["HDL", "Verilog", "Sim", "Harness", "Engines", "FFT", "Circulant"]),
        .testTarget(name: "StochasticTests", dependencies: ["HDL", "Verilog", "Sim", "Harness", "Analysis", "Engines", "Random", "Stochastic"]),
        .testTarget(name: "AQFPTests", dependencies: ["HDL", "Verilog", "Sim", "Harness", "Engines", "Stochastic", "AQFP"]),
        .testTarget(name: "SparseTests", dependencies: ["HDL", "Verilog", "Sim", "Harness", "Engines", "Sparse"]),
        .testTarget(name: "ParallelTests", dependencies: ["HDL", "Verilog", "Sim", "Harness", "Engines", "Parallel"]),
        .testTarget(name: "NNTests", dependencies: ["HDL", "Sim", "Harness", "Engines", "Random", "NN"]),
    ]
)
