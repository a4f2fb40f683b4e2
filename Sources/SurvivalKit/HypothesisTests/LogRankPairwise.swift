/// Pairwise log-rank comparisons between all groups, with adjusted p-values (as survminer's
/// `pairwise_survdiff`): each pair is tested on the rows of its two groups only, with the
/// same weight and strata, and the p-values are adjusted over all pairs.
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
    var raw: [(Int, Int, LogRankTest)] = []
    for a in 0..<k {
      for b in (a + 1)..<k {
        let subset = try sample.subset(groups: [Int32(a), Int32(b)])
        raw.append((a, b, try LogRank.test(subset, weight: weight)))
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
