// swift-tools-version:6.0
import PackageDescription

// Layers, lowest first; each target depends only on those above it in this list:
//   SurvivalSupport  number and date formatting, code-point order, markup escaping, file bytes
//   SurvivalKit      the engine: data intake, survival data, estimators, tests, regression, output
//   SurvivalReport   analysis plans and interim reports (the only target with trial vocabulary)
//   SurvKitCLI       the `survkit` command
let package = Package(
  name: "SurvivalKit",
  products: [
    .library(name: "SurvivalKit", targets: ["SurvivalKit"]),
    .library(name: "SurvivalReport", targets: ["SurvivalReport"]),
    .executable(name: "survkit", targets: ["SurvKitCLI"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
  ],
  targets: [
    // LAPACK and BLAS from Debian's liblapack-dev / libblas-dev (no C header ships with them,
    // so the prototypes are declared by hand in the shim header).
    .systemLibrary(
      name: "CLapack",
      path: "Sources/CLapack",
      providers: [.apt(["liblapack-dev", "libblas-dev"])]
    ),
    .target(
      name: "SurvivalSupport",
      path: "Sources/SurvivalSupport"
    ),
    .target(
      name: "SurvivalKit",
      dependencies: [
        "CLapack",
        "SurvivalSupport",
        .product(name: "RealModule", package: "swift-numerics"),
      ],
      path: "Sources/SurvivalKit"
    ),
    .target(
      name: "SurvivalReport",
      dependencies: [
        "SurvivalKit", "SurvivalSupport", .product(name: "RealModule", package: "swift-numerics"),
      ],
      path: "Sources/SurvivalReport"
    ),
    .executableTarget(
      name: "SurvKitCLI",
      dependencies: [
        "SurvivalKit",
        "SurvivalReport",
        "SurvivalSupport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Sources/SurvKitCLI"
    ),
    // An analysis written against the public API, as a user's own script would be.
    .executableTarget(
      name: "HeadlineFigures",
      dependencies: ["SurvivalKit", "SurvivalReport"],
      path: "Examples/HeadlineFigures"
    ),
    // A Cox model fitted from arrays and printed, as in the README.
    .executableTarget(
      name: "CoxFromArrays",
      dependencies: ["SurvivalKit"],
      path: "Examples/CoxFromArrays"
    ),
    // libFuzzer targets (scripts/fuzz.sh builds them with -sanitize=fuzzer,address).
    .target(name: "FuzzSupport", path: "Fuzz/FuzzSupport"),
    .executableTarget(
      name: "FuzzCSV", dependencies: ["SurvivalKit", "FuzzSupport"], path: "Fuzz/FuzzCSV"),
    .executableTarget(
      name: "FuzzFormula", dependencies: ["SurvivalKit", "FuzzSupport"],
      path: "Fuzz/FuzzFormula"),
    .executableTarget(
      name: "FuzzPlan", dependencies: ["SurvivalReport", "FuzzSupport"], path: "Fuzz/FuzzPlan"),
    .testTarget(
      name: "SurvivalKitTests",
      dependencies: [
        "SurvivalKit", "SurvivalReport", "SurvivalSupport", "SurvKitCLI", "HeadlineFigures",
        "CoxFromArrays",
      ],
      path: "Tests/SurvivalKitTests",
      exclude: ["Fixtures"]
    ),
  ]
)
