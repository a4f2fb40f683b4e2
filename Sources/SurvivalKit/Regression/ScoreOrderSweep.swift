import Dispatch

/// The concordance's pair counts for right-censored data in one sweep over the rows in
/// risk-score order, with Fenwick trees (Fenwick 1994) over the stratum's distinct times.
///
/// A pair (i, j) with i an event is comparable when j is later in time: τ_j > τ_i, or τ_j = τ_i
/// and j censored (τ is the index of the distinct time, 0 the earliest). Going up the scores
/// (equal scores as one group), each row is queried against the rows of lower score before it
/// joins two trees:
///
/// - as the event of its pairs (events only): B_i = Σ_{τ > τ_i} A(τ) + A_c(τ_i), the weight
///   of lower-score rows later than i, where A holds every row's weight by time and A_c the
///   censored rows' (c_i = B_i, d_i = R_i - B_i - e_i with R_i the whole weight later than i);
/// - as the later member (every row): E_j = Σ_{τ < τ_j} V(τ) + [j censored] V(τ_j), the weight
///   of the lower-score events earlier than j, V holding the events' weight by time (c_j gets
///   the higher-score events, H_j - E_j - e_j, with H_j the whole weight of events earlier than
///   j; d_j gets E_j).
///
/// The rows of a group of equal scores are all queried before any joins, and queried again
/// after all have: the difference is each row's weight at an equal score, e_i. A row is never
/// counted against itself (an event is not later than itself, nor an earlier event).
///
/// With D distinct times a query or an update takes O(log D) steps in trees of D doubles: for
/// the few thousand distinct times of real follow-up data (days) they stay in the first-level
/// cache, where `RankSweep`, sweeping in time order over trees of ranks, works in buckets to
/// stay in the second. `Concordance` takes this path for right-censored data when every
/// stratum has at most `Concordance.timeTreeLimit` distinct times.
///
/// - Complexity: O(n log D) time, O(D) extra memory beyond the caller's arrays.
struct ScoreOrderSweep {
  /// Per position in score order: the top bit set on the first row of each group of equal
  /// scores (the other bits are not read).
  let order: UnsafePointer<UInt32>
  /// Per position in score order: the row's time index, the top bit set when it is censored.
  let slot: UnsafePointer<UInt32>
  /// Per position in score order: the row's case weight.
  let weight: UnsafePointer<Double>
  /// Distinct times in the stratum.
  let timeCount: Int

  /// The flag bit of `order` and `slot`.
  static let topBit: UInt32 = 1 << 31

  /// Weighted pair counts over the events' queries: Σ w_i c_i, Σ w_i d_i, Σ w_i e_i.
  struct Sums {
    var concordant = 0.0
    var discordant = 0.0
    var tied = 0.0
  }

  /// The time indices of rows sorted by time descending (`stop[lo..<hi]`, with `distinct`
  /// distinct times; censored rows, `status` 0, flagged) into `slot[0..<hi - lo]`. Returns
  /// the weight of the pairs of events at the same time, Σ over times of
  /// ((Σ w)² - Σ w²) / 2 over its events (not comparable; reported beside the counts).
  static func timeSlots(
    stop: UnsafePointer<Double>, status: UnsafePointer<Double>, weight: UnsafePointer<Double>,
    rows: Range<Int>, distinct: Int, into slot: UnsafeMutablePointer<UInt32>
  ) -> Double {
    let lo = rows.lowerBound
    let hi = rows.upperBound
    var tiedTime = 0.0
    var current = UInt32(distinct - 1)
    var i = lo
    while i < hi {
      let t = stop[i]
      var eventWeight = 0.0
      var eventWeightSquares = 0.0
      while i < hi && stop[i] == t {
        if status[i] == 1 {
          slot[i - lo] = current
          eventWeight += weight[i]
          eventWeightSquares += weight[i] * weight[i]
        } else {
          slot[i - lo] = current | topBit
        }
        i += 1
      }
      tiedTime += (eventWeight * eventWeight - eventWeightSquares) / 2
      current &-= 1
    }
    return tiedTime
  }

