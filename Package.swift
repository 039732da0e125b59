// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "hwgen",
    products: [
        .library(name: "HDL", targets: ["HDL", "Sim"]),
        .library(name: "HWGenLibrary", targets: ["Blocks", "NN", "Random", "Designs", "Verification"]),
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
        .target(name: "HDL", dependencies: ["CGMP"]),
        .target(name: "Sim", dependencies: ["HDL"]),
        .target(name: "Blocks", dependencies: ["HDL"]),
        .target(name: "Random", dependencies: ["HDL"]),
        .target(name: "NN", dependencies: ["HDL", "Random"]),
        .target(name: "Verification", dependencies: ["HDL", "Sim"]),
        .target(name: "Designs", dependencies: ["HDL", "Blocks", "NN", "Random", "Verification"]),
        .executableTarget(name: "hwgen", dependencies: [
            "HDL", "NN", "Designs", "Verification",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .target(name: "Fuzz", dependencies: ["HDL", "Sim", "Verification"]),
        .executableTarget(name: "hwgen-fuzz", dependencies: [
            "Fuzz", "Verification", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "hwgen-bench", dependencies: ["HDL", "NN", "Sim", "Verification"]),
        .testTarget(name: "HDLTests", dependencies: ["HDL", "Sim", "Random"]),
        .testTarget(name: "VerificationTests", dependencies: ["HDL", "Sim", "Blocks", "NN", "Random", "Designs", "Verification", "Fuzz"],
                    exclude: ["FuzzRegressions"]),
    ]
)
