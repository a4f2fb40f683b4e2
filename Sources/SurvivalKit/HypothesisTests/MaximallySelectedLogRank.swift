#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The maximally selected log-rank statistic over cutpoints of a continuous marker, with its
/// selection-adjusted p-value (Lausen & Schumacher 1992).
///
/// Every distinct marker value μ that leaves at least a fraction ε of the subjects on each
/// side (X <= μ versus X > μ) is a candidate; for each, the standardised two-group log-rank
/// statistic Z_μ = (O - E) / √V of the high group is computed. The statistic is
/// M = max |Z_μ| and the "best" cutpoint its argmax. Because M is a maximum over many tests,
/// the naive p-value of the best split is far too small; the adjusted p-value is the
/// Lausen–Schumacher approximation to P(sup |Brownian bridge statistic| > M):
///
///   p ≈ 4 φ(M)/M + φ(M) (M - 1/M) log((1 - ε)² / ε²),
///
/// capped to [0, 1] (R package maxstat, `pmethod = "Lau92"`). maxstat standardises the
/// log-rank scores by their permutation variance; here Z uses the usual hypergeometric
/// variance, so the statistic can differ from maxstat's in the third digit.
///
/// Reference: Lausen B, Schumacher M (1992). Maximally selected rank statistics.
/// Biometrics 48:73–85.
public struct MaximallySelectedLogRank: Sendable, Equatable {
  public let cutpoint: Double
  public let statistic: Double
  public let adjustedP: Double
  /// The naive p-value of the best split, 2(1 - Φ(M)), reported only for contrast.
  public let naiveP: Double
  public let candidates: Int
  public let minProportion: Double

  public init(time: [Double], status: [UInt8], marker: [Double], minProportion: Double = 0.1) throws
  {
    let n = marker.count
    let sorted = marker.sorted()
    var candidates: [Double] = []
    for value in Set(marker).sorted() {
      let below = sorted.filter { $0 <= value }.count
      let fraction = Double(below) / Double(n)
      if fraction >= minProportion && fraction <= 1 - minProportion { candidates.append(value) }
    }
    guard !candidates.isEmpty else {
      throw SurvivalKitError.insufficientData(
        message: "no cutpoint leaves \(Int(minProportion * 100)) % of the patients on each side")
    }
    var best = (cut: candidates[0], z: -1.0)
    for cut in candidates {
      let grouping = Grouping(labels: ["low", "high"], codes: marker.map { $0 > cut ? 1 : 0 })
      let sample = try SurvivalSample(time: time, status: status, grouping: grouping)
      let test = try LogRank.test(sample)
      let high = test.groups[1]
      let v = test.variance[1, 1]
      guard v > 0 else { continue }
      let z = abs(high.observed - high.expected) / v.squareRoot()
      if z > best.z { best = (cut, z) }
    }
    let m = best.z
    self.cutpoint = best.cut
    self.statistic = m
    self.adjustedP = MaximallySelectedLogRank.lausenSchumacherP(m, minProportion: minProportion)
    self.naiveP = 2 * Normal.upperTail(m)
    self.candidates = candidates.count
    self.minProportion = minProportion
  }

  /// The Lausen–Schumacher (1992) approximation for a maximally selected statistic `m` over
  /// cutpoints between the `minProportion` and `1 - minProportion` quantiles:
  /// 4 φ(m)/m + φ(m) (m - 1/m) log((1 - ε)² / ε²); 1 for m < 1 (as R maxstat's `pLausen92`),
  /// and never outside [0, 1].
  public static func lausenSchumacherP(_ m: Double, minProportion e: Double) -> Double {
    if m < 1 { return 1 }
    let density = exp(-m * m / 2) / (2 * Double.pi).squareRoot()
    let p = 4 * density / m + density * (m - 1 / m) * log((1 - e) * (1 - e) / (e * e))
    return min(1, max(0, p))
  }
}
