import SurvivalSupport

// Every public result prints as the CLI's `table` format prints it, so `print(fit)` in a Swift
// script shows what `survkit ... --format table` shows (without the final line break, which
// `print` adds).

extension String {
  /// The text without one final line break.
  fileprivate var withoutFinalNewline: String {
    hasSuffix("\n") ? String(dropLast()) : self
  }
}

extension KaplanMeierFit: CustomStringConvertible {
  /// The summary table (n, events, median with limits per curve), as `survkit km` prints it.
  public var description: String { ((try? table(formula: formula)) ?? "").withoutFinalNewline }
}

extension LogRankTest: CustomStringConvertible {
  /// The test table, as `survkit logrank` prints it (R's `print(survdiff)`).
  public var description: String { table(formula: formula, dropped: dropped).withoutFinalNewline }
}

extension LogRankTrend: CustomStringConvertible {
  /// The trend test line, as `survkit logrank --trend` prints it.
  public var description: String { line().withoutFinalNewline }
}

extension LogRankPairwise: CustomStringConvertible {
  /// The pairwise table, as `survkit logrank --pairwise` prints it.
  public var description: String { table().withoutFinalNewline }
}

extension CoxFit: CustomStringConvertible {
  /// The model summary, as `survkit cox` prints it (R's `summary(coxph)`).
  public var description: String { table().withoutFinalNewline }
}

extension CoxZPH: CustomStringConvertible {
  /// The proportional-hazards test table, as `survkit cox --zph` prints it (R's
  /// `print(cox.zph)`).
  public var description: String { table().withoutFinalNewline }
}

extension Concordance: CustomStringConvertible {
  /// `Concordance = 0.603 (se = 0.02509)`.
  public var description: String { line().withoutFinalNewline }
}

extension MaximallySelectedLogRank: CustomStringConvertible {
  /// The best cutpoint, the statistic and its selection-adjusted p-value.
  public var description: String {
    let f = { (x: Double) in NumberFormatting.significant(x) }
    return "Maximally selected log-rank statistic: M = \(f(statistic)) at cutpoint "
      + "\(NumberFormatting.shortest(cutpoint)) (\(candidates) candidate cutpoints, "
      + "\(NumberFormatting.shortest(minProportion * 100)) % or more on each side)\n"
      + "p = \(f(adjustedP)) adjusted for the selection (Lausen-Schumacher 1992); "
      + "unadjusted p of the best split = \(f(naiveP))"
  }
}
