import Foundation
import XCTest

@testable import SurvivalKit

/// Paths and comparisons shared by the tests.
enum TestSupport {
  /// The repository root (two levels above this file's folder).
  static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static func dataset(_ name: String) -> String {
    repositoryRoot.appendingPathComponent("datasets").appendingPathComponent(name).path
  }

  static let fixtures: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().appendingPathComponent("Fixtures")

  /// Reads CSV text given inline.
  static func table(_ text: String, options: CSVOptions = CSVOptions()) throws -> DataTable {
    try CSVReader.read(bytes: Array(text.utf8), options: options)
  }

  /// The built `survkit` executable next to the test bundle.
  static var survkitPath: String {
    let bundle = URL(fileURLWithPath: CommandLine.arguments.first ?? "")
    var candidates = [bundle.deletingLastPathComponent().appendingPathComponent("survkit").path]
    for folder in [".build/debug", ".build/release"] {
      candidates.append(repositoryRoot.appendingPathComponent(folder + "/survkit").path)
    }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
  }

  /// Runs survkit; returns exit status, standard output and standard error.
  static func runSurvkit(
    _ arguments: [String], input: String? = nil, environment: [String: String] = [:]
  ) throws -> (
    status: Int32, stdout: String, stderr: String
  ) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: survkitPath)
    process.arguments = arguments
    if !environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    process.currentDirectoryURL = repositoryRoot
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (
      process.terminationStatus, String(decoding: outData, as: UTF8.self),
      String(decoding: errData, as: UTF8.self)
    )
  }

  /// Writes text to a temporary file and returns its path.
  static func temporaryFile(_ contents: [UInt8], suffix: String = ".csv") throws -> String {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("survkit-test-\(UUID().uuidString)\(suffix)")
    try Data(contents).write(to: url)
    return url.path
  }
}

/// Relative comparison: |a - b| <= tol * max(|a|, |b|), with an absolute floor of 1e-14 for
/// values that are zero in one of the two (R prints 0 where we may compute 1e-17).
func assertClose(
  _ actual: Double?, _ expected: Double?, tol: Double, _ message: @autoclosure () -> String = "",
  file: StaticString = #filePath, line: UInt = #line
) {
  switch (actual, expected) {
  case (nil, nil):
    return
  case (let a?, let e?):
    if a == e { return }
    let scale = max(abs(a), abs(e))
    if abs(a - e) <= tol * scale || abs(a - e) <= 1e-14 { return }
    XCTFail(
      "\(message()): got \(a), expected \(e) (rel. diff \(abs(a - e) / scale))", file: file,
      line: line)
  default:
    XCTFail(
      "\(message()): got \(String(describing: actual)), expected \(String(describing: expected))",
      file: file, line: line)
  }
}

func assertThrows<T>(
  _ expression: @autoclosure () throws -> T, containing fragments: [String],
  file: StaticString = #filePath, line: UInt = #line
) {
  do {
    _ = try expression()
    XCTFail("expected an error containing \(fragments)", file: file, line: line)
  } catch {
    let text = "\(error)"
    for f in fragments where !text.contains(f) {
      XCTFail("error '\(text)' does not contain '\(f)'", file: file, line: line)
    }
  }
}
