// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "SurvivalKit",
  products: [
    .library(name: "SurvivalKit", targets: ["SurvivalKit"]),
    .executable(name: "survkit", targets: ["SurvKitCLI"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
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
      name: "SurvivalKit",
      dependencies: ["CLapack"],
      path: "Sources/SurvivalKit"
    ),
    .executableTarget(
      name: "SurvKitCLI",
      dependencies: [
        "SurvivalKit",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Sources/SurvKitCLI"
    ),
    // An analysis written against the public API, as a user's own script would be.
    .executableTarget(
      name: "HeadlineFigures",
      dependencies: ["SurvivalKit"],
      path: "Examples/HeadlineFigures"
    ),
    .testTarget(
      name: "SurvivalKitTests",
      dependencies: ["SurvivalKit", "SurvKitCLI", "HeadlineFigures"],
      path: "Tests/SurvivalKitTests",
      exclude: ["Fixtures"]
    ),
  ]
)
