import Dispatch
import RealModule

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
/// Inputs of the two gathering threads; each writes its own rows of `out`.
struct GatherInput: @unchecked Sendable {
  let out: UnsafeMutablePointer<Double>
  let columns: [[Double]]
  let order: [Int]
  let means: [Double]
  let scales: [Double]
}

/// Read-only inputs and a private output for the two cross-product threads.
struct CrossProductInput: @unchecked Sendable {
  let x: UnsafePointer<Double>
  let kappa: UnsafeMutablePointer<Double>
  let risk: UnsafeMutablePointer<Double>
  let out: UnsafeMutablePointer<Double>
}

/// Scratch memory reused by every likelihood evaluation of one problem (large blocks freed and
/// allocated again would be unmapped and page-faulted afresh each Newton iteration).
final class CoxWorkspace: @unchecked Sendable {
  private(set) var buffer: UnsafeMutablePointer<Double>
  private(set) var capacity: Int

  init() {
    capacity = 0
    buffer = UnsafeMutablePointer<Double>.allocate(capacity: 1)
  }

  deinit { buffer.deallocate() }

  /// A zeroed block of at least `count` doubles, valid until the next call.
  func zeroed(_ count: Int) -> UnsafeMutablePointer<Double> {
    if count > capacity {
      buffer.deallocate()
      buffer = UnsafeMutablePointer<Double>.allocate(capacity: count)
      capacity = count
    }
    buffer.update(repeating: 0, count: count)
    return buffer
  }
}

