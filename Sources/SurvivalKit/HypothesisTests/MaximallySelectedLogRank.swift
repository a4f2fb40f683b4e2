import RealModule

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
  /// The best cutpoint μ: the high group is marker > μ.
  public let cutpoint: Double
  /// M = max |Z_μ| over the candidates.
  public let statistic: Double
  /// The Lausen–Schumacher p-value of M, corrected for the selection of the cutpoint.
  public let adjustedP: Double
  /// The naive p-value of the best split, 2(1 - Φ(M)), reported only for contrast.
  public let naiveP: Double
  /// Number of candidate cutpoints scanned.
  public let candidates: Int
  /// ε: the least fraction of subjects on each side of a candidate cutpoint.
  public let minProportion: Double

  /// Scans every admissible cutpoint of `marker` for the two-group log-rank statistic.
  ///
  /// The scan reads one event table of all subjects. With n_j at risk and d_j events at pooled
  /// time t_j, c_j = d_j (n_j - d_j)/(n_j - 1), and the cumulative sums H(t) = Σ_{t_j<=t} d_j/n_j,
  /// A(t) = Σ_{t_j<=t} c_j/n_j and B(t) = Σ_{t_j<=t} c_j/n_j², the log-rank quantities of a high
  /// group G are sums over its members (subject i is at risk at t_j exactly when t_j <= t_i):
  /// O = Σ_{i∈G} δ_i, E = Σ_{i∈G} H(t_i) and
  /// V = Σ_j c_j p_j (1 - p_j) = Σ_{i∈G} A(t_i) - Σ_{i,i'∈G} B(min(t_i, t_i')), p_j = n_Gj/n_j.
  /// Adding the subjects in decreasing marker order grows G one cutpoint at a time; the double
  /// sum is updated with Fenwick trees over the time ranks, so the whole scan costs
  /// O(n log n) instead of one log-rank test per cutpoint.
  ///
  /// - Parameters:
  ///   - time: Event or censoring time of each subject (right-censored, >= 0).
  ///   - status: 1 for an event, 0 for censoring.
  ///   - marker: The continuous marker of each subject; every value finite.
  ///   - minProportion: ε, in (0, 0.5).
  /// - Throws: `SurvivalKitError.invalidArgument` when ε is outside (0, 0.5) or the arrays differ
  ///   in length; `SurvivalKitError.invalidData` for a non-finite marker, a non-finite or negative
  ///   time, or a status other than 0 or 1; `SurvivalKitError.insufficientData` when no cutpoint
  ///   leaves ε of the subjects on each side.
  /// - Complexity: O(n log n).
  public init(time: [Double], status: [UInt8], marker: [Double], minProportion: Double = 0.1) throws
  {
    guard minProportion > 0 && minProportion < 0.5 else {
      throw SurvivalKitError.invalidArgument(
        name: "minimum proportion",
        message: "\(minProportion) is not between 0 and 0.5 (exclusive); use e.g. 0.1")
    }
    let n = marker.count
    guard time.count == n else {
      throw SurvivalKitError.invalidArgument(
        name: "marker", message: "has \(n) values for \(time.count) times; give one per subject")
    }
    if let bad = marker.firstIndex(where: { !$0.isFinite }) {
      throw SurvivalKitError.invalidData(
        line: nil, column: "marker",
        message: "value \(bad + 1) is \(marker[bad]); drop subjects without a marker value first")
    }
    let sample = try SurvivalSample(time: time, status: status)
    let table = EventTable(
      checkedTime: sample.time, status: sample.status, ascendingOrder: sample.ascendingTimeOrder)
    // Candidates: distinct marker values with at least a fraction ε of subjects on each side.
    let byMarker = SortOrder.order(marker)
    var candidates: [Double] = []
    var k = 0
    while k < n {
      let value = marker[byMarker[k]]
      while k < n && marker[byMarker[k]] == value { k += 1 }
      let fraction = Double(k) / Double(n)
      if fraction >= minProportion && fraction <= 1 - minProportion { candidates.append(value) }
    }
    guard !candidates.isEmpty else {
      throw SurvivalKitError.insufficientData(
        message: "no cutpoint leaves \(Int(minProportion * 100)) % of the patients on each side")
    }
    // Cumulative sums over the pooled times.
    let times = table.time.count
    var h = [Double](repeating: 0, count: times)
    var a = [Double](repeating: 0, count: times)
    var b = [Double](repeating: 0, count: times)
    var sumH = 0.0
    var sumA = 0.0
    var sumB = 0.0
    for j in 0..<times {
      let nj = Double(table.nRisk[j])
      let dj = Double(table.nEvent[j])
      if dj > 0 {
        sumH += dj / nj
        if nj > 1 {
          let c = dj * (nj - dj) / (nj - 1)
          sumA += c / nj
          sumB += c / (nj * nj)
        }
      }
      h[j] = sumH
      a[j] = sumA
      b[j] = sumB
    }
    // Grow the high group from the largest marker value down.
    var countTree = RankCounter(size: times)
    var bTree = RankCounter(size: times)
    var observed = 0.0
    var expected = 0.0
    var linear = 0.0
    var quadratic = 0.0
    var members = 0.0
    var z = [Double](repeating: -1, count: candidates.count)
    var next = n - 1
    for c in stride(from: candidates.count - 1, through: 0, by: -1) {
      let cut = candidates[c]
      while next >= 0 && marker[byMarker[next]] > cut {
        let i = byMarker[next]
        let j = Int(table.timeIndex[i])
        let below = bTree.split(j).below
        let atOrAbove = members - countTree.split(j).below
        quadratic += b[j] + 2 * (below + b[j] * atOrAbove)
        linear += a[j]
        expected += h[j]
        observed += Double(sample.status[i])
        members += 1
        countTree.add(j, 1)
        bTree.add(j, b[j])
        next -= 1
      }
      let v = linear - quadratic
      if v > 0 { z[c] = abs(observed - expected) / v.squareRoot() }
    }
    var best = (cut: candidates[0], z: -1.0)
    for (c, value) in z.enumerated() where value > best.z { best = (candidates[c], value) }
    guard best.z >= 0 else {
      throw SurvivalKitError.insufficientData(
        message: "no cutpoint gives a log-rank test with positive variance (too few events)")
    }
    let m = best.z
    self.cutpoint = best.cut
    self.statistic = m
    self.adjustedP = MaximallySelectedLogRank.lausenSchumacherP(m, minProportion: minProportion)
    self.naiveP = 2 * Normal.upperTail(m)
    self.candidates = candidates.count
    self.minProportion = minProportion
  }

  /// The Lausen–Schumacher (1992) approximation for a maximally selected statistic over
  /// cutpoints between the ε and 1 - ε quantiles:
  /// 4 φ(m)/m + φ(m) (m - 1/m) log((1 - ε)² / ε²); 1 for m < 1 (as R maxstat's `pLausen92`),
  /// and never outside [0, 1].
  ///
  /// - Parameters:
  ///   - m: The maximally selected statistic M.
  ///   - e: The `minProportion` argument ε, in (0, 0.5).
  /// - Returns: The approximate p-value, in [0, 1].
  public static func lausenSchumacherP(_ m: Double, minProportion e: Double) -> Double {
    if m < 1 { return 1 }
    let density = Double.exp(-m * m / 2) / (2 * Double.pi).squareRoot()
    let p = 4 * density / m + density * (m - 1 / m) * Double.log((1 - e) * (1 - e) / (e * e))
    return min(1, max(0, p))
  }
}