  /// `count` zeroed arrays of d + 1 doubles, one per time and one spare (1-based trees), in one
  /// block that the first array's pointer frees.
  private static func perTime(_ count: Int, _ d: Int) -> [UnsafeMutablePointer<Double>] {
    let block = UnsafeMutablePointer<Double>.allocate(capacity: count * (d + 1))
    block.initialize(repeating: 0, count: count * (d + 1))
    return (0..<count).map { block + $0 * (d + 1) }
  }

  /// Runs the sweep over the `count` rows. Writes, per position k in score order, the row's
  /// c - d into `difference[k]` and its c + d + e (the weight it is compared with) into
  /// `compared[k]`; returns the events' weighted sums.
  ///
  /// From `RankSweep.parallelOperations` rows the positions are split in two at a group
  /// boundary near the middle and swept on two threads, the second starting from the trees
  /// the first half leaves (built from its counts by time); the sums are added first half
  /// first, so the result depends on the data only.
  func run(
    count: Int, difference: UnsafeMutablePointer<Double>,
    compared: UnsafeMutablePointer<Double>
  ) -> Sums {
    let d = timeCount
    // Per time: the censored rows' and events' weight, the weight later than it (for events)
    // and of the events before it (for every row).
    let totals = Self.perTime(4, d)
    defer { totals[0].deallocate() }
    let (censoredAt, eventsAt, later, earlierEvents) = (totals[0], totals[1], totals[2], totals[3])
    for k in 0..<count {
      let s = slot[k]
      let t = Int(s & ~Self.topBit)
      if s & Self.topBit != 0 { censoredAt[t] += weight[k] } else { eventsAt[t] += weight[k] }
    }
    var running = 0.0
    for t in stride(from: d - 1, through: 0, by: -1) {
      later[t] = running + censoredAt[t]
      running += censoredAt[t] + eventsAt[t]
    }
    running = 0
    for t in 0..<d {
      earlierEvents[t] = running
      running += eventsAt[t]
    }
    var mid = count / 2
    while mid < count && order[mid] & Self.topBit == 0 { mid += 1 }
    guard count >= RankSweep.parallelOperations && mid > 0 && mid < count else {
      return sweep(
        0..<count, eventsAt: eventsAt, later: later, earlierEvents: earlierEvents,
        difference: difference, compared: compared)
    }
    let parts = UnsafeMutablePointer<Sums>.allocate(capacity: 2)
    defer { parts.deallocate() }
    parts.initialize(repeating: Sums(), count: 2)
    let ranges = [0..<mid, mid..<count]
    let shared = UncheckedSendable(
      (self, eventsAt, later, earlierEvents, difference, compared, parts))
    DispatchQueue.concurrentPerform(iterations: 2) { part in
      let (sweeper, eventsAt, later, earlierEvents, difference, compared, parts) = shared.value
      parts[part] = sweeper.sweep(
        ranges[part], eventsAt: eventsAt, later: later,
        earlierEvents: earlierEvents, difference: difference, compared: compared)
    }
    return Sums(
      concordant: parts[0].concordant + parts[1].concordant,
      discordant: parts[0].discordant + parts[1].discordant,
      tied: parts[0].tied + parts[1].tied)
  }

