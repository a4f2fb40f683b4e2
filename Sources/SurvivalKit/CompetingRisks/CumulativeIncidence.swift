import RealModule

/// Aalen–Johansen estimates of the cumulative incidence of each cause, one curve per group,
/// as R's `survfit` with a factor status reports them (`pstate`, `std.err`, `lower`, `upper`).
///
/// At each distinct time t_j with (weighted) n_j at risk, d_j events of any cause and d_kj of
/// cause k, with S the all-cause Kaplan–Meier curve:
/// - F_k(t) = Σ_{t_j <= t} S(t_j-) d_kj / n_j                       (Aalen & Johansen 1978)
/// - the standard error is the infinitesimal jackknife (R survival >= 3.0): with U_i(t) the
///   derivative of F_k(t) with respect to the weight of row i,
///   U_i(t) = Σ_{t_j <= t} [ S(t_j-)/n_j (dN_ik(t_j) - Y_i(t_j) d_kj/n_j)
///            - (F_k(t) - F_k(t_j)) (dN_i(t_j) - Y_i(t_j) d_j/n_j) / (n_j - d_j) ],
///   Var F_k(t) = Σ_i (w_i U_i(t))²;
/// - limits on the log scale: F exp(±z SE/F), the upper one capped at 1 (undefined when F = 0).
/// With delayed entry a row is at risk at t when start < t <= stop (R's counting-process
/// convention).
///
/// - Complexity: O(n log n) for the one sort, then O(causes × (n + times)): the sum over rows
///   of U_i(t)² is carried in closed form from time to time, never row by row.
public enum CumulativeIncidence {
  /// Fits the cumulative incidence curves of every cause for every group of `sample`.
  public static func fit(_ sample: CompetingRiskSample, confLevel: Double = 0.95) throws
    -> CumulativeIncidenceFit
  {
    try KaplanMeier.validate(confLevel: confLevel)
    let anyEvent = sample.cause.map { $0 > 0 ? UInt8(1) : 0 }
    let table = try EventTable(
      time: sample.time, status: anyEvent, entry: sample.entry, strata: sample.grouping,
      groups: nil, weights: sample.weights, ascendingOrder: sample.ascendingTimeOrder)
    let k = sample.causes.count
    let m = table.time.count
    // Per-cause (weighted) events at each pooled time.
    var causeEvents = [Double](repeating: 0, count: m * k)
    for i in 0..<sample.count where sample.cause[i] > 0 {
      causeEvents[Int(table.timeIndex[i]) * k + Int(sample.cause[i]) - 1] +=
        sample.weights?[i] ?? 1
    }
    // Rows of each curve.
    let strataCount = table.strata.count
    var rowStart = [Int](repeating: 0, count: strataCount + 1)
    for code in sample.grouping.codes { rowStart[Int(code) + 1] += 1 }
    for s in 0..<strataCount { rowStart[s + 1] += rowStart[s] }
    var rows = [Int](repeating: 0, count: sample.count)
    var fill = rowStart
    for i in 0..<sample.count {
      let s = Int(sample.grouping.codes[i])
      rows[fill[s]] = i
      fill[s] += 1
    }
    // First pooled index at which each row is at risk (time > entry).
    var entryIndex = [Int32](repeating: 0, count: sample.count)
    if let entry = sample.entry {
      for i in 0..<sample.count {
        let r = table.range(stratum: Int(sample.grouping.codes[i]))
        var lo = r.lowerBound
        var hi = r.upperBound
        while lo < hi {
          let mid = (lo + hi) / 2
          if table.time[mid] > entry[i] { hi = mid } else { lo = mid + 1 }
        }
        entryIndex[i] = Int32(lo)
      }
    } else {
      for i in 0..<sample.count {
        entryIndex[i] = Int32(table.range(stratum: Int(sample.grouping.codes[i])).lowerBound)
      }
    }
    let z = Normal.quantile(1 - (1 - confLevel) / 2)
    var curves: [CumulativeIncidenceCurve] = []
    for s in 0..<strataCount {
      let range = table.range(stratum: s)
      let risk = range.map { table.weighted?.risk[$0] ?? Double(table.nRisk[$0]) }
      let counts = Array(table.nRisk[range])
      let events = range.map { table.weighted?.event[$0] ?? Double(table.nEvent[$0]) }
      let emptied = range.map { table.nRisk[$0] == table.nEvent[$0] }
      var estimates: [CumulativeIncidenceCurve.Cause] = []
      for c in 0..<k {
        let dk = range.map { causeEvents[$0 * k + c] }
        let (cif, se) = incidence(
          risk: risk, events: events, causeEvents: dk, emptied: emptied,
          rows: rows[rowStart[s]..<rowStart[s + 1]], offset: range.lowerBound,
          timeIndex: table.timeIndex, entryIndex: entryIndex, cause: sample.cause,
          causeCode: Int32(c + 1), weights: sample.weights)
        var lower = [Double?](repeating: nil, count: cif.count)
        var upper = [Double?](repeating: nil, count: cif.count)
        for j in cif.indices where cif[j] > 0 {
          let f = cif[j]
          lower[j] = f * Double.exp(-z * se[j] / f)
          upper[j] = Swift.min(1, f * Double.exp(z * se[j] / f))
        }
        estimates.append(
          CumulativeIncidenceCurve.Cause(
            cause: sample.causes[c], incidence: cif, standardError: se, lower: lower,
            upper: upper, events: dk.reduce(0, +)))
      }
      curves.append(
        CumulativeIncidenceCurve(
          label: table.strata[s], time: Array(table.time[range]), nRisk: counts,
          n: rowStart[s + 1] - rowStart[s], causes: estimates))
    }
    return CumulativeIncidenceFit(
      causes: sample.causes, censoringLevel: sample.censoringLevel, curves: curves,
      confLevel: confLevel, dropped: sample.dropped, formula: sample.formula,
      weighted: sample.weights != nil, delayedEntry: sample.entry != nil)
  }

