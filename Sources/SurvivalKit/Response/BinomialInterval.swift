import RealModule

/// How the confidence interval of a proportion is computed.
public enum BinomialInterval: String, Sendable, CaseIterable {
  /// Clopper–Pearson (1934): the exact interval from the beta quantiles, as R's `binom.test`.
  case clopperPearson = "clopper-pearson"
  /// Wilson (1927) score interval, as R's `prop.test(x, n, correct = FALSE)`.
  case wilson
  /// Agresti–Coull (1998): the Wald interval around p̃ = (x + z²/2)/(n + z²) with n + z² trials.
  case agrestiCoull = "agresti-coull"
}

/// A response rate x/n with a confidence interval.
///
/// - Clopper–Pearson: lower = B⁻¹(α/2; x, n − x + 1), upper = B⁻¹(1 − α/2; x + 1, n − x)
///   (0 when x = 0, 1 when x = n).
/// - Wilson: (x + z²/2)/(n + z²) ± z/(n + z²) · √(x(n − x)/n + z²/4).
/// - Agresti–Coull: p̃ ± z √(p̃(1 − p̃)/ñ) with ñ = n + z², p̃ = (x + z²/2)/ñ, truncated to [0, 1].
///
/// z = Φ⁻¹(1 − α/2). References: C. J. Clopper & E. S. Pearson (1934), Biometrika 26, 404–413;
/// E. B. Wilson (1927), JASA 22, 209–212; A. Agresti & B. A. Coull (1998), Am. Stat. 52,
/// 119–126; L. D. Brown, T. T. Cai & A. DasGupta (2001), Stat. Sci. 16, 101–133.
public struct ResponseRate: Sendable, Equatable {
  /// Responders.
  public let count: Int
  /// Patients evaluated.
  public let total: Int
  /// x / n.
  public let estimate: Double
  public let lower: Double
  public let upper: Double
  public let method: BinomialInterval
  public let confLevel: Double

  /// - Throws: when x is not in 0...n, n is not positive or the level is not in (0, 1).
  public init(
    count: Int, total: Int, method: BinomialInterval = .clopperPearson, confLevel: Double = 0.95
  ) throws {
    guard confLevel > 0 && confLevel < 1 else {
      throw SurvivalKitError.invalidArgument(
        name: "confidence level", message: "\(confLevel) is not between 0 and 1; use e.g. 0.95")
    }
    guard total > 0, count >= 0, count <= total else {
      throw SurvivalKitError.invalidArgument(
        name: "proportion", message: "\(count) of \(total) is not a proportion")
    }
    self.count = count
    self.total = total
    self.method = method
    self.confLevel = confLevel
    let x = Double(count)
    let n = Double(total)
    estimate = x / n
    let z = Normal.quantile(1 - (1 - confLevel) / 2)
    let z2 = z * z
    switch method {
    case .clopperPearson:
      let exact = try Proportion(count: count, total: total, confLevel: confLevel)
      lower = exact.lower
      upper = exact.upper
    case .wilson:
      let centre = (x + z2 / 2) / (n + z2)
      let half = z / (n + z2) * (x * (n - x) / n + z2 / 4).squareRoot()
      lower = max(0, centre - half)
      upper = min(1, centre + half)
    case .agrestiCoull:
      let nTilde = n + z2
      let pTilde = (x + z2 / 2) / nTilde
      let half = z * (pTilde * (1 - pTilde) / nTilde).squareRoot()
      lower = max(0, pTilde - half)
      upper = min(1, pTilde + half)
    }
  }
}
