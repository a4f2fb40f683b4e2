/// The survival curve read at requested times, as R's `summary(fit, times = ..., extend = TRUE)`.
///
/// At time t: S, its SE and limits are those of the last curve time <= t (S = 1, SE = 0 and
/// both limits 1 before the first time, whatever the transform, as R's `survfit0` start
/// row); the number at risk is that at the first curve time >= t
/// (0 past the last time).
public struct SurvivalAtTime: Sendable, Equatable {
  public let time: Double
  public let nRisk: Int
  public let survival: Double
  public let standardError: Double?
  public let lower: Double?
  public let upper: Double?
}

extension KaplanMeierCurve {
  /// Survival at each requested time (any order; each must be finite).
  public func survival(at times: [Double]) throws -> [SurvivalAtTime] {
    try times.map { t in
      guard t.isFinite else {
        throw SurvivalKitError.invalidArgument(name: "times", message: "\(t) is not a finite time")
      }
      // Last index with time <= t.
      var lo = 0
      var hi = time.count
      while lo < hi {
        let mid = (lo + hi) / 2
        if time[mid] <= t { lo = mid + 1 } else { hi = mid }
      }
      let last = lo - 1
      // First index with time >= t.
      var a = 0
      var b = time.count
      while a < b {
        let mid = (a + b) / 2
        if time[mid] < t { a = mid + 1 } else { b = mid }
      }
      let risk = a < time.count ? nRisk[a] : 0
      if last < 0 {
        // Before the first time: the start point (R's survfit0 row), limits 1 for every
        // transform.
        return SurvivalAtTime(
          time: t, nRisk: risk, survival: 1, standardError: 0, lower: 1, upper: 1)
      }
      return SurvivalAtTime(
        time: t, nRisk: risk, survival: survival[last], standardError: standardError[last],
        lower: lower[last], upper: upper[last])
    }
  }
}
