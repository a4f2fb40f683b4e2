import SurvivalSupport

/// Everything a Cox model reads from the data, built once: the survival sample (times,
/// statuses, entry times, strata, line numbers, rows dropped), the design matrix, the case
/// weights and the `cluster()` groups. The fit, the robust variance, the concordance and
/// cox.zph all work from this one value.
///
/// Build it from a table and a formula (`init(table:formula:weights:references:)`) or from
/// arrays in a Swift script (`init(time:status:start:covariates:names:weights:strata:cluster:)`).
public struct CoxModelFrame: Sendable {
  /// Outcome, strata and bookkeeping of the rows used.
  public let sample: SurvivalSample
  /// Covariate columns of the rows used.
  public let design: DesignMatrix
  /// Case weight of each row used (all 1 without weights).
  public let weights: [Double]
  /// Whether case weights were given.
  public let hasWeights: Bool
  /// Cluster of each row used, from a `cluster()` term or the `cluster` argument.
  public let cluster: [Int32]?
  /// The value of the `cluster()` variable (or `cluster` label) of each cluster code.
  public let clusterLevels: [String]?
  /// The model as R would print it (`Surv(time, status) ~ age + sex`).
  public let formula: String

  /// Reads the rows a formula uses from a table: rows with a missing value in any variable of
  /// the formula, the weights or the cluster are dropped and counted.
  ///
  /// - Parameters:
  ///   - table: The data, taken over: passed its last reference (`consume table`), the
  ///     columns the model does not use are released before the frame makes its own arrays.
  ///   - formula: The model formula; at least one covariate on the right of `~`.
  ///   - weights: Name of a column of positive case weights.
  ///   - references: Non-default reference levels of factors (variable -> level).
  /// - Throws: `SurvivalKitError.formulaSyntax` when the formula has no covariate;
  ///   `SurvivalKitError.insufficientData` when no row is complete;
  ///   `SurvivalKitError.unknownColumn` for a missing column; `SurvivalKitError.invalidData`,
  ///   `SurvivalKitError.badValue` or `SurvivalKitError.invalidArgument` for a bad value, weight,
  ///   transform or reference level.
  public init(
    table: consuming DataTable, formula: Formula, weights: String? = nil,
    references: [String: String] = [:]
  ) throws {
    guard !formula.terms.isEmpty else {
      throw SurvivalKitError.formulaSyntax(
        formula: formula.text, position: formula.text.count,
        message: "a Cox model needs at least one covariate on the right of '~'")
    }
    let sample = try SurvivalSample(
      regressionTable: copy table, formula: formula, extraColumns: weights.map { [$0] } ?? [])
    try sample.requireRows("model")
    let design = try DesignMatrix.make(
      table: table, formula: formula, sample: sample, references: references)
    var w: [Double]? = nil
    if let name = weights {
      let column = try table.column(named: name)
      guard case .numeric(let v) = column.values else {
        throw SurvivalKitError.invalidData(
          line: nil, column: name,
          message: "weights must be numbers; this is a \(column.typeName) column")
      }
      w = [Double](repeating: 1, count: sample.count)
      for (k, r) in sample.rows.enumerated() {
        guard v[r] > 0 && v[r].isFinite else {
          throw SurvivalKitError.invalidData(
            line: table.lineNumbers[r], column: name,
            message:
              "weight \(NumberFormatting.shortest(v[r])) is not positive; case weights must be > 0")
        }
        w![k] = v[r]
      }
    }
    var cluster: [Int32]? = nil
    var clusterLevels: [String]? = nil
    if let name = formula.cluster {
      let column = try table.column(named: name)
      let grouping = Grouping.make(columns: [column], rows: sample.rows)
      cluster = grouping.codes
      clusterLevels = grouping.labels.map { String($0.dropFirst(name.count + 1)) }
    }
    // The table's columns the design does not share (time, status) are released before the
    // unit weights are made, so the weights can take their place.
    _ = consume table
    self.sample = sample
    self.design = design
    self.weights = w ?? [Double](repeating: 1, count: sample.count)
    self.hasWeights = weights != nil
    self.cluster = cluster
    self.clusterLevels = clusterLevels
    self.formula = formula.text
  }

