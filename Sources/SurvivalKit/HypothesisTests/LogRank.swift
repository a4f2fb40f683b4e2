/// The k-sample weighted log-rank test (R's `survdiff`, and the weights of `LogRankWeight`),
/// optionally stratified.
///
/// Within each stratum, at each distinct event time t with n_t at risk and d_t events overall,
/// n_kt at risk and d_kt events in group k, and weight w_t:
///
///   O_k = Σ w_t d_kt,   E_k = Σ w_t d_t n_kt / n_t,
///   V_kl = Σ w_t² d_t (n_t - d_t)/(n_t - 1) · (n_kt/n_t) (δ_kl - n_lt/n_t),
///
/// summed over strata (a stratified test compares groups within strata only). With the
/// groups whose E_k > 0, dropping the first: χ² = (O - E)ᵀ V⁻¹ (O - E) on (groups - 1)
/// degrees of freedom (Mantel 1966; Harrington & Fleming 1982; Klein & Moeschberger 2003,
/// §7.3–7.5). For the G-rho family O and E are weighted, as R reports them.
///
/// - Complexity: O(n log n) for one sort per stratum, then O(k²) per distinct event time.
public enum LogRank {
  /// Runs the test on the sample's `groups`, stratified by its `strata`.
  public static func test(_ sample: SurvivalSample, weight: LogRankWeight = .logRank) throws
    -> LogRankTest
  {
    if sample.entry != nil {
      throw SurvivalKitError.invalidArgument(
        name: "formula",
        message: "log-rank tests take right-censored data Surv(time, status); "
          + "counting-process data Surv(start, stop, status) belong in a Cox model")
    }
    try sample.requireRows("formula")
    let k = sample.groups.labels.count
    guard k >= 2 else {
      throw SurvivalKitError.insufficientData(
        message: "a log-rank test compares groups, but the formula gives one group "
          + "('\(sample.groups.labels.first ?? "all")'); name a grouping variable, e.g. "
          + "Surv(time, status) ~ treatment")
    }
    let accumulation = accumulate(sample, weight: weight)
    var notes: [String] = []
    for g in 0..<k where accumulation.events[g] == 0 {
      notes.append("group '\(sample.groups.labels[g])' has no events")
    }
    let strataLabels = sample.strata.labels
    if strataLabels.count > 1 {
      for (s, present) in accumulation.presence.enumerated() {
        let absent = (0..<k).filter { !present[$0] }.map { "'\(sample.groups.labels[$0])'" }
        if !absent.isEmpty {
          notes.append(
            "stratum '\(strataLabels[s])' has no subjects of group \(absent.joined(separator: ", ")); "
              + "it contributes only to the other groups' comparison")
        }
      }
    }
    let included = (0..<k).filter { accumulation.expected[$0] > 0 }
    for g in 0..<k where accumulation.expected[g] <= 0 {
      notes.append(
        "group '\(sample.groups.labels[g])' is left out of the test: it has nobody at risk at any "
          + "event time (expected 0)")
    }
    var chisq = 0.0
    if included.count >= 2 {
      let reduced = Array(included.dropFirst())
      let u = reduced.map { accumulation.observed[$0] - accumulation.expected[$0] }
      var v = Matrix(zeros: reduced.count)
      for (a, i) in reduced.enumerated() {
        for (b, j) in reduced.enumerated() { v[a, b] = accumulation.variance[i, j] }
      }
      let solved: [Double]
      do {
        solved = try LAPACK.solve(v, u)
      } catch {
        throw SurvivalKitError.insufficientData(
          message: "the log-rank variance matrix is singular: the groups cannot be compared "
            + "(too few events, or groups that never overlap in time)")
      }
      for (a, x) in solved.enumerated() { chisq += x * u[a] }
    }
    let df = max(0, included.count - 1)
    let groups = (0..<k).map { g in
      LogRankTest.Group(
        label: sample.groups.labels[g], n: accumulation.counts[g], events: accumulation.events[g],
        observed: accumulation.observed[g], expected: accumulation.expected[g])
    }
    return LogRankTest(
      weight: weight, groups: groups, variance: accumulation.variance, chisq: chisq, df: df,
      p: df > 0 ? ChiSquare.upperTail(chisq, df: Double(df)) : nil, strata: strataLabels.count,
      notes: notes)
  }

