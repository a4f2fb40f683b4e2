#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The data of a Cox model arranged once for every likelihood evaluation.
///
/// Rows are sorted by stratum, then by (stop) time descending, so the risk sets are
/// accumulated in one backward pass per stratum: a row joins the risk set at its stop time,
/// and, for counting-process data `(start, stop]`, leaves it once the pass reaches its start
/// time (a second order, by start descending, tells when). Covariates are centred at their
/// weighted means and scaled by the reciprocal of their mean absolute deviation (as R's
/// `coxfit6` does for the iteration); results are transformed back by `CoxModel`.
///
/// Input assumptions: finite times, start < stop, status 0/1, positive weights.
struct CoxProblem {
  let n: Int
  let p: Int
  /// Column-major, sorted, centred and scaled covariates: x[j * n + i].
  let x: [Double]
  let stop: [Double]
  let start: [Double]?
  let status: [Double]
  let weight: [Double]
  /// First sorted index of each stratum, plus n at the end.
  let strataBounds: [Int]
  /// For counting-process data: sorted indices ordered by stratum, then start descending.
  let startOrder: [Int]
  /// sorted index -> sample row.
  let order: [Int]
  let means: [Double]
  let scales: [Double]

  init(
    columns: [[Double]], time: [Double], entry: [Double]?, status: [UInt8], weights: [Double],
    strata: [Int32], scale: Bool = true
  ) {
    let n = time.count
    let p = columns.count
    let order = (0..<n).sorted { (a: Int, b: Int) -> Bool in
      if strata[a] != strata[b] { return strata[a] < strata[b] }
      if time[a] != time[b] { return time[a] > time[b] }
      return a < b
    }
    var bounds: [Int] = [0]
    for k in 1..<max(1, n) where strata[order[k]] != strata[order[k - 1]] { bounds.append(k) }
    bounds.append(n)
    if n == 0 { bounds = [0, 0] }
    var totalWeight = 0.0
    for w in weights { totalWeight += w }
    var means = [Double](repeating: 0, count: p)
    var scales = [Double](repeating: 1, count: p)
    var x = [Double](repeating: 0, count: n * p)
    for j in 0..<p {
      let c = columns[j]
      var m = 0.0
      for i in 0..<n { m += weights[i] * c[i] }
      m /= totalWeight
      var mad = 0.0
      for i in 0..<n { mad += weights[i] * abs(c[i] - m) }
      let s = scale && mad > 0 ? totalWeight / mad : 1
      means[j] = m
      scales[j] = s
      for (k, i) in order.enumerated() { x[j * n + k] = (c[i] - m) * s }
    }
    self.n = n
    self.p = p
    self.x = x
    self.stop = order.map { time[$0] }
    self.start = entry.map { e in order.map { e[$0] } }
    self.status = order.map { Double(status[$0]) }
    self.weight = order.map { weights[$0] }
    self.strataBounds = bounds
    self.order = order
    self.means = means
    self.scales = scales
    if let s = self.start {
      var startOrder: [Int] = []
      startOrder.reserveCapacity(n)
      for k in 0..<(bounds.count - 1) {
        let range = bounds[k]..<bounds[k + 1]
        startOrder += range.sorted { (a: Int, b: Int) -> Bool in
          if s[a] != s[b] { return s[a] > s[b] }
          return a < b
        }
      }
      self.startOrder = startOrder
    } else {
      self.startOrder = []
    }
  }

  /// Log partial likelihood, score and information at `beta` (scaled coordinates).
  struct Evaluation {
    var loglik: Double
    var score: [Double]
    /// Information matrix, column-major p × p (full).
    var information: [Double]
  }

