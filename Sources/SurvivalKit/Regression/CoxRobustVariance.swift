import RealModule

/// Score residuals and the robust (sandwich) variance of a Cox fit.
///
/// With the hazard increments of the fit's tie method at each event time t_j (m_j tied events
/// of total weight δw_j; Efron splits the risk set into k = 0..m-1 parts with
/// S0_k = S0 - (k/m) E0, x̄_k = (S1 - (k/m) E1) / S0_k and h_k = (δw/m) / S0_k; Breslow has one
/// part), the score residual of subject i is
///
///   r_i = δ_i (x_i - mean_k x̄_k(t_i)) - e^{η_i} Σ_{t_j at risk} Σ_k c_ijk h_k (x_i - x̄_k),
///
/// with c_ijk = 1 for a subject at risk, and 1 - k/m for one of the events at t_j (Efron). They
/// satisfy Σ w_i r_i = U(β). The dfbeta residuals are D_i = w_i r_iᵀ V, summed within
/// clusters, and the robust variance is Σ_c D_c D_cᵀ (Lin & Wei 1989; Therneau & Grambsch
/// 2000, §7.2), as R's `coxph(..., robust = TRUE)` or `cluster()`.
extension CoxProblem {
  /// Per event time of one stratum: the cumulative sums needed for the residuals.
  struct EventTimeTerms {
    var time: Double
    /// Σ_k h_k and Σ_k h_k x̄_k (subjects at risk, not an event at this time).
    var hazard: Double
    var weightedMean: [Double]
    /// Σ_k (1 - k/m) h_k and Σ_k (1 - k/m) h_k x̄_k (the events at this time).
    var eventHazard: Double
    var eventWeightedMean: [Double]
    /// mean_k x̄_k.
    var eventMean: [Double]
  }

  /// The risk-set terms at each event time, per stratum, in ascending time.
  func eventTimeTerms(beta: [Double], ties: CoxTies) -> [[EventTimeTerms]] {
    let efron = ties == .efron  // exact ties use the Breslow form here, as R's residuals
    var result: [[EventTimeTerms]] = []
    var risk = [Double](repeating: 0, count: n)
    for i in 0..<n {
      var e = 0.0
      for j in 0..<p { e += beta[j] * x[i * p + j] }
      risk[i] = weight[i] * Double.exp(e)
    }
    var s1 = [Double](repeating: 0, count: p)
    var e1 = [Double](repeating: 0, count: p)
    for s in 0..<(strataBounds.count - 1) {
      let lo = strataBounds[s]
      let hi = strataBounds[s + 1]
      var terms: [EventTimeTerms] = []
      var s0 = 0.0
      for j in 0..<p { s1[j] = 0 }
      var i = lo
      var q = lo
      while i < hi {
        let t = stop[i]
        var e0 = 0.0
        var deaths = 0
        var deathWeight = 0.0
        for j in 0..<p { e1[j] = 0 }
        while i < hi && stop[i] == t {
          s0 += risk[i]
          for j in 0..<p { s1[j] += risk[i] * x[i * p + j] }
          if status[i] == 1 {
            deaths += 1
            deathWeight += weight[i]
            e0 += risk[i]
            for j in 0..<p { e1[j] += risk[i] * x[i * p + j] }
          }
          i += 1
        }
        if let start {
          while q < hi && start[startOrder[q]] >= t {
            let k = startOrder[q]
            s0 -= risk[k]
            for j in 0..<p { s1[j] -= risk[k] * x[k * p + j] }
            q += 1
          }
        }
        if deaths == 0 { continue }
        let parts = efron ? deaths : 1
        var term = EventTimeTerms(
          time: t, hazard: 0, weightedMean: [Double](repeating: 0, count: p), eventHazard: 0,
          eventWeightedMean: [Double](repeating: 0, count: p),
          eventMean: [Double](repeating: 0, count: p))
        for k in 0..<parts {
          let f = efron ? Double(k) / Double(deaths) : 0
          let d0 = s0 - f * e0
          let h = deathWeight / Double(parts) / d0
          let share = efron ? 1 - f : 1
          term.hazard += h
          term.eventHazard += share * h
          for j in 0..<p {
            let mean = (s1[j] - f * e1[j]) / d0
            term.weightedMean[j] += h * mean
            term.eventWeightedMean[j] += share * h * mean
            term.eventMean[j] += mean / Double(parts)
          }
        }
        terms.append(term)
      }
      result.append(terms.reversed())
    }
    return result
  }

  /// Score residuals r_i (scaled coordinates) in sorted order, n × p row-major.
  func scoreResiduals(beta: [Double], ties: CoxTies) -> [Double] {
    residualParts(beta: beta, ties: ties).score
  }

