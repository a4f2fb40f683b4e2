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

  /// Frees the block (the next `buffer` call allocates again). The concordance reuses the
  /// block once the iteration is done (clearing it costs less than mapping fresh pages) and
  /// then frees it, so a fit does not keep it.
  func release() {
    buffer.deallocate()
    buffer = UnsafeMutablePointer<Double>.allocate(capacity: 1)
    capacity = 0
  }

  /// Σ w_i x_i over the events (the problem's scaled covariates), once computed: the score's
  /// and the log-likelihood's event terms (Σ w_i x_i and βᵀ Σ w_i x_i) do not depend on β.
  var eventSums: [Double]? = nil

  /// The problem's runs of equal times, once found (`CoxProblem.timeGroups`).
  var timeGroups: [Int32]? = nil

  /// A block of at least `count` doubles (contents undefined), valid until the next call.
  func buffer(_ count: Int) -> UnsafeMutablePointer<Double> {
    if count > capacity {
      buffer.deallocate()
      buffer = UnsafeMutablePointer<Double>.allocate(capacity: count)
      buffer.initialize(repeating: 0, count: count)
      capacity = count
    }
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
  /// Whether each column's values are all -1, 0 or 1 (R centres such columns at 0 for
  /// predictions), and each column's unweighted mean.
  let binary: [Bool]
  let plainMeans: [Double]

  /// Arranges the data: sorts once (by stratum, then time descending, stably), centres and
  /// scales the columns, and places each row's covariates contiguously in sorted order.
  ///
  /// `descendingOrder`, the stable descending order of `time` (as `SortOrder.order32`), or
  /// else `ascendingOrder`, the stable ascending one, when the caller has it, saves the sort.
  /// The covariate block is filled by one pass over the rows in input order, each written
  /// whole at its sorted position (two cache lines a row, rather than one random read per
  /// covariate), split between two threads; unit case weights are shared, not copied.
  /// - Complexity: O(n p) after an O(n) radix sort.
  ///
  /// The columns (and `ascendingOrder`) are taken over: passed their last reference, they are
  /// released as soon as they have been read.
  init(
    columns: consuming [[Double]], time: [Double], entry: [Double]?, status: [UInt8],
    weights: [Double], strata: [Int32], scale: Bool = true,
    ascendingOrder: consuming [Int]? = nil, descendingOrder: consuming [Int32]? = nil
  ) {
    let n = time.count
    let p = columns.count
    let stratified = (strata.max() ?? 0) > 0
    // Stable order by time descending; within a stratum when stratified. From the stable
    // ascending order: reversed, its runs of equal times still to be put back in ascending
    // index order (what a stable descending sort gives) once the times are gathered.
    var order: [Int32]
    let fromAscending = ascendingOrder != nil && descendingOrder == nil
    if let descending = descendingOrder {
      order = descending
      descendingOrder = nil
      ascendingOrder = nil
    } else if let ascending = ascendingOrder {
      order = [Int32](unsafeUninitializedCapacity: n) { b, c in
        for k in 0..<n { b[k] = Int32(truncatingIfNeeded: ascending[n - 1 - k]) }
        c = n
      }
      ascendingOrder = nil  // released before the covariate block is filled
    } else {
      order = SortOrder.order32(time, descending: true)
    }
    var bounds: [Int] = [0, n]
    if stratified {
      order = CoxProblem.stableByStratum(order, strata: strata)
      bounds = [0]
      for k in 1..<max(1, n) where strata[Int(order[k])] != strata[Int(order[k - 1])] {
        bounds.append(k)
      }
      bounds.append(n)
    }
    // Weighted means and mean absolute deviations, the columns split between two threads
    // (each column's sums in row order, so the split does not change them).
    var totalWeight = 0.0
    for w in weights { totalWeight += w }
    var moments = [Double](repeating: 0, count: 4 * p)
    moments.withUnsafeMutableBufferPointer { moments in
      let shared = UncheckedSendable((copy columns, weights, moments.baseAddress!))
      let total = totalWeight
      let work: @Sendable (Int) -> Void = { part in
        let (columns, weights, out) = shared.value
        for j in stride(from: part, to: p, by: 2) {
          columns[j].withUnsafeBufferPointer { c in
            weights.withUnsafeBufferPointer { w in
              var m = 0.0
              var plain = 0.0
              var binary = true
              for i in 0..<n {
                m += w[i] * c[i]
                plain += c[i]
                binary = binary && (c[i] == 0 || c[i] == 1 || c[i] == -1)
              }
              m /= total
              var mad = 0.0
              for i in 0..<n { mad += w[i] * abs(c[i] - m) }
              out[4 * j] = m
              out[4 * j + 1] = mad
              out[4 * j + 2] = plain / Double(n)
              out[4 * j + 3] = binary ? 1 : 0
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
    let means = (0..<p).map { moments[4 * $0] }
    let scales = (0..<p).map { j in
      scale && moments[4 * j + 1] > 0 ? totalWeight / moments[4 * j + 1] : 1
    }
    // Sorted position of each input row.
    let position = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, n))
    defer { position.deallocate() }
    order.withUnsafeBufferPointer { order in
      let shared = UncheckedSendable((order.baseAddress, position))
      CoxProblem.halves(n) { rows in
        let (order, position) = shared.value
        for k in rows { position[Int(order![k])] = Int32(truncatingIfNeeded: k) }
      }
    }
    var x = [Double](unsafeUninitializedCapacity: n * p) { out, count in
      let shared = ScatterInput(
        out: out.baseAddress!, columns: copy columns, position: position, means: means,
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
          // The columns are immutable and retained by `shared` for the whole loop, so their
          // storage stays where these pointers point.
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
    columns = []
    // Sorted times, gathered once the columns are released; then the runs of equal times.
    let stop = CoxProblem.gather(time, order) { $0 }
    if fromAscending {
      x.withUnsafeMutableBufferPointer { rows in
        for s in 0..<(bounds.count - 1) {
          var a = bounds[s]
          while a < bounds[s + 1] {
            var b = a + 1
            while b < bounds[s + 1] && stop[b] == stop[a] { b += 1 }
            if b - a > 1 {
              order[a..<b].reverse()
              var lo = a
              var hi = b - 1
              while lo < hi {
                for j in 0..<p { rows.swapAt(lo * p + j, hi * p + j) }
                lo += 1
                hi -= 1
              }
            }
            a = b
          }
        }
      }
    }
    self.n = n
    self.p = p
    self.x = x
    self.stop = stop
    self.start = entry.map { e in CoxProblem.gather(e, order) { $0 } }
    self.status = CoxProblem.gather(status, order) { Double($0) }
    // Equal weights (all 1 without case weights) are the same in any order: share them.
    let first = weights.first ?? 1
    self.weight =
      weights.allSatisfy { $0 == first } ? weights : CoxProblem.gather(weights, order) { $0 }
    self.strataBounds = bounds
    self.order = order
    self.means = means
    self.scales = scales
    self.plainMeans = (0..<p).map { moments[4 * $0 + 2] }
    self.binary = (0..<p).map { moments[4 * $0 + 3] == 1 }
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

  /// The problem of a sample: its times, entries, status and strata, arranged in the time
  /// order the sample already has (the descending order counted from its distinct-time ranks,
  /// or its stored ascending order), so nothing is sorted again.
  init(
    columns: consuming [[Double]], sample: SurvivalSample, weights: [Double], scale: Bool = true
  ) {
    let descending = sample.descendingTimeOrder32
    self.init(
      columns: columns, time: sample.time, entry: sample.entry, status: sample.status,
      weights: weights, strata: sample.strata.codes, scale: scale,
      ascendingOrder: descending == nil ? sample.ascendingTimeOrder : nil,
      descendingOrder: descending)
  }

  /// The problem of some of `full`'s columns (those not aliased), without sorting again: the
  /// same rows, each column centred and scaled as in `full` (each column's mean and scale
  /// depend on that column only, so this equals arranging those columns afresh).
  init(subset full: CoxProblem, columns kept: [Int]) {
    let n = full.n
    let p = kept.count
    let fullP = full.p
    self.x = [Double](unsafeUninitializedCapacity: n * p) { out, count in
      full.x.withUnsafeBufferPointer { source in
        for i in 0..<n {
          for (k, j) in kept.enumerated() { out[i * p + k] = source[i * fullP + j] }
        }
      }
      count = n * p
    }
    self.n = n
    self.p = p
    self.stop = full.stop
    self.start = full.start
    self.status = full.status
    self.weight = full.weight
    self.strataBounds = full.strataBounds
    self.startOrder = full.startOrder
    self.order = full.order
    self.means = kept.map { full.means[$0] }
    self.scales = kept.map { full.scales[$0] }
    self.plainMeans = kept.map { full.plainMeans[$0] }
    self.binary = kept.map { full.binary[$0] }
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
  /// row per event time. The events' own terms, Σ δ_i w_i η_i in the log-likelihood and
  /// Σ δ_i w_i x_i in the score, are βᵀ s and s with s = Σ δ_i w_i x_i, which does not depend
  /// on β: computed once per problem (`eventCovariateSums`). No per-row allocation; raw
  /// pointers in the hot loops.
  ///
  /// Two threads: the risk scores r_i and the cross product are split by rows. For
  /// right-censored data with at least `splitThreshold` rows the backward pass is split too,
  /// at the event-time boundary nearest the middle: the first thread's sums S0, S1 up to the
  /// boundary are accumulated while its risk scores are computed (the same additions in the
  /// same order as one pass makes, so the second half starts from exactly the sums one pass
  /// would reach), and the second half's running Σ w_t a_t is relative to the boundary (a
  /// row's share is a difference of two values of it). The two halves' log-likelihood, score
  /// and information terms are added at the end, so they differ from one pass's by summation
  /// order only. The split depends only on the data, so results are reproducible.
  ///
  /// Right-censored data with few distinct times take the grouped pass instead
  /// (`evaluateGrouped`: sums per time first, then a backward pass over the times).
  /// - Complexity: O(n p + T p² + n p²/2) for n rows and T distinct event times.
  func evaluate(beta: [Double], ties: CoxTies, derivatives: Bool = true) -> Evaluation {
    let efron = ties == .efron
    if usesGroupedPass() {
      return evaluateGrouped(beta: beta, efron: efron, derivatives: derivatives)
    }
    let n = self.n
    let p = self.p
    let (mid, carryLow) = splitPoint()
    let split = mid < n
    let layout = EvaluationInput.Layout(p: p)
    let scratch = workspace.buffer(2 * n + 2 * layout.size)
    let risk = scratch
    let kappa = risk + n  // per-row weight of x x' in the information
    let blocks = kappa + n  // partial results, one block per half
    for k in 0..<(2 * layout.size) { blocks[k] = 0 }
    let input = EvaluationInput(
      problem: self, beta: beta, zero: beta.allSatisfy { $0 == 0 }, efron: efron,
      derivatives: derivatives, risk: risk,
      kappa: kappa, blocks: blocks, layout: layout, mid: mid, carryLow: carryLow)
    x.withUnsafeBufferPointer { xBuffer in
      stop.withUnsafeBufferPointer { stopBuffer in
        status.withUnsafeBufferPointer { statusBuffer in
          weight.withUnsafeBufferPointer { weightBuffer in
            let data = EvaluationData(
              x: xBuffer.baseAddress!, stop: stopBuffer.baseAddress!,
              status: statusBuffer.baseAddress!, weight: weightBuffer.baseAddress!)
            // Risk scores; the first half also accumulates the carried sums.
            let parallel = n * p >= 1 << 15
            let riskHalves: @Sendable (Int) -> Void = { part in
              input.riskScores(data, rows: part == 0 ? 0..<(n / 2) : (n / 2)..<n)
            }
            if split {
              DispatchQueue.concurrentPerform(iterations: 2) { part in
                if part == 0 {
                  input.riskScoresAndCarry(data)
                } else {
                  input.riskScores(data, rows: mid..<n)
                }
              }
              DispatchQueue.concurrentPerform(iterations: 2) { part in
                input.walk(data, rows: part == 0 ? 0..<mid : mid..<n, part: part)
              }
            } else {
              if parallel {
                DispatchQueue.concurrentPerform(iterations: 2) { riskHalves($0) }
              } else {
                riskHalves(0)
                riskHalves(1)
              }
              input.walk(data, rows: 0..<n, part: 0)
            }
            if derivatives {
              // The second half's first segment's running sum at its end: the first half's
              // rows of the same stratum add it to their share.
              let offset = blocks[layout.size + layout.hazard]
              let cut = split ? mid : n / 2
              let crossHalves: @Sendable (Int) -> Void = { part in
                if part == 0 && split {
                  for k in carryLow..<mid { input.kappa[k] += offset }
                }
                input.crossProduct(data, rows: part == 0 ? 0..<cut : cut..<n, part: part)
              }
              if parallel {
                DispatchQueue.concurrentPerform(iterations: 2) { crossHalves($0) }
              } else {
                crossHalves(0)
                crossHalves(1)
              }
            }
          }
        }
      }
    }
    return combine(blocks, layout: layout, beta: beta, split: split, derivatives: derivatives)
  }

  /// An evaluation's result from its blocks of partial results (`EvaluationInput.Layout`):
  /// the event terms βᵀs and s, the first block's log-likelihood, score and information
  /// terms, the second block's when the pass was split, then both blocks' cross products
  /// (lower triangle), mirrored into the full information matrix.
  func combine(
    _ blocks: UnsafeMutablePointer<Double>, layout: EvaluationInput.Layout, beta: [Double],
    split: Bool, derivatives: Bool
  ) -> Evaluation {
    let pp = p * p
    let events = eventCovariateSums()
    let first = blocks
    let second = blocks + layout.size
    var loglik = 0.0
    for j in 0..<p { loglik += beta[j] * events[j] }
    loglik += first[layout.loglik]
    var u = events
    for j in 0..<p { u[j] += first[layout.score + j] }
    var imat = [Double](repeating: 0, count: pp)
    for k in 0..<pp { imat[k] = first[layout.information + k] }
    if split {
      loglik += second[layout.loglik]
      for j in 0..<p { u[j] += second[layout.score + j] }
      for k in 0..<pp { imat[k] += second[layout.information + k] }
    }
    if derivatives {
      // The two halves' cross products, lower triangle.
      for j in 0..<p {
        for l in 0...j {
          let k = j * p + l
          imat[k] += first[layout.cross + k] + second[layout.cross + k]
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
    return Evaluation(loglik: loglik, score: u, information: information)
  }

  /// `value(source[order[k]])` for each k: a gather by a sort order, on two threads for
  /// large data (each element is written once, so the split does not change the result).
  static func gather<T: BitwiseCopyable>(
    _ source: [T], _ order: [Int32], _ value: @escaping @Sendable (T) -> Double
  ) -> [Double] {
    let n = order.count
    return [Double](unsafeUninitializedCapacity: n) { out, count in
      source.withUnsafeBufferPointer { source in
        order.withUnsafeBufferPointer { order in
          let shared = UncheckedSendable((source.baseAddress, order.baseAddress, out.baseAddress))
          halves(n) { rows in
            let (source, order, out) = shared.value
            for k in rows { out![k] = value(source![Int(order![k])]) }
          }
        }
      }
      count = n
    }
  }

  /// Runs `body` over the two halves of 0..<n, on two threads from 1 << 16 rows.
  static func halves(_ n: Int, _ body: @escaping @Sendable (Range<Int>) -> Void) {
    if n >= 1 << 16 {
      DispatchQueue.concurrentPerform(iterations: 2) { part in
        body(part == 0 ? 0..<(n / 2) : (n / 2)..<n)
      }
    } else {
      body(0..<n)
    }
  }

  /// Σ w_i x_i over the events, computed once per problem (two threads over halves of the
  /// rows for large data, added first half first).
  func eventCovariateSums() -> [Double] {
    if let sums = workspace.eventSums { return sums }
    let n = self.n
    let p = self.p
    guard n > 0 && p > 0 else { return [Double](repeating: 0, count: p) }
    var halves = [Double](repeating: 0, count: 2 * p)
    x.withUnsafeBufferPointer { x in
      status.withUnsafeBufferPointer { status in
        weight.withUnsafeBufferPointer { weight in
          halves.withUnsafeMutableBufferPointer { halves in
            let shared = UncheckedSendable(
              (x.baseAddress!, status.baseAddress!, weight.baseAddress!, halves.baseAddress!))
            let work: @Sendable (Int) -> Void = { part in
              let (x, status, weight, halves) = shared.value
              let sums = halves + part * p
              for i in part == 0 ? 0..<(n / 2) : (n / 2)..<n where status[i] == 1 {
                let row = x + i * p
                for j in 0..<p { sums[j] += weight[i] * row[j] }
              }
            }
            if n * p >= 1 << 16 {
              DispatchQueue.concurrentPerform(iterations: 2) { work($0) }
            } else {
              work(0)
              work(1)
            }
          }
        }
      }
    }
    let sums = (0..<p).map { halves[$0] + halves[p + $0] }
    workspace.eventSums = sums
    return sums
  }

  /// Where `evaluate` splits the backward pass: the first row of the second half (n when the
  /// pass is not split: counting-process data, or fewer than `splitThreshold` rows), the event-
  /// time boundary nearest the middle; and the first row of the first half's part of the
  /// stratum that continues past it (the boundary itself when none does).
  func splitPoint() -> (mid: Int, carryLow: Int) {
    guard start == nil && n >= max(2, CoxProblem.splitThreshold) else { return (n, n) }
    var mid = n / 2
    while mid < n && stop[mid] == stop[mid - 1] { mid += 1 }
    if mid == n {
      mid = n / 2
      while mid > 0 && stop[mid] == stop[mid - 1] { mid -= 1 }
      if mid == 0 { return (n, n) }
    }
    var s = 0
    while strataBounds[s + 1] <= mid - 1 { s += 1 }
    return (mid, strataBounds[s + 1] > mid ? strataBounds[s] : mid)
  }

  /// Rows at which the backward pass is split between two threads (see `evaluate`); a task
  /// may lower it (tests run small data down the split path).
  @TaskLocal static var splitThreshold = 200_000
}

/// Raw pointers to a problem's sorted arrays, for the evaluation threads.
struct EvaluationData: @unchecked Sendable {
  let x: UnsafePointer<Double>
  let stop: UnsafePointer<Double>
  let status: UnsafePointer<Double>
  let weight: UnsafePointer<Double>
}

/// One likelihood evaluation's inputs and scratch: the risk scores, the κ of each row and two
/// blocks of partial results, one per half of the backward pass (see `Layout`).
struct EvaluationInput: @unchecked Sendable {
  /// Offsets in a block of partial results.
  struct Layout {
    /// Log partial likelihood.
    let loglik = 0
    /// Score u[p].
    let score = 1
    /// Information terms of the backward pass, p × p (lower triangle).
    let information: Int
    /// Σ κ_i r_i x_i x_iᵀ over the block's rows, p × p (lower triangle).
    let cross: Int
    /// Running Σ w_t a_t at the end of the block's first stratum segment.
    let hazard: Int
    /// S0 and S1[p] carried into the second half's first segment.
    let carry: Int
    /// Doubles per block.
    let size: Int

    init(p: Int) {
      information = 1 + p
      cross = information + p * p
      hazard = cross + p * p
      carry = hazard + 1
      size = carry + 1 + p
    }
  }

  let problem: CoxProblem
  let beta: [Double]
  /// Whether β = 0 (the first evaluation): then η_i = 0 and r_i = w_i exactly, without the
  /// products or e^0.
  let zero: Bool
  let efron: Bool
  let derivatives: Bool
  let risk: UnsafeMutablePointer<Double>
  let kappa: UnsafeMutablePointer<Double>
  let blocks: UnsafeMutablePointer<Double>
  let layout: Layout
  /// First row of the second half (n when the pass is not split).
  let mid: Int
  /// First row of the first half's last stratum segment when that stratum continues past `mid`.
  let carryLow: Int

  var p: Int { problem.p }

  /// r_i = w_i e^{η_i} for the rows.
  func riskScores(_ data: EvaluationData, rows: Range<Int>) {
    let p = self.p
    if zero {
      for i in rows { risk[i] = data.weight[i] }
      return
    }
    beta.withUnsafeBufferPointer { beta in
      for i in rows {
        let row = data.x + i * p
        var e = 0.0
        for j in 0..<p { e += beta[j] * row[j] }
        risk[i] = data.weight[i] * Double.exp(e)
      }
    }
  }

  /// The first half's risk scores, and S0 and S1 over its rows of the stratum that continues
  /// into the second half (in the order the backward pass adds them, one pass over the rows),
  /// stored in the second half's block.
  func riskScoresAndCarry(_ data: EvaluationData) {
    riskScores(data, rows: 0..<carryLow)
    let p = self.p
    let carried = blocks + layout.size + layout.carry
    var s0 = 0.0
    beta.withUnsafeBufferPointer { beta in
      for i in carryLow..<mid {
        let row = data.x + i * p
        var e = 0.0
        if !zero {
          for j in 0..<p { e += beta[j] * row[j] }
        }
        let r = zero ? data.weight[i] : data.weight[i] * Double.exp(e)
        risk[i] = r
        s0 += r
        for j in 0..<p { carried[1 + j] += r * row[j] }
      }
    }
    carried[0] = s0
  }

  /// The backward pass over `rows` (a whole number of event-time groups), accumulating into
  /// block `part`; the second half starts its first stratum segment from the carried sums.
  func walk(_ data: EvaluationData, rows: Range<Int>, part: Int) {
    let p = self.p
    let block = blocks + part * layout.size
    let u = block + layout.score
    let imat = block + layout.information
    let carried = blocks + layout.size + layout.carry
    let bounds = problem.strataBounds
    let start = problem.start
    let startOrder = problem.startOrder
    let xb = data.x
    let stop = data.stop
    let status = data.status
    let weight = data.weight
    let scratch = UnsafeMutablePointer<Double>.allocate(capacity: 2 * p)
    defer { scratch.deallocate() }
    let s1 = scratch
    let e1 = s1 + p
    var loglik = 0.0
    var firstSegment = true
    beta.withUnsafeBufferPointer { beta in
      for stratum in 0..<(bounds.count - 1) {
        let lo = max(bounds[stratum], rows.lowerBound)
        let hi = min(bounds[stratum + 1], rows.upperBound)
        if lo >= hi { continue }
        var s0 = 0.0
        for j in 0..<p { s1[j] = 0 }
        if part == 1 && firstSegment && lo == mid && carryLow < mid {
          s0 = carried[0]
          for j in 0..<p { s1[j] = carried[1 + j] }
        }
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
          for j in 0..<p { e1[j] = 0 }
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
              e0 += r
              for j in 0..<p { e1[j] += r * row[j] }
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
          let (partWeight, a, b) = EvaluationInput.eventTimeTerms(
            s0: s0, s1: s1, e0: e0, e1: e1, deaths: deaths, deathWeight: deathWeight, p: p,
            efron: efron, derivatives: derivatives, loglik: &loglik, score: u, information: imat)
          if derivatives {
            hazardSum += partWeight * a
            for k in groupStart..<i where status[k] == 1 { kappa[k] -= partWeight * b }
          }
        }
        if derivatives {
          // Rows still in the risk set at the start of time: their share runs to the end.
          if let start {
            start.withUnsafeBufferPointer { startBuffer in
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
        if firstSegment {
          // The second half's first segment: the first half's rows of the stratum add it.
          block[layout.hazard] = hazardSum
          firstSegment = false
        }
      }
    }
    block[layout.loglik] = loglik
  }

  /// One event time's terms, from the risk set's S0, S1 and its events' E0, E1 (`deaths`
  /// events of total weight `deathWeight`): subtracts w Σ_k log(S0 - f_k E0) from `loglik`,
  /// w (a S1 - b E1) from the score and, with `derivatives`, the information's
  /// w (c S1S1ᵀ - g (S1E1ᵀ + E1S1ᵀ) + h E1E1ᵀ) (lower triangle); returns w, a and b (see
  /// `CoxProblem.evaluate`).
  ///
  /// Σ_k log d0_k is taken as the logarithms of products of up to eight terms (one logarithm
  /// instead of eight) when every term is within 2^±100, so no product leaves the normal
  /// range; term by term otherwise.
  @inline(__always)
  static func eventTimeTerms(
    s0: Double, s1: UnsafePointer<Double>, e0: Double, e1: UnsafePointer<Double>, deaths: Int,
    deathWeight: Double, p: Int, efron: Bool, derivatives: Bool, loglik: inout Double,
    score u: UnsafeMutablePointer<Double>, information imat: UnsafeMutablePointer<Double>
  ) -> (partWeight: Double, a: Double, b: Double) {
    let parts = efron ? deaths : 1
    let partWeight = deathWeight / Double(parts)
    var a = 0.0
    var b = 0.0
    var c = 0.0
    var g = 0.0
    var h = 0.0
    var logSum = 0.0
    var product = 1.0
    var tame = true
    var chunkStart = 0
    for k in 0..<parts {
      let f = efron ? Double(k) / Double(deaths) : 0
      let d0 = s0 - f * e0
      product *= d0
      tame = tame && d0 >= 0x1p-100 && d0 <= 0x1p100
      if k - chunkStart == 7 || k == parts - 1 {
        if tame {
          logSum += Double.log(product)
        } else {
          for m in chunkStart...k {
            logSum += Double.log(s0 - (efron ? Double(m) / Double(deaths) : 0) * e0)
          }
        }
        product = 1
        tame = true
        chunkStart = k + 1
      }
      let inverse = 1 / d0
      a += inverse
      b += f * inverse
      c += inverse * inverse
      g += f * inverse * inverse
      h += f * f * inverse * inverse
    }
    loglik -= partWeight * logSum
    for j in 0..<p { u[j] -= partWeight * (a * s1[j] - b * e1[j]) }
    if derivatives {
      for j in 0..<p {
        let row = j * p
        let s1j = s1[j]
        let e1j = e1[j]
        for l in 0...j {
          imat[row + l] -=
            partWeight * (c * s1j * s1[l] - g * (s1j * e1[l] + e1j * s1[l]) + h * e1j * e1[l])
        }
      }
    }
    return (partWeight, a, b)
  }

  /// Σ κ_i r_i x_i x_iᵀ over `rows` into block `part` (lower triangle, contiguous rows).
  ///
  /// Four rows at a time: each accumulator is loaded and stored once per four products, and
  /// `((acc + t₁) + t₂) + …` adds them in row order, as one row at a time would.
  func crossProduct(_ data: EvaluationData, rows: Range<Int>, part: Int) {
    let p = self.p
    let target = blocks + part * layout.size + layout.cross
    var i = rows.lowerBound
    while i + 4 <= rows.upperBound {
      let f0 = kappa[i] * risk[i]
      let f1 = kappa[i + 1] * risk[i + 1]
      let f2 = kappa[i + 2] * risk[i + 2]
      let f3 = kappa[i + 3] * risk[i + 3]
      let x0 = data.x + i * p
      let x1 = x0 + p
      let x2 = x1 + p
      let x3 = x2 + p
      for j in 0..<p {
        let a0 = f0 * x0[j]
        let a1 = f1 * x1[j]
        let a2 = f2 * x2[j]
        let a3 = f3 * x3[j]
        let row = target + j * p
        for l in 0...j {
          var sum = row[l]
          sum += a0 * x0[l]
          sum += a1 * x1[l]
          sum += a2 * x2[l]
          sum += a3 * x3[l]
          row[l] = sum
        }
      }
      i += 4
    }
    while i < rows.upperBound {
      let factor = kappa[i] * risk[i]
      let xi = data.x + i * p
      for j in 0..<p {
        let fj = factor * xi[j]
        let row = target + j * p
        for l in 0...j { row[l] += fj * xi[l] }
      }
      i += 1
    }
  }

}
