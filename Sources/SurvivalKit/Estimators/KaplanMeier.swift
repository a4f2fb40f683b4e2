/// Kaplan–Meier product-limit estimation with Greenwood variances and Nelson–Aalen
/// cumulative hazards, one curve per group.
///
/// For each distinct time t_j with n_j at risk and d_j events:
/// - S(t) = Π_{t_j <= t} (1 - d_j / n_j)                           (Kaplan & Meier 1958)
/// - σ²(t) = Σ_{t_j <= t} d_j / (n_j (n_j - d_j)), SE(S) = S σ    (Greenwood 1926);
///   σ is infinite, and SE and limits undefined, once S reaches 0
/// - H(t) = Σ d_j / n_j, Var H(t) = Σ d_j / n_j²                   (Nelson 1972, Aalen 1978)
/// These are the quantities R's `survfit` (stype = 1, ctype = 1) reports. With
/// counting-process data `Surv(start, stop, status)` (delayed entry), n_j counts the rows with
/// start < t_j <= stop, as R does.
///
/// - Complexity: O(n log n) per group (one sort), then O(number of distinct times).
public enum KaplanMeier {
  /// Fits one curve per group of `sample` (R's `survfit(Surv(time, status) ~ groups, conf.type,
  /// conf.int)`).
  ///
  /// - Parameters:
  ///   - sample: The outcome; one curve per group of its `grouping` (term and `strata()`
  ///     combinations), in group order.
  ///   - confType: The transform of the pointwise confidence limits.
  ///   - confLevel: The confidence level, in (0, 1).
  /// - Returns: The curves with the sample's dropped-row count and formula.
  /// - Throws: `SurvivalKitError.invalidArgument` when `confLevel` is not in (0, 1);
  ///   `SurvivalKitError.insufficientData` when the sample has no rows.
  public static func fit(
    _ sample: SurvivalSample, confType: ConfidenceTransform = .log, confLevel: Double = 0.95
  ) throws -> KaplanMeierFit {
    try validate(confLevel: confLevel)
    try sample.requireRows("formula")
    let table = EventTable(curvesOf: sample)
    let curves = sample.grouping.labels.indices.map { s in
      KaplanMeierCurve(
        label: table.strata[s], series: table.pooled(stratum: s), confType: confType,
        confLevel: confLevel)
    }
    return KaplanMeierFit(
      curves: curves, confType: confType, confLevel: confLevel, dropped: sample.dropped,
      formula: sample.formula)
  }

  /// Median follow-up by the reverse Kaplan–Meier method (Schemper & Smith 1996): the
  /// censorings are treated as events and the events as censorings, one curve per group.
  ///
  /// - Parameters:
  ///   - sample: The outcome; its statuses are flipped, its times (already merged by `timefix`),
  ///     entry times and grouping kept.
  ///   - confType: The transform of the pointwise confidence limits.
  ///   - confLevel: The confidence level, in (0, 1).
  /// - Returns: The reverse curves (read the follow-up median with `KaplanMeierCurve.median`),
  ///   with the sample's dropped-row count and formula.
  /// - Throws: `SurvivalKitError.invalidArgument` when `confLevel` is not in (0, 1);
  ///   `SurvivalKitError.insufficientData` when the sample has no rows.
  public static func reverse(
    _ sample: SurvivalSample, confType: ConfidenceTransform = .log, confLevel: Double = 0.95
  ) throws -> KaplanMeierFit {
    let flipped = try SurvivalSample(
      time: sample.time, status: sample.status.map { 1 - $0 }, grouping: sample.grouping,
      entry: sample.entry, timefix: false)
    let fit = try fit(flipped, confType: confType, confLevel: confLevel)
    return KaplanMeierFit(
      curves: fit.curves, confType: confType, confLevel: confLevel, dropped: sample.dropped,
      formula: sample.formula)
  }

