// swift-tools-version:6.0
// Measures CSV parsing throughput of the candidate packages against SurvivalKit's reader on
// the same numeric file. Not part of the main package; run with benchmarks/csv/run.sh.
import PackageDescription

let package = Package(
  name: "CSVBench",
  dependencies: [
    .package(path: "../.."),
    .package(url: "https://github.com/swiftcsv/SwiftCSV", exact: "0.10.0"),
    .package(url: "https://github.com/yaslab/CSV.swift", exact: "2.5.2"),
  ],
  targets: [
    .executableTarget(
      name: "CSVBench",
      dependencies: [
        .product(name: "SurvivalKit", package: "main"),
        .product(name: "SwiftCSV", package: "SwiftCSV"),
        .product(name: "CSV", package: "CSV.swift"),
      ]
    )
  ]
)
