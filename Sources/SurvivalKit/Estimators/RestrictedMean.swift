/// Restricted mean survival time to τ: the area under the Kaplan–Meier curve on [0, τ].
///
/// RMST(τ) = Σ_k (t_k - t_{k-1}) S(t_{k-1}) over the curve's times up to τ, closed at τ.
/// Its variance is R's (`print.survfit(rmean = τ)`, Klein & Moeschberger 2003, §4.5):
/// Var = Σ_{t_j <= τ} A_j² d_j / (n_j (n_j - d_j)), with A_j the area under the curve from
/// t_j to τ (terms with n_j = d_j contribute 0). This is not Var(min(T, τ)).
public struct RestrictedMean: Sendable, Equatable {
  public let tau: Double
  public let estimate: Double
  public let standardError: Double
}

extension KaplanMeierCurve {
  /// The restricted mean survival time to `tau` (tau >= 0).
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
