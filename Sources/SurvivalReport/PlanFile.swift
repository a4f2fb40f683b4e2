import SurvivalKit

/// A small TOML reader for analysis plans: the subset a plan needs, with errors that name the
/// line.
///
/// Supported: `# comments`, `[table]` and `[table.sub]` headers, `key = value` with bare or
/// quoted keys, values that are strings ("..." with \" \\ \n \t escapes, or '...' literal),
/// integers and floats, booleans, and one-line arrays of those. Anything else (multi-line
/// strings or arrays, inline tables, dates as TOML values) is an error saying so; dates in a
/// plan are strings ("01.06.2025").
package struct PlanFile: Sendable {
  package enum Value: Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([Value])
  }

  /// Dotted key ("columns.gd2") -> value and the line it was set on.
  package let values: [String: (value: Value, line: Int)]
  /// Keys in file order (for messages and unknown-key checks).
  package let keys: [String]
  /// `[table]` headers in file order, with their lines.
  package let tables: [(name: String, line: Int)]

  package init(text: String) throws {
    var values: [String: (Value, Int)] = [:]
    var keys: [String] = []
    var tables: [(name: String, line: Int)] = []
    var table = ""
    for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false)
      .enumerated()
    {
      let line = index + 1
      var scanner = Scanner(Array(rawLine), line: line)
      scanner.skipSpaces()
      if scanner.atEnd || scanner.peek == "#" { continue }
      if scanner.peek == "[" {
        scanner.advance()
        var parts: [String] = []
        repeat {
          scanner.skipSpaces()
          parts.append(try scanner.key())
          scanner.skipSpaces()
        } while scanner.consume(".")
        guard scanner.consume("]") else {
          throw scanner.error("expected ']' to close the table name")
        }
        try scanner.expectEnd()
        table = parts.joined(separator: ".")
        if tables.contains(where: { $0.name == table }) {
          throw SurvivalKitError.invalidData(
            line: line, column: nil, message: "plan: table [\(table)] is declared twice")
        }
        tables.append((table, line))
        continue
      }
      var parts: [String] = [try scanner.key()]
      scanner.skipSpaces()
      while scanner.consume(".") {
        scanner.skipSpaces()
        parts.append(try scanner.key())
        scanner.skipSpaces()
      }
      guard scanner.consume("=") else { throw scanner.error("expected '=' after the key") }
      scanner.skipSpaces()
      let value = try scanner.value()
      try scanner.expectEnd()
      let key = (table.isEmpty ? [] : [table]) + [parts.joined(separator: ".")]
      let full = key.joined(separator: ".")
      if values[full] != nil {
        throw SurvivalKitError.invalidData(
          line: line, column: nil, message: "plan: '\(full)' is set twice")
      }
      values[full] = (value, line)
      keys.append(full)
    }
    self.values = values
    self.keys = keys
    self.tables = tables
  }

  struct Scanner {
    let chars: [Character]
    let line: Int
    var position = 0
    /// How deeply arrays are nested at the current position.
    var depth = 0
    /// Plans need arrays of arrays at most; deeper nesting is refused before it can exhaust
    /// the stack (found by fuzzing).
    static let maximumDepth = 8

    init(_ chars: [Character], line: Int) {
      self.chars = chars
      self.line = line
    }

    var atEnd: Bool { position >= chars.count }
    var peek: Character? { atEnd ? nil : chars[position] }
    mutating func advance() { position += 1 }
    mutating func skipSpaces() {
      while let c = peek, c == " " || c == "\t" || c == "\r" { advance() }
    }
    mutating func consume(_ c: Character) -> Bool {
      if peek == c {
        advance()
        return true
      }
      return false
    }
    func error(_ message: String) -> SurvivalKitError {
      .invalidData(line: line, column: nil, message: "plan: \(message) (column \(position + 1))")
    }
    mutating func expectEnd() throws {
      skipSpaces()
      if let c = peek, c != "#" { throw error("unexpected '\(c)' after the value") }
    }
    mutating func key() throws -> String {
      if peek == "\"" || peek == "'" {
        guard case .string(let s) = try value() else { throw error("bad key") }
        return s
      }
      var name = ""
      while let c = peek, c.isLetter || c.isNumber || c == "_" || c == "-" {
        name.append(c)
        advance()
      }
      if name.isEmpty { throw error("expected a key") }
      return name
    }
    mutating func value() throws -> Value {
      guard let c = peek else { throw error("expected a value") }
      if c == "\"" {
        advance()
        var s = ""
        while true {
          guard let d = peek else {
            throw error("unclosed string (multi-line strings are not supported)")
          }
          advance()
          if d == "\"" { break }
          if d == "\\" {
            guard let e = peek else { throw error("unfinished escape") }
            advance()
            switch e {
            case "n": s.append("\n")
            case "t": s.append("\t")
            case "\"": s.append("\"")
            case "\\": s.append("\\")
            default: throw error("unsupported escape '\\\(e)'")
            }
          } else {
            s.append(d)
          }
        }
        return .string(s)
      }
      if c == "'" {
        advance()
        var s = ""
        while true {
          guard let d = peek else { throw error("unclosed literal string") }
          advance()
          if d == "'" { break }
          s.append(d)
        }
        return .string(s)
      }
      if c == "[" {
        guard depth < Scanner.maximumDepth else {
          throw error(
            "arrays nested more than \(Scanner.maximumDepth) deep; a plan needs at most arrays of "
              + "arrays")
        }
        depth += 1
        defer { depth -= 1 }
        advance()
        var items: [Value] = []
        skipSpaces()
        if consume("]") { return .array([]) }
        while true {
          skipSpaces()
          items.append(try value())
          skipSpaces()
          if consume(",") {
            skipSpaces()
            if consume("]") { break }
            continue
          }
          guard consume("]") else {
            throw error("expected ',' or ']' in the array (arrays must be on one line)")
          }
          break
        }
        return .array(items)
      }
      if c == "{" { throw error("inline tables are not supported; use a [table]") }
      var word = ""
      while let d = peek, d != " ", d != "\t", d != ",", d != "]", d != "#", d != "\r" {
        word.append(d)
        advance()
      }
      if word == "true" { return .bool(true) }
      if word == "false" { return .bool(false) }
      if let v = Double(word.replacing("_", with: "")), v.isFinite { return .number(v) }
      throw error("'\(word)' is not a string, number, boolean or array (quote text: \"...\")")
    }
  }

  // MARK: - Typed access

  func line(_ key: String) -> Int? { values[key]?.line }

  package func bool(_ key: String) throws -> Bool? {
    guard let (value, line) = values[key] else { return nil }
    guard case .bool(let b) = value else {
      throw SurvivalKitError.invalidData(
        line: line, column: nil, message: "plan: '\(key)' must be true or false")
    }
    return b
  }

  package func string(_ key: String) throws -> String? {
    guard let (value, line) = values[key] else { return nil }
    guard case .string(let s) = value else {
      throw SurvivalKitError.invalidData(
        line: line, column: nil, message: "plan: '\(key)' must be a quoted string")
    }
    return s
  }

  package func requiredString(_ key: String) throws -> String {
    guard let s = try string(key) else {
      throw SurvivalKitError.invalidData(
        line: nil, column: nil,
        message: "plan: '\(key)' is missing; add it (see notebooks-data/README.md)")
    }
    return s
  }

  package func number(_ key: String) throws -> Double? {
    guard let (value, line) = values[key] else { return nil }
    guard case .number(let v) = value else {
      throw SurvivalKitError.invalidData(
        line: line, column: nil, message: "plan: '\(key)' must be a number")
    }
    return v
  }

  package func numbers(_ key: String) throws -> [Double]? {
    guard let (value, line) = values[key] else { return nil }
    guard case .array(let items) = value else {
      throw SurvivalKitError.invalidData(
        line: line, column: nil, message: "plan: '\(key)' must be an array of numbers")
    }
    return try items.map {
      guard case .number(let v) = $0 else {
        throw SurvivalKitError.invalidData(
          line: line, column: nil, message: "plan: '\(key)' must hold numbers only")
      }
      return v
    }
  }

  package func strings(_ key: String) throws -> [String]? {
    guard let (value, line) = values[key] else { return nil }
    guard case .array(let items) = value else {
      throw SurvivalKitError.invalidData(
        line: line, column: nil, message: "plan: '\(key)' must be an array of strings")
    }
    return try items.map {
      guard case .string(let s) = $0 else {
        throw SurvivalKitError.invalidData(
          line: line, column: nil, message: "plan: '\(key)' must hold quoted strings only")
      }
      return s
    }
  }

  /// Keys directly under a table, with their string values ("labels.nosology").
  package func stringTable(_ table: String) throws -> [(String, String)] {
    try keys.filter { $0.hasPrefix(table + ".") }.map { key in
      (String(key.dropFirst(table.count + 1)), try requiredString(key))
    }
  }
}