  /// The cumulative incidence of one cause on one curve and its infinitesimal-jackknife SE.
  ///
  /// Writing U_i(t) = a_i(t) - F(t) b_i(t), a row's a and b move by the same amounts (-α_j,
  /// -β_j) at every time it is at risk and jump once at its own event; so Σ w² U² at each time
  /// follows from running sums over the rows that left and over those still at risk.
  static func incidence(
    risk: [Double], events: [Double], causeEvents: [Double], emptied: [Bool],
    rows: ArraySlice<Int>, offset: Int, timeIndex: [Int32], entryIndex: [Int32],
    cause: [Int32], causeCode: Int32, weights: [Double]?
  ) -> (cif: [Double], se: [Double]) {
    let m = risk.count
    var cif = [Double](repeating: 0, count: m)
    var sMinus = [Double](repeating: 0, count: m)
    var h = [Double](repeating: 0, count: m)
    var cumA = [Double](repeating: 0, count: m)
    var cumB = [Double](repeating: 0, count: m)
    var surv = 1.0
    var f = 0.0
    var a = 0.0
    var b = 0.0
    for j in 0..<m {
      let n = risk[j]
      let lambda = events[j] / n
      let lambdaK = causeEvents[j] / n
      sMinus[j] = surv
      f += surv * lambdaK
      cif[j] = f
      // 1/(n - d); a time that empties the risk set ends the curve's movement, so its
      // (F(t) - F(t_j)) factor is 0 and the term is dropped.
      h[j] = emptied[j] ? 0 : 1 / (n - events[j])
      a += surv * lambdaK / n + f * h[j] * lambda
      b += h[j] * lambda
      cumA[j] = a
      cumB[j] = b
      surv *= 1 - lambda
    }
    // Running sums: rows that left at each time, rows entering at each time.
    var leftAA = [Double](repeating: 0, count: m)
    var leftAB = [Double](repeating: 0, count: m)
    var leftBB = [Double](repeating: 0, count: m)
    var inW = [Double](repeating: 0, count: m)
    var inA = [Double](repeating: 0, count: m)
    var inB = [Double](repeating: 0, count: m)
    var inAA = [Double](repeating: 0, count: m)
    var inBB = [Double](repeating: 0, count: m)
    var inAB = [Double](repeating: 0, count: m)
    for i in rows {
      let x = Int(timeIndex[i]) - offset
      let e = Int(entryIndex[i]) - offset
      let w = weights?[i] ?? 1
      let w2 = w * w
      let ae = e > 0 ? cumA[e - 1] : 0
      let be = e > 0 ? cumB[e - 1] : 0
      var af = -(cumA[x] - ae)
      var bf = -(cumB[x] - be)
      if cause[i] > 0 {
        af += cif[x] * h[x] + (cause[i] == causeCode ? sMinus[x] / risk[x] : 0)
        bf += h[x]
      }
      leftAA[x] += w2 * af * af
      leftAB[x] += w2 * af * bf
      leftBB[x] += w2 * bf * bf
      // Entered at e, left at x: remove at x the entering contribution.
      inW[e] += w2
      inA[e] += w2 * ae
      inB[e] += w2 * be
      inAA[e] += w2 * ae * ae
      inBB[e] += w2 * be * be
      inAB[e] += w2 * ae * be
      inW[x] -= w2
      inA[x] -= w2 * ae
      inB[x] -= w2 * be
      inAA[x] -= w2 * ae * ae
      inBB[x] -= w2 * be * be
      inAB[x] -= w2 * ae * be
    }
    var se = [Double](repeating: 0, count: m)
    var eAA = 0.0
    var eAB = 0.0
    var eBB = 0.0
    var cW = 0.0
    var cA = 0.0
    var cB = 0.0
    var cAA = 0.0
    var cBB = 0.0
    var cAB = 0.0
    for j in 0..<m {
      eAA += leftAA[j]
      eAB += leftAB[j]
      eBB += leftBB[j]
      cW += inW[j]
      cA += inA[j]
      cB += inB[j]
      cAA += inAA[j]
      cBB += inBB[j]
      cAB += inAB[j]
      let fj = cif[j]
      let p = -(cumA[j] - fj * cumB[j])
      var v = eAA - 2 * fj * eAB + fj * fj * eBB
      v += p * p * cW + cAA + fj * fj * cBB + 2 * p * cA - 2 * p * fj * cB - 2 * fj * cAB
      se[j] = fj > 0 ? Swift.max(v, 0).squareRoot() : 0
    }
    return (cif, se)
  }
}

