import RealModule

/// The distributions of a parametric accelerated-failure-time model, as R's `survreg` names
/// them. Each models log(T) = x'β + σ ε with ε from a standard location-scale family:
///
/// | distribution | ε | S_ε(z) |
/// | --- | --- | --- |
/// | `weibull` | minimum extreme value | exp(-e^z) |
/// | `exponential` | minimum extreme value, σ = 1 | exp(-e^z) |
/// | `lognormal` | standard normal | 1 - Φ(z) |
/// | `loglogistic` | standard logistic | 1 / (1 + e^z) |
///
/// Reference: Kalbfleisch & Prentice (2002), *The Statistical Analysis of Failure Time Data*,
/// 2nd ed., §2.2–2.3; R's `survreg.distributions`.
public enum AFTDistribution: String, Sendable, CaseIterable {
  case weibull, exponential, lognormal, loglogistic

  /// Whether σ is estimated (every distribution but the exponential).
  public var hasScale: Bool { self != .exponential }

  /// The standard error distribution's quantile: z with F_ε(z) = p.
  public func standardQuantile(_ p: Double) -> Double {
    switch self {
    case .weibull, .exponential: return Double.log(-Double.log(onePlus: -p))
    case .lognormal: return Normal.quantile(p)
    case .loglogistic: return Double.log(p / (1 - p))
    }
  }

  /// S_ε(z), the standard survival function.
  public func standardSurvival(_ z: Double) -> Double {
    switch self {
    case .weibull, .exponential: return Double.exp(-Double.exp(z))
    case .lognormal: return Normal.upperTail(z)
    case .loglogistic: return 1 / (1 + Double.exp(z))
    }
  }

  /// F(z), S(z), f(z) and f'(z) of the standard distribution, each computed without
  /// cancellation in its tail.
  func functions(_ z: Double) -> (cdf: Double, surv: Double, density: Double, slope: Double) {
    switch self {
    case .weibull, .exponential:
      let e = Double.exp(z)
      let s = Double.exp(-e)
      let f = e * s
      return (-Double.expMinusOne(-e), s, f, f * (1 - e))
    case .lognormal:
      let f = Double.exp(-0.5 * z * z) / (2 * Double.pi).squareRoot()
      return (Normal.cdf(z), Normal.upperTail(z), f, -z * f)
    case .loglogistic:
      let cdf = z > 0 ? 1 / (1 + Double.exp(-z)) : Double.exp(z) / (1 + Double.exp(z))
      let surv = z > 0 ? Double.exp(-z) / (1 + Double.exp(-z)) : 1 / (1 + Double.exp(z))
      let f = cdf * surv
      return (cdf, surv, f, f * (surv - cdf))
    }
  }

  /// g(z) = log f(z) (exact), log S(z) (right-censored) or log F(z) (left-censored) and its
  /// first two derivatives in z, in closed form where the family allows.
  func logTerm(_ z: Double, kind: AFTObservation.Kind) -> (g: Double, d1: Double, d2: Double) {
    switch (self, kind) {
    case (.weibull, .exact), (.exponential, .exact):
      let e = Double.exp(z)
      return (z - e, 1 - e, -e)
    case (.weibull, .right), (.exponential, .right):
      let e = Double.exp(z)
      return (-e, -e, -e)
    case (.lognormal, .exact):
      return (-0.5 * z * z - 0.5 * Double.log(2 * Double.pi), -z, -1)
    case (.lognormal, .right):
      let s = Normal.upperTail(z)
      let f = Double.exp(-0.5 * z * z) / (2 * Double.pi).squareRoot()
      let mills = f / s
      return (Double.log(s), -mills, mills * (z - mills))
    case (.loglogistic, .exact):
      let (cdf, surv, _, _) = functions(z)
      // log f = log F + log S.
      return (Double.log(cdf) + Double.log(surv), 1 - 2 * cdf, -2 * cdf * surv)
    case (.loglogistic, .right):
      let (cdf, surv, _, _) = functions(z)
      return (Double.log(surv), -cdf, -cdf * surv)
    case (_, .left):
      let (cdf, _, f, slope) = functions(z)
      let ratio = f / cdf
      return (Double.log(cdf), ratio, slope / cdf - ratio * ratio)
    case (_, .interval):
      preconditionFailure("interval observations use the two-bound form")
    }
  }
}

/// One observation of a parametric survival model on the log-time scale.
public struct AFTObservation: Sendable, Equatable {
  /// What is known about the event time.
  public enum Kind: Sendable, Equatable {
    /// Observed at `lower`.
    case exact
    /// After `lower` (right-censored).
    case right
    /// Before `upper` (left-censored).
    case left
    /// Between `lower` and `upper`.
    case interval
  }
  /// What is known about the event time.
  public let kind: Kind
  /// Log of the lower time (exact, right, interval).
  public let lower: Double
  /// Log of the upper time (left, interval).
  public let upper: Double
}
