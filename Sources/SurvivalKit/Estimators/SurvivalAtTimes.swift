/// The survival curve read at requested times, as R's `summary(fit, times = ..., extend = TRUE)`.
///
/// At time t: S, its SE and limits are those of the last curve time <= t (S = 1, SE = 0 and
/// both limits 1 before the first time, whatever the transform, as R's `survfit0` start
/// row); the number at risk is that at the first curve time >= t
/// (0 past the last time).
public struct SurvivalAtTime: Sendable, Equatable {
  /// The requested time.
  public let time: Double
  /// Number at risk at the first curve time >= `time`; 0 past the last curve time.
  public let nRisk: Int
  /// S at the last curve time <= `time`; 1 before the first curve time.
  public let survival: Double
  /// Greenwood standard error of S; 0 before the first curve time, nil where S = 0.
  public let standardError: Double?
  /// Lower pointwise confidence limit of S; 1 before the first curve time, nil where undefined.
  public let lower: Double?
  /// Upper pointwise confidence limit of S; 1 before the first curve time, nil where undefined.
  public let upper: Double?
}

extension KaplanMeierCurve {
  /// Survival at each requested time (any order; each must be finite).
  ///
  /// - Parameter times: The times to read the curve at, in any order.
  /// - Returns: One row per requested time, in the order given.
  /// - Throws: `SurvivalKitError.invalidArgument` when a time is not finite.
  /// - Complexity: O(k log m) for k times and m curve times.
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
