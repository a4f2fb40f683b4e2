import Dispatch

/// Harrell's concordance of a risk score with survival, and its standard error, as R's
/// `concordance` (survival 3.x, `timewt = "n"`) reports for a Cox model.
///
/// A pair (i, j) is comparable when i has an event at t_i and j is still at risk after it
/// (time_j > t_i, or censored at t_i; for counting-process data also start_j < t_i), within
/// a stratum; pairs of events at the same time are tied in time and not counted. With case
/// weights w, the weighted counts are C (the one with the event has the higher risk score),
/// D (lower) and T (equal risk score); concordance = (C + T/2) / (C + D + T).
///
/// Standard error by the infinitesimal jackknife (R): with Somers' d = (C - D)/N,
/// N = C + D + T, and for each subject the weighted counts c_i, d_i, t_i of the pairs it is in,
/// dfbeta_i = w_i ((c_i - d_i)/N - d (c_i + d_i + t_i)/N), Var(concordance) = Σ dfbeta_i² / 4.
///
/// Reference: Harrell et al. (1996), Stat Med 15:361–387; Therneau & Atkinson, "Concordance",
/// vignette of the R survival package.
///
/// - Complexity: O(n log n) per stratum with a two-level rank counter (`RankCounter`).
public struct Concordance: Sendable, Equatable {
  /// Concordance (C + T/2) / (C + D + T).
  public let estimate: Double
  /// Its infinitesimal-jackknife standard error (summed within clusters for a `cluster()` model).
  public let standardError: Double
  /// C: weighted number of comparable pairs in which the one with the event has the higher
  /// risk score.
  public let concordant: Double
  /// D: weighted number of comparable pairs in which it has the lower risk score.
  public let discordant: Double
  /// T: weighted number of comparable pairs with equal risk scores.
  public let tiedRisk: Double
  /// Weighted number of pairs of events at the same time (not comparable; not in the estimate).
  public let tiedTime: Double

