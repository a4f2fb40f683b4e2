import SurvivalSupport

/// The log-rank test for trend across ordered groups (SAS PROC LIFETEST `TREND`, Stata
/// `sts test, trend`).
///
/// With scores c_k for the groups and O, E, V from `LogRank` (same weights and strata):
/// U = Σ c_k (O_k - E_k), Var U = cᵀ V c, and χ² = U² / Var U on 1 degree of freedom;
/// z = U / √Var U is reported too (positive: more events than expected in high-score groups).
/// Reference: Collett (2015), Modelling Survival Data in Medical Research, 3rd ed., §2.6;
/// Klein & Moeschberger (2003), §7.4.
public struct LogRankTrend: Sendable, Equatable {
  /// The score c_k of each group, in group order.
  public let scores: [Double]
  /// χ² = U² / Var U.
  public let statistic: Double
  /// z = U / √Var U; positive when high-score groups have more events than expected.
  public let z: Double
  /// Degrees of freedom: always 1.
  public let df: Int
  /// Upper-tail χ²(1) p-value of `statistic` (two-sided in `z`).
  public let p: Double

  /// Trend test from a finished test and one score per group (in group order).
  ///
  /// - Parameters:
  ///   - test: A finished k-group test; its weights and strata carry over.
  ///   - scores: One finite score per group, in the test's group order.
  /// - Throws: `SurvivalKitError.invalidArgument` when the number of scores differs from the
  ///   number of groups or a score is not finite; `SurvivalKitError.insufficientData` when Var U
  ///   is not positive (for example equal scores for every group).
  public init(test: LogRankTest, scores: [Double]) throws {
    guard scores.count == test.groups.count else {
      throw SurvivalKitError.invalidArgument(
        name: "scores",
        message: "need one score per group (\(test.groups.count)), got \(scores.count)")
    }
    guard scores.allSatisfy(\.isFinite) else {
      throw SurvivalKitError.invalidArgument(
        name: "scores", message: "scores must be finite numbers")
    }
    var u = 0.0
    for (c, g) in zip(scores, test.groups) { u += c * (g.observed - g.expected) }
    var variance = 0.0
    for a in 0..<scores.count {
      for b in 0..<scores.count { variance += scores[a] * test.variance[a][b] * scores[b] }
    }
    guard variance > 0 else {
      throw SurvivalKitError.insufficientData(
        message: "the trend statistic has zero variance: give the groups different scores")
    }
    self.scores = scores
    self.z = u / variance.squareRoot()
    self.statistic = u * u / variance
    self.df = 1
    self.p = ChiSquare.upperTail(statistic, df: 1)
  }

  /// Scores for the groups of a sample: the numeric value of a column (which must be constant
  /// within each group), or nil for the level order 1, 2, ..., k.
  ///
  /// - Parameters:
  ///   - sample: The sample the test was run on, read from `table`.
  ///   - table: The data the sample was read from.
  ///   - column: A numeric column holding each group's score, or nil for 1, 2, ..., k.
  /// - Returns: One score per group, in group order.
  /// - Throws: `SurvivalKitError.unknownColumn` when `table` has no such column;
  ///   `SurvivalKitError.invalidData` when it is not numeric, a used row has no score, or the
  ///   score differs within a group.
  public static func scores(
    for sample: SurvivalSample, table: DataTable, column: String?
  ) throws -> [Double] {
    guard let column else { return (1...sample.groups.labels.count).map(Double.init) }
    let c = try table.column(named: column)
    guard case .numeric(let values) = c.values else {
      throw SurvivalKitError.invalidData(
        line: nil, column: column,
        message: "trend scores must be numbers; this is a \(c.typeName) column")
    }
    guard sample.rows.allSatisfy({ $0 < values.count }) else {
      throw SurvivalKitError.invalidArgument(
        name: "table", message: "the sample was not read from this table; pass the same table")
    }
    var scores = [Double?](repeating: nil, count: sample.groups.labels.count)
    for i in 0..<sample.count {
      let g = Int(sample.groups.codes[i])
      let v = values[sample.rows[i]]
      guard !v.isNaN else {
        throw SurvivalKitError.invalidData(
          line: sample.lineNumbers[i], column: column, message: "trend score is missing")
      }
      if let s = scores[g], s != v {
        throw SurvivalKitError.invalidData(
          line: sample.lineNumbers[i], column: column,
          message:
            "score \(NumberFormatting.shortest(v)) differs from \(NumberFormatting.shortest(s)) "
            + "earlier in group '\(sample.groups.labels[g])'; a score must be constant within a group"
        )
      }
      scores[g] = v
    }
    if let empty = scores.firstIndex(where: { $0 == nil }) {
      throw SurvivalKitError.insufficientData(
        message: "group '\(sample.groups.labels[empty])' has no rows, so it has no trend score")
    }
    return scores.map { $0 ?? 0 }
  }
}
