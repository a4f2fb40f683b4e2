import SurvivalSupport

/// The one error type SurvivalKit throws.
///
/// Every case names where the problem is (line, column, term or formula position) and its
/// `description` says what to do next. Validation happens at the boundary (CSV intake,
/// formula, API entry); the numerical core assumes clean, sorted input.
public enum SurvivalKitError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file could not be read.
  case fileUnreadable(path: String, reason: String)
  /// A CSV syntax problem at a 1-based physical line of the file.
  case csvSyntax(line: Int, message: String)
  /// A value that does not parse as the column's type. `line` is the 1-based file line.
  case badValue(line: Int, column: String, value: String, expected: String)
  /// A column named in a formula or option that the data do not have.
  case unknownColumn(name: String, available: [String])
  /// A formula that does not parse; `position` is the 0-based character offset.
  case formulaSyntax(formula: String, position: Int, message: String)
  /// The data do not satisfy what an estimator needs (e.g. negative time, bad status).
  case invalidData(line: Int?, column: String?, message: String)
  /// An argument outside its domain (confidence level, tau, probabilities ...).
  case invalidArgument(name: String, message: String)
  /// A numerical failure reported by the linear-algebra layer.
  case linearAlgebra(operation: String, message: String)
  /// No usable rows or no events where the method needs some.
  case insufficientData(message: String)

  /// The message a user reads: where the problem is and what to do next.
  public var description: String {
    switch self {
    case .fileUnreadable(let path, let reason):
      return "cannot read '\(path)': \(reason). Check the path and permissions."
    case .csvSyntax(let line, let message):
      return "line \(line): \(message)"
    case .badValue(let line, let column, let value, let expected):
      return
        "line \(line), column '\(VisibleText.quoted(column))': '\(VisibleText.quoted(value))' is not \(expected). "
        + "Fix the value, or mark it missing (empty or NA) so the row is dropped."
    case .unknownColumn(let name, let available):
      let list = available.map { "'\(VisibleText.quoted($0))'" }.joined(separator: ", ")
      return "unknown column '\(VisibleText.quoted(name))'. The file has: \(list)."
    case .formulaSyntax(let formula, let position, let message):
      let caret = String(repeating: " ", count: max(0, position)) + "^"
      return "cannot parse formula: \(message)\n  \(formula)\n  \(caret)"
    case .invalidData(let line, let column, let message):
      var location = ""
      if let line { location += "line \(line)" }
      if let column {
        location += (location.isEmpty ? "" : ", ") + "column '\(VisibleText.quoted(column))'"
      }
      return location.isEmpty ? message : "\(location): \(message)"
    case .invalidArgument(let name, let message):
      return "invalid \(name): \(message)"
    case .linearAlgebra(let operation, let message):
      return "\(operation): \(message)"
    case .insufficientData(let message):
      return message
    }
  }
}
