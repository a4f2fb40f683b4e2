/// Restricted mean survival time to τ: the area under the Kaplan–Meier curve on [0, τ].
///
/// RMST(τ) = Σ_k (t_k - t_{k-1}) S(t_{k-1}) over the curve's times up to τ, closed at τ.
/// Its variance is R's (`print.survfit(rmean = τ)`, Klein & Moeschberger 2003, §4.5):
/// Var = Σ_{t_j <= τ} A_j² d_j / (n_j (n_j - d_j)), with A_j the area under the curve from
/// t_j to τ (terms with n_j = d_j contribute 0). This is not Var(min(T, τ)).
public struct RestrictedMean: Sendable, Equatable {
  /// The horizon τ, in the time unit of the data.
  public let tau: Double
  /// RMST(τ), the area under the curve on [0, τ], in the time unit of the data.
  public let estimate: Double
  /// Standard error of the estimate by R's variance formula (the `se(rmean)` of
  /// `print(fit, rmean = τ)`).
  public let standardError: Double
}

extension KaplanMeierCurve {
  /// The restricted mean survival time to `tau` (tau >= 0).
  ///
  /// The curve is extended flat past its last time when τ lies beyond it.
  ///
  /// - Parameter tau: The horizon τ: a finite time >= 0.
  /// - Returns: The restricted mean and its standard error.
  /// - Throws: `SurvivalKitError.invalidArgument` when `tau` is negative or not finite.
  /// - Complexity: O(number of curve times).
  public func restrictedMean(tau: Double) throws -> RestrictedMean {
    guard tau.isFinite && tau >= 0 else {
      throw SurvivalKitError.invalidArgument(
        name: "tau", message: "\(tau) must be a finite time >= 0")
    }
    var times: [Double] = []
    var surv: [Double] = []
    var hh: [Double] = []
    for j in time.indices where time[j] <= tau {
      times.append(time[j])
      surv.append(survival[j])
      let n = Double(nRisk[j])
      let d = Double(nEvent[j])
      hh.append(n - d == 0 ? 0 : d / (n * (n - d)))
    }
    times.append(tau)
    surv.append(surv.last ?? 1)
    hh.append(0)
    let m = times.count
    var rectangles = [Double](repeating: 0, count: m)
    var previousTime = 0.0
    var previousSurv = 1.0
    for k in 0..<m {
      rectangles[k] = (times[k] - previousTime) * previousSurv
      previousTime = times[k]
      previousSurv = surv[k]
    }
    var estimate = 0.0
    for r in rectangles { estimate += r }
    var variance = 0.0
    var tail = 0.0
    if m >= 2 {
      for j in stride(from: m - 2, through: 0, by: -1) {
        tail += rectangles[j + 1]
        variance += tail * tail * hh[j]
      }
    }
    return RestrictedMean(tau: tau, estimate: estimate, standardError: variance.squareRoot())
  }
}
