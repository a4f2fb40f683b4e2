/// Pairwise log-rank comparisons between all groups, with adjusted p-values (as survminer's
/// `pairwise_survdiff`): each pair is tested on the rows of its two groups only, with the
/// same weight and strata, and the p-values are adjusted over all pairs. Every pair reads the
/// one event table of the sample (its weights from the pair's own pooled series).
///
/// - Complexity: one O(n log n) table, then O(cells) per pair.
public struct LogRankPairwise: Sendable {
  /// One comparison of two groups.
  public struct Pair: Sendable, Equatable {
    /// Label of the first group (earlier in group order).
    public let group1: String
    /// Label of the second group.
    public let group2: String
    /// The pair's log-rank χ² (see `LogRankTest.chisq`).
    public let chisq: Double
    /// 1, or 0 when the pair cannot be compared (a group with expected 0).
    public let df: Int
    /// Unadjusted upper-tail χ² p-value; nil when df = 0.
    public let p: Double?
    /// The p-value adjusted over all pairs that have one; nil when `p` is nil.
    public let pAdjusted: Double?
  }

  /// The multiple-comparison adjustment applied.
  public let adjustment: PValueAdjustment
  /// Every pair (a, b) with a before b in group order: (1, 2), (1, 3), ..., (2, 3), ...
  public let pairs: [Pair]

  /// Tests every pair of groups of a sample and adjusts the p-values.
  ///
  /// - Parameters:
  ///   - sample: Right-censored data with at least two `groups`; its `strata` stratify each test.
  ///   - weight: The weight of each event time, as in `LogRank.test(_:weight:)`.
  ///   - adjustment: The adjustment over the pairs (R's `p.adjust.method`).
  /// - Throws: `SurvivalKitError.insufficientData` when there are fewer than two groups, no rows,
  ///   or a pair's variance matrix is singular; `SurvivalKitError.invalidArgument` for
  ///   counting-process data.
  public init(
    _ sample: SurvivalSample, weight: LogRankWeight = .logRank,
    adjustment: PValueAdjustment = .holm
  ) throws {
    let k = sample.groups.labels.count
    guard k >= 2 else {
      throw SurvivalKitError.insufficientData(
        message: "pairwise comparisons need at least two groups")
    }
    try LogRank.requireRightCensored(sample)
    let table = EventTable(sample)
    // Each pair reads the cells of its strata: about n work per pair.
    let pairCount = k * (k - 1) / 2
    guard Double(pairCount) * Double(max(sample.count, 1)) <= LogRank.workLimit, k <= 2_000 else {
      throw SurvivalKitError.insufficientData(
        message:
          "pairwise comparisons of \(k) groups make \(pairCount) tests on \(sample.count) rows, "
          + "too many to run; group the variable into fewer levels")
    }
    var raw: [(Int, Int, LogRankTest)] = []
    for a in 0..<k {
      for b in (a + 1)..<k {
        raw.append(
          (
            a, b,
            try LogRank.test(
              table, groups: [a, b], weight: weight, formula: sample.formula,
              dropped: sample.dropped)
          ))
      }
    }
    let defined = raw.compactMap { $0.2.p }
    let adjusted = adjustment.adjust(defined)
    var next = 0
    var pairs: [Pair] = []
    for (a, b, t) in raw {
      var adj: Double? = nil
      if t.p != nil {
        adj = adjusted[next]
        next += 1
      }
      pairs.append(
        Pair(
          group1: sample.groups.labels[a], group2: sample.groups.labels[b], chisq: t.chisq,
          df: t.df, p: t.p, pAdjusted: adj))
    }
    self.adjustment = adjustment
    self.pairs = pairs
  }
}