struct CoxProblem {
  /// Evaluations are sequential, so they share one scratch block.
  let workspace = CoxWorkspace()
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
    strata: [Int32], scale: Bool = true, ascendingOrder: [Int]? = nil
  ) {
    let n = time.count
    let p = columns.count
    let descending = ascendingOrder.map { CoxProblem.descending(fromAscending: $0, time: time) }
    let order = SortOrder.stableByStratum(
      descending ?? SortOrder.order(time, descending: true), strata: strata)
    var bounds: [Int] = [0]
    for k in 1..<max(1, n) where strata[order[k]] != strata[order[k - 1]] { bounds.append(k) }
    bounds.append(n)
    if n == 0 { bounds = [0, 0] }
    var totalWeight = 0.0
    for w in weights { totalWeight += w }
    var means = [Double](repeating: 0, count: p)
    var scales = [Double](repeating: 1, count: p)
    for j in 0..<p {
      let c = columns[j]
      var m = 0.0
      for i in 0..<n { m += weights[i] * c[i] }
      m /= totalWeight
      var mad = 0.0
      for i in 0..<n { mad += weights[i] * abs(c[i] - m) }
      means[j] = m
      scales[j] = scale && mad > 0 ? totalWeight / mad : 1
    }
    // Gather rows in sorted order, row-major; the rows are split between two threads.
    let x = [Double](unsafeUninitializedCapacity: n * p) { out, count in
      let shared = GatherInput(
        out: out.baseAddress!, columns: columns, order: order, means: means, scales: scales)
      let half = n / 2
      DispatchQueue.concurrentPerform(iterations: 2) { part in
        let range = part == 0 ? 0..<half : half..<n
        for j in 0..<p {
          shared.columns[j].withUnsafeBufferPointer { c in
            let m = shared.means[j]
            let sj = shared.scales[j]
            for k in range { shared.out[k * p + j] = (c[shared.order[k]] - m) * sj }
          }
        }
      }
      count = n * p
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

  /// The stable descending order from a stable ascending one: reverse it, then put each run
  /// of equal times back in ascending index order (what a stable descending sort gives).
  static func descending(fromAscending ascending: [Int], time: [Double]) -> [Int] {
    var result = Array(ascending.reversed())
    var a = 0
    while a < result.count {
      var b = a + 1
      while b < result.count && time[result[b]] == time[result[a]] { b += 1 }
      if b - a > 1 { result[a..<b].reverse() }
      a = b
    }
    return result
  }

  /// Log partial likelihood, score and information at `beta` (scaled coordinates).
  struct Evaluation {
    var loglik: Double
    var score: [Double]
    /// Information matrix, column-major p × p (full).
    var information: [Double]
  }

  /// Evaluates the Efron or Breslow log partial likelihood, its score and information.
  ///
  /// One backward pass per stratum accumulates S0 = Σ r_i and S1 = Σ r_i x_i over the risk
  /// set (r_i = w_i e^{η_i}) and the same sums E0, E1 over the events at each time. Efron's
  /// parts k = 0..<m have S0_k = S0 - f_k E0 (f_k = k/m), so every sum over parts reduces to
  /// the scalars a = Σ 1/S0_k, b = Σ f_k/S0_k, c = Σ 1/S0_k², g = Σ f_k/S0_k²,
  /// h = Σ f_k²/S0_k² (Breslow: m = 1, f = 0), and with w = δw/m the information is
  ///
  ///   I = Σ_t w (a S2 - b E2) - Σ_t w (c S1S1ᵀ - g (S1E1ᵀ + E1S1ᵀ) + h E1E1ᵀ).
  ///
  /// The second-moment part Σ_t w (a S2 - b E2) is Σ_i κ_i x_i x_iᵀ with
  /// κ_i = r_i (Σ_{t: i at risk} w_t a_t - δ_i w_{t_i} b_{t_i}), so it is one weighted cross
  /// product XᵀKX after the pass (a contiguous, vectorisable loop), not an outer product per
  /// row per event time. No per-row allocation; raw pointers in the hot loops.
  /// - Complexity: O(n p + T p² + n p²/2) for n rows and T distinct event times.
  func evaluate(beta: [Double], ties: CoxTies, derivatives: Bool = true) -> Evaluation {
    let efron = ties == .efron
    let n = self.n
    let p = self.p
    let pp = p * p
    let count = 3 * n + 4 * p + pp
    let scratch = workspace.zeroed(count)
    let risk = scratch
    let eta = risk + n
    let kappa = eta + n  // per-row weight of x x' in the information
    let s1 = kappa + n
    let e1 = s1 + p
    let xsum = e1 + p
    let u = xsum + p
    let imat = u + p
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
              risk[i] = weight[i] * Double.exp(e)
            }
            for stratum in 0..<(strataBounds.count - 1) {
              let lo = strataBounds[stratum]
              let hi = strataBounds[stratum + 1]
              var s0 = 0.0
              for j in 0..<p { s1[j] = 0 }
              // Running Σ w_t a_t over the event times passed so far (later times first);
              // a row's share is the value when it enters minus the value when it leaves.
              var hazardSum = 0.0
              var i = lo
              var q = lo
              while i < hi {
                let t = stop[i]
                let groupStart = i
                var e0 = 0.0
                var deaths = 0
                var deathWeight = 0.0
                var etaSum = 0.0
                for j in 0..<p {
                  e1[j] = 0
                  xsum[j] = 0
                }
                while i < hi && stop[i] == t {
                  let r = risk[i]
                  let row = xb + i * p
                  s0 += r
                  for j in 0..<p { s1[j] += r * row[j] }
                  // Entering the risk set: start its share at the current running sum.
                  kappa[i] = -hazardSum
                  if status[i] == 1 {
                    deaths += 1
                    deathWeight += weight[i]
                    etaSum += weight[i] * eta[i]
                    e0 += r
                    for j in 0..<p {
                      e1[j] += r * row[j]
                      xsum[j] += weight[i] * row[j]
                    }
                  }
                  i += 1
                }
                if let start {
                  start.withUnsafeBufferPointer { startBuffer in
                    startOrder.withUnsafeBufferPointer { orderBuffer in
                      while q < hi && startBuffer[orderBuffer[q]] >= t {
                        let k = orderBuffer[q]
                        let r = risk[k]
                        let row = xb + k * p
                        s0 -= r
                        for j in 0..<p { s1[j] -= r * row[j] }
                        // Leaving: its share is the running sum now minus at entry.
                        kappa[k] += hazardSum
                        q += 1
                      }
                    }
                  }
                }
                if deaths == 0 { continue }
                loglik += etaSum
                for j in 0..<p { u[j] += xsum[j] }
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
                  loglik -= partWeight * Double.log(d0)
                  let inverse = 1 / d0
                  a += inverse
                  b += f * inverse
                  c += inverse * inverse
                  g += f * inverse * inverse
                  h += f * f * inverse * inverse
                }
                for j in 0..<p { u[j] -= partWeight * (a * s1[j] - b * e1[j]) }
                if derivatives {
                  hazardSum += partWeight * a
                  for k in groupStart..<i where status[k] == 1 { kappa[k] -= partWeight * b }
                  for j in 0..<p {
                    let row = j * p
                    let s1j = s1[j]
                    let e1j = e1[j]
                    for l in 0...j {
                      imat[row + l] -=
                        partWeight
                        * (c * s1j * s1[l] - g * (s1j * e1[l] + e1j * s1[l]) + h * e1j * e1[l])
                    }
                  }
                }
              }
              if derivatives {
                // Rows still in the risk set at the start of time: their share runs to the end.
                if start != nil {
                  start!.withUnsafeBufferPointer { startBuffer in
                    startOrder.withUnsafeBufferPointer { orderBuffer in
                      while q < hi {
                        kappa[orderBuffer[q]] += hazardSum
                        q += 1
                      }
                    }
                  }
                } else {
                  for k in lo..<hi { kappa[k] += hazardSum }
                }
              }
            }
            if derivatives {
              // Σ κ_i r_i x_i x_iᵀ: full rows, contiguous inner loop, the rows split between
              // two threads, each with its own accumulator.
              let second = UnsafeMutablePointer<Double>.allocate(capacity: 2 * pp)
              defer { second.deallocate() }
              second.initialize(repeating: 0, count: 2 * pp)
              let shared = CrossProductInput(x: xb, kappa: kappa, risk: risk, out: second)
              let half = n / 2
              DispatchQueue.concurrentPerform(iterations: 2) { part in
                let target = shared.out + part * pp
                let range = part == 0 ? 0..<half : half..<n
                for i in range {
                  let factor = shared.kappa[i] * shared.risk[i]
                  if factor == 0 { continue }
                  let xi = shared.x + i * p
                  for j in 0..<p {
                    let fj = factor * xi[j]
                    let row = target + j * p
                    for l in 0..<p { row[l] += fj * xi[l] }
                  }
                }
              }
              for k in 0..<pp { second[k] += second[pp + k] }
              for j in 0..<p {
                for l in 0...j { imat[j * p + l] += second[j * p + l] }
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
      loglik: loglik, score: Array(UnsafeBufferPointer(start: u, count: p)),
      information: information)
  }
}