  /// Evaluates the Efron or Breslow log partial likelihood.
  /// - Complexity: O(n p²) in one backward pass per stratum.
  func evaluate(beta: [Double], ties: CoxTies, derivatives: Bool = true) -> Evaluation {
    let efron = ties == .efron
    var loglik = 0.0
    var u = [Double](repeating: 0, count: p)
    var imat = [Double](repeating: 0, count: p * p)
    var eta = [Double](repeating: 0, count: n)
    var risk = [Double](repeating: 0, count: n)
    x.withUnsafeBufferPointer { xb in
      for i in 0..<n {
        var e = 0.0
        for j in 0..<p { e += beta[j] * xb[j * n + i] }
        eta[i] = e
        risk[i] = weight[i] * exp(e)
      }
    }
    var s1 = [Double](repeating: 0, count: p)
    var s2 = [Double](repeating: 0, count: p * p)
    var e1 = [Double](repeating: 0, count: p)
    var e2 = [Double](repeating: 0, count: p * p)
    var xsum = [Double](repeating: 0, count: p)
    var mean = [Double](repeating: 0, count: p)
    x.withUnsafeBufferPointer { xb in
      for s in 0..<(strataBounds.count - 1) {
        let lo = strataBounds[s]
        let hi = strataBounds[s + 1]
        var s0 = 0.0
        for j in 0..<p { s1[j] = 0 }
        for k in 0..<(p * p) { s2[k] = 0 }
        var i = lo
        var q = lo  // position in startOrder
        while i < hi {
          let t = stop[i]
          var e0 = 0.0
          var deaths = 0
          var deathWeight = 0.0
          var etaSum = 0.0
          for j in 0..<p {
            e1[j] = 0
            xsum[j] = 0
          }
          if derivatives { for k in 0..<(p * p) { e2[k] = 0 } }
          // Rows with this stop time join the risk set.
          while i < hi && stop[i] == t {
            let r = risk[i]
            s0 += r
            for j in 0..<p {
              let xj = xb[j * n + i]
              s1[j] += r * xj
              if derivatives {
                for l in 0...j { s2[j * p + l] += r * xj * xb[l * n + i] }
              }
            }
            if status[i] == 1 {
              deaths += 1
              deathWeight += weight[i]
              etaSum += weight[i] * eta[i]
              e0 += r
              for j in 0..<p {
                let xj = xb[j * n + i]
                e1[j] += r * xj
                xsum[j] += weight[i] * xj
                if derivatives {
                  for l in 0...j { e2[j * p + l] += r * xj * xb[l * n + i] }
                }
              }
            }
            i += 1
          }
          // Counting process: rows whose interval starts at or after t leave.
          if let start {
            while q < hi && start[startOrder[q]] >= t {
              let k = startOrder[q]
              let r = risk[k]
              s0 -= r
              for j in 0..<p {
                let xj = xb[j * n + k]
                s1[j] -= r * xj
                if derivatives {
                  for l in 0...j { s2[j * p + l] -= r * xj * xb[l * n + k] }
                }
              }
              q += 1
            }
          }
          if deaths == 0 { continue }
          loglik += etaSum
          for j in 0..<p { u[j] += xsum[j] }
          if !efron || deaths == 1 {
            loglik -= deathWeight * log(s0)
            for j in 0..<p {
              mean[j] = s1[j] / s0
              u[j] -= deathWeight * mean[j]
            }
            if derivatives {
              for j in 0..<p {
                for l in 0...j {
                  imat[j * p + l] += deathWeight * (s2[j * p + l] / s0 - mean[j] * mean[l])
                }
              }
            }
          } else {
            let meanWeight = deathWeight / Double(deaths)
            for k in 0..<deaths {
              let f = Double(k) / Double(deaths)
              let d0 = s0 - f * e0
              loglik -= meanWeight * log(d0)
              for j in 0..<p {
                mean[j] = (s1[j] - f * e1[j]) / d0
                u[j] -= meanWeight * mean[j]
              }
              if derivatives {
                for j in 0..<p {
                  for l in 0...j {
                    imat[j * p + l] +=
                      meanWeight * ((s2[j * p + l] - f * e2[j * p + l]) / d0 - mean[j] * mean[l])
                  }
                }
              }
            }
          }
        }
      }
    }
    // Fill the upper triangle.
    for j in 0..<p {
      for l in 0..<j { imat[l * p + j] = imat[j * p + l] }
    }
    // imat[j * p + l] with l <= j was the lower triangle in row-major terms; the matrix is
    // symmetric, so column-major and row-major agree.
    return Evaluation(loglik: loglik, score: u, information: imat)
  }
}
