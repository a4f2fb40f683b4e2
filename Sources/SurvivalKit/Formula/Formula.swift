/// A model formula in R's survival syntax, e.g. `Surv(time, status == 2) ~ sex + strata(centre)`.
///
/// The left side is a `SurvResponse`; the right side is a list of terms (main effects,
/// interactions `a:b`, `a*b` expanded to `a + b + a:b`, `log(x)`), strata variables from
/// `strata(...)`, and an optional `cluster(id)`. `~ 1` has no terms.
public struct Formula: Sendable, Equatable {
  /// The most factors one `a * b * ...` product may cross: 10 factors make 1,023 terms.
  public static let maximumCrossedFactors = 10

  /// The text as the user wrote it.
  public let text: String
  /// The left side: `Surv(time, status)` or `Surv(start, stop, status)`.
  public let response: SurvResponse
  /// Right-hand-side terms in the order written (after `*` expansion), without strata/cluster.
  public let terms: [Term]
  /// Variables named inside `strata(...)`, in order.
  public let strata: [String]
  /// The variable inside `cluster(...)`, if any.
  public let cluster: String?

  /// Parses a formula.
  ///
  /// - Parameter text: The formula in R syntax, e.g. `Surv(time, status) ~ sex + strata(centre)`.
  /// - Throws: `SurvivalKitError.formulaSyntax` with the 0-based position of the problem (printed
  ///   with a caret under it).
  public init(_ text: String) throws {
    var parser = FormulaParser(text)
    self = try parser.parseFormula()
  }

  init(text: String, response: SurvResponse, terms: [Term], strata: [String], cluster: String?) {
    self.text = text
    self.response = response
    self.terms = terms
    self.strata = strata
    self.cluster = cluster
  }

  /// Every variable a grouping (curve per combination) uses: term variables then strata.
  /// Every column the formula reads: the response's time(s) and status, the terms' variables,
  /// `strata()` and `cluster()`; what `CSVOptions.columns` needs to read the file for this
  /// formula only.
  public var variables: [String] {
    var names = [response.start, response.stop, response.status.column].compactMap { $0 }
    for name in groupingVariables + (cluster.map { [$0] } ?? []) where !names.contains(name) {
      names.append(name)
    }
    return names
  }

  /// The grouping variables: the terms' variables, then the `strata()` variables.
  public var groupingVariables: [String] {
    var names: [String] = []
    for term in terms {
      for factor in term.factors where !names.contains(factor.variable) {
        names.append(factor.variable)
      }
    }
    for s in strata where !names.contains(s) { names.append(s) }
    return names
  }
}

/// `Surv(time, status)` or `Surv(start, stop, status)`.
public struct SurvResponse: Sendable, Equatable {
  /// Entry time column for counting-process data; nil for right-censored data.
  public let start: String?
  /// Event or censoring time column.
  public let stop: String
  /// The status argument: which column it reads and which values mean an event.
  public let status: StatusExpression
}

/// How the status argument of `Surv()` is written.
public enum StatusExpression: Sendable, Equatable {
  /// A column coded 0/1, 1/2 (R: 1 = censored, 2 = event) or TRUE/FALSE.
  case column(String)
  /// `column == number`: event when equal.
  case equalsNumber(String, Double)
  /// `column == "text"`: event when equal.
  case equalsText(String, String)
  /// `column != number`: event when different.
  case notEqualsNumber(String, Double)
  /// `column != "text"`: event when different.
  case notEqualsText(String, String)

  /// The column the status reads.
  public var column: String {
    switch self {
    case .column(let c), .equalsNumber(let c, _), .equalsText(let c, _),
      .notEqualsNumber(let c, _), .notEqualsText(let c, _):
      return c
    }
  }
}

/// One right-hand-side term: a main effect (one factor) or an interaction (several).
public struct Term: Sendable, Equatable, CustomStringConvertible {
  /// The factors of the term: one for a main effect, several for an interaction `a:b`.
  public let factors: [TermFactor]
  /// The term as R names it: its factors joined by `:`.
  public var description: String { factors.map(\.description).joined(separator: ":") }
}

/// A variable in a term, possibly transformed.
public enum TermFactor: Sendable, Equatable, CustomStringConvertible {
  /// A variable as it is: a numeric covariate or a factor.
  case variable(String)
  /// `log(variable)`: the natural logarithm of a numeric variable.
  case log(String)

  /// The name of the variable, without the transform.
  public var variable: String {
    switch self {
    case .variable(let v), .log(let v): return v
    }
  }

  /// The factor as written: `x` or `log(x)`.
  public var description: String {
    switch self {
    case .variable(let v): return v
    case .log(let v): return "log(\(v))"
    }
  }
}