  /// Concordance of the linear predictor `eta` (in the problem's sorted order) with the
  /// outcome. With `cluster` (codes per sample row), the dfbeta terms are summed within
  /// clusters before squaring, as R does for a model with `cluster()`.
  static func compute(problem: CoxProblem, eta: [Double], cluster: [Int32]? = nil) -> Concordance? {
    let n = problem.n
    // Work buffers as raw pointers: the two passes below run on two threads and write
    // disjoint buffers; pointers avoid per-access uniqueness and exclusivity checks.
    let buffer = UnsafeMutablePointer<Double>.allocate(capacity: 6 * n + 4)
    buffer.initialize(repeating: 0, count: 6 * n + 4)
    defer { buffer.deallocate() }
    let influenceC = buffer
    let influenceD = buffer + n
    let influenceT = buffer + 2 * n
    let laterC = buffer + 3 * n
    let laterD = buffer + 4 * n
    let laterT = buffer + 5 * n
    let totals = buffer + 6 * n  // concordant, discordant, tied on score, tied on time
    let rank = UnsafeMutablePointer<Int>.allocate(capacity: max(1, n))
    rank.initialize(repeating: 0, count: max(1, n))
    defer { rank.deallocate() }
    let inRiskSet = UnsafeMutablePointer<Bool>.allocate(capacity: max(1, n))
    inRiskSet.initialize(repeating: false, count: max(1, n))
    defer { inRiskSet.deallocate() }
    let stop = problem.stop
    let status = problem.status
    let weight = problem.weight
    for s in 0..<(problem.strataBounds.count - 1) {
      let lo = problem.strataBounds[s]
      let hi = problem.strataBounds[s + 1]
      if hi <= lo { continue }
      // Ranks of the scores within the stratum (equal scores share a rank).
      let byScore = SortOrder.order(Array(eta[lo..<hi]))
      var size = 0
      for (k, position) in byScore.enumerated() {
        if k > 0 && eta[lo + position] != eta[lo + byScore[k - 1]] { size += 1 }
        rank[lo + position] = size
      }
      size += 1
      // The two passes are independent: run them on two threads. Pass 1 writes c, d, tx,
      // ty and the event-side influence; pass 2 only the later-side influence.
      let passes: [() -> Void] = [
        {
          // Pass 1, descending time (the sorted order): each event against those still at risk.
          var beyond = RankCounter(size: size)
          var i = lo
          var q = lo
          while i < hi {
            let t = stop[i]
            var j = i
            while j < hi && stop[j] == t { j += 1 }
            for r in i..<j where status[r] == 0 {
              beyond.add(rank[r], weight[r])
              inRiskSet[r] = true
            }
            if let start = problem.start {
              while q < hi && start[problem.startOrder[q]] >= t {
                let r = problem.startOrder[q]
                if inRiskSet[r] {
                  beyond.add(rank[r], -weight[r])
                  inRiskSet[r] = false
                }
                q += 1
              }
            }
            var eventWeight = 0.0
            var eventWeightSquares = 0.0
            for r in i..<j where status[r] == 1 {
              let (below, equal) = beyond.split(rank[r])
              let above = beyond.total - below - equal
              totals[0] += weight[r] * below
              totals[1] += weight[r] * above
              totals[2] += weight[r] * equal
              influenceC[r] += below
              influenceD[r] += above
              influenceT[r] += equal
              eventWeight += weight[r]
              eventWeightSquares += weight[r] * weight[r]
            }
            totals[3] += (eventWeight * eventWeight - eventWeightSquares) / 2
            for r in i..<j where status[r] == 1 {
              beyond.add(rank[r], weight[r])
              inRiskSet[r] = true
            }
            i = j
          }
        },
        {
          // Pass 2, ascending time: each subject's share as the later member of a pair: events
          // before it (in its risk interval) with a higher score are concordant pairs.
          var events = RankCounter(size: size)
          var early: RankCounter? = nil
          var startPointer = hi - 1  // startOrder descending, so walk it backwards
          var eventPointer = hi - 1  // sorted order descending in time, so walk backwards
          if problem.start != nil { early = RankCounter(size: size) }
          func share(_ r: Int) {
            let (below, equal) = events.split(rank[r])
            laterC[r] += events.total - below - equal
            laterD[r] += below
            laterT[r] += equal
          }
          if let start = problem.start {
            // Events at or before a subject's entry never pair with it: subtract them.
            while startPointer >= lo {
              let r = problem.startOrder[startPointer]
              while eventPointer >= lo && stop[eventPointer] <= start[r] {
                if status[eventPointer] == 1 {
                  early!.add(rank[eventPointer], weight[eventPointer])
                }
                eventPointer -= 1
              }
              let (below, equal) = early!.split(rank[r])
              laterC[r] -= early!.total - below - equal
              laterD[r] -= below
              laterT[r] -= equal
              startPointer -= 1
            }
          }
          var k = hi - 1
          while k >= lo {
            let t = stop[k]
            var j = k
            while j >= lo && stop[j] == t { j -= 1 }
            for r in stride(from: k, to: j, by: -1) where status[r] == 1 { share(r) }
            for r in stride(from: k, to: j, by: -1) where status[r] == 1 {
              events.add(rank[r], weight[r])
            }
            for r in stride(from: k, to: j, by: -1) where status[r] == 0 { share(r) }
            k = j
          }
        },
      ]
      let shared = UncheckedSendable(passes)
      DispatchQueue.concurrentPerform(iterations: 2) { shared.value[$0]() }
    }
    let (c, d, tx, ty) = (totals[0], totals[1], totals[2], totals[3])
    let pairs = c + d + tx
    guard pairs > 0 else { return nil }
    let somers = (c - d) / pairs
    var dfbeta = [Double](repeating: 0, count: n)
    for i in 0..<n {
      let ci = influenceC[i] + laterC[i]
      let di = influenceD[i] + laterD[i]
      let ti = influenceT[i] + laterT[i]
      dfbeta[i] = weight[i] * ((ci - di) / pairs - somers / pairs * (ci + di + ti))
    }
    if let cluster {
      var sums = [Double](repeating: 0, count: Int(cluster.max() ?? 0) + 1)
      for i in 0..<n { sums[Int(cluster[problem.order[i]])] += dfbeta[i] }
      dfbeta = sums
    }
    var variance = 0.0
    for v in dfbeta { variance += v * v }
    variance /= 4
    return Concordance(
      estimate: (somers + 1) / 2, standardError: variance.squareRoot(), concordant: c,
      discordant: d, tiedRisk: tx, tiedTime: ty)
  }
}

/// Hands closures that touch disjoint state to `concurrentPerform`.
struct UncheckedSendable<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}
