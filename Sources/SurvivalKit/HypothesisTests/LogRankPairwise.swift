/// Pairwise log-rank comparisons between all groups, with adjusted p-values (as survminer's
/// `pairwise_survdiff`): each pair is tested on the rows of its two groups only, with the
/// same weight and strata, and the p-values are adjusted over all pairs. Every pair reads the
/// one event table of the sample (its weights from the pair's own pooled series).
///
/// - Complexity: one O(n log n) table, then O(cells) per pair.
public struct LogRankPairwise: Sendable {
  public struct Pair: Sendable, Equatable {
    public let group1: String
    public let group2: String
    public let chisq: Double
    public let df: Int
    public let p: Double?
    public let pAdjusted: Double?
  }

  public let adjustment: PValueAdjustment
  public let pairs: [Pair]

  public init(
    _ sample: SurvivalSample, weight: LogRankWeight = .logRank,
    adjustment: PValueAdjustment = .holm
  ) throws {
    let k = sample.groups.labels.count
    guard k >= 2 else {
      throw SurvivalKitError.insufficientData(
        message: "pairwise comparisons need at least two groups")
    }
    if sample.entry != nil {
      throw SurvivalKitError.invalidArgument(
        name: "formula",
        message: "log-rank tests take right-censored data Surv(time, status); "
          + "counting-process data Surv(start, stop, status) belong in a Cox model")
    }
    try sample.requireRows("formula")
    let table = EventTable(sample)
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