  /// The product-limit estimate S(t) just after each time of a series:
  /// S(t) = Π_{t_j <= t} (1 - d_j / n_j) (Kaplan & Meier 1958). The one place where the
  /// Kaplan–Meier product is computed: curves and log-rank weights both read it.
  /// - Complexity: O(number of times).
  ///
  /// - Parameter series: One series of an event table (distinct times with numbers at risk and
  ///   events).
  /// - Returns: S at each time of the series, in its order.
  public static func survival(_ series: EventTable.Series) -> [Double] {
    var s = [Double](repeating: 1, count: series.time.count)
    var surv = 1.0
    for j in 0..<series.time.count {
      let d = Double(series.nEvent[j])
      if d > 0 {
        let n = Double(series.nRisk[j])
        surv *= (n - d) / n
      }
      s[j] = surv
    }
    return s
  }

  /// Peto's survival estimate S̃(t) = Π_{t_j <= t} (1 - d_j / (n_j + 1)) just after each time
  /// of a series (Peto & Peto 1972; Klein & Moeschberger 2003, §7.3), the Peto–Peto weight.
  /// - Complexity: O(number of times).
  ///
  /// - Parameter series: One series of an event table.
  /// - Returns: S̃ at each time of the series, in its order.
  public static func petoSurvival(_ series: EventTable.Series) -> [Double] {
    var s = [Double](repeating: 1, count: series.time.count)
    var surv = 1.0
    for j in 0..<series.time.count {
      let d = Double(series.nEvent[j])
      if d > 0 { surv *= 1 - d / (Double(series.nRisk[j]) + 1) }
      s[j] = surv
    }
    return s
  }

  static func validate(confLevel: Double) throws {
    guard confLevel > 0 && confLevel < 1 else {
      throw SurvivalKitError.invalidArgument(
        name: "confidence level",
        message: "\(confLevel) is not between 0 and 1 (exclusive); use e.g. 0.95")
    }
  }
}

/// A fitted set of Kaplan–Meier curves: an immutable value.
public struct KaplanMeierFit: Sendable {
  /// One curve per group, in group order (`SurvivalSample.grouping`).
  public let curves: [KaplanMeierCurve]
  /// The transform the confidence limits of every curve were built on.
  public let confType: ConfidenceTransform
  /// The confidence level of every curve's limits, in (0, 1).
  public let confLevel: Double
  /// Rows dropped for missing values.
  public let dropped: Int
  /// The formula the curves were fitted with.
  public let formula: String

  /// Subjects used.
  public var n: Int { curves.reduce(0) { $0 + $1.n } }
  /// Events in all curves.
  public var events: Int { curves.reduce(0) { $0 + $1.events } }

  /// A set of curves fitted elsewhere (for example a subset or a reordering of another fit's
  /// curves), all with the same confidence transform and level.
  ///
  /// - Parameters:
  ///   - curves: The curves, in the order they should be reported.
  ///   - confType: The transform their limits were built on.
  ///   - confLevel: The confidence level of their limits.
  ///   - dropped: Rows dropped for missing values before fitting.
  ///   - formula: The formula to report the curves with.
  public init(
    curves: [KaplanMeierCurve], confType: ConfidenceTransform, confLevel: Double, dropped: Int,
    formula: String = "Surv(time, status) ~ 1"
  ) {
    self.formula = formula
    self.curves = curves
    self.confType = confType
    self.confLevel = confLevel
    self.dropped = dropped
  }
}