  struct Accumulation {
    var observed: [Double]
    var expected: [Double]
    var variance: Matrix
    var counts: [Int]
    var events: [Int]
    /// presence[s][g]: whether stratum s has any subject of group g.
    var presence: [[Bool]]
  }

  /// One pass over each stratum's rows sorted by time.
  static func accumulate(_ sample: SurvivalSample, weight: LogRankWeight) -> Accumulation {
    let k = sample.groups.labels.count
    let strataCount = sample.strata.labels.count
    var acc = Accumulation(
      observed: [Double](repeating: 0, count: k), expected: [Double](repeating: 0, count: k),
      variance: Matrix(zeros: k), counts: [Int](repeating: 0, count: k),
      events: [Int](repeating: 0, count: k),
      presence: [[Bool]](repeating: [Bool](repeating: false, count: k), count: strataCount))
    // Bucket rows by stratum.
    var buckets = [[Entry]](repeating: [], count: strataCount)
    for i in 0..<sample.count {
      let g = sample.groups.codes[i]
      let s = Int(sample.strata.codes[i])
      buckets[s].append(Entry(time: sample.time[i], group: g, status: sample.status[i]))
      acc.counts[Int(g)] += 1
      acc.events[Int(g)] += Int(sample.status[i])
      acc.presence[s][Int(g)] = true
    }
    var atRisk = [Double](repeating: 0, count: k)
    var deaths = [Double](repeating: 0, count: k)
    var leaving = [Double](repeating: 0, count: k)
    for s in 0..<strataCount {
      var rows = buckets[s]
      buckets[s] = []
      rows.sort { $0.time < $1.time }
      for g in 0..<k { atRisk[g] = 0 }
      for r in rows { atRisk[Int(r.group)] += 1 }
      var n = Double(rows.count)
      var km = 1.0
      var peto = 1.0
      var i = 0
      while i < rows.count {
        let t = rows[i].time
        for g in 0..<k {
          deaths[g] = 0
          leaving[g] = 0
        }
        var d = 0.0
        var m = 0.0
        while i < rows.count && rows[i].time == t {
          let g = Int(rows[i].group)
          leaving[g] += 1
          m += 1
          if rows[i].status == 1 {
            deaths[g] += 1
            d += 1
          }
          i += 1
        }
        if d > 0 {
          peto *= 1 - d / (n + 1)
          let w = weight.weight(atRisk: n, kaplanMeier: km, peto: peto)
          for g in 0..<k {
            acc.observed[g] += w * deaths[g]
            acc.expected[g] += w * d * atRisk[g] / n
          }
          if n > 1 {
            let factor = w * w * d * (n - d) / (n - 1)
            for a in 0..<k where atRisk[a] > 0 {
              let pa = atRisk[a] / n
              for b in 0..<k {
                let pb = atRisk[b] / n
                acc.variance[a, b] += factor * pa * ((a == b ? 1 : 0) - pb)
              }
            }
          }
          km *= (n - d) / n
        }
        for g in 0..<k { atRisk[g] -= leaving[g] }
        n -= m
      }
    }
    return acc
  }

  struct Entry {
    var time: Double
    var group: Int32
    var status: UInt8
  }
}

/// The result of a log-rank-family test: an immutable value.
public struct LogRankTest: Sendable {
  public struct Group: Sendable, Equatable {
    public let label: String
    /// Subjects in the group.
    public let n: Int
    /// Events (unweighted count).
    public let events: Int
    /// Weighted observed events Σ w d_k (equal to `events` for the log-rank weight).
    public let observed: Double
    /// Weighted expected events under the null hypothesis.
    public let expected: Double
  }

  public let weight: LogRankWeight
  public let groups: [Group]
  /// The k × k variance matrix of O - E.
  public let variance: Matrix
  public let chisq: Double
  public let df: Int
  /// Upper-tail chi-square p-value; nil when no test is possible (df = 0).
  public let p: Double?
  /// Number of strata.
  public let strata: Int
  /// Explanations: groups without events, strata missing a group, groups left out.
  public let notes: [String]
}
