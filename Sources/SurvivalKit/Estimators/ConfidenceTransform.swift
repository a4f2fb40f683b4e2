import RealModule

/// The transform on which pointwise confidence limits for S(t) are built (R's `conf.type`).
///
/// With z = Φ⁻¹(1 - (1 - level)/2) and σ = SE of the cumulative hazard by Greenwood,
/// σ² = Σ d/(n(n-d)) (so SE(S) = S σ):
/// - `log` (default): S exp(∓zσ), upper limit capped at 1;
/// - `logLog`: S^exp(±zσ / log S), i.e. exp(-exp(log(-log S) ∓ zσ/log S)); undefined at S = 1;
/// - `plain`: S ∓ zσS, clipped to [0, 1];
/// - `logit`: 1 - 1/(1 + exp(log(S/(1-S)) ∓ zσ/(1-S)));
/// - `arcsin`: sin²(asin(√S) ∓ ½zσ√(S/(1-S))), the angle clipped to [0, π/2].
/// Limits are undefined (nil) where the transform is: at S = 0 for every transform, and where
/// R's `survfit` gives NA or NaN (S = 1 for `log-log`, `logit` and `arcsin`).
///
/// Reference: Kalbfleisch & Prentice (2002), The Statistical Analysis of Failure Time Data,
/// 2nd ed., §1.4; Borgan & Liestøl (1990), Scand. J. Statist. 17, 35–41 (arcsin);
/// R survival's `survfit_confint`.
public enum ConfidenceTransform: String, Sendable, CaseIterable {
  /// Limits on log S (R's default `conf.type = "log"`).
  case log = "log"
  /// Limits on log(-log S) (R's `"log-log"`).
  case logLog = "log-log"
  /// Limits on S itself (R's `"plain"`).
  case plain = "plain"
  /// Limits on log(S / (1 - S)) (R's `"logit"`).
  case logit = "logit"
  /// Limits on asin(√S) (R's `"arcsin"`).
  case arcsin = "arcsin"

  /// Accepts R's names and common spellings (`loglog`, `log_log`).
  ///
  /// - Parameter name: The name, case-insensitive: `log`; `log-log`, `loglog`, `log_log`,
  ///   `cloglog`; `plain`, `linear`; `logit`; `arcsin`, `asin`, `arcsine`, `arcsin-sqrt`.
  ///   Any other name gives nil.
  public init?(name: String) {
    switch name.lowercased() {
    case "log": self = .log
    case "log-log", "loglog", "log_log", "cloglog": self = .logLog
    case "plain", "linear": self = .plain
    case "logit": self = .logit
    case "arcsin", "asin", "arcsine", "arcsin-sqrt": self = .arcsin
    default: return nil
    }
  }

  /// Pointwise limits for a survival probability on this transform.
  ///
  /// - Parameters:
  ///   - s: The `survival` argument: S(t), in [0, 1].
  ///   - sigma: σ(t), the Greenwood standard error of the cumulative hazard (may be +∞).
  ///   - z: The normal quantile Φ⁻¹(1 - (1 - level)/2).
  /// - Returns: The lower and upper limits of S(t); each nil where undefined (S = 0, S or σ NaN,
  ///   S = 1 for `logLog`, `logit` and `arcsin`, or a NaN result).
  public func limits(survival s: Double, sigma: Double, z: Double) -> (
    lower: Double?, upper: Double?
  ) {
    func defined(_ v: Double) -> Double? { v.isNaN ? nil : v }
    if s == 0 || s.isNaN || sigma.isNaN { return (nil, nil) }
    switch self {
    case .plain:
      let half = z * sigma * s
      if half.isNaN { return (nil, nil) }
      return (max(s - half, 0), min(s + half, 1))
    case .log:
      let half = z * sigma
      return (
        defined(Double.exp(Double.log(s) - half)), defined(min(Double.exp(Double.log(s) + half), 1))
      )
    case .logLog:
      if s == 1 { return (nil, nil) }
      let half = z * sigma / Double.log(s)
      let center = Double.log(-Double.log(s))
      return (
        defined(Double.exp(-Double.exp(center - half))),
        defined(Double.exp(-Double.exp(center + half)))
      )
    case .logit:
      if s == 1 { return (nil, nil) }
      let half = z * sigma * (1 + s / (1 - s))
      let center = Double.log(s / (1 - s))
      return (
        defined(1 - 1 / (1 + Double.exp(center - half))),
        defined(1 - 1 / (1 + Double.exp(center + half)))
      )
    case .arcsin:
      if s == 1 { return (nil, nil) }
      let half = 0.5 * z * sigma * (s / (1 - s)).squareRoot()
      let angle = Double.asin(s.squareRoot())
      let lower = Double.sin(max(0, angle - half))
      let upper = Double.sin(min(Double.pi / 2, angle + half))
      return (defined(lower * lower), defined(upper * upper))
    }
  }
}
