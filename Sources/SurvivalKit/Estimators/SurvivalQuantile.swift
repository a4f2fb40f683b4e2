/// Quantiles of a survival curve with confidence limits, by R's rule.
///
/// The p-quantile is the smallest t with S(t) <= 1 - p. When S sits exactly at 1 - p (within
/// tol = sqrt(machine epsilon)) over a flat stretch, it is the midpoint of that stretch: from
/// the time S reached 1 - p to the next time S drops (or to the last time of the curve when
/// S never drops again). The confidence limits are the same rule applied to the lower and
/// upper pointwise limit curves (Brookmeyer & Crowley 1982, as R's `quantile.survfit`).
/// A quantile the curve never reaches is nil (R's NA).
///
/// R disagrees with itself at one point: when S sits exactly at 1 - p from some time until
/// the curve's last time, a censoring (data 10 event, 20 event, 30 censored, 40 censored: S = 0.5
/// from 20 on), R's `quantile.survfit` gives the midpoint of that stretch (median 30) while
/// `print.survfit` and `summary(fit)$table` give its start (20). SurvivalKit follows
/// `quantile.survfit`, because that is the one rule it applies to every p and to the confidence
/// limits, and R's own quantile function is the documented definition; the two answers bracket
/// the stretch on which the median is not identified.
public struct SurvivalQuantile: Sendable, Equatable {
  /// The probability p: the quantile is the first time at which S(t) <= 1 - p.
  public let probability: Double
  /// The p-quantile of survival time; nil when the curve never reaches 1 - p (R's NA).
  public let estimate: Double?
  /// Lower confidence limit: the same rule applied to the lower pointwise limit curve; nil when
  /// that curve never reaches 1 - p.
  public let lower: Double?
  /// Upper confidence limit: the same rule applied to the upper pointwise limit curve; nil when
  /// that curve never reaches 1 - p (R's NA, common for the upper limit of a median).
  public let upper: Double?
}

extension KaplanMeierCurve {
  /// The p-quantile (p in [0, 1]) with its confidence limits; `median` is p = 0.5.
  ///
  /// - Parameter p: The probability, in [0, 1]; p = 0 gives time 0.
  /// - Returns: The quantile and its confidence limits.
  /// - Throws: `SurvivalKitError.invalidArgument` when `p` is outside [0, 1].
  /// - Complexity: O(m log m) for m curve times.
  public func quantile(_ p: Double) throws -> SurvivalQuantile {
    guard p >= 0 && p <= 1 else {
      throw SurvivalKitError.invalidArgument(
        name: "probability", message: "\(p) is outside [0, 1]")
    }
    let x = [0] + time
    let estimate = Self.findQuantile(x: x, y: [0] + survival.map { 1 - $0 }, p: p)
    let lowerQ = Self.findQuantile(x: x, y: [0] + lower.map { $0.map { 1 - $0 } }, p: p)
    let upperQ = Self.findQuantile(x: x, y: [0] + upper.map { $0.map { 1 - $0 } }, p: p)
    return SurvivalQuantile(probability: p, estimate: estimate, lower: lowerQ, upper: upperQ)
  }

  /// The median survival time with its confidence limits.
  public var median: SurvivalQuantile { try! quantile(0.5) }

  /// Time at which the step function y (a cumulative distribution, nil = undefined) reaches
  /// p, with the midpoint rule on flat stretches.
  static func findQuantile(x: [Double], y: [Double?], p: Double) -> Double? {
    let tol = Double.ulpOfOne.squareRoot()
    var maxY = -Double.infinity
    for v in y { if let v { maxY = max(maxY, v) } }
    if maxY < p { return nil }
    let xmax = x[x.count - 1]
    // Keep the first occurrence of each distinct y value (nil counts as one value).
    var xs: [Double] = []
    var ys: [Double?] = []
    var seen = Set<Double>()
    var seenNil = false
    for (xi, yi) in zip(x, y) {
      if let yi {
        if seen.insert(yi).inserted {
          xs.append(xi)
          ys.append(yi)
        }
      } else if !seenNil {
        seenNil = true
        xs.append(xi)
        ys.append(nil)
      }
    }
    if p == 0 { return xs[0] }
    // Smallest position whose value (y + shift) is >= p, among defined values; nil when p is
    // outside the range of the shifted values (R's approx(..., method = "constant", f = 1)).
    func position(shift: Double) -> Int? {
      var knots: [(value: Double, index: Int)] = []
      for (k, v) in ys.enumerated() { if let v { knots.append((v + shift, k)) } }
      knots.sort { $0.value < $1.value }
      guard let first = knots.first, let last = knots.last, p >= first.value, p <= last.value
      else { return nil }
      return knots.first { $0.value >= p }?.index
    }
    guard let i1 = position(shift: tol) else { return nil }
    if let last = ys[ys.count - 1], abs(p - last) < tol {
      return (xs[i1] + xmax) / 2
    }
    guard let i2 = position(shift: -tol) else { return nil }
    return (xs[i1] + xs[i2]) / 2
  }
}
