import RealModule

/// A reference survival curve for a one-sample comparison: Weibull S₀(t) = exp(−(λt)^κ)
/// (exponential when κ = 1), cumulative hazard Λ₀(t) = (λt)^κ.
public struct ReferenceSurvival: Sendable, Equatable {
  /// Rate λ and shape κ.
  public let rate: Double
  /// Weibull shape κ (1: exponential).
  public let shape: Double

  /// From the rate and shape directly.
  public init(rate: Double, shape: Double = 1) throws {
    guard rate > 0 && rate.isFinite && shape > 0 && shape.isFinite else {
      throw SurvivalKitError.invalidArgument(
        name: "reference curve", message: "rate \(rate) and shape \(shape) must be positive")
    }
    self.rate = rate
    self.shape = shape
  }

  /// The curve with S₀(time) = survival (e.g. 1-year survival 0.4): λ = (−log s)^(1/κ) / t.
  public init(survival: Double, at time: Double, shape: Double = 1) throws {
    try DesignChecks.probability(survival, "reference survival")
    guard time > 0 else {
      throw SurvivalKitError.invalidArgument(name: "time", message: "\(time) must be positive")
    }
    try self.init(rate: Double.pow(-Double.log(survival), 1 / shape) / time, shape: shape)
  }

  /// Λ₀(t).
  public func cumulativeHazard(_ t: Double) -> Double {
    t <= 0 ? 0 : Double.pow(rate * t, shape)
  }
  /// λ₀(t) = κ λ (λt)^(κ−1).
  public func hazard(_ t: Double) -> Double {
    shape * rate * Double.pow(rate * t, shape - 1)
  }
  /// S₀(t).
  public func survival(_ t: Double) -> Double { Double.exp(-cumulativeHazard(t)) }
}

/// The one-sample log-rank test of observed survival against a reference curve
/// (Finkelstein, Muzikansky & Schoenfeld 2003): O = number of events, E = Σ Λ₀(tᵢ) over every
/// patient's follow-up time (from entry to event or censoring), Z = (E − O) / √E. A positive Z
/// means fewer events than the reference predicts (better survival); p-values: one-sided
/// P(N(0,1) >= Z) for better survival, and two-sided.
///
/// Reference: D. M. Finkelstein, A. Muzikansky & D. A. Schoenfeld (2003), Comparing survival
/// of a sample to that of a standard population, J. Natl Cancer Inst. 95, 1434–1439.
public struct OneSampleLogRankTest: Sendable, Equatable {
  /// O, the number of events.
  public let observed: Int
  /// E = Σ Λ₀(tᵢ), the events the reference curve predicts.
  public let expected: Double
  /// Z = (E − O) / √E.
  public let z: Double
  /// One-sided p for better survival than the reference.
  public let pBetter: Double
  /// Two-sided p-value.
  public let p: Double
  /// O / E, the standardised mortality ratio.
  public var ratio: Double { Double(observed) / expected }

  /// - Parameters: time: follow-up from entry; status: 1 event, 0 censored.
  public init(time: [Double], status: [Int], reference: ReferenceSurvival) throws {
    guard time.count == status.count, !time.isEmpty else {
      throw SurvivalKitError.invalidArgument(
        name: "data", message: "give one status per time, at least one patient")
    }
    var o = 0
    var e = 0.0
    for (i, t) in time.enumerated() {
      guard t.isFinite && t >= 0 else {
        throw SurvivalKitError.invalidData(
          line: nil, column: "time", message: "row \(i + 1): time \(t) is not a time >= 0")
      }
      guard status[i] == 0 || status[i] == 1 else {
        throw SurvivalKitError.invalidData(
          line: nil, column: "status", message: "row \(i + 1) is \(status[i]), not 0 or 1")
      }
      o += status[i]
      e += reference.cumulativeHazard(t)
    }
    guard e > 0 else {
      throw SurvivalKitError.insufficientData(message: "no follow-up time: E = 0")
    }
    observed = o
    expected = e
    z = (e - Double(o)) / e.squareRoot()
    pBetter = Normal.upperTail(z)
    p = min(1, 2 * Normal.upperTail(abs(z)))
  }
}

