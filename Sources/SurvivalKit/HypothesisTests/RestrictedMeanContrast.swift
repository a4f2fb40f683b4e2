import RealModule
import SurvivalSupport

/// Contrasts of restricted mean survival time (RMST) between groups at a horizon τ, as the
/// `survRM2` package reports them (Uno et al. 2014, J. Clin. Oncol. 32:2380–2385).
///
/// Each group's RMST μ_g and variance v_g are those of ``RestrictedMean`` (R's
/// `print(survfit, rmean = τ)`; `survRM2::rmst2` uses the same formula). Groups are
/// independent, so for two groups (the second against the first, survRM2's arm 1 vs arm 0):
/// - difference μ_2 - μ_1, SE √(v_1 + v_2), limits ± z SE, p from the normal z;
/// - ratio μ_2 / μ_1 on the log scale: SE(log ratio) = √(v_1/μ_1² + v_2/μ_2²), limits
///   exp(log ratio ± z SE), p from the normal z of the log ratio.
/// For k groups, the Wald chi-square for equal RMSTs with k - 1 df:
/// X² = Σ_g (μ_g - μ̄)² / v_g, μ̄ = Σ (μ_g / v_g) / Σ (1 / v_g) (for k = 2 this is z² of the
/// difference).
///
/// τ is given, or by rule the smallest of the groups' largest follow-up times (survRM2's
/// default); a τ beyond that stops with a message naming the group.
public struct RestrictedMeanContrast: Sendable, Equatable {
  /// One group's RMST.
  public struct Group: Sendable, Equatable {
    /// Group label.
    public let label: String
    /// Rows used.
    public let n: Int
    /// Events in the group.
    public let events: Int
    /// The estimate.
    public let estimate: Double
    /// Standard error.
    public let standardError: Double
  }

  /// A contrast with its limits and p-value.
  public struct Estimate: Sendable, Equatable {
    /// Difference or ratio.
    public let estimate: Double
    /// SE of the difference, or of the log ratio.
    public let standardError: Double
    /// Lower confidence limit.
    public let lower: Double
    /// Upper confidence limit.
    public let upper: Double
    /// Estimate / SE.
    public let z: Double
    /// Two-sided p-value (chi-square upper tail for tests).
    public let p: Double
  }

  /// The horizon τ.
  public let tau: Double
  /// How τ was chosen: "given" or "smallest of the groups' largest times".
  public let tauRule: String
  /// One entry per group, in group order.
  public let groups: [Group]
  /// Second group minus first (two groups only).
  public let difference: Estimate?
  /// Second group over first (two groups only).
  public let ratio: Estimate?
  /// Wald chi-square for equal RMSTs (k - 1 df).
  public let chisq: Double
  /// Degrees of freedom.
  public let df: Int
  /// Two-sided p-value (chi-square upper tail for tests).
  public let p: Double
  /// Confidence level of the limits.
  public let confLevel: Double

  /// Compares the curves of `fit` at `tau` (nil: the smallest of the groups' largest times).
  /// - Throws: with fewer than two curves, a τ beyond a group's follow-up, or a group whose
  ///   RMST variance is 0 (no event before τ) in the chi-square.
  public static func compare(_ fit: KaplanMeierFit, tau: Double? = nil, confLevel: Double = 0.95)
    throws -> RestrictedMeanContrast
  {
    let curves = fit.curves
    guard curves.count >= 2 else {
      throw SurvivalKitError.insufficientData(
        message: "an RMST contrast needs at least two groups; add a group term to the formula")
    }
    guard confLevel > 0 && confLevel < 1 else {
      throw SurvivalKitError.invalidArgument(
        name: "confidence level", message: "\(confLevel) must be between 0 and 1")
    }
    var limit = Double.infinity
    var limiting = ""
    for curve in curves {
      let last = curve.time.last ?? 0
      if last < limit {
        limit = last
        limiting = curve.label
      }
    }
    let horizon = tau ?? limit
    guard horizon.isFinite && horizon > 0 else {
      throw SurvivalKitError.invalidArgument(name: "tau", message: "must be a time > 0")
    }
    guard horizon <= limit else {
      throw SurvivalKitError.invalidArgument(
        name: "tau",
        message: "\(NumberFormatting.shortest(horizon)) is beyond the follow-up of group "
          + "\(limiting) (its last time is \(NumberFormatting.shortest(limit))); choose tau <= "
          + "\(NumberFormatting.shortest(limit)), the smallest of the groups' largest times")
    }
    var groups: [Group] = []
    for curve in curves {
      let r = try curve.restrictedMean(tau: horizon)
      groups.append(
        Group(
          label: curve.label, n: curve.n, events: curve.nEvent.reduce(0, +), estimate: r.estimate,
          standardError: r.standardError))
    }
    let z = Normal.quantile(1 - (1 - confLevel) / 2)
    var difference: Estimate? = nil
    var ratio: Estimate? = nil
    if groups.count == 2 {
      let (a, b) = (groups[0], groups[1])
      let d = b.estimate - a.estimate
      let se = (a.standardError * a.standardError + b.standardError * b.standardError)
        .squareRoot()
      let zd = d / se
      difference = Estimate(
        estimate: d, standardError: se, lower: d - z * se, upper: d + z * se, z: zd,
        p: 2 * Normal.upperTail(abs(zd)))
      let lr = Double.log(b.estimate / a.estimate)
      let sr =
        (a.standardError * a.standardError / (a.estimate * a.estimate) + b.standardError
        * b.standardError / (b.estimate * b.estimate)).squareRoot()
      let zr = lr / sr
      ratio = Estimate(
        estimate: Double.exp(lr), standardError: sr, lower: Double.exp(lr - z * sr),
        upper: Double.exp(lr + z * sr), z: zr, p: 2 * Normal.upperTail(abs(zr)))
    }
    for g in groups where !(g.standardError > 0) {
      throw SurvivalKitError.insufficientData(
        message:
          "group \(g.label) has no event before tau = \(NumberFormatting.shortest(horizon)), "
          + "so its RMST has variance 0 and the groups cannot be tested; choose a later tau")
    }
    var sw = 0.0
    var swm = 0.0
    for g in groups {
      let w = 1 / (g.standardError * g.standardError)
      sw += w
      swm += w * g.estimate
    }
    let mean = swm / sw
    var chisq = 0.0
    for g in groups {
      let dev = g.estimate - mean
      chisq += dev * dev / (g.standardError * g.standardError)
    }
    return RestrictedMeanContrast(
      tau: horizon, tauRule: tau == nil ? "smallest of the groups' largest times" : "given",
      groups: groups, difference: difference, ratio: ratio, chisq: chisq, df: groups.count - 1,
      p: ChiSquare.upperTail(chisq, df: Double(groups.count - 1)), confLevel: confLevel)
  }
}
