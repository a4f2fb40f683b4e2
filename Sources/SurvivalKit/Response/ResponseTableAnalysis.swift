/// A response table with its rates and tests: what `survkit table` prints.
///
/// Per group the response rate (the second response column over the group's total, for a
/// binary response) with its interval, the same for all groups together, Pearson's chi-square
/// test, and, when asked for, Fisher's exact test (2 × 2 with the odds ratio, or
/// Freeman–Halton for r × c).
public struct ResponseTableAnalysis: Sendable {
  /// The counts.
  public let contingency: ContingencyTable
  /// One per row (nil for a non-binary response or an empty row).
  public let rates: [ResponseRate?]
  /// All rows together (nil for a non-binary response).
  public let overall: ResponseRate?
  /// Pearson's chi-square test (nil when fewer than 2 non-empty rows or columns).
  public let chiSquare: PearsonChiSquareTest?
  /// Fisher's exact test, when asked for.
  public let fisher: FisherExactTest?
  /// The exact Cochran–Armitage trend test across the ordered rows, when asked for.
  public let trend: CochranArmitageTest?
  /// Interval method of the rates.
  public let interval: BinomialInterval
  /// Confidence level of the rates.
  public let confLevel: Double

  /// Computes the rates and the tests of a table.
  /// - Parameters:
  ///   - table: the counts.
  ///   - exact: run Fisher's exact test.
  ///   - scores: row scores for the exact Cochran–Armitage trend test (binary response only).
  ///   - interval: how the rates' intervals are computed.
  ///   - confLevel: their confidence level.
  public init(
    table: ContingencyTable, exact: Bool, trend scores: [Double]? = nil,
    interval: BinomialInterval = .clopperPearson, confLevel: Double = 0.95
  ) throws {
    self.contingency = table
    self.interval = interval
    self.confLevel = confLevel
    rates = try table.rates(method: interval, confLevel: confLevel)
    if table.isBinary {
      let totals = table.columnTotals
      overall = try ResponseRate(
        count: totals[1], total: totals[0] + totals[1], method: interval, confLevel: confLevel)
    } else {
      overall = nil
    }
    let nonEmptyRows = table.rowTotals.filter { $0 > 0 }.count
    let nonEmptyColumns = table.columnTotals.filter { $0 > 0 }.count
    let testable = nonEmptyRows >= 2 && nonEmptyColumns >= 2
    chiSquare = testable ? try PearsonChiSquareTest(counts: table.counts) : nil
    fisher = exact && testable ? try FisherExactTest(counts: table.counts) : nil
    if let scores {
      guard table.isBinary else {
        throw SurvivalKitError.invalidArgument(
          name: "trend",
          message: "the trend test needs a binary response (two columns); this one has "
            + "\(table.columnLabels.count)")
      }
      trend = try CochranArmitageTest(
        responders: table.counts.map { $0[1] }, totals: table.rowTotals, scores: scores)
    } else {
      trend = nil
    }
  }
}
