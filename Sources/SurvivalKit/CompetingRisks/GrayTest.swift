import RealModule

/// Gray's K-sample test for equality of the cumulative incidence of one cause between groups,
/// stratified when `strata()` is given, as `cmprsk::cuminc` computes it (Gray 1988, Ann.
/// Statist. 16:1141–1154).
///
/// Per stratum and group g, with R_g(t) the number at risk, S_g the all-cause Kaplan–Meier
/// curve and F_g the cumulative incidence of the cause, the score compares the group's
/// subdistribution hazard with the pooled one:
/// s_g = Σ_t W(t) [ d_g(t) - d(t) ĥ_g(t)(1 - F_g(t-)) / Σ_r ĥ_r(t)(1 - F_r(t-)) ],
/// ĥ_g = R_g / S_g(t-), W(t) = (1 - F(t-))^ρ; the scores of the first K - 1 groups are summed
/// over strata, with Gray's variance estimate (his equation 2.5) summed likewise, and
/// X² = sᵀ V⁻¹ s is referred to chi-square with K - 1 degrees of freedom.
///
/// Right-censored, unweighted data only (what `cuminc` takes).
///
/// - Complexity: O(n log n) for the sort, then O(times × K²) per stratum.
public enum GrayTest {
  /// Gray's test for one cause.
  public struct Result: Sendable, Equatable {
    /// The cause tested.
    public let cause: String
    /// X² = sᵀ V⁻¹ s (nil when V is singular, as cuminc's -1).
    public let statistic: Double?
    /// Degrees of freedom, K - 1.
    public let df: Int
    /// Upper chi-square tail probability of the statistic.
    public let p: Double?
    /// Scores of the first K - 1 groups.
    public let score: [Double]
  }

  /// Tests every cause of `sample` between its `groups`, within its `strata`.
  /// - Parameters:
  ///   - sample: the competing-risk sample (groups from the formula's terms).
  ///   - rho: power of the weight (1 - F(t-))^ρ (cuminc's default 0).
  /// - Throws: when there is a single group, or the data are weighted or have entry times.
  public static func test(_ sample: CompetingRiskSample, rho: Double = 0) throws -> [Result] {
    guard sample.groups.labels.count > 1 else {
      throw SurvivalKitError.insufficientData(
        message: "Gray's test compares groups, but the formula has a single group; add a term")
    }
    guard sample.weights == nil, sample.entry == nil else {
      throw SurvivalKitError.invalidArgument(
        name: "data",
        message: "Gray's test takes right-censored, unweighted data (as cmprsk::cuminc); "
          + "drop the weights or the entry times to test")
    }
    let order = sample.ascendingTimeOrder ?? SortOrder.order(sample.time)
    let rows = EventTable.bucket(
      order, by: sample.strata.codes, count: sample.strata.labels.count)
    var stratumStart = [Int](repeating: 0, count: sample.strata.labels.count + 1)
    for code in sample.strata.codes { stratumStart[Int(code) + 1] += 1 }
    for s in 0..<sample.strata.labels.count { stratumStart[s + 1] += stratumStart[s] }
    let ng = sample.groups.labels.count
    var results: [Result] = []
    for c in 0..<sample.causes.count {
      var score = [Double](repeating: 0, count: ng - 1)
      var variance = [Double](repeating: 0, count: (ng - 1) * (ng - 1))
      for s in 0..<sample.strata.labels.count {
        accumulate(
          rows: rows[stratumStart[s]..<stratumStart[s + 1]], sample: sample,
          causeCode: Int32(c + 1), groups: ng, rho: rho, score: &score, variance: &variance)
      }
      let v = Matrix(size: ng - 1, storage: variance)
      if let x = try? LAPACK.solve(v, score) {
        var stat = 0.0
        for i in 0..<(ng - 1) { stat += score[i] * x[i] }
        results.append(
          Result(
            cause: sample.causes[c], statistic: stat, df: ng - 1,
            p: ChiSquare.upperTail(stat, df: Double(ng - 1)), score: score))
      } else {
        results.append(
          Result(cause: sample.causes[c], statistic: nil, df: ng - 1, p: nil, score: score))
      }
    }
    return results
  }

