import SurvivalSupport

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
  ///
  /// As R's `survdiff(Surv(time, status) ~ groups + strata(...), rho = ρ)` for the weights R has.
  ///
  /// - Parameters:
  ///   - sample: Right-censored data with at least two `groups`; its `strata` stratify the test.
  ///   - weight: The weight of each event time.
  /// - Returns: The statistic with observed and expected events per group.
  /// - Throws: `SurvivalKitError.invalidArgument` for counting-process data
  ///   (`Surv(start, stop, status)`); `SurvivalKitError.insufficientData` when the sample has no
  ///   rows or one group, or when the variance matrix is singular.
  /// - Complexity: O(n log n) for the event table, then O(k²) per distinct event time.
  public static func test(_ sample: SurvivalSample, weight: LogRankWeight = .logRank) throws
    -> LogRankTest
  {
    try requireRightCensored(sample)
    let k = sample.groups.labels.count
    guard k >= 2 else {
      throw SurvivalKitError.insufficientData(
        message: "a log-rank test compares groups, but the formula gives one group "
          + "('\(sample.groups.labels.first ?? "all")'); name a grouping variable, e.g. "
          + "Surv(time, status) ~ treatment")
    }
    let table = EventTable(sample)
    let eventTimes = table.nEvent.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
    try checkWork(groups: k, eventTimes: eventTimes, what: "a log-rank test")
    return try test(
      table, groups: Array(0..<k), weight: weight, formula: sample.formula,
      dropped: sample.dropped)
  }

  /// Log-rank tests take right-censored data with at least one usable row.
  static func requireRightCensored(_ sample: SurvivalSample) throws {
    if sample.entry != nil {
      throw SurvivalKitError.invalidArgument(
        name: "formula",
        message: "log-rank tests take right-censored data Surv(time, status); "
          + "counting-process data Surv(start, stop, status) belong in a Cox model")
    }
    try sample.requireRows("formula")
  }

  /// The most arithmetic a test may need before it is refused (about a minute at worst).
  static let workLimit = 20_000_000_000.0

  /// Refuses a test whose k² work per event time would run for hours: a grouping with
  /// thousands of levels is almost always a wrong column.
  static func checkWork(groups k: Int, eventTimes: Int, what: String) throws {
    let work = Double(k) * Double(k) * Double(max(eventTimes, 1))
    guard k <= 2_000 && work <= workLimit else {
      throw SurvivalKitError.insufficientData(
        message: "\(what) of \(k) groups over \(eventTimes) event times needs about "
          + "\(NumberFormatting.significant(work, digits: 2)) operations (k² per event time), "
          + "too many to run; a grouping with thousands of levels is almost always a wrong "
          + "column (an id or a continuous value): group it into fewer levels")
    }
  }

  /// The test of the chosen groups of an event table (all of them, or a pair for pairwise
  /// comparisons), stratified by the table's strata.
  static func test(
    _ table: EventTable, groups chosen: [Int], weight: LogRankWeight, formula: String,
    dropped: Int
  ) throws -> LogRankTest {
    let k = chosen.count
    let labels = chosen.map { table.groups[$0] }
    let accumulation = try accumulate(table, groups: chosen, weight: weight)
    var notes: [String] = []
    for g in 0..<k where accumulation.events[g] == 0 {
      notes.append("group '\(labels[g])' has no events")
    }
    let strataLabels = table.strata
    if strataLabels.count > 1 {
      for (s, present) in accumulation.presence.enumerated() {
        let absent = (0..<k).filter { !present[$0] }.map { "'\(labels[$0])'" }
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
        "group '\(labels[g])' is left out of the test: it has nobody at risk at any "
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
        label: labels[g], n: accumulation.counts[g], events: accumulation.events[g],
        observed: accumulation.observed[g], expected: accumulation.expected[g])
    }
    return LogRankTest(
      weight: weight, groups: groups,
      variance: (0..<k).map { a in (0..<k).map { b in accumulation.variance[a, b] } }, chisq: chisq,
      df: df,
      p: df > 0 ? ChiSquare.upperTail(chisq, df: Double(df)) : nil, strata: strataLabels.count,
      notes: notes, formula: formula, dropped: dropped)
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

  /// One pass over each stratum's pooled times of the event table, for the chosen groups
  /// (all groups, or a pair for pairwise tests); the result is indexed by position in `chosen`.
  /// The weights come from the pooled series of the chosen groups (`LogRankWeight.weights`).
  static func accumulate(_ table: EventTable, groups chosen: [Int], weight: LogRankWeight) throws
    -> Accumulation
  {
    let k = chosen.count
    let allGroups = k == table.groups.count
    var local = [Int](repeating: -1, count: table.groups.count)
    for (a, g) in chosen.enumerated() { local[g] = a }
    let strataCount = table.strata.count
    var acc = Accumulation(
      observed: [Double](repeating: 0, count: k), expected: [Double](repeating: 0, count: k),
      variance: Matrix(zeros: k), counts: [Int](repeating: 0, count: k),
      events: [Int](repeating: 0, count: k),
      presence: [[Bool]](repeating: [Bool](repeating: false, count: k), count: strataCount))
    var atRisk = [Double](repeating: 0, count: k)
    var deaths = [Double](repeating: 0, count: k)
    var leaving = [Double](repeating: 0, count: k)
    for s in 0..<strataCount {
      for (a, g) in chosen.enumerated() {
        let size = table.size[s * table.groups.count + g]
        atRisk[a] = Double(size)
        acc.counts[a] += size
        acc.presence[s][a] = size > 0
      }
      let series =
        allGroups ? table.pooled(stratum: s) : try table.series(stratum: s, groups: chosen)
      guard !series.time.isEmpty else { continue }
      let w = weight.weights(series)
      var q = 0
      for j in table.range(stratum: s) {
        var any = false
        for a in 0..<k {
          deaths[a] = 0
          leaving[a] = 0
        }
        for cell in table.cellStart[j]..<table.cellStart[j + 1] {
          let a = local[Int(table.cellGroup[cell])]
          guard a >= 0 else { continue }
          any = true
          deaths[a] = Double(table.cellEvent[cell])
          leaving[a] = Double(table.cellEvent[cell] + table.cellCensor[cell])
          acc.events[a] += table.cellEvent[cell]
        }
        guard any else { continue }
        let n = Double(series.nRisk[q])
        let d = Double(series.nEvent[q])
        if d > 0 {
          let wt = w[q]
          for g in 0..<k {
            acc.observed[g] += wt * deaths[g]
            acc.expected[g] += wt * d * atRisk[g] / n
          }
          if n > 1 {
            let factor = wt * wt * d * (n - d) / (n - 1)
            for a in 0..<k where atRisk[a] > 0 {
              let pa = atRisk[a] / n
              for b in 0..<k {
                let pb = atRisk[b] / n
                acc.variance[a, b] += factor * pa * ((a == b ? 1 : 0) - pb)
              }
            }
          }
        }
        for g in 0..<k { atRisk[g] -= leaving[g] }
        q += 1
      }
    }
    return acc
  }
}

/// The result of a log-rank-family test: an immutable value.
public struct LogRankTest: Sendable {
  /// One compared group: its size, events, and weighted observed and expected events.
  public struct Group: Sendable, Equatable {
    /// The group label as R labels strata (`sex=1`).
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

  /// The weight function of the test.
  public let weight: LogRankWeight
  /// Every group in group order, including any left out of the statistic (expected 0).
  public let groups: [Group]
  /// The k × k variance matrix of O - E: `variance[a][b]`.
  public let variance: [[Double]]
  /// χ² = (O - E)ᵀ V⁻¹ (O - E) over the groups with E_k > 0, the first dropped; 0 when df = 0.
  public let chisq: Double
  /// Degrees of freedom: the number of groups with E_k > 0, minus 1 (never negative).
  public let df: Int
  /// Upper-tail chi-square p-value; nil when no test is possible (df = 0).
  public let p: Double?
  /// Number of strata.
  public let strata: Int
  /// Explanations: groups without events, strata missing a group, groups left out.
  public let notes: [String]
  /// The formula the test was run with.
  public let formula: String
  /// Rows dropped for missing values.
  public let dropped: Int
}