  /// The per-row pieces of every residual, in sorted order (scaled coordinates):
  /// - `score`: the score residuals r_i, n × p row-major;
  /// - `expected`: e^{η_i} Λ_i, the row's expected number of events, Λ_i the baseline hazard
  ///   accumulated over its time at risk, with the tie method's share at its own event time
  ///   (the martingale residual is δ_i - expected_i, R's `coxmart`/`agmart3`);
  /// - `schoenfeld`: x_i - mean_k x̄_k(t_i) for an event row (zero for censored rows).
  /// - Complexity: O(n p + n log T) after the one pass over the event times.
  func residualParts(beta: [Double], ties: CoxTies, schoenfeld wantSchoenfeld: Bool = false)
    -> (score: [Double], expected: [Double], schoenfeld: [Double])
  {
    let terms = eventTimeTerms(beta: beta, ties: ties)
    var residuals = [Double](repeating: 0, count: n * p)
    var expected = [Double](repeating: 0, count: n)
    var schoenfeld = [Double](repeating: 0, count: wantSchoenfeld ? n * p : 0)
    var mean = [Double](repeating: 0, count: p)
    for s in 0..<(strataBounds.count - 1) {
      let list = terms[s]
      let m = list.count
      // Cumulative sums over ascending event times: index k holds the sum of times 0..<k.
      var cumulativeHazard = [Double](repeating: 0, count: m + 1)
      var cumulativeMean = [Double](repeating: 0, count: (m + 1) * p)
      for k in 0..<m {
        cumulativeHazard[k + 1] = cumulativeHazard[k] + list[k].hazard
        for j in 0..<p {
          cumulativeMean[(k + 1) * p + j] = cumulativeMean[k * p + j] + list[k].weightedMean[j]
        }
      }
      let times = list.map(\.time)
      // Number of event times <= t.
      func countUpTo(_ t: Double) -> Int {
        var a = 0
        var b = m
        while a < b {
          let mid = (a + b) / 2
          if times[mid] <= t { a = mid + 1 } else { b = mid }
        }
        return a
      }
      for i in strataBounds[s]..<strataBounds[s + 1] {
        var e = 0.0
        for j in 0..<p { e += beta[j] * x[i * p + j] }
        let score = Double.exp(e)
        let upper = countUpTo(stop[i])
        let lower = start.map { countUpTo($0[i]) } ?? 0
        var hazard = cumulativeHazard[upper] - cumulativeHazard[lower]
        for j in 0..<p { mean[j] = cumulativeMean[upper * p + j] - cumulativeMean[lower * p + j] }
        if status[i] == 1 {
          // Its own event time uses the event terms instead of the at-risk ones.
          let own = list[upper - 1]
          hazard += own.eventHazard - own.hazard
          for j in 0..<p {
            mean[j] += own.eventWeightedMean[j] - own.weightedMean[j]
            let r = x[i * p + j] - own.eventMean[j]
            residuals[i * p + j] += r
            if wantSchoenfeld { schoenfeld[i * p + j] = r }
          }
        }
        expected[i] = score * hazard
        for j in 0..<p {
          residuals[i * p + j] -= score * (x[i * p + j] * hazard - mean[j])
        }
      }
    }
    return (residuals, expected, schoenfeld)
  }

  /// The sandwich variance, dfbeta summed within clusters (codes per sample row), in original
  /// coordinates (or in the scaled coordinates of the fit with `originalScale: false`).
  func robustVariance(
    beta: [Double], ties: CoxTies, scaledVariance: Matrix, cluster: [Int32],
    originalScale: Bool = true
  ) -> Matrix {
    let residuals = scoreResiduals(beta: beta, ties: ties)
    let clusters = Int(cluster.max() ?? 0) + 1
    var sums = [Double](repeating: 0, count: clusters * p)
    for k in 0..<n {
      let c = Int(cluster[Int(order[k])])
      for j in 0..<p {
        var dfbeta = 0.0
        for l in 0..<p { dfbeta += residuals[k * p + l] * scaledVariance[l, j] }
        sums[c * p + j] += weight[k] * dfbeta * (originalScale ? scales[j] : 1)
      }
    }
    var v = Matrix(zeros: p)
    for c in 0..<clusters {
      for a in 0..<p {
        for b in 0..<p { v[a, b] += sums[c * p + a] * sums[c * p + b] }
      }
    }
    return v
  }

  /// The robust score statistic at β = 0 (scaling and centring cancel out of it).
  func robustScoreStatistic(ties: CoxTies, cluster: [Int32]) throws -> Double {
    let residuals = scoreResiduals(beta: [Double](repeating: 0, count: p), ties: ties)
    let clusters = Int(cluster.max() ?? 0) + 1
    var sums = [Double](repeating: 0, count: clusters * p)
    var u = [Double](repeating: 0, count: p)
    for k in 0..<n {
      let c = Int(cluster[Int(order[k])])
      for j in 0..<p {
        let v = weight[k] * residuals[k * p + j]
        sums[c * p + j] += v
        u[j] += v
      }
    }
    var m = Matrix(zeros: p)
    for c in 0..<clusters {
      for a in 0..<p {
        for b in 0..<p { m[a, b] += sums[c * p + a] * sums[c * p + b] }
      }
    }
    return try CoxModel.quadraticForm(inverseOf: m, vector: u)
  }
}