  /// Adds one stratum's scores and variance (Gray 1988, §2) for one cause.
  static func accumulate(
    rows: ArraySlice<Int>, sample: CompetingRiskSample, causeCode: Int32, groups ng: Int,
    rho: Double, score: inout [Double], variance: inout [Double]
  ) {
    let k1 = ng - 1
    var atRisk = [Double](repeating: 0, count: ng)
    for r in rows { atRisk[Int(sample.groups.codes[r])] += 1 }
    var fPrev = [Double](repeating: 0, count: ng)  // F_g(t-)
    var fNow = [Double](repeating: 0, count: ng)
    var sPrev = [Double](repeating: 1, count: ng)  // S_g(t-)
    var sNow = [Double](repeating: 1, count: ng)
    var c = [Double](repeating: 0, count: ng * ng)
    var a = [Double](repeating: 0, count: ng * ng)
    var v3 = [Double](repeating: 0, count: ng)
    var v2 = [Double](repeating: 0, count: k1 * ng)
    var v = [Double](repeating: 0, count: k1 * k1)
    var s = [Double](repeating: 0, count: k1)
    var pooledPrev = 0.0
    var pooled = 0.0
    var d1 = [Double](repeating: 0, count: ng)
    var d2 = [Double](repeating: 0, count: ng)
    var leaving = [Double](repeating: 0, count: ng)
    var p = rows.startIndex
    while p < rows.endIndex {
      let t = sample.time[rows[p]]
      for g in 0..<ng {
        d1[g] = 0
        d2[g] = 0
        leaving[g] = 0
      }
      while p < rows.endIndex && sample.time[rows[p]] == t {
        let r = rows[p]
        let g = Int(sample.groups.codes[r])
        leaving[g] += 1
        if sample.cause[r] == causeCode {
          d1[g] += 1
        } else if sample.cause[r] > 0 {
          d2[g] += 1
        }
        p += 1
      }
      let n1 = d1.reduce(0, +)
      let n2 = d2.reduce(0, +)
      if n1 > 0 || n2 > 0 {
        var hazardSum = 0.0  // Σ ĥ_r
        var weightedSum = 0.0  // Σ ĥ_r (1 - F_r(t-))
        for g in 0..<ng where atRisk[g] > 0 {
          sNow[g] = sPrev[g] * (atRisk[g] - d1[g] - d2[g]) / atRisk[g]
          fNow[g] = fPrev[g] + sPrev[g] * d1[g] / atRisk[g]
          hazardSum += atRisk[g] / sPrev[g]
          weightedSum += atRisk[g] * (1 - fPrev[g]) / sPrev[g]
        }
        pooled = pooledPrev + n1 / hazardSum
        let weight = Double.pow(1 - pooledPrev, rho)
        for i in 0..<ng {
          for j in 0..<ng { a[i * ng + j] = 0 }
        }
        for i in 0..<ng where atRisk[i] > 0 {
          let hi = atRisk[i] / sPrev[i]
          a[i * ng + i] = weight * hi * (1 - hi / hazardSum)
          c[i * ng + i] += a[i * ng + i] * n1 / (hazardSum * (1 - pooledPrev))
          for j in (i + 1)..<ng where atRisk[j] > 0 {
            let aij = -weight * hi * atRisk[j] / (sPrev[j] * hazardSum)
            a[i * ng + j] = aij
            a[j * ng + i] = aij
            c[i * ng + j] += aij * n1 / (hazardSum * (1 - pooledPrev))
            c[j * ng + i] = c[i * ng + j]
          }
        }
        for i in 0..<k1 where atRisk[i] > 0 {
          s[i] += weight * (d1[i] - n1 * atRisk[i] * (1 - fPrev[i]) / (sPrev[i] * weightedSum))
        }
        if n1 > 0 {
          for g in 0..<ng where atRisk[g] > 0 {
            let t4 = sNow[g] > 0 ? 1 - (1 - pooled) / sNow[g] : 1
            let t5 = n1 > 1 ? 1 - (n1 - 1) / (hazardSum * sPrev[g] - 1) : 1
            let t3 = t5 * sPrev[g] * n1 / (hazardSum * atRisk[g])
            v3[g] += t4 * t4 * t3
            for i in 0..<k1 {
              let t1 = a[i * ng + g] - t4 * c[i * ng + g]
              v2[i * ng + g] += t1 * t4 * t3
              for j in 0...i {
                v[i * k1 + j] += t1 * (a[j * ng + g] - t4 * c[j * ng + g]) * t3
              }
            }
          }
        }
        if n2 > 0 {
          for g in 0..<ng where sNow[g] > 0 && d2[g] > 0 {
            let t4 = (1 - pooled) / sNow[g]
            let t5 = d2[g] > 1 ? 1 - (d2[g] - 1) / (atRisk[g] - 1) : 1
            let t3 = t5 * sPrev[g] * sPrev[g] * d2[g] / (atRisk[g] * atRisk[g])
            v3[g] += t4 * t4 * t3
            for i in 0..<k1 {
              let t1 = t4 * c[i * ng + g]
              v2[i * ng + g] -= t1 * t4 * t3
              for j in 0...i { v[i * k1 + j] += t1 * t4 * c[j * ng + g] * t3 }
            }
          }
        }
      }
      for g in 0..<ng { atRisk[g] -= leaving[g] }
      pooledPrev = pooled
      fPrev = fNow
      sPrev = sNow
    }
    for i in 0..<k1 {
      for j in 0...i {
        var x = v[i * k1 + j]
        for g in 0..<ng {
          x += c[i * ng + g] * c[j * ng + g] * v3[g]
          x += c[i * ng + g] * v2[j * ng + g] + c[j * ng + g] * v2[i * ng + g]
        }
        variance[i * k1 + j] += x
        if i != j { variance[j * k1 + i] += x }
      }
    }
    for i in 0..<k1 { score[i] += s[i] }
  }
}
