import RealModule

/// Sample size and power of the two-arm log-rank test.
///
/// Events needed (two-sided α, power 1 − β, hazard ratio θ of the experimental to the control
/// arm, a fraction π of patients allocated to the experimental arm):
/// - Schoenfeld (1983): D = (z_(1−α/2) + z_(1−β))² / (π (1 − π) (log θ)²);
/// - Freedman (1982): D = (z_(1−α/2) + z_(1−β))² (1 + kθ)² / (k (1 − θ)²), k = π / (1 − π).
///
/// Patients: N = D / P(event), with exponential survival (control hazard λ_C = log 2 / median,
/// experimental λ_E = θ λ_C), exponential dropout of hazard η in both arms, accrual uniform over
/// `accrual` and a further `followUp` of follow-up after the last patient. In an arm with event
/// hazard λ and μ = λ + η:
/// P = (λ/μ) [1 − (e^(−μ f) − e^(−μ (a + f))) / (μ a)]  (a = accrual, f = follow-up; a = 0
/// gives (λ/μ)(1 − e^(−μ f))), and P(event) = π P_E + (1 − π) P_C.
/// Power for a given D inverts the formula: Φ(√(D π (1 − π)) |log θ| − z_(1−α/2)) (Schoenfeld).
///
/// References: D. Schoenfeld (1983), Biometrics 39, 499–503; L. S. Freedman (1982), Stat. Med. 1,
/// 121–129; E. Lakatos & K. K. G. Lan (1992), Stat. Med. 11, 179–191 (the event probability).
public struct LogRankSampleSize: Sendable, Equatable {
  /// The events formula.
  public enum Method: String, Sendable, CaseIterable {
    case schoenfeld
    case freedman
  }

  /// The events formula used.
  public let method: Method
  /// Hazard ratio θ, experimental to control.
  public let hazardRatio: Double
  /// Two-sided type I error.
  public let alpha: Double
  /// Required power.
  public let power: Double
  /// Fraction allocated to the experimental arm.
  public let allocation: Double
  /// Events needed (not rounded) and rounded up.
  public let eventsExact: Double
  /// Events needed, rounded up.
  public let events: Int
  /// Probability that a patient has an event by the analysis (nil without a median).
  public let eventProbability: Double?
  /// Patients needed, rounded up (nil without a median).
  public let patients: Int?
  /// Per-arm probabilities of an event (experimental, control).
  public let eventProbabilityExperimental: Double?
  /// P(event) in the control arm.
  public let eventProbabilityControl: Double?

  /// Computes the events and, with a control median, the patients.
  /// - Parameters:
  ///   - hazardRatio: θ, experimental to control (positive, not 1).
  ///   - alpha: two-sided type I error.
  ///   - power: required power.
  ///   - allocation: fraction of patients allocated to the experimental arm.
  ///   - method: Schoenfeld's or Freedman's events formula.
  ///   - controlMedian: median survival in the control arm (time units of accrual and
  ///     follow-up); without it only the events are computed.
  ///   - accrual: accrual period (uniform entry).
  ///   - followUp: follow-up after the last patient enters.
  ///   - dropoutRate: exponential dropout hazard per time unit (0 for none).
  /// - Throws: when θ is 1 or not positive, a probability is outside (0, 1), or the accrual,
  ///   follow-up or dropout are negative.
  public init(
    hazardRatio: Double, alpha: Double = 0.05, power: Double = 0.8, allocation: Double = 0.5,
    method: Method = .schoenfeld, controlMedian: Double? = nil, accrual: Double = 0,
    followUp: Double = 0, dropoutRate: Double = 0
  ) throws {
    guard hazardRatio > 0 && hazardRatio != 1 && hazardRatio.isFinite else {
      throw SurvivalKitError.invalidArgument(
        name: "hazard ratio", message: "\(hazardRatio) must be positive and not 1")
    }
    try DesignChecks.probability(alpha, "alpha")
    try DesignChecks.probability(power, "power")
    try DesignChecks.probability(allocation, "allocation")
    self.method = method
    self.hazardRatio = hazardRatio
    self.alpha = alpha
    self.power = power
    self.allocation = allocation
    let z = Normal.quantile(1 - alpha / 2) + Normal.quantile(power)
    switch method {
    case .schoenfeld:
      let l = Double.log(hazardRatio)
      eventsExact = z * z / (allocation * (1 - allocation) * l * l)
    case .freedman:
      let k = allocation / (1 - allocation)
      let num = 1 + k * hazardRatio
      eventsExact = z * z * num * num / (k * (1 - hazardRatio) * (1 - hazardRatio))
    }
    events = Int((eventsExact - 1e-9).rounded(.up))
    if let controlMedian {
      guard controlMedian > 0, accrual >= 0, followUp >= 0, dropoutRate >= 0,
        accrual + followUp > 0
      else {
        throw SurvivalKitError.invalidArgument(
          name: "design",
          message: "the median must be positive, accrual, follow-up and dropout >= 0, and "
            + "accrual + follow-up > 0")
      }
      let lc = Double.log(2) / controlMedian
      let pc = LogRankSampleSize.eventProbability(
        hazard: lc, dropout: dropoutRate, accrual: accrual, followUp: followUp)
      let pe = LogRankSampleSize.eventProbability(
        hazard: lc * hazardRatio, dropout: dropoutRate, accrual: accrual, followUp: followUp)
      let p = allocation * pe + (1 - allocation) * pc
      eventProbabilityControl = pc
      eventProbabilityExperimental = pe
      eventProbability = p
      patients = Int((eventsExact / p - 1e-9).rounded(.up))
    } else {
      eventProbability = nil
      eventProbabilityControl = nil
      eventProbabilityExperimental = nil
      patients = nil
    }
  }

  /// P(event by the analysis) for exponential event hazard λ and dropout η, accrual uniform
  /// over a, then f of follow-up.
  public static func eventProbability(
    hazard: Double, dropout: Double, accrual a: Double, followUp f: Double
  ) -> Double {
    let mu = hazard + dropout
    if a == 0 { return hazard / mu * -Double.expMinusOne(-mu * f) }
    let inner = (Double.exp(-mu * f) - Double.exp(-mu * (a + f))) / (mu * a)
    return hazard / mu * (1 - inner)
  }

  /// The power of the test with `events` events (the same formula solved for the power).
  public static func power(
    events: Double, hazardRatio: Double, alpha: Double, allocation: Double = 0.5,
    method: Method = .schoenfeld
  ) -> Double {
    let za = Normal.quantile(1 - alpha / 2)
    switch method {
    case .schoenfeld:
      let s = (events * allocation * (1 - allocation)).squareRoot() * abs(Double.log(hazardRatio))
      return Normal.cdf(s - za)
    case .freedman:
      let k = allocation / (1 - allocation)
      let s = (events * k).squareRoot() * abs(1 - hazardRatio) / (1 + k * hazardRatio)
      return Normal.cdf(s - za)
    }
  }
}
