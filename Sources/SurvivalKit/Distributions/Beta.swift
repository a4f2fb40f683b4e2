import RealModule

/// The beta distribution: regularized incomplete beta function and its inverse, for exact
/// (Clopper–Pearson) binomial confidence intervals.
public enum Beta {
  /// The regularized incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b).
  ///
  /// Computed by the continued fraction of Abramowitz & Stegun 26.5.8 (modified Lentz), using
  /// the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) where it converges faster
  /// (x >= (a + 1)/(a + b + 2)).
  ///
  /// - Parameters:
  ///   - x: The upper limit of integration.
  ///   - a: The first shape parameter, > 0.
  ///   - b: The second shape parameter, > 0.
  /// - Returns: I_x(a, b); 0 for x <= 0 and 1 for x >= 1.
  /// - Complexity: At most 10 000 continued-fraction terms; it stops once a term changes the
  ///   value by less than 1e-16.
  public static func regularized(_ x: Double, a: Double, b: Double) -> Double {
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    let logFront =
      Double.logGamma(a + b) - Double.logGamma(a) - Double.logGamma(b) + a * Double.log(x) + b
      * Double.log(onePlus: -x)
    if x < (a + 1) / (a + b + 2) {
      return Double.exp(logFront) * continuedFraction(x, a, b) / a
    }
    return 1 - Double.exp(logFront) * continuedFraction(1 - x, b, a) / b
  }

  static func continuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
    let tiny = 1e-300
    var c = 1.0
    var d = 1 - (a + b) * x / (a + 1)
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var h = d
    for m in 1...10_000 {
      let m = Double(m)
      var numerator = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
      d = 1 + numerator * d
      if abs(d) < tiny { d = tiny }
      c = 1 + numerator / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      h *= d * c
      numerator = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
      d = 1 + numerator * d
      if abs(d) < tiny { d = tiny }
      c = 1 + numerator / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let delta = d * c
      h *= delta
      if abs(delta - 1) < 1e-16 { break }
    }
    return h
  }

  /// The p-quantile of Beta(a, b): the x with I_x(a, b) = p.
  ///
  /// Found by bisection on the monotone I_x(a, b); 200 halvings reach the resolution of doubles.
  ///
  /// - Parameters:
  ///   - p: The probability.
  ///   - a: The first shape parameter, > 0.
  ///   - b: The second shape parameter, > 0.
  /// - Returns: The quantile; 0 for p <= 0 and 1 for p >= 1.
  /// - Complexity: At most 200 evaluations of `regularized(_:a:b:)`.
  public static func quantile(_ p: Double, a: Double, b: Double) -> Double {
    if p <= 0 { return 0 }
    if p >= 1 { return 1 }
    var lo = 0.0
    var hi = 1.0
    for _ in 0..<200 {
      let mid = (lo + hi) / 2
      if mid == lo || mid == hi { break }
      if regularized(mid, a: a, b: b) < p { lo = mid } else { hi = mid }
    }
    return (lo + hi) / 2
  }
}

/// A proportion with its exact Clopper–Pearson confidence interval (Clopper & Pearson 1934):
/// lower = Beta⁻¹(α/2; x, n - x + 1), upper = Beta⁻¹(1 - α/2; x + 1, n - x), with lower 0 when
/// x = 0 and upper 1 when x = n (R's `binom.test`).
public struct Proportion: Sendable, Equatable {
  /// Number of successes x.
  public let count: Int
  /// Number of trials n.
  public let total: Int
  /// The observed proportion x / n.
  public let estimate: Double
  /// Lower Clopper–Pearson limit: Beta⁻¹(α/2; x, n - x + 1), or 0 when x = 0.
  public let lower: Double
  /// Upper Clopper–Pearson limit: Beta⁻¹(1 - α/2; x + 1, n - x), or 1 when x = n.
  public let upper: Double

  /// The proportion `count` / `total` with its exact two-sided interval, as R's
  /// `binom.test(count, total, conf.level = confLevel)$conf.int`.
  ///
  /// - Parameters:
  ///   - count: Number of successes x, 0 <= x <= n.
  ///   - total: Number of trials n, > 0.
  ///   - confLevel: The confidence level 1 - α (not checked; give a value in (0, 1)).
  /// - Throws: `SurvivalKitError.invalidArgument` when `total` <= 0 or `count` is outside
  ///   [0, `total`].
  public init(count: Int, total: Int, confLevel: Double = 0.95) throws {
    guard total > 0, count >= 0, count <= total else {
      throw SurvivalKitError.invalidArgument(
        name: "proportion", message: "\(count) of \(total) is not a proportion")
    }
    let alpha = 1 - confLevel
    self.count = count
    self.total = total
    self.estimate = Double(count) / Double(total)
    self.lower =
      count == 0 ? 0 : Beta.quantile(alpha / 2, a: Double(count), b: Double(total - count + 1))
    self.upper =
      count == total
      ? 1 : Beta.quantile(1 - alpha / 2, a: Double(count + 1), b: Double(total - count))
  }
}