/// Sample size of a single-arm trial analysed by the one-sample log-rank test, with Wu's exact
/// variance.
///
/// Patients are accrued uniformly over a and followed for f more (censoring C ~ U(f, a + f));
/// survival is S₁ = S₀^θ under the alternative (hazard ratio θ < 1 for a better treatment).
/// With X = min(T, C), Δ = 1{T <= C} under the alternative:
/// p₁ = E Δ, p₀ = E Λ₀(X), p₀₁ = E Δ Λ₀(X), p₀₀ = E Λ₀(X)² / 2, each
/// ∫₀^(a+f) h(t) P(C >= t) dt with h = f₁, S₁λ₀, Λ₀ f₁, Λ₀ S₁ λ₀; σ² = p₁ − p₁² + 2p₀₀ − p₀²
/// − 2p₀₁ + 2p₀p₁ (the variance of Λ₀(X) − Δ), and
/// n = (z_(1−α) √p₀ + z_(1−β) σ)² / (p₀ − p₁)²  (one-sided α).
/// Expected events: n p₁ under the alternative. The integrals are computed by 64-point
/// Gauss–Legendre rules on 200 panels on each side of t = f (a graded mesh near each start,
/// where a Weibull hazard with κ < 1 is singular).
///
/// References: J. Wu (2015), Sample size calculation for the one-sample log-rank test, Pharm.
/// Stat. 14, 26–33; Finkelstein et al. (2003).
public struct OneSampleLogRankDesign: Sendable, Equatable {
  /// The reference (null) survival curve.
  public let reference: ReferenceSurvival
  /// Hazard ratio θ of the alternative to the reference.
  public let hazardRatio: Double
  /// One-sided type I error.
  public let alpha: Double
  /// Required power.
  public let power: Double
  /// Accrual period a (uniform entry).
  public let accrual: Double
  /// Follow-up f after the last entry.
  public let followUp: Double
  /// p₁, p₀, p₀₁, p₀₀ and σ.
  public let p1: Double
  /// p₀ = E Λ₀(X) under the alternative.
  public let p0: Double
  /// p₀₁ = E Δ Λ₀(X).
  public let p01: Double
  /// p₀₀ = E Λ₀(X)² / 2.
  public let p00: Double
  /// σ, the standard deviation of Λ₀(X) − Δ under the alternative.
  public let sigma: Double
  /// n before rounding, and rounded up.
  public let patientsExact: Double
  /// Patients needed, rounded up.
  public let patients: Int
  /// n p₁.
  public let expectedEvents: Double

