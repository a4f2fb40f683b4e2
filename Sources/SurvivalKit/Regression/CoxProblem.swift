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
/// Inputs of the two threads that place the rows; each writes its own rows of `out`.
struct ScatterInput: @unchecked Sendable {
  let out: UnsafeMutablePointer<Double>
  let columns: [[Double]]
  let position: UnsafePointer<Int32>
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
  let order: [Int32]
  let means: [Double]
  let scales: [Double]

  /// Arranges the data: sorts once (by stratum, then time descending, stably), centres and
  /// scales the columns, and places each row's covariates contiguously in sorted order.
  ///
  /// `ascendingOrder`, the stable ascending order of `time` when the caller has it, saves the
  /// sort. The covariate block is filled by one pass over the rows in input order, each
  /// written whole at its sorted position (two cache lines a row, rather than one random read
  /// per covariate), split between two threads; unit case weights are shared, not copied.
  /// - Complexity: O(n p) after an O(n) radix sort.
  init(
    columns: [[Double]], time: [Double], entry: [Double]?, status: [UInt8], weights: [Double],
    strata: [Int32], scale: Bool = true, ascendingOrder: [Int]? = nil
  ) {
    let n = time.count
    let p = columns.count
    let stratified = (strata.max() ?? 0) > 0
    // Stable order by time descending; within a stratum when stratified.
    var order: [Int32]
    var stop: [Double]
    if let ascendingOrder {
      // Reverse the stable ascending order, then put each run of equal times back in
      // ascending index order (what a stable descending sort gives).
      order = [Int32](unsafeUninitializedCapacity: n) { b, c in
        for k in 0..<n { b[k] = Int32(truncatingIfNeeded: ascendingOrder[n - 1 - k]) }
        c = n
      }
      stop = order.map { time[Int($0)] }
      var a = 0
      while a < n {
        var b = a + 1
        while b < n && stop[b] == stop[a] { b += 1 }
        if b - a > 1 { order[a..<b].reverse() }
        a = b
      }
    } else {
      order = SortOrder.order32(time, descending: true)
      stop = []
    }
    var bounds: [Int] = [0, n]
    if stratified {
      order = CoxProblem.stableByStratum(order, strata: strata)
      bounds = [0]
      for k in 1..<max(1, n) where strata[Int(order[k])] != strata[Int(order[k - 1])] {
        bounds.append(k)
      }
      bounds.append(n)
      stop = []
    }
    if stop.isEmpty { stop = order.map { time[Int($0)] } }
    // Weighted means and mean absolute deviations, the columns split between two threads
    // (each column's sums in row order, so the split does not change them).
    var totalWeight = 0.0
    for w in weights { totalWeight += w }
    var moments = [Double](repeating: 0, count: 2 * p)
    moments.withUnsafeMutableBufferPointer { moments in
      let shared = UncheckedSendable((columns, weights, moments.baseAddress!))
      let total = totalWeight
      let work: @Sendable (Int) -> Void = { part in
        let (columns, weights, out) = shared.value
        for j in stride(from: part, to: p, by: 2) {
          columns[j].withUnsafeBufferPointer { c in
            weights.withUnsafeBufferPointer { w in
              var m = 0.0
              for i in 0..<n { m += w[i] * c[i] }
              m /= total
              var mad = 0.0
              for i in 0..<n { mad += w[i] * abs(c[i] - m) }
              out[2 * j] = m
              out[2 * j + 1] = mad
            }
          }
        }
      }
      if n * p >= 1 << 16 {
        DispatchQueue.concurrentPerform(iterations: 2) { work($0) }
      } else {
        work(0)
        work(1)
      }
    }
    let means = (0..<p).map { moments[2 * $0] }
    let scales = (0..<p).map { j in
      scale && moments[2 * j + 1] > 0 ? totalWeight / moments[2 * j + 1] : 1
    }
    // Sorted position of each input row.
    let position = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, n))
    defer { position.deallocate() }
    for k in 0..<n { position[Int(order[k])] = Int32(truncatingIfNeeded: k) }
    let x = [Double](unsafeUninitializedCapacity: n * p) { out, count in
      let shared = ScatterInput(
        out: out.baseAddress!, columns: columns, position: position, means: means,
        scales: scales)
      let work: @Sendable (Int) -> Void = { part in
        let range = part == 0 ? 0..<(n / 2) : (n / 2)..<n
        if range.isEmpty { return }
        // Up to 16 columns at a time, read in step; each row's values written together.
        var j0 = 0
        while j0 < p {
          let width = min(16, p - j0)
          var pointers = [UnsafePointer<Double>?](repeating: nil, count: 16)
          var offset = [Double](repeating: 0, count: 16)
          var factor = [Double](repeating: 1, count: 16)
          for j in 0..<width {
            pointers[j] = shared.columns[j0 + j].withUnsafeBufferPointer { $0.baseAddress }
            offset[j] = shared.means[j0 + j]
            factor[j] = shared.scales[j0 + j]
          }
          pointers.withUnsafeBufferPointer { c in
            offset.withUnsafeBufferPointer { m in
              factor.withUnsafeBufferPointer { s in
                for i in range {
                  let row = shared.out + Int(shared.position[i]) * p + j0
                  for j in 0..<width { row[j] = (c[j]![i] - m[j]) * s[j] }
                }
              }
            }
          }
          j0 += width
        }
      }
      if n * p >= 1 << 16 {
        DispatchQueue.concurrentPerform(iterations: 2) { work($0) }
      } else {
        work(0)
        work(1)
      }
      count = n * p
    }
    self.n = n
    self.p = p
    self.x = x
    self.stop = stop
    self.start = entry.map { e in order.map { e[Int($0)] } }
    self.status = order.map { Double(status[Int($0)]) }
    // Equal weights (all 1 without case weights) are the same in any order: share them.
    let first = weights.first ?? 1
    self.weight =
      weights.allSatisfy { $0 == first } ? weights : order.map { weights[Int($0)] }
    self.strataBounds = bounds
    self.order = order
    self.means = means
    self.scales = scales
    if let s = self.start {
      // By stratum (the sorted positions are already grouped), then start descending.
      let sortedStrata = order.map { strata[Int($0)] }
      let startOrder = SortOrder.stableByStratum(
        SortOrder.order(s, descending: true), strata: sortedStrata)
      self.startOrder = startOrder
    } else {
      self.startOrder = []
    }
  }

  /// Stable order by stratum code (ascending) applied after `order` (a counting sort).
  static func stableByStratum(_ order: [Int32], strata: [Int32]) -> [Int32] {
    guard let maxCode = strata.max(), maxCode > 0 else { return order }
    var counts = [Int](repeating: 0, count: Int(maxCode) + 2)
    for i in order { counts[Int(strata[Int(i)]) + 1] += 1 }
    for d in 1..<counts.count { counts[d] += counts[d - 1] }
    var result = [Int32](repeating: 0, count: order.count)
    for i in order {
      let s = Int(strata[Int(i)])
      result[counts[s]] = i
      counts[s] += 1
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
