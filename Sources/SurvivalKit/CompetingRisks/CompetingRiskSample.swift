import SurvivalSupport

/// Competing-risk outcomes of the usable rows of a data set: a time, an optional entry time,
/// and a *cause* per row (censored, or one of several event types), with the rows' grouping.
///
/// The status column of `Surv(time, cause)` is read as a factor, as R's `survfit` reads a
/// factor status: one level means censored (by default 0 for a numeric column, and the first
/// level in code-point order — R's first factor level — for a text column), every other value
/// is a competing event type ("cause"). Causes are ordered as R orders factor levels. Rows
/// missing a value the formula (or the weights) use are dropped and counted; near-tied times
/// are merged as R's `timefix` does.
public struct CompetingRiskSample: Sendable {
  /// Event or censoring time of each used row.
  public let time: [Double]
  /// Entry time of each used row for counting-process data `Surv(start, stop, cause)`.
  public let entry: [Double]?
  /// 0 for censored, k (1-based) for the k-th entry of `causes`.
  public let cause: [Int32]
  /// The event types, in level order.
  public let causes: [String]
  /// The level read as censored.
  public let censoringLevel: String
  /// Case weights of the used rows, when a weights column was given.
  public let weights: [Double]?
  /// Curve membership: every combination of the term and `strata()` variables.
  public let grouping: Grouping
  /// Comparison groups: combinations of the term variables (what Gray's test compares).
  public let groups: Grouping
  /// Strata: combinations of the `strata()` variables.
  public let strata: Grouping
  /// File line of each used row.
  public let lineNumbers: [Int]
  /// Rows dropped because a variable the formula or the weights use was missing.
  public let dropped: Int
  /// The formula as written.
  public let formula: String
  /// The stable ascending order of `time`, when known.
  let ascendingTimeOrder: [Int]?
  /// The underlying event sample (rows, line numbers) for a design matrix.
  let eventSample: SurvivalSample?

  /// Number of used rows.
  public var count: Int { time.count }

  /// Reads the sample from `table`.
  ///
  /// - Parameters:
  ///   - table: the data.
  ///   - formula: `Surv(time, cause) ~ terms + strata(...)` or `Surv(start, stop, cause) ~ ...`;
  ///     the status must be the cause column itself (not an expression).
  ///   - censoring: the level meaning censored (default: 0 for a numeric column, the first
  ///     level in code-point order for a text column).
  ///   - weights: a column of positive case weights.
  /// - Throws: `SurvivalKitError` naming the line and column of bad values, or when no row
  ///   has an event.
  public init(table: DataTable, formula: Formula, censoring: String? = nil, weights: String? = nil)
    throws
  {
    try self.init(
      table: table, formula: formula, censoring: censoring, weights: weights, regression: false)
  }

