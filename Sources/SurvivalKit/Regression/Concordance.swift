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
/// - Complexity: O(n log n) per stratum with Fenwick trees over the ranks of the scores.
public struct Concordance: Sendable, Equatable {
  public let estimate: Double
  public let standardError: Double
  public let concordant: Double
  public let discordant: Double
  public let tiedRisk: Double
  public let tiedTime: Double

  /// - Parameters: sample-order arrays; with `cluster`, the dfbeta terms are summed within
  ///   clusters before squaring (as R does for a model with `cluster()`).
  static func compute(
    time: [Double], status: [UInt8], entry: [Double]?, score: [Double], strata: [Int32],
    weights: [Double], cluster: [Int32]? = nil
  ) -> Concordance? {
    let n = time.count
    var byStratum: [Int32: [Int]] = [:]
    for i in 0..<n { byStratum[strata[i], default: []].append(i) }
    var c = 0.0
    var d = 0.0
    var tx = 0.0
    var ty = 0.0
    var influence = [(Double, Double, Double)](repeating: (0, 0, 0), count: n)
    for key in byStratum.keys.sorted() {
      let rows = byStratum[key]!
      count(
        rows: rows, time: time, status: status, entry: entry, score: score, weights: weights,
        c: &c, d: &d, tx: &tx, ty: &ty, influence: &influence)
    }
    let pairs = c + d + tx
    guard pairs > 0 else { return nil }
    let somers = (c - d) / pairs
    var dfbeta = [Double](repeating: 0, count: n)
    for i in 0..<n {
      let (ci, di, ti) = influence[i]
      dfbeta[i] = weights[i] * ((ci - di) / pairs - somers / pairs * (ci + di + ti))
    }
    if let cluster {
      var sums = [Double](repeating: 0, count: Int(cluster.max() ?? 0) + 1)
      for i in 0..<n { sums[Int(cluster[i])] += dfbeta[i] }
      dfbeta = sums
    }
    var variance = 0.0
    for v in dfbeta { variance += v * v }
    variance /= 4
    return Concordance(
      estimate: (somers + 1) / 2, standardError: variance.squareRoot(), concordant: c,
      discordant: d, tiedRisk: tx, tiedTime: ty)
  }

  /// Weighted pair counts of one stratum, and each subject's share of them.
  static func count(
    rows: [Int], time: [Double], status: [UInt8], entry: [Double]?, score: [Double],
    weights: [Double], c: inout Double, d: inout Double, tx: inout Double, ty: inout Double,
    influence: inout [(Double, Double, Double)]
  ) {
    let distinctScores = Array(Set(rows.map { score[$0] })).sorted()
    var rankOf: [Double: Int] = [:]
    for (k, s) in distinctScores.enumerated() { rankOf[s] = k }
    let rank = Dictionary(uniqueKeysWithValues: rows.map { ($0, rankOf[score[$0]]!) })
    let size = distinctScores.count
    // Pass 1, descending time: each event against the subjects still at risk after it.
    var beyond = Fenwick(size: size)
    let byStopDescending = rows.sorted { time[$0] > time[$1] }
    let byStartDescending = entry.map { e in rows.sorted { e[$0] > e[$1] } } ?? []
    var added = Set<Int>()
    var removed = Set<Int>()
    var q = 0
    var i = 0
    while i < byStopDescending.count {
      let t = time[byStopDescending[i]]
      var j = i
      while j < byStopDescending.count && time[byStopDescending[j]] == t { j += 1 }
      let group = byStopDescending[i..<j]
      // Censored at t are comparable with the events at t.
      for r in group where status[r] == 0 {
        beyond.add(rank[r]!, weights[r])
        added.insert(r)
      }
      if let entry {
        while q < byStartDescending.count && entry[byStartDescending[q]] >= t {
          let r = byStartDescending[q]
          if added.contains(r) {
            beyond.add(rank[r]!, -weights[r])
          }
          removed.insert(r)
          q += 1
        }
      }
      var eventWeight = 0.0
      var eventWeightSquares = 0.0
      for r in group where status[r] == 1 {
        let below = beyond.sum(upTo: rank[r]! - 1)
        let equal = beyond.sum(upTo: rank[r]!) - below
        let above = beyond.total - below - equal
        c += weights[r] * below
        d += weights[r] * above
        tx += weights[r] * equal
        influence[r].0 += below
        influence[r].1 += above
        influence[r].2 += equal
        eventWeight += weights[r]
        eventWeightSquares += weights[r] * weights[r]
      }
      ty += (eventWeight * eventWeight - eventWeightSquares) / 2
      for r in group where status[r] == 1 && !removed.contains(r) {
        beyond.add(rank[r]!, weights[r])
        added.insert(r)
      }
      i = j
    }
    // Pass 2, ascending time: each subject's share as the later member of a pair.
    var events = Fenwick(size: size)
    let byStopAscending = byStopDescending.reversed().map { $0 }
    var startShare: [Int: (Double, Double, Double)] = [:]
    if let entry {
      // Events at or before each subject's entry do not pair with it.
      let eventsAscending = rows.filter { status[$0] == 1 }.sorted { time[$0] < time[$1] }
      let byStartAscending = rows.sorted { entry[$0] < entry[$1] }
      var early = Fenwick(size: size)
      var e = 0
      for r in byStartAscending {
        while e < eventsAscending.count && time[eventsAscending[e]] <= entry[r] {
          early.add(rank[eventsAscending[e]]!, weights[eventsAscending[e]])
          e += 1
        }
        let below = early.sum(upTo: rank[r]! - 1)
        let equal = early.sum(upTo: rank[r]!) - below
        startShare[r] = (early.total - below - equal, below, equal)
      }
    }
    i = 0
    while i < byStopAscending.count {
      let t = time[byStopAscending[i]]
      var j = i
      while j < byStopAscending.count && time[byStopAscending[j]] == t { j += 1 }
      let group = byStopAscending[i..<j]
      func share(_ r: Int) {
        let below = events.sum(upTo: rank[r]! - 1)
        let equal = events.sum(upTo: rank[r]!) - below
        // Events with a higher score than r: concordant pairs; lower: discordant.
        var concordant = events.total - below - equal
        var discordant = below
        var tied = equal
        if let s = startShare[r] {
          concordant -= s.0
          discordant -= s.1
          tied -= s.2
        }
        influence[r].0 += concordant
        influence[r].1 += discordant
        influence[r].2 += tied
      }
      for r in group where status[r] == 1 { share(r) }
      for r in group where status[r] == 1 { events.add(rank[r]!, weights[r]) }
      for r in group where status[r] == 0 { share(r) }
      i = j
    }
  }
}

/// A Fenwick (binary indexed) tree of weights over ranks 0..<size.
struct Fenwick {
  private var tree: [Double]
  private(set) var total = 0.0

  init(size: Int) { tree = [Double](repeating: 0, count: size + 1) }

  mutating func add(_ rank: Int, _ value: Double) {
    total += value
    var k = rank + 1
    while k < tree.count {
      tree[k] += value
      k += k & (-k)
    }
  }

  /// Sum of ranks 0...rank (0 when rank < 0).
  func sum(upTo rank: Int) -> Double {
    var k = rank + 1
    var s = 0.0
    while k > 0 {
      s += tree[k]
      k -= k & (-k)
    }
    return s
  }
}