/// The cumulative incidence curves of one group: the times, the number at risk and, per
/// cause, the Aalen–Johansen estimate with its standard error and confidence limits.
public struct CumulativeIncidenceCurve: Sendable, Equatable {
  /// One cause's curve.
  public struct Cause: Sendable, Equatable {
    /// The cause's level.
    public let cause: String
    /// F_k(t) just after each time.
    public let incidence: [Double]
    /// Infinitesimal-jackknife standard error of F_k(t).
    public let standardError: [Double]
    /// Lower confidence limit (nil while F_k = 0).
    public let lower: [Double?]
    /// Upper confidence limit (nil while F_k = 0).
    public let upper: [Double?]
    /// Total (weighted) events of the cause.
    public let events: Double
  }

  /// The group's label (`sex=F`, or `all`).
  public let label: String
  /// Distinct times (events and censorings), ascending.
  public let time: [Double]
  /// Number of rows at risk just before each time (not weighted, as R's multi-state
  /// `n.risk`; the estimates use the weighted counts).
  public let nRisk: [Int]
  /// Rows in the group.
  public let n: Int
  /// One entry per cause, in cause order.
  public let causes: [Cause]
}

/// Cumulative incidence curves of every cause and group, with the settings used.
public struct CumulativeIncidenceFit: Sendable, Equatable {
  /// Cause levels, in order.
  public let causes: [String]
  /// The level read as censored.
  public let censoringLevel: String
  /// One entry per group.
  public let curves: [CumulativeIncidenceCurve]
  /// Confidence level of the limits.
  public let confLevel: Double
  /// Rows dropped for missing values.
  public let dropped: Int
  /// The formula as written.
  public let formula: String
  /// Whether case weights were used.
  public let weighted: Bool
  /// Whether rows had entry times.
  public let delayedEntry: Bool
}