  /// With `regression`, terms may be any model terms (rows missing a covariate are dropped)
  /// and the grouping is a single group; `rows` maps the used rows back to the table.
  init(
    table: DataTable, formula: Formula, censoring: String?, weights: String?, regression: Bool
  ) throws {
    guard case .column(let name) = formula.response.status else {
      throw SurvivalKitError.formulaSyntax(
        formula: formula.text, position: 0,
        message: "competing risks read the cause column itself, e.g. Surv(time, cause); "
          + "name the censoring level with --censored instead of a comparison")
    }
    if !regression, formula.cluster != nil {
      throw SurvivalKitError.formulaSyntax(
        formula: formula.text, position: 0,
        message: "cluster() is not supported here: each row is its own subject (R's "
          + "survfit(..., id = row)); give one row per subject or drop cluster()")
    }
    let column = try table.column(named: name)
    let derived: StatusExpression
    let censorText: String
    switch column.values {
    case .numeric(let v):
      let level: Double
      if let censoring {
        guard let x = Double(censoring) else {
          throw SurvivalKitError.invalidArgument(
            name: "censoring level",
            message: "'\(censoring)' is not a number, but column '\(name)' holds numbers")
        }
        level = x
      } else {
        level = 0
      }
      for (i, x) in v.enumerated() where !x.isNaN && !x.isFinite {
        throw SurvivalKitError.invalidData(
          line: table.lineNumbers[i], column: name, message: "cause is infinite")
      }
      derived = .notEqualsNumber(name, level)
      censorText = NumberFormatting.shortest(level)
    case .text(let levels, _):
      let sorted = levels.sorted(by: CodePoint.less)
      let level = censoring ?? sorted.first ?? ""
      guard levels.contains(level) else {
        let list = sorted.map { "'\($0)'" }.joined(separator: ", ")
        throw SurvivalKitError.invalidData(
          line: nil, column: name,
          message: "no row has the censoring level '\(level)'; the column holds \(list)")
      }
      derived = .notEqualsText(name, level)
      censorText = level
    case .date:
      throw SurvivalKitError.invalidData(
        line: nil, column: name, message: "holds dates, not a cause of failure")
    }
    let response = SurvResponse(
      start: formula.response.start, stop: formula.response.stop, status: derived)
    let eventFormula = Formula(
      text: formula.text, response: response, terms: formula.terms, strata: formula.strata,
      cluster: formula.cluster)
    let sample = try SurvivalSample(
      table: table, formula: eventFormula, timefix: true, regression: regression,
      extraColumns: weights.map { [$0] } ?? [])
    try sample.requireRows("formula")

    // Causes: the distinct non-censoring values of the used rows, in factor-level order.
    var code = [Int32](repeating: 0, count: sample.count)
    var labels: [String] = []
    switch column.values {
    case .numeric(let v):
      var distinct = Set<Double>()
      for (k, r) in sample.rows.enumerated() where sample.status[k] == 1 { distinct.insert(v[r]) }
      let levels = distinct.sorted()
      var position: [Double: Int32] = [:]
      for (k, x) in levels.enumerated() { position[x] = Int32(k + 1) }
      for (k, r) in sample.rows.enumerated() where sample.status[k] == 1 {
        code[k] = position[v[r]]!
      }
      labels = levels.map { NumberFormatting.shortest($0) }
    case .text(let levels, let codes):
      var present = [Bool](repeating: false, count: levels.count)
      for (k, r) in sample.rows.enumerated() where sample.status[k] == 1 {
        present[Int(codes[r])] = true
      }
      let order = levels.indices.filter { present[$0] }.sorted {
        CodePoint.less(levels[$0], levels[$1])
      }
      var position = [Int32](repeating: 0, count: levels.count)
      for (k, l) in order.enumerated() { position[l] = Int32(k + 1) }
      for (k, r) in sample.rows.enumerated() where sample.status[k] == 1 {
        code[k] = position[Int(codes[r])]
      }
      labels = order.map { levels[$0] }
    case .date:
      break
    }
    guard !labels.isEmpty else {
      throw SurvivalKitError.insufficientData(
        message: "no row has an event: every used row of '\(name)' is the censoring level "
          + "'\(censorText)'; name the censoring level with --censored if it is another value")
    }

    var w: [Double]? = nil
    if let weights {
      let wc = try table.column(named: weights)
      guard case .numeric(let values) = wc.values else {
        throw SurvivalKitError.invalidData(
          line: nil, column: weights, message: "case weights must be numbers")
      }
      var out = [Double](repeating: 0, count: sample.count)
      for (k, r) in sample.rows.enumerated() {
        let x = values[r]
        guard x.isFinite && x > 0 else {
          throw SurvivalKitError.invalidData(
            line: table.lineNumbers[r], column: weights,
            message: "case weight \(NumberFormatting.shortest(x)) is not a positive number; "
              + "drop the row or give it a weight > 0")
        }
        out[k] = x
      }
      w = out
    }
    self.time = sample.time
    self.entry = sample.entry
    self.cause = code
    self.causes = labels
    self.censoringLevel = censorText
    self.weights = w
    self.grouping = sample.grouping
    self.groups = sample.groups
    self.strata = sample.strata
    self.lineNumbers = Array(sample.lineNumbers)
    self.dropped = sample.dropped
    self.formula = formula.text
    self.ascendingTimeOrder = sample.ascendingTimeOrder
    self.eventSample = sample
  }

  /// Direct construction from arrays (for the library API and tests).
  ///
  /// - Parameters:
  ///   - time: event or censoring time of each row.
  ///   - cause: 0 = censored, k = the k-th cause (1-based) of `causes`.
  ///   - causes: the causes' labels.
  ///   - grouping: the group (curve) of each row; nil for one group.
  ///   - strata: the stratum of each row for Gray's test; nil for one stratum.
  ///   - entry: entry times for delayed entry; nil for none.
  ///   - weights: positive case weights; nil for none.
  public init(
    time: [Double], cause: [Int32], causes: [String], grouping: Grouping? = nil,
    strata: Grouping? = nil, entry: [Double]? = nil, weights: [Double]? = nil
  ) throws {
    guard cause.count == time.count else {
      throw SurvivalKitError.invalidArgument(
        name: "cause", message: "has \(cause.count) values for \(time.count) times")
    }
    for (i, c) in cause.enumerated() where c < 0 || Int(c) > causes.count {
      throw SurvivalKitError.invalidData(
        line: nil, column: "cause",
        message: "cause \(i + 1) is \(c); use 0 for censored or 1...\(causes.count)")
    }
    if let weights {
      guard weights.count == time.count, weights.allSatisfy({ $0.isFinite && $0 > 0 }) else {
        throw SurvivalKitError.invalidArgument(
          name: "weights", message: "need one positive finite weight per row")
      }
    }
    let sample = try SurvivalSample(
      time: time, status: cause.map { $0 > 0 ? 1 : 0 }, grouping: grouping, strata: strata,
      entry: entry)
    self.time = sample.time
    self.entry = sample.entry
    self.cause = cause
    self.causes = causes
    self.censoringLevel = "0"
    self.weights = weights
    self.grouping = sample.grouping
    self.groups = sample.groups
    self.strata = sample.strata
    self.lineNumbers = Array(sample.lineNumbers)
    self.dropped = 0
    self.formula = sample.formula
    self.ascendingTimeOrder = sample.ascendingTimeOrder
    self.eventSample = nil
  }
}