/// One Kaplan–Meier curve with its pointwise confidence limits.
public struct KaplanMeierCurve: Sendable {
  /// The group label as R labels strata (`sex=1`, `sex=f, trt=placebo`); `all` for a single curve.
  public let label: String
  /// Subjects in the group.
  public let n: Int
  /// Events in the group.
  public let events: Int
  /// Distinct times (events and censorings), ascending.
  public let time: [Double]
  /// Number at risk just before each time (R's `n.risk`); with delayed entry, the rows with
  /// start < t <= stop.
  public let nRisk: [Int]
  /// Events at each time (R's `n.event`).
  public let nEvent: [Int]
  /// Censorings at each time (R's `n.censor`).
  public let nCensor: [Int]
  /// S(t) just after each time.
  public let survival: [Double]
  /// σ(t): standard error of the cumulative hazard by Greenwood (R's `std.err`); may be +∞.
  public let greenwoodSigma: [Double]
  /// SE of S(t) = S σ; nil where S = 0.
  public let standardError: [Double?]
  /// Lower pointwise confidence limit of S(t) on the `confType` transform; nil where undefined
  /// (S = 0; S = 1 for `logLog`, `logit` and `arcsin`).
  public let lower: [Double?]
  /// Upper pointwise confidence limit of S(t) on the `confType` transform; nil where undefined.
  public let upper: [Double?]
  /// Nelson–Aalen cumulative hazard H(t).
  public let cumulativeHazard: [Double]
  /// Standard error of H(t): sqrt(Σ d/n²).
  public let cumulativeHazardStandardError: [Double]
  /// The transform the limits were built on (R's `conf.type`).
  public let confType: ConfidenceTransform
  /// The confidence level of the limits, in (0, 1).
  public let confLevel: Double

  /// The same curve under another label.
  ///
  /// - Parameter label: The new label.
  /// - Returns: A copy with every estimate unchanged.
  public func relabelled(_ label: String) -> KaplanMeierCurve {
    KaplanMeierCurve(copy: self, label: label)
  }

  private init(copy c: KaplanMeierCurve, label: String) {
    self.label = label
    n = c.n
    events = c.events
    time = c.time
    nRisk = c.nRisk
    nEvent = c.nEvent
    nCensor = c.nCensor
    survival = c.survival
    greenwoodSigma = c.greenwoodSigma
    standardError = c.standardError
    lower = c.lower
    upper = c.upper
    cumulativeHazard = c.cumulativeHazard
    cumulativeHazardStandardError = c.cumulativeHazardStandardError
    confType = c.confType
    confLevel = c.confLevel
  }

  /// The curve of one series of an event table, with limits on the `confType` transform.
  ///
  /// - Parameters:
  ///   - label: The curve's label.
  ///   - table: The `series` argument: distinct times with numbers at risk, events and
  ///     censorings (an `EventTable.Series`).
  ///   - confType: The transform of the pointwise confidence limits.
  ///   - confLevel: The confidence level, in (0, 1) (not checked here; `KaplanMeier.fit` checks
  ///     it).
  /// - Complexity: O(number of times).
  public init(
    label: String, series table: EventTable.Series, confType: ConfidenceTransform = .log,
    confLevel: Double = 0.95
  ) {
    let count = table.time.count
    let s = KaplanMeier.survival(table)
    var sigma = [Double](repeating: 0, count: count)
    var se = [Double?](repeating: nil, count: count)
    var lo = [Double?](repeating: nil, count: count)
    var hi = [Double?](repeating: nil, count: count)
    var h = [Double](repeating: 0, count: count)
    var hse = [Double](repeating: 0, count: count)
    let z = Normal.quantile(1 - (1 - confLevel) / 2)
    var greenwood = 0.0
    var hazard = 0.0
    var hazardVariance = 0.0
    for j in 0..<count {
      let n = Double(table.nRisk[j])
      let d = Double(table.nEvent[j])
      if d > 0 {
        greenwood += n > d ? d / (n * (n - d)) : .infinity
        hazard += d / n
        hazardVariance += d / (n * n)
      }
      let surv = s[j]
      sigma[j] = greenwood.squareRoot()
      se[j] = surv > 0 ? surv * sigma[j] : nil
      (lo[j], hi[j]) = confType.limits(survival: surv, sigma: sigma[j], z: z)
      h[j] = hazard
      hse[j] = hazardVariance.squareRoot()
    }
    self.label = label
    self.n = table.n
    self.events = table.events
    self.time = table.time
    self.nRisk = table.nRisk
    self.nEvent = table.nEvent
    self.nCensor = table.nCensor
    self.survival = s
    self.greenwoodSigma = sigma
    self.standardError = se
    self.lower = lo
    self.upper = hi
    self.cumulativeHazard = h
    self.cumulativeHazardStandardError = hse
    self.confType = confType
    self.confLevel = confLevel
  }
}
