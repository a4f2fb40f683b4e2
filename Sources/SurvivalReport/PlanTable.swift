import SurvivalKit
import SurvivalSupport

/// One table of a plan (`[analyses.os]`): typed access to its keys, every error naming the
/// plan's line (the key's line, or the table header's line for a missing key).
package struct PlanTable: Sendable {
  let file: PlanFile
  /// The dotted table name, "analyses.os".
  package let path: String
  /// The last part of the name, "os".
  package let name: String
  /// The header's line.
  package let line: Int?

  init(file: PlanFile, path: String) {
    self.file = file
    self.path = path
    self.name = String(path.split(separator: ".").last ?? "")
    self.line =
      file.tables.first { $0.name == path }?.line
      ?? file.line(file.keys.first { $0.hasPrefix(path + ".") } ?? "")
  }

  func full(_ key: String) -> String { "\(path).\(key)" }

  /// The line that sets `key`, else the header's line.
  package func line(_ key: String) -> Int? { file.line(full(key)) ?? line }

  package func has(_ key: String) -> Bool { file.values[full(key)] != nil }

  /// The keys set directly in this table (without the table's name), in file order.
  package var keys: [String] {
    file.keys.filter { $0.hasPrefix(path + ".") }.map { String($0.dropFirst(path.count + 1)) }
  }

  /// An error at `key`'s line (or the header's), prefixed with the table's name.
  package func error(_ key: String?, _ message: String) -> SurvivalKitError {
    .invalidData(
      line: key.map { line($0) } ?? line, column: nil, message: "plan: [\(path)] \(message)")
  }

  /// Unknown keys are an error naming the line and listing the known ones.
  package func checkKeys(_ known: [String]) throws {
    for key in keys where !known.contains(key) {
      throw error(
        key,
        "has an unknown key '\(key)'; the keys here are \(known.joined(separator: ", "))")
    }
  }

  package func string(_ key: String) throws -> String? { try file.string(full(key)) }

  package func required(_ key: String, _ what: String) throws -> String {
    guard let s = try string(key) else {
      throw error(nil, "needs \(key) = \"...\" (\(what))")
    }
    return s
  }

  package func number(_ key: String) throws -> Double? { try file.number(full(key)) }

  /// A number that must satisfy `valid`; `rule` says which values are allowed.
  package func number(_ key: String, _ rule: String, _ valid: (Double) -> Bool) throws -> Double? {
    guard let v = try number(key) else { return nil }
    guard valid(v) else {
      throw error(key, "\(key) = \(NumberFormatting.shortest(v)) is out of range: \(rule)")
    }
    return v
  }

  package func numbers(_ key: String) throws -> [Double]? { try file.numbers(full(key)) }

  /// Numbers that must each satisfy `valid`.
  package func numbers(_ key: String, _ rule: String, _ valid: (Double) -> Bool) throws -> [Double]?
  {
    guard let vs = try numbers(key) else { return nil }
    for v in vs where !valid(v) {
      throw error(key, "\(key): \(NumberFormatting.shortest(v)) is out of range: \(rule)")
    }
    return vs
  }

  package func strings(_ key: String) throws -> [String]? { try file.strings(full(key)) }

  package func bool(_ key: String) throws -> Bool? { try file.bool(full(key)) }

  /// A string that must be one of `choices`.
  package func choice(_ key: String, _ choices: [String]) throws -> String? {
    guard let s = try string(key) else { return nil }
    guard choices.contains(s) else {
      throw error(
        key,
        "\(key) = \"\(s)\" is not allowed; use one of \(choices.map { "\"\($0)\"" }.joined(separator: ", "))"
      )
    }
    return s
  }
}

extension PlanFile {
  /// The tables directly under `prefix` ("analyses" -> "analyses.os", ...), in file order.
  func tables(under prefix: String) -> [PlanTable] {
    var names: [String] = []
    func note(_ full: String) {
      guard full.hasPrefix(prefix + ".") else { return }
      let rest = full.dropFirst(prefix.count + 1)
      guard let first = rest.split(separator: ".").first else { return }
      let name = "\(prefix).\(first)"
      if !names.contains(name) { names.append(name) }
    }
    var events: [(Int, String)] = tables.map { ($0.line, $0.name) }
    for key in keys { events.append((line(key) ?? 0, key)) }
    for (_, name) in events.sorted(by: { $0.0 < $1.0 }) { note(name) }
    return names.map { PlanTable(file: self, path: $0) }
  }
}
