/// A model formula with a binary or categorical response, e.g. `best %in% c("CR", "PR") ~ marker`.
///
/// The left side is a `ResponseExpression`; the right side is parsed as in `Formula` (main
/// effects, interactions, `log(x)`; `~ 1` has no terms). `strata()` and `cluster()` have no
/// meaning for a response model and are rejected.
///
/// Grammar of the left side:
/// ```
/// response := name [('==' | '!=') value | '%in%' 'c' '(' value (',' value)* ')']
/// value    := number | "text"
/// ```
public struct ResponseFormula: Sendable, Equatable {
  /// The text as the user wrote it.
  public let text: String
  /// The left side of '~'.
  public let response: ResponseExpression
  /// Right-hand-side terms in R's order (main effects first).
  public let terms: [Term]

  /// Parses a response formula.
  /// - Throws: `SurvivalKitError.formulaSyntax` with the caret position.
  public init(_ text: String) throws {
    var parser = FormulaParser(text)
    self = try parser.parseResponseFormula()
  }

  init(text: String, response: ResponseExpression, terms: [Term]) {
    self.text = text
    self.response = response
    self.terms = terms
  }

  /// The variables of the right side, in the order first used.
  public var termVariables: [String] {
    var names: [String] = []
    for term in terms {
      for factor in term.factors where !names.contains(factor.variable) {
        names.append(factor.variable)
      }
    }
    return names
  }
}

/// The left side of a `ResponseFormula`.
public enum ResponseExpression: Sendable, Equatable, CustomStringConvertible {
  /// A column: for a binary model coded 0/1 or TRUE/FALSE; for a table, its values.
  case column(String)
  /// `column == value` (a binary response: 1 when equal).
  case equals(String, ResponseValue)
  /// `column != value` (a binary response: 1 when different).
  case notEquals(String, ResponseValue)
  /// `column %in% c(v1, v2, ...)` (a binary response: 1 when one of the values).
  case isIn(String, [ResponseValue])

  /// The column the response reads.
  public var column: String {
    switch self {
    case .column(let c), .equals(let c, _), .notEquals(let c, _), .isIn(let c, _): return c
    }
  }

  /// Whether the expression makes the response binary by itself (a comparison).
  public var isComparison: Bool {
    if case .column = self { return false }
    return true
  }

  /// The expression as R writes it (`best %in% c("CR", "PR")`).
  public var description: String {
    switch self {
    case .column(let c): return c
    case .equals(let c, let v): return "\(c) == \(v)"
    case .notEquals(let c, let v): return "\(c) != \(v)"
    case .isIn(let c, let vs):
      return "\(c) %in% c(\(vs.map(\.description).joined(separator: ", ")))"
    }
  }
}

/// A literal on the left side of a `ResponseFormula`.
public enum ResponseValue: Sendable, Equatable, CustomStringConvertible {
  case number(Double)
  case text(String)

  /// The literal as R writes it (`"CR"`, `2`).
  public var description: String {
    switch self {
    case .number(let x): return x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)"
    case .text(let s): return "\"\(s)\""
    }
  }
}

extension FormulaParser {
  mutating func parseResponseFormula() throws -> ResponseFormula {
    try tokenize()
    if current == .name("Surv") {
      throw fail("a survival response belongs in a Cox model or a curve, not here", at: offset)
    }
    let column = try name("the response column")
    var response = ResponseExpression.column(column)
    if current == .symbol("==") || current == .symbol("!=") {
      let equal = current == .symbol("==")
      index += 1
      let value = try literal()
      response = equal ? .equals(column, value) : .notEquals(column, value)
    } else if current == .symbol("%in%") {
      index += 1
      guard current == .name("c") else {
        throw fail("expected c(...) after %in%, e.g. best %in% c(\"CR\", \"PR\")", at: offset)
      }
      index += 1
      try expect("(", "'(' after c")
      var values = [try literal()]
      while current == .symbol(",") {
        index += 1
        values.append(try literal())
      }
      try expect(")", "')' closing c(...)")
      response = .isIn(column, values)
    }
    try expect("~", "'~' after the response")
    let start = offset
    let (terms, strata, cluster) = try parseRightSide()
    if !strata.isEmpty || cluster != nil {
      throw fail("strata() and cluster() have no meaning in a response model; drop them", at: start)
    }
    return ResponseFormula(text: text, response: response, terms: terms)
  }

  private mutating func literal() throws -> ResponseValue {
    switch current {
    case .number(let v, _):
      index += 1
      return .number(v)
    case .string(let s):
      index += 1
      return .text(s)
    case .symbol("-"):
      index += 1
      guard case .number(let v, _) = current else {
        throw fail("expected a number after '-'", at: offset)
      }
      index += 1
      return .number(-v)
    default:
      throw fail("expected a number or a quoted value", at: offset)
    }
  }
}