  /// Computes the design.
  /// - Throws: when θ is not in (0, 1), alpha or power is outside (0, 1), or accrual and
  ///   follow-up are negative or both 0.
  public init(
    reference: ReferenceSurvival, hazardRatio: Double, alpha: Double = 0.05,
    power: Double = 0.8, accrual: Double, followUp: Double
  ) throws {
    guard hazardRatio > 0 && hazardRatio < 1 else {
      throw SurvivalKitError.invalidArgument(
        name: "hazard ratio",
        message: "\(hazardRatio) must be in (0, 1): the design tests for better survival than "
          + "the reference")
    }
    try DesignChecks.probability(alpha, "alpha")
    try DesignChecks.probability(power, "power")
    guard accrual >= 0, followUp >= 0, accrual + followUp > 0 else {
      throw SurvivalKitError.invalidArgument(
        name: "accrual and follow-up", message: "must be >= 0 with a positive sum")
    }
    self.reference = reference
    self.hazardRatio = hazardRatio
    self.alpha = alpha
    self.power = power
    self.accrual = accrual
    self.followUp = followUp
    let theta = hazardRatio
    let end = accrual + followUp
    func g(_ t: Double) -> Double {
      t <= followUp ? 1 : (accrual == 0 ? 0 : (end - t) / accrual)
    }
    func s1(_ t: Double) -> Double { Double.exp(-theta * reference.cumulativeHazard(t)) }
    func f1(_ t: Double) -> Double { theta * reference.hazard(t) * s1(t) }
    // P(C >= t) has a kink at t = f: integrate on each side of it.
    func integral(_ h: (Double) -> Double) -> Double {
      Quadrature.integrate(0, followUp) { h($0) * g($0) }
        + Quadrature.integrate(followUp, end) { h($0) * g($0) }
    }
    let q1 = integral(f1)
    let q0 = integral { s1($0) * reference.hazard($0) }
    let q01 = integral { reference.cumulativeHazard($0) * f1($0) }
    let q00 = integral { reference.cumulativeHazard($0) * s1($0) * reference.hazard($0) }
    p1 = q1
    p0 = q0
    p01 = q01
    p00 = q00
    let variance = q1 - q1 * q1 + 2 * q00 - q0 * q0 - 2 * q01 + 2 * q0 * q1
    sigma = variance.squareRoot()
    let numerator = Normal.quantile(1 - alpha) * q0.squareRoot() + Normal.quantile(power) * sigma
    patientsExact = numerator * numerator / ((q0 - q1) * (q0 - q1))
    patients = Int((patientsExact - 1e-9).rounded(.up))
    expectedEvents = Double(patients) * q1
  }

  /// The power with n patients: Φ((√n (p₀ − p₁) − z_(1−α) √p₀) / σ).
  public func power(patients n: Int) -> Double {
    Normal.cdf(
      ((Double(n)).squareRoot() * (p0 - p1) - Normal.quantile(1 - alpha) * p0.squareRoot())
        / sigma)
  }
}

/// Composite Gauss–Legendre quadrature.
enum Quadrature {
  /// 64-point Gauss–Legendre nodes and weights on [−1, 1] (Golub–Welsch by Newton on P₆₄).
  static let rule: (nodes: [Double], weights: [Double]) = {
    let n = 64
    var nodes = [Double](repeating: 0, count: n)
    var weights = [Double](repeating: 0, count: n)
    for i in 0..<n {
      var x = Double.cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
      var derivative = 0.0
      for _ in 0..<100 {
        var p0 = 1.0
        var p1 = x
        for k in 2...n {
          let p2 = ((2 * Double(k) - 1) * x * p1 - (Double(k) - 1) * p0) / Double(k)
          p0 = p1
          p1 = p2
        }
        derivative = Double(n) * (x * p1 - p0) / (x * x - 1)
        let dx = p1 / derivative
        x -= dx
        if abs(dx) < 1e-16 { break }
      }
      nodes[i] = x
      weights[i] = 2 / ((1 - x * x) * derivative * derivative)
    }
    return (nodes, weights)
  }()

  /// ∫_a^b f on 200 panels, geometrically graded towards a (ratio 1e-12 ... 1), each by the
  /// 64-point rule (the nodes avoid the endpoints, so an integrable singularity at a is fine).
  static func integrate(_ a: Double, _ b: Double, _ f: (Double) -> Double) -> Double {
    guard b > a else { return 0 }
    var edges: [Double] = [a]
    let panels = 200
    let graded = 40
    // Graded panels: a + (b − a) · 10^(−12 + 12 k / graded) for k = 0...graded, then uniform.
    for k in 0...graded {
      edges.append(a + (b - a) * 0.01 * Double.pow(10, -10 + 10 * Double(k) / Double(graded)))
    }
    let start = edges.last!
    for k in 1...(panels - graded) {
      edges.append(start + (b - start) * Double(k) / Double(panels - graded))
    }
    var total = 0.0
    for k in 0..<(edges.count - 1) {
      let lo = edges[k]
      let hi = edges[k + 1]
      let half = (hi - lo) / 2
      let mid = (hi + lo) / 2
      var s = 0.0
      for (x, w) in zip(rule.nodes, rule.weights) { s += w * f(mid + half * x) }
      total += s * half
    }
    return total
  }
}