  /// The sweep over the positions `range` (whole groups), starting from the trees the
  /// positions before it leave.
  private func sweep(
    _ range: Range<Int>, eventsAt: UnsafePointer<Double>, later: UnsafePointer<Double>,
    earlierEvents: UnsafePointer<Double>, difference: UnsafeMutablePointer<Double>,
    compared: UnsafeMutablePointer<Double>
  ) -> Sums {
    let d = timeCount
    // The trees, 1-based: `rowTree` over reversed time (position d - τ) so that a prefix is
    // "later than"; `eventTree` over time (position τ + 1); and the weight of the censored
    // rows and of the events joined at each time.
    let room = Self.perTime(4, d)
    defer { room[0].deallocate() }
    let (rowTree, eventTree, censoredJoined, eventsJoined) = (room[0], room[1], room[2], room[3])
    if range.lowerBound > 0 {
      // The positions before: their weight by time, then each tree built in O(D) (a node
      // adds itself to its parent).
      for k in 0..<range.lowerBound {
        let s = slot[k]
        let t = Int(s & ~Self.topBit)
        rowTree[d - t] += weight[k]
        if s & Self.topBit != 0 {
          censoredJoined[t] += weight[k]
        } else {
          eventsJoined[t] += weight[k]
          eventTree[t + 1] += weight[k]
        }
      }
      for tree in [rowTree, eventTree] {
        for f in 1...max(1, d) where f + (f & -f) <= d { tree[f + (f & -f)] += tree[f] }
      }
    }
    @inline(__always) func lowerLater(_ t: Int) -> Double {
      // Σ_{τ > t} rowTree: positions 1 ... d - 1 - t.
      var sum = censoredJoined[t]
      var f = d - 1 - t
      while f > 0 {
        sum += rowTree[f]
        f -= f & -f
      }
      return sum
    }
    @inline(__always) func lowerEarlierEvents(_ t: Int, censored: Bool) -> Double {
      // Σ_{τ < t} eventTree: positions 1 ... t.
      var sum = censored ? eventsJoined[t] : 0
      var f = t
      while f > 0 {
        sum += eventTree[f]
        f -= f & -f
      }
      return sum
    }
    @inline(__always) func join(_ t: Int, censored: Bool, _ w: Double) {
      var f = d - t
      while f <= d {
        rowTree[f] += w
        f += f & -f
      }
      if censored {
        censoredJoined[t] += w
      } else {
        eventsJoined[t] += w
        f = t + 1
        while f <= d {
          eventTree[f] += w
          f += f & -f
        }
      }
    }
    var sums = Sums()
    var k = range.lowerBound
    let count = range.upperBound
    while k < count {
      var end = k + 1
      while end < count && order[end] & Self.topBit == 0 { end += 1 }
      if end == k + 1 {
        // A score of its own: no row at an equal score.
        let s = slot[k]
        let t = Int(s & ~Self.topBit)
        let censored = s & Self.topBit != 0
        let w = weight[k]
        let lowerEvents = lowerEarlierEvents(t, censored: censored)
        let events = earlierEvents[t] + (censored ? eventsAt[t] : 0)
        var delta = (events - lowerEvents) - lowerEvents
        var total = events
        if !censored {
          let lower = lowerLater(t)
          let higher = later[t] - lower
          delta += lower - higher
          total += later[t]
          sums.concordant += w * lower
          sums.discordant += w * higher
        }
        difference[k] = delta
        compared[k] = total
        join(t, censored: censored, w)
      } else {
        // The group's queries before it joins (kept in the output slots), then after.
        for g in k..<end {
          let s = slot[g]
          let t = Int(s & ~Self.topBit)
          let censored = s & Self.topBit != 0
          difference[g] = lowerEarlierEvents(t, censored: censored)
          compared[g] = censored ? 0 : lowerLater(t)
        }
        for g in k..<end {
          let s = slot[g]
          join(Int(s & ~Self.topBit), censored: s & Self.topBit != 0, weight[g])
        }
        for g in k..<end {
          let s = slot[g]
          let t = Int(s & ~Self.topBit)
          let censored = s & Self.topBit != 0
          let w = weight[g]
          let lowerEvents = difference[g]
          let events = earlierEvents[t] + (censored ? eventsAt[t] : 0)
          let equalEvents = lowerEarlierEvents(t, censored: censored) - lowerEvents
          var delta = (events - lowerEvents - equalEvents) - lowerEvents
          var total = events
          if !censored {
            let lower = compared[g]
            let equal = lowerLater(t) - lower
            let higher = later[t] - lower - equal
            delta += lower - higher
            total += later[t]
            sums.concordant += w * lower
            sums.discordant += w * higher
            sums.tied += w * equal
          }
          difference[g] = delta
          compared[g] = total
        }
      }
      k = end
    }
    return sums
  }
}
