import Foundation
import XCTest

/// The house rules the compiler cannot enforce across folders of one target: the engine's
/// folders depend one way (a folder uses only types declared in its own or a lower layer), the
/// engine knows no trial vocabulary, and it never imports the report target.
final class ArchitectureTests: XCTestCase {
  /// Engine folders, lowest layer first; folders on one line share a layer.
  static let layers: [[String]] = [
    ["", "Errors", "Distributions", "LinearAlgebra"],
    ["DataIntake"],
    ["Formula"],
    ["Survival"],
    ["Estimators"],
    ["HypothesisTests"],
    ["Regression", "CompetingRisks", "Parametric"],
    ["Output"],
  ]

  static let engine = TestSupport.repositoryRoot.appendingPathComponent("Sources/SurvivalKit")

  /// Every Swift file of the engine, with its folder (the first path component below
  /// Sources/SurvivalKit; "" for files at the top).
  func engineFiles() throws -> [(folder: String, path: String, text: String)] {
    let root = Self.engine.path
    guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
    var files: [(String, String, String)] = []
    for case let relative as String in walker where relative.hasSuffix(".swift") {
      let parts = relative.split(separator: "/")
      let folder = parts.count > 1 ? String(parts[0]) : ""
      let path = root + "/" + relative
      files.append((folder, relative, try String(contentsOfFile: path, encoding: .utf8)))
    }
    return files.sorted { $0.1 < $1.1 }
  }

  /// Code without comments and string literals (so a doc comment may name any type).
  func code(_ text: String) -> String {
    var out = ""
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      var kept = ""
      var inString = false
      var previous: Character = " "
      var iterator = line.makeIterator()
      while let c = iterator.next() {
        if !inString && c == "/" && previous == "/" {
          kept.removeLast()
          break
        }
        if c == "\"" && previous != "\\" { inString.toggle() }
        if !inString && c != "\"" { kept.append(c) }
        previous = c
      }
      out += kept + "\n"
    }
    return out
  }

  func testEngineFoldersDependOneWay() throws {
    var layerOf: [String: Int] = [:]
    for (k, folders) in Self.layers.enumerated() { for f in folders { layerOf[f] = k } }
    let files = try engineFiles()
    // Top-level type declarations per folder.
    var declaredIn: [String: String] = [:]
    let declaration = try NSRegularExpression(
      pattern:
        #"^(?:public |package |internal |fileprivate |private |final )*(?:struct|enum|class|protocol|typealias|actor) ([A-Z][A-Za-z0-9_]*)"#,
      options: [.anchorsMatchLines])
    for file in files {
      let layer = layerOf[file.folder]
      XCTAssertNotNil(
        layer, "folder '\(file.folder)' has no layer: add it to ArchitectureTests.layers")
      let text = code(file.text)
      let range = NSRange(text.startIndex..., in: text)
      for match in declaration.matches(in: text, range: range) {
        let name = String(text[Range(match.range(at: 1), in: text)!])
        declaredIn[name] = file.folder
      }
    }
    let identifier = try NSRegularExpression(pattern: #"\b[A-Z][A-Za-z0-9_]*\b"#)
    var violations: [String] = []
    for file in files {
      guard let layer = layerOf[file.folder] else { continue }
      let text = code(file.text)
      let range = NSRange(text.startIndex..., in: text)
      var seen = Set<String>()
      for match in identifier.matches(in: text, range: range) {
        let name = String(text[Range(match.range, in: text)!])
        guard seen.insert(name).inserted, let folder = declaredIn[name],
          let other = layerOf[folder], other > layer
        else { continue }
        violations.append("\(file.path) (\(file.folder)) uses \(name) from the higher \(folder)")
      }
    }
    XCTAssertEqual(violations, [], violations.joined(separator: "\n"))
  }

  func testEngineHasNoTrialVocabulary() throws {
    for file in try engineFiles() {
      let lower = file.text.lowercased()
      for word in ["gd2", "nosolog", "dinutuximab"] {
        XCTAssertFalse(lower.contains(word), "\(file.path) mentions '\(word)'")
      }
      XCTAssertFalse(file.text.contains("import SurvivalReport"), file.path)
    }
  }

  /// Every public declaration of the engine carries a doc comment (`///` right above it, with
  /// attributes allowed in between).
  func testEveryPublicDeclarationIsDocumented() throws {
    var missing: [String] = []
    for file in try engineFiles() {
      let lines = file.text.split(separator: "\n", omittingEmptySubsequences: false)
      for (i, line) in lines.enumerated() {
        let text = line.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("public ") || text.hasPrefix("open "),
          !text.hasPrefix("public extension")
        else { continue }
        var j = i - 1
        while j >= 0 && lines[j].trimmingCharacters(in: .whitespaces).hasPrefix("@") { j -= 1 }
        if j < 0 || !lines[j].trimmingCharacters(in: .whitespaces).hasPrefix("///") {
          missing.append("\(file.path):\(i + 1): \(text.prefix(80))")
        }
      }
    }
    XCTAssertEqual(
      missing, [], "undocumented public declarations:\n" + missing.joined(separator: "\n"))
  }
}