  /// A frame from arrays, for a Swift script that has its data in memory.
  ///
  /// - Parameters:
  ///   - time: event or censoring times (stop times with `start`).
  ///   - status: 1 for an event, 0 for censoring.
  ///   - start: entry times for counting-process data `Surv(start, stop, status)`.
  ///   - covariates: one array per covariate, in the order of `names`, each with one value per
  ///     row (`covariates[j][i]` is covariate j of row i), as the columns of a data frame.
  ///   - names: the covariates' names.
  ///   - weights: positive case weights.
  ///   - strata: stratum label of each row (R's `strata()`).
  ///   - cluster: cluster label of each row (R's `cluster()`).
  /// No value may be missing (NaN): drop incomplete rows before calling.
  ///
  /// - Throws: `SurvivalKitError.insufficientData` when there are no rows;
  ///   `SurvivalKitError.invalidArgument` when there is no covariate, names repeat, or an array
  ///   has the wrong length; `SurvivalKitError.invalidData` for a missing or non-finite value, a
  ///   status other than 0 or 1, a start not before its stop, or a weight that is not positive.
  public init(
    time: [Double], status: [Int], start: [Double]? = nil, covariates: [[Double]],
    names: [String], weights: [Double]? = nil, strata: [String]? = nil, cluster: [String]? = nil
  ) throws {
    let n = time.count
    func check(_ count: Int?, _ name: String) throws {
      if let count, count != n {
        throw SurvivalKitError.invalidArgument(
          name: name, message: "has \(count) values for \(n) times; give one per row")
      }
    }
    try check(status.count, "status")
    try check(start?.count, "start")
    try check(weights?.count, "weights")
    try check(strata?.count, "strata")
    try check(cluster?.count, "cluster")
    guard n > 0 else {
      throw SurvivalKitError.insufficientData(message: "no rows: give at least one time")
    }
    guard !names.isEmpty else {
      throw SurvivalKitError.invalidArgument(
        name: "names", message: "a Cox model needs at least one covariate; name each column")
    }
    guard Set(names).count == names.count else {
      throw SurvivalKitError.invalidArgument(
        name: "names", message: "covariate names must be distinct: \(names)")
    }
    guard covariates.count == names.count else {
      throw SurvivalKitError.invalidArgument(
        name: "covariates",
        message: "\(covariates.count) covariate arrays for \(names.count) names; give one array "
          + "per name")
    }
    for (j, column) in covariates.enumerated() {
      try check(column.count, names[j])
      if let i = column.firstIndex(where: { !$0.isFinite }) {
        throw SurvivalKitError.invalidData(
          line: nil, column: names[j],
          message: "row \(i + 1) is \(column[i]); drop rows with missing values before fitting")
      }
    }
    let columns = covariates
    var codes = [UInt8](repeating: 0, count: n)
    for (i, s) in status.enumerated() {
      guard s == 0 || s == 1 else {
        throw SurvivalKitError.invalidData(
          line: nil, column: "status", message: "row \(i + 1) is \(s), not 0 or 1")
      }
      codes[i] = UInt8(s)
    }
    if let start {
      for i in 0..<n where !(start[i].isFinite && start[i] < time[i]) {
        throw SurvivalKitError.invalidData(
          line: nil, column: "start",
          message: "row \(i + 1): start \(NumberFormatting.shortest(start[i])) is not before "
            + "stop \(NumberFormatting.shortest(time[i]))")
      }
    }
    if let weights {
      for (i, w) in weights.enumerated() where !(w > 0 && w.isFinite) {
        throw SurvivalKitError.invalidData(
          line: nil, column: "weights",
          message: "row \(i + 1) is \(NumberFormatting.shortest(w)); case weights must be > 0")
      }
    }
    func grouping(_ labels: [String], _ variable: String) -> Grouping {
      let levels = Array(Set(labels)).sorted(by: CodePoint.less)
      var code: [String: Int32] = [:]
      for (k, l) in levels.enumerated() { code[l] = Int32(k) }
      return Grouping(
        labels: levels.map { "\(variable)=\($0)" }, codes: labels.map { code[$0]! })
    }
    let sample = try SurvivalSample(
      time: time, status: codes, strata: strata.map { grouping($0, "strata") }, entry: start)
    self.sample = sample
    self.design = DesignMatrix(
      names: names, terms: names, columns: columns, references: [:],
      encodings: Dictionary(uniqueKeysWithValues: names.map { ($0, .numeric) }))
    self.weights = weights ?? [Double](repeating: 1, count: n)
    self.hasWeights = weights != nil
    let clusterGrouping = cluster.map { grouping($0, "cluster") }
    self.cluster = clusterGrouping?.codes
    self.clusterLevels = clusterGrouping?.labels.map { String($0.dropFirst("cluster=".count)) }
    let response = start == nil ? "Surv(time, status)" : "Surv(start, time, status)"
    var rhs = names
    if strata != nil { rhs.append("strata(strata)") }
    if cluster != nil { rhs.append("cluster(cluster)") }
    self.formula = "\(response) ~ \(rhs.joined(separator: " + "))"
  }

  /// Whether any case weight is not a whole number (R's condition for the robust variance by
  /// default).
  public var hasNonIntegerWeights: Bool {
    hasWeights && weights.contains { $0 != $0.rounded(.down) }
  }
}
