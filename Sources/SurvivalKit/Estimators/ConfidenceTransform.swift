import RealModule

/// The transform on which pointwise confidence limits for S(t) are built (R's `conf.type`).
///
/// With z = Φ⁻¹(1 - (1 - level)/2) and σ = SE of the cumulative hazard by Greenwood,
/// σ² = Σ d/(n(n-d)) (so SE(S) = S σ):
/// - `log` (default): S Double.exp(∓zσ), upper limit capped at 1;
/// - `logLog`: S^Double.exp(±zσ / log S), i.e. Double.exp(-Double.exp(Double.log(-log S) ∓ zσ/log S)); undefined at S = 1;
/// - `plain`: S ∓ zσS, clipped to [0, 1];
/// - `logit`: 1 - 1/(1 + Double.exp(Double.log(S/(1-S)) ∓ zσ/(1-S)));
/// - `arcsin`: sin²(Double.asin(√S) ∓ ½zσ√(S/(1-S))), the angle clipped to [0, π/2].
/// Limits are undefined (nil) where the transform is: at S = 0 for every transform, and where
/// R's `survfit` gives NA or NaN (S = 1 for `log-log`, `logit` and `arcsin`).
///
/// Reference: Kalbfleisch & Prentice (2002), The Statistical Analysis of Failure Time Data,
/// 2nd ed., §1.4; Borgan & Liestøl (1990), Scand. J. Statist. 17, 35–41 (arcsin);
/// R survival's `survfit_confint`.
public enum ConfidenceTransform: String, Sendable, CaseIterable {
  case log = "log"
  case logLog = "log-log"
  case plain = "plain"
  case logit = "logit"
  case arcsin = "arcsin"

  /// Accepts R's names and common spellings (`loglog`, `log_log`).
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

  /// Pointwise limits for a survival probability `s` whose cumulative hazard has standard
  /// error `sigma`, at the normal quantile `z`. Returns nil limits where undefined.
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
