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
  /// Row-major, sorted, centred and scaled covariates: x[i * p + j] (row i contiguous).
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
    let order = SortOrder.stableByStratum(SortOrder.order(time, descending: true), strata: strata)
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
      for (k, i) in order.enumerated() { x[k * p + j] = (c[i] - m) * s }
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
      // By stratum (the sorted positions are already grouped), then start descending.
      let sortedStrata = order.map { strata[$0] }
      let startOrder = SortOrder.stableByStratum(
        SortOrder.order(s, descending: true), strata: sortedStrata)
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
  ///
  /// The hot loop works on raw pointers into buffers allocated once per call (no per-row
  /// allocation, no bounds or uniqueness checks) and accumulates only the lower triangle of
  /// the second-moment sums.
  /// - Complexity: O(n p²) in one backward pass per stratum.
  func evaluate(beta: [Double], ties: CoxTies, derivatives: Bool = true) -> Evaluation {
    let efron = ties == .efron
    let n = self.n
    let p = self.p
    let pp = p * p
    // One scratch allocation: risk, eta, s1, s2, e1, e2, xsum, mean, u, imat.
    let scratch = UnsafeMutablePointer<Double>.allocate(capacity: 2 * n + 5 * p + 3 * pp)
    defer { scratch.deallocate() }
    scratch.initialize(repeating: 0, count: 2 * n + 5 * p + 3 * pp)
    let risk = scratch
    let eta = risk + n
    let s1 = eta + n
    let e1 = s1 + p
    let xsum = e1 + p
    let mean = xsum + p
    let u = mean + p
    let s2 = u + p
    let e2 = s2 + pp
    let imat = e2 + pp
    var loglik = 0.0
    x.withUnsafeBufferPointer { xBuffer in
      stop.withUnsafeBufferPointer { stopBuffer in
        status.withUnsafeBufferPointer { statusBuffer in
          weight.withUnsafeBufferPointer { weightBuffer in
            let xb = xBuffer.baseAddress!
            let stop = stopBuffer.baseAddress!
            let status = statusBuffer.baseAddress!
            let weight = weightBuffer.baseAddress!
            for i in 0..<n {
              let row = xb + i * p
              var e = 0.0
              for j in 0..<p { e += beta[j] * row[j] }
              eta[i] = e
            }
            for i in 0..<n { risk[i] = weight[i] * exp(eta[i]) }
            // Row i's covariates are xb[i * p + j].
            @inline(__always) func addOuter(_ target: UnsafeMutablePointer<Double>, _ i: Int, _ r: Double) {
              let xi = xb + i * p
              for j in 0..<p {
                let rj = r * xi[j]
                let row = target + j * p
                var l = 0
                while l <= j {
                  row[l] += rj * xi[l]
                  l += 1
                }
              }
            }
            for stratum in 0..<(strataBounds.count - 1) {
              let lo = strataBounds[stratum]
              let hi = strataBounds[stratum + 1]
              var s0 = 0.0
              for j in 0..<p { s1[j] = 0 }
              for k in 0..<pp { s2[k] = 0 }
              var i = lo
              var q = lo
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
                if derivatives { for k in 0..<pp { e2[k] = 0 } }
                while i < hi && stop[i] == t {
                  let r = risk[i]
                  s0 += r
                  for j in 0..<p { s1[j] += r * xb[i * p + j] }
                  if derivatives { addOuter(s2, i, r) }
                  if status[i] == 1 {
                    deaths += 1
                    deathWeight += weight[i]
                    etaSum += weight[i] * eta[i]
                    e0 += r
                    for j in 0..<p {
                      e1[j] += r * xb[i * p + j]
                      xsum[j] += weight[i] * xb[i * p + j]
                    }
                    if derivatives { addOuter(e2, i, r) }
                  }
                  i += 1
                }
                if let start {
                  start.withUnsafeBufferPointer { startBuffer in
                    startOrder.withUnsafeBufferPointer { orderBuffer in
                      while q < hi && startBuffer[orderBuffer[q]] >= t {
                        let k = orderBuffer[q]
                        let r = risk[k]
                        s0 -= r
                        for j in 0..<p { s1[j] -= r * xb[k * p + j] }
                        if derivatives { addOuter(s2, k, -r) }
                        q += 1
                      }
                    }
                  }
                }
                if deaths == 0 { continue }
                loglik += etaSum
                for j in 0..<p { u[j] += xsum[j] }
                // Efron's parts k = 0..<m have S0_k = S0 - f_k E0 (f_k = k/m), and likewise
                // S1_k, S2_k. Their sums reduce to scalar sums over k:
                //   Σ S2_k/S0_k = a S2 - b E2, a = Σ 1/S0_k, b = Σ f_k/S0_k,
                //   Σ x̄_k x̄_kᵀ = c S1S1ᵀ - g (S1E1ᵀ + E1S1ᵀ) + h E1E1ᵀ with c = Σ 1/S0_k²,
                //   g = Σ f_k/S0_k², h = Σ f_k²/S0_k²,
                // so a tie of m events costs O(m + p²) instead of O(m p²). Breslow is m = 1.
                let parts = efron ? deaths : 1
                let partWeight = deathWeight / Double(parts)
                var a = 0.0
                var b = 0.0
                var c = 0.0
                var g = 0.0
                var h = 0.0
                for k in 0..<parts {
                  let f = efron ? Double(k) / Double(deaths) : 0
                  let d0 = s0 - f * e0
                  loglik -= partWeight * log(d0)
                  let inverse = 1 / d0
                  a += inverse
                  b += f * inverse
                  c += inverse * inverse
                  g += f * inverse * inverse
                  h += f * f * inverse * inverse
                }
                for j in 0..<p { u[j] -= partWeight * (a * s1[j] - b * e1[j]) }
                if derivatives {
                  for j in 0..<p {
                    let row = j * p
                    let s1j = s1[j]
                    let e1j = e1[j]
                    for l in 0...j {
                      let second = a * s2[row + l] - b * e2[row + l]
                      let means = c * s1j * s1[l] - g * (s1j * e1[l] + e1j * s1[l]) + h * e1j * e1[l]
                      imat[row + l] += partWeight * (second - means)
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    var information = [Double](repeating: 0, count: pp)
    for j in 0..<p {
      for l in 0...j {
        information[j * p + l] = imat[j * p + l]
        information[l * p + j] = imat[j * p + l]
      }
    }
    return Evaluation(
      loglik: loglik, score: Array(UnsafeBufferPointer(start: u, count: p)), information: information)
  }
}
