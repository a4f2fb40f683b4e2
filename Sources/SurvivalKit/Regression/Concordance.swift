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
/// - Complexity: O(n log D) per stratum with D distinct times, by one sweep in score order
///   (`ScoreOrderSweep`, right-censored data with D ≤ 32,768), else O(n log n) (`RankSweep`).
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
  ///
  /// Each subject's dfbeta needs only c_i - d_i and c_i + d_i + t_i (the weight at risk when it
  /// is compared), so two arrays of n are kept. For right-censored data whose strata have at
  /// most `timeTreeLimit` distinct times each, the pairs are counted in one sweep in score
  /// order (`ScoreOrderSweep`). Otherwise by sweeps over the rows in time order (`RankSweep`):
  /// one with each event against those still at risk (descending time), one with each subject
  /// against the events before it (ascending), and for counting-process data one removing the
  /// events before each subject's entry.
  ///
  /// `eta` is taken over and released once ranked.
  static func compute(problem: CoxProblem, eta: consuming [Double], cluster: [Int32]? = nil)
    -> Concordance?
  {
    let n = problem.n
    // The fit's evaluation scratch (2n doubles, no longer needed) is reused: a fresh block of
    // hundreds of megabytes costs more in page faults than clearing it.
    let buffer = problem.workspace.buffer(max(1, 2 * n))
    buffer.update(repeating: 0, count: max(1, 2 * n))
    defer { problem.workspace.release() }
    let difference = buffer  // c_i - d_i
    let atRisk = buffer + n  // c_i + d_i + t_i
    let bounds = problem.strataBounds
    // Right-censored data with few distinct times in every stratum: one sweep in score order
    // (`ScoreOrderSweep`); then `difference` and `atRisk` are by position in score order.
    var distinctTimes: [Int] = []
    if problem.start == nil {
      problem.stop.withUnsafeBufferPointer { stop in
        for s in 0..<(bounds.count - 1) where bounds[s + 1] > bounds[s] {
          var distinct = 1
          for i in (bounds[s] + 1)..<bounds[s + 1] where stop[i] != stop[i - 1] { distinct += 1 }
          distinctTimes.append(distinct)
        }
      }
    }
    let byScore =
      problem.start == nil && (distinctTimes.max() ?? 0) <= Concordance.timeTreeLimit
    if byScore {
      return computeByScore(
        problem: problem, eta: eta, cluster: cluster, difference: difference, atRisk: atRisk,
        distinctTimes: distinctTimes)
    }
    // Grouped operations of the sweeps, shared by them: for right-censored data one per row
    // and a second per event (an event is queried, then added; a censored row only added or
    // only queried); with entry times at most three per row (queried, added, removed). The
    // rank sort needs two per row. Sized exactly, so no block reserves more than it uses.
    var events = 0
    for s in problem.status where s == 1 { events += 1 }
    let operationCapacity = problem.start == nil ? n + events : 3 * n
    let scratch = RankSweep.Scratch(capacity: max(2 * n, operationCapacity))
    let operations = RankSweep.Operations(capacity: operationCapacity)
    let rank = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, n))
    rank.initialize(repeating: 0, count: max(1, n))
    defer { rank.deallocate() }
    // Dense ranks of the scores within each stratum (equal scores share a rank).
    let sizes = eta.withUnsafeBufferPointer { values in
      (0..<(bounds.count - 1)).map { s in
        scratch.denseRanks(
          values.baseAddress! + bounds[s], count: bounds[s + 1] - bounds[s],
          into: rank + bounds[s])
      }
    }
    eta = []
    var concordant = 0.0
    var discordant = 0.0
    var tiedRisk = 0.0
    var tiedTime = 0.0
    problem.stop.withUnsafeBufferPointer { stopBuffer in
      problem.status.withUnsafeBufferPointer { statusBuffer in
        problem.weight.withUnsafeBufferPointer { weightBuffer in
          let stop = stopBuffer.baseAddress!
          let status = statusBuffer.baseAddress!
          let weight = weightBuffer.baseAddress!
          for s in 0..<(problem.strataBounds.count - 1) {
            let lo = problem.strataBounds[s]
            let hi = problem.strataBounds[s + 1]
            if hi <= lo { continue }
            let sweep = RankSweep(
              rank: rank, weight: weight, size: sizes[s], difference: difference,
              atRisk: atRisk, scratch: scratch)
            // Descending time (the sorted order): each event against those still at risk,
            // censored rows at its time included, events at its time not.
            operations.removeAll()
            if problem.start == nil {
              RankSweep.fillRightCensored(
                operations, stop: stop, status: status, weight: weight, rows: lo..<hi,
                descending: true, tiedTime: &tiedTime)
            } else {
              var inRiskSet = [Bool](repeating: false, count: n)
              var i = lo
              var q = lo
              while i < hi {
                let t = stop[i]
                var j = i
                while j < hi && stop[j] == t { j += 1 }
                for r in i..<j where status[r] == 0 {
                  operations.append(r, .add)
                  inRiskSet[r] = true
                }
                if let start = problem.start {
                  while q < hi && start[Int(problem.startOrder[q])] >= t {
                    let r = Int(problem.startOrder[q])
                    if inRiskSet[r] {
                      operations.append(r, .remove)
                      inRiskSet[r] = false
                    }
                    q += 1
                  }
                }
                var eventWeight = 0.0
                var eventWeightSquares = 0.0
                for r in i..<j where status[r] == 1 {
                  operations.append(r, .query)
                  eventWeight += weight[r]
                  eventWeightSquares += weight[r] * weight[r]
                }
                tiedTime += (eventWeight * eventWeight - eventWeightSquares) / 2
                for r in i..<j where status[r] == 1 {
                  operations.append(r, .add)
                  inRiskSet[r] = true
                }
                i = j
              }
            }
            // The event's score above the other's is concordant: c = below, d = above.
            let sums = sweep.run(operations, sign: 1, riskSign: 1)
            concordant += sums.below
            discordant += sums.above
            tiedRisk += sums.equal
            // Ascending time: each subject as the later member of a pair, against the events
            // before it (and at its time when censored): c = above, d = below.
            operations.removeAll()
            var unused = 0.0
            RankSweep.fillRightCensored(
              operations, stop: stop, status: status, weight: weight, rows: lo..<hi,
              descending: false, tiedTime: &unused)
            _ = sweep.run(operations, sign: -1, riskSign: 1)
            if let start = problem.start {
              // Events at or before a subject's entry never pair with it: take them off.
              operations.removeAll()
              var startPointer = hi - 1  // startOrder descending, so walk it backwards
              var eventPointer = hi - 1  // sorted order descending in time, so walk backwards
              while startPointer >= lo {
                let r = Int(problem.startOrder[startPointer])
                while eventPointer >= lo && stop[eventPointer] <= start[r] {
                  if status[eventPointer] == 1 { operations.append(eventPointer, .add) }
                  eventPointer -= 1
                }
                operations.append(r, .query)
                startPointer -= 1
              }
              _ = sweep.run(operations, sign: 1, riskSign: -1)
            }
          }
        }
      }
    }
    return result(
      concordant: concordant, discordant: discordant, tiedRisk: tiedRisk, tiedTime: tiedTime,
      problem: problem, difference: difference, atRisk: atRisk, cluster: cluster, rowAt: nil,
      weightAt: nil)
  }

  /// Rows in which the concordance is taken by one sweep in score order (`ScoreOrderSweep`):
  /// right-censored data whose strata have at most this many distinct times each (its trees
  /// over the times then stay in the cache); others go by `RankSweep`. A task may change it
  /// (tests run both paths on the same data).
  @TaskLocal static var timeTreeLimit = 1 << 15

  /// `compute` for right-censored data by one sweep in score order per stratum.
  static func computeByScore(
    problem: CoxProblem, eta: consuming [Double], cluster: [Int32]?,
    difference: UnsafeMutablePointer<Double>, atRisk: UnsafeMutablePointer<Double>,
    distinctTimes: [Int]
  ) -> Concordance? {
    let n = problem.n
    let bounds = problem.strataBounds
    let scratch = RankSweep.Scratch(capacity: max(1, 2 * n))
    let order = UnsafeMutablePointer<UInt32>.allocate(capacity: max(1, n))
    defer { order.deallocate() }
    let slot = UnsafeMutablePointer<UInt32>.allocate(capacity: max(1, n))
    defer { slot.deallocate() }
    eta.withUnsafeBufferPointer { values in
      for s in 0..<(bounds.count - 1) where bounds[s + 1] > bounds[s] {
        scratch.scoreOrder(
          values.baseAddress! + bounds[s], count: bounds[s + 1] - bounds[s], into: order + bounds[s]
        )
      }
    }
    eta = []
    var sums = ScoreOrderSweep.Sums()
    var tiedTime = 0.0
    // The sweep reads each row's time slot and weight in score order: gathered first, in a
    // loop whose reads do not wait on one another (in the sweep each would be a cache miss
    // waited for). The sort's room is free again.
    let sortedSlot = scratch.code
    let sortedWeight = scratch.value
    problem.stop.withUnsafeBufferPointer { stop in
      problem.status.withUnsafeBufferPointer { status in
        problem.weight.withUnsafeBufferPointer { weight in
          var stratum = 0
          for s in 0..<(bounds.count - 1) where bounds[s + 1] > bounds[s] {
            let lo = bounds[s]
            let hi = bounds[s + 1]
            let distinct = distinctTimes[stratum]
            stratum += 1
            tiedTime += ScoreOrderSweep.timeSlots(
              stop: stop.baseAddress!, status: status.baseAddress!, weight: weight.baseAddress!,
              rows: lo..<hi, distinct: distinct, into: slot + lo)
            let gather = UncheckedSendable(
              (order, slot, weight.baseAddress!, sortedSlot, sortedWeight))
            let gatherPart: @Sendable (Range<Int>) -> Void = { positions in
              let (order, slot, weight, sortedSlot, sortedWeight) = gather.value
              for k in positions {
                let row = lo + Int(order[k] & ~ScoreOrderSweep.topBit)
                sortedSlot[k] = slot[row]
                sortedWeight[k] = weight[row]
              }
            }
            if hi - lo >= RankSweep.parallelOperations {
              let middle = lo + (hi - lo) / 2
              DispatchQueue.concurrentPerform(iterations: 2) { part in
                gatherPart(part == 0 ? lo..<middle : middle..<hi)
              }
            } else {
              gatherPart(lo..<hi)
            }
            let sweep = ScoreOrderSweep(
              order: order + lo, slot: sortedSlot + lo, weight: sortedWeight + lo,
              timeCount: distinct)
            let part = sweep.run(count: hi - lo, difference: difference + lo, compared: atRisk + lo)
            sums.concordant += part.concordant
            sums.discordant += part.discordant
            sums.tied += part.tied
            // Positions to rows.
            for k in lo..<hi { order[k] = UInt32(lo) + (order[k] & ~ScoreOrderSweep.topBit) }
          }
        }
      }
    }
    return result(
      concordant: sums.concordant, discordant: sums.discordant, tiedRisk: sums.tied,
      tiedTime: tiedTime, problem: problem, difference: difference, atRisk: atRisk,
      cluster: cluster, rowAt: order, weightAt: sortedWeight)
  }

  /// The estimate and its standard error from the weighted totals and, per position k, c - d
  /// (`difference[k]`) and c + d + t (`atRisk[k]`) of the row at that position: the row
  /// `rowAt[k]` (sorted order) of weight `weightAt[k]`, or row k when `rowAt` is nil.
  static func result(
    concordant: Double, discordant: Double, tiedRisk: Double, tiedTime: Double,
    problem: CoxProblem, difference: UnsafeMutablePointer<Double>,
    atRisk: UnsafeMutablePointer<Double>, cluster: [Int32]?, rowAt: UnsafePointer<UInt32>?,
    weightAt: UnsafePointer<Double>?
  ) -> Concordance? {
    let n = problem.n
    let pairs = concordant + discordant + tiedRisk
    guard pairs > 0 else { return nil }
    let somers = (concordant - discordant) / pairs
    var variance = 0.0
    problem.weight.withUnsafeBufferPointer { weight in
      @inline(__always) func row(_ k: Int) -> Int { rowAt.map { Int($0[k]) } ?? k }
      @inline(__always) func dfbeta(_ k: Int) -> Double {
        (weightAt?[k] ?? weight[k]) * (difference[k] / pairs - somers / pairs * atRisk[k])
      }
      if let cluster {
        var sums = [Double](repeating: 0, count: Int(cluster.max() ?? 0) + 1)
        for k in 0..<n { sums[Int(cluster[Int(problem.order[row(k)])])] += dfbeta(k) }
        for v in sums { variance += v * v }
      } else {
        for k in 0..<n {
          let v = dfbeta(k)
          variance += v * v
        }
      }
    }
    variance /= 4
    return Concordance(
      estimate: (somers + 1) / 2, standardError: variance.squareRoot(), concordant: concordant,
      discordant: discordant, tiedRisk: tiedRisk, tiedTime: tiedTime)
  }
}

/// Weighted pair counting over a sequence of operations on ranked rows: add a row's weight at
/// its rank, remove it, or query a row: the weight now at ranks below, at and above its rank.
///
/// The ranks are split into at most 256 buckets of consecutive ranks. A first pass in sequence
/// order answers each query for the other buckets from a Fenwick tree over the buckets (which
/// stays in the first-level cache); the operations are then grouped by bucket (keeping their
/// order) and each bucket's own sequence is run against a `RankCounter` over its ranks only,
/// small enough for the second-level cache. A single counter over millions of ranks misses the
/// cache on nearly every operation. The buckets are independent, so they are split between two
/// threads; every sum is accumulated per bucket and combined in bucket order, so the result
/// does not depend on the split.
///
/// - Complexity: O(m log(size)) for m operations, O(m) extra memory.
struct RankSweep: @unchecked Sendable {
  /// Dense rank of each row.
  let rank: UnsafeMutablePointer<Int32>
  let weight: UnsafePointer<Double>
  /// Number of distinct ranks.
  let size: Int
  /// Per row: receives sign × (below - above) at its query.
  let difference: UnsafeMutablePointer<Double>
  /// Per row: receives riskSign × (below + equal + above) at its query.
  let atRisk: UnsafeMutablePointer<Double>
  /// Room for the grouped operations.
  let scratch: Scratch

  /// Room for a sweep's grouped operations (bucket-local rank and kind, weight or result),
  /// allocated once for all the sweeps of a concordance; the rank sort uses it first.
  final class Scratch: @unchecked Sendable {
    private let codeStorage: UnsafeMutableRawPointer
    private let valueStorage: UnsafeMutableRawPointer
    let capacity: Int
    init(capacity: Int) {
      self.capacity = max(1, capacity)
      codeStorage = UnsafeMutableRawPointer.allocate(
        byteCount: self.capacity * 4, alignment: 8)
      valueStorage = UnsafeMutableRawPointer.allocate(
        byteCount: self.capacity * 8, alignment: 8)
    }
    deinit {
      codeStorage.deallocate()
      valueStorage.deallocate()
    }
    var code: UnsafeMutablePointer<UInt32> {
      codeStorage.bindMemory(to: UInt32.self, capacity: capacity)
    }
    var value: UnsafeMutablePointer<Double> {
      valueStorage.bindMemory(to: Double.self, capacity: capacity)
    }
    var keys: UnsafeMutablePointer<UInt64> {
      valueStorage.bindMemory(to: UInt64.self, capacity: capacity)
    }

    /// Dense ranks of `values[0..<count]` (0 for the smallest; equal values, -0 and +0
    /// included, share a rank) into `rank`; returns the number of distinct values. Needs
    /// 2 × count of capacity.
    ///
    /// Each value is rounded to single precision, whose order key (as `SortOrder.key`) is
    /// packed with the row index into one 64-bit word (key in the high half); a stable
    /// least-significant-digit radix sort of the two 16-bit digits of the key, run in this
    /// room, orders the words. Rounding is monotone (a ≤ b gives Float(a) ≤ Float(b)), so the
    /// words are in value order except within runs of equal single-precision keys; each such
    /// run is put in exact order by the double values, and a rank is counted up wherever the
    /// exact value changes. Two passes over 8-byte words instead of four over 12 bytes (a
    /// 64-bit key and an index). For large counts each pass is split between two threads by
    /// position, the first half's elements of each digit placed before the second half's, so
    /// the order is that of the one-thread sort.
    func denseRanks(
      _ values: UnsafePointer<Double>, count: Int, into rank: UnsafeMutablePointer<Int32>
    ) -> Int {
      if count == 0 { return 0 }
      let words = sortedWords(values, count: count)
      @inline(__always) func index(_ word: UInt64) -> Int { Int(word & 0xFFFF_FFFF) }
      // Dense ranks: a new rank where the key changes (different singles are different
      // doubles), or within a run where the exact value does.
      var current: Int32 = 0
      rank[index(words[0])] = 0
      for k in 1..<count {
        let word = words[k]
        let previous = words[k - 1]
        if word >> 32 != previous >> 32 || values[index(word)] != values[index(previous)] {
          current += 1
        }
        rank[index(word)] = current
      }
      return Int(current) + 1
    }

    /// The row indices of `values[0..<count]` in increasing order of value into
    /// `order[0..<count]` (equal values in index order, -0 equal to +0), with the top bit set
    /// on the first of each run of equal values (count < 2³¹). Needs 2 × count of capacity;
    /// sorts as `denseRanks` does.
    func scoreOrder(
      _ values: UnsafePointer<Double>, count: Int, into order: UnsafeMutablePointer<UInt32>
    ) {
      if count == 0 { return }
      let words = sortedWords(values, count: count)
      @inline(__always) func index(_ word: UInt64) -> Int { Int(word & 0xFFFF_FFFF) }
      order[0] = UInt32(index(words[0])) | 1 << 31
      for k in 1..<count {
        let word = words[k]
        let previous = words[k - 1]
        let first =
          word >> 32 != previous >> 32 || values[index(word)] != values[index(previous)]
        order[k] = UInt32(index(word)) | (first ? 1 << 31 : 0)
      }
    }

    /// The sort of `denseRanks`: the words (single-precision key, row index) of the values in
    /// exact value order (index order among equal values), in this room.
    private func sortedWords(_ values: UnsafePointer<Double>, count: Int)
      -> UnsafeMutablePointer<UInt64>
    {
      var wordA = keys
      var wordB = keys + count
      let radix = 1 << 16
      let halves = [0..<(count / 2), (count / 2)..<count]
      let threads = count >= 1 << 16 ? 2 : 1
      let counts = UnsafeMutablePointer<Int>.allocate(capacity: 2 * radix)
      defer { counts.deallocate() }
      var constant = [Bool](repeating: false, count: 2)
      do {
        let shared = UncheckedSendable((values, wordA))
        let fill: @Sendable (Int) -> Void = { part in
          let (values, wordA) = shared.value
          for i in halves[part] {
            let v = values[i]
            let bits = Float(v == 0 ? 0 : v).bitPattern
            let key = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
            wordA[i] = UInt64(key) << 32 | UInt64(UInt32(truncatingIfNeeded: i))
          }
        }
        if threads == 2 {
          DispatchQueue.concurrentPerform(iterations: 2) { fill($0) }
        } else {
          fill(0)
          fill(1)
        }
        // A digit the same for every key needs no pass.
        var differing: UInt64 = 0
        for i in 0..<count { differing |= wordA[i] ^ wordA[0] }
        for digit in 0..<2 {
          constant[digit] = (differing >> UInt64(32 + 16 * digit)) & 0xFFFF == 0
        }
      }
      for digit in 0..<2 where !constant[digit] {
        let shift = UInt64(32 + 16 * digit)
        let shared = UncheckedSendable((wordA, wordB, counts))
        // Each half's digit counts, then where each half's run of each digit starts.
        let tally: @Sendable (Int) -> Void = { part in
          let (wordA, _, counts) = shared.value
          let c = counts + part * radix
          c.initialize(repeating: 0, count: radix)
          for i in halves[part] { c[Int((wordA[i] >> shift) & 0xFFFF)] += 1 }
        }
        let scatter: @Sendable (Int) -> Void = { part in
          let (wordA, wordB, counts) = shared.value
          let offsets = counts + part * radix
          for i in halves[part] {
            let word = wordA[i]
            let slot = Int((word >> shift) & 0xFFFF)
            let position = offsets[slot]
            offsets[slot] = position + 1
            wordB[position] = word
          }
        }
        if threads == 2 {
          DispatchQueue.concurrentPerform(iterations: 2) { tally($0) }
        } else {
          tally(0)
          tally(1)
        }
        var total = 0
        for d in 0..<radix {
          let first = counts[d]
          let second = counts[radix + d]
          counts[d] = total
          counts[radix + d] = total + first
          total += first + second
        }
        if threads == 2 {
          DispatchQueue.concurrentPerform(iterations: 2) { scatter($0) }
        } else {
          scatter(0)
          scatter(1)
        }
        swap(&wordA, &wordB)
      }
      // Runs of equal single-precision keys in exact order (by value, then index): insertion
      // sort for the short runs nearly all are, a library sort for long ones (values that
      // round to the same single, e.g. all below 1e-45 in magnitude).
      @inline(__always) func index(_ word: UInt64) -> Int { Int(word & 0xFFFF_FFFF) }
      @inline(__always) func before(_ a: UInt64, _ b: UInt64) -> Bool {
        let x = values[index(a)]
        let y = values[index(b)]
        return x < y || (x == y && a < b)
      }
      var a = 0
      while a < count {
        let key = wordA[a] >> 32
        var b = a + 1
        while b < count && wordA[b] >> 32 == key { b += 1 }
        if b - a > 32 {
          var run = UnsafeMutableBufferPointer(start: wordA + a, count: b - a)
          run.sort(by: before)
        } else if b - a > 1 {
          for k in (a + 1)..<b {
            let word = wordA[k]
            var j = k
            while j > a && before(word, wordA[j - 1]) {
              wordA[j] = wordA[j - 1]
              j -= 1
            }
            wordA[j] = word
          }
        }
        a = b
      }
      return wordA
    }
  }

  /// Operations from which the buckets are split between two threads (the result does not
  /// depend on it; a task may lower it to run small data on two threads).
  @TaskLocal static var parallelOperations = 1 << 16

  enum Kind: UInt8 {
    case add = 0
    case remove = 1
    case query = 2
  }

  /// A sequence of operations: row indices and kinds, in blocks allocated once (only the
  /// pages used become resident) and reused by every sweep of a concordance.
  final class Operations: @unchecked Sendable {
    private let rowStorage: UnsafeMutablePointer<UInt32>
    private let kindStorage: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
      self.capacity = max(1, capacity)
      rowStorage = UnsafeMutablePointer<UInt32>.allocate(capacity: self.capacity)
      kindStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
    }

    deinit {
      rowStorage.deallocate()
      kindStorage.deallocate()
    }

    var rows: UnsafePointer<UInt32> { UnsafePointer(rowStorage) }
    var kinds: UnsafePointer<UInt8> { UnsafePointer(kindStorage) }

    @inline(__always)
    func append(_ row: Int, _ kind: Kind) {
      precondition(count < capacity, "more operations than the room reserved")
      rowStorage[count] = UInt32(truncatingIfNeeded: row)
      kindStorage[count] = kind.rawValue
      count += 1
    }

    func removeAll() { count = 0 }

    /// Writes operation `position` directly (for filling two parts at once); `count` is set
    /// afterwards by `setCount`.
    @inline(__always)
    func write(_ position: Int, _ row: Int, _ kind: Kind) {
      rowStorage[position] = UInt32(truncatingIfNeeded: row)
      kindStorage[position] = kind.rawValue
    }

    func setCount(_ newCount: Int) {
      precondition(newCount <= capacity, "more operations than the room reserved")
      count = newCount
    }
  }

  /// The operations of one sweep over right-censored rows `rows` (sorted by time descending),
  /// appended to `operations`. Descending time (the rows in order): at each time its censored
  /// rows join, its events are queried against those at risk, then join; `tiedTime` receives
  /// the weight of the pairs of events at the same time. Ascending time (the rows backwards):
  /// at each time its events are queried against the events before, join, then its censored
  /// rows are queried. Two threads fill the halves of the rows (split between two times) for
  /// large data, each at its place in the sequence, so the sequence is that of one pass.
  static func fillRightCensored(
    _ operations: Operations, stop: UnsafePointer<Double>, status: UnsafePointer<Double>,
    weight: UnsafePointer<Double>, rows: Range<Int>, descending: Bool, tiedTime: inout Double
  ) {
    // Writes the operations of rows a..<b (whole times) from `position`; returns the next.
    func fill(_ a: Int, _ b: Int, from position: Int, tied: inout Double) -> Int {
      var next = position
      func put(_ r: Int, _ kind: Kind) {
        operations.write(next, r, kind)
        next += 1
      }
      if descending {
        var i = a
        while i < b {
          let t = stop[i]
          var j = i
          while j < b && stop[j] == t { j += 1 }
          for r in i..<j where status[r] == 0 { put(r, .add) }
          var eventWeight = 0.0
          var eventWeightSquares = 0.0
          for r in i..<j where status[r] == 1 {
            put(r, .query)
            eventWeight += weight[r]
            eventWeightSquares += weight[r] * weight[r]
          }
          tied += (eventWeight * eventWeight - eventWeightSquares) / 2
          for r in i..<j where status[r] == 1 { put(r, .add) }
          i = j
        }
      } else {
        var k = b - 1
        while k >= a {
          let t = stop[k]
          var j = k
          while j >= a && stop[j] == t { j -= 1 }
          for r in stride(from: k, to: j, by: -1) where status[r] == 1 { put(r, .query) }
          for r in stride(from: k, to: j, by: -1) where status[r] == 1 { put(r, .add) }
          for r in stride(from: k, to: j, by: -1) where status[r] == 0 { put(r, .query) }
          k = j
        }
      }
      return next
    }
    let lo = rows.lowerBound
    let hi = rows.upperBound
    let start = operations.count
    var cut = lo + (hi - lo) / 2
    while cut > lo && cut < hi && stop[cut] == stop[cut - 1] { cut += 1 }
    guard hi - lo >= RankSweep.parallelOperations && cut > lo && cut < hi else {
      operations.setCount(fill(lo, hi, from: start, tied: &tiedTime))
      return
    }
    // The part the sequence takes first, and how many operations it makes (one per row,
    // two per event).
    let (first, second) = descending ? ((lo, cut), (cut, hi)) : ((cut, hi), (lo, cut))
    func operationCount(_ part: (Int, Int)) -> Int {
      var count = part.1 - part.0
      for r in part.0..<part.1 where status[r] == 1 { count += 1 }
      return count
    }
    let length = operationCount(first)
    operations.setCount(start + length + operationCount(second))
    let tied = UnsafeMutablePointer<Double>.allocate(capacity: 2)
    defer { tied.deallocate() }
    tied.initialize(repeating: 0, count: 2)
    let shared = UncheckedSendable((fill, first, second, start + length, tied))
    DispatchQueue.concurrentPerform(iterations: 2) { part in
      let (fill, first, second, middle, tied) = shared.value
      let range = part == 0 ? first : second
      _ = fill(range.0, range.1, part == 0 ? start : middle, &tied[part])
    }
    tiedTime += tied[0]
    tiedTime += tied[1]
  }

  /// Σ w × (weight below), Σ w × (weight equal) and Σ w × (weight above) over the queries.
  struct Sums {
    var below = 0.0
    var equal = 0.0
    var above = 0.0
  }

  /// Runs the operations in order (see the type's description) and returns the weighted sums.
  ///
  /// Every pass over the operations in sequence order reads the rows' arrays nearly
  /// sequentially (the sequence follows time); the per-bucket pass reads only the grouped
  /// copies (bucket-local rank and kind, weight), and leaves each query's result in place of
  /// its weight, collected by a last pass in sequence order (one sequential stream per bucket).
  func run(_ operations: Operations, sign: Double, riskSign: Double) -> Sums {
    let m = operations.count
    var result = Sums()
    if m == 0 { return result }
    let bits = Int.bitWidth - max(1, size - 1).leadingZeroBitCount
    let shift = max(6, bits - 8)
    let localMask = (1 << shift) - 1
    let bucketCount = ((size - 1) >> shift) + 1
    var tree = [Double](repeating: 0, count: bucketCount + 1)  // Fenwick, 1-based
    var bucketTotal = [Double](repeating: 0, count: bucketCount)
    var offsets = [Int](repeating: 0, count: bucketCount + 1)
    // Operations of each bucket among the first half of the sequence (for the two threads that
    // group and collect).
    let half = m / 2
    var firstHalf = [Int](repeating: 0, count: bucketCount)
    var total = 0.0
    let queryKind = Kind.query.rawValue
    // Pass 1: the other buckets' share of each query.
    let rows = operations.rows
    let kinds = operations.kinds
    tree.withUnsafeMutableBufferPointer { tree in
      bucketTotal.withUnsafeMutableBufferPointer { bucketTotal in
        offsets.withUnsafeMutableBufferPointer { offsets in
          firstHalf.withUnsafeMutableBufferPointer { firstHalf in
            for k in 0..<m {
              let r = Int(rows[k])
              let b = Int(rank[r]) >> shift
              offsets[b + 1] += 1
              if k < half { firstHalf[b] += 1 }
              let w = weight[r]
              if kinds[k] == queryKind {
                var below = 0.0
                var f = b
                while f > 0 {
                  below += tree[f]
                  f -= f & -f
                }
                let above = total - below - bucketTotal[b]
                difference[r] += sign * (below - above)
                atRisk[r] += riskSign * total
                result.below += w * below
                result.above += w * above
              } else {
                let v = kinds[k] == Kind.add.rawValue ? w : -w
                total += v
                bucketTotal[b] += v
                var f = b + 1
                while f <= bucketCount {
                  tree[f] += v
                  f += f & -f
                }
              }
            }
          }
        }
      }
    }
    // Group the operations by bucket, keeping their order: bucket-local rank and kind, weight.
    // Two threads, each over half of the sequence: within a bucket the first half's
    // operations go first, so the grouping is the one a single pass makes.
    for b in 0..<bucketCount { offsets[b + 1] += offsets[b] }
    let starts = [offsets, (0..<bucketCount).map { offsets[$0] + firstHalf[$0] }]
    let parts = [0..<half, half..<m]
    let parallel = m >= RankSweep.parallelOperations
    let groupedCode = scratch.code
    let groupedValue = scratch.value
    let pointers = UncheckedSendable((rows, kinds, groupedCode, groupedValue))
    let group: @Sendable (Int) -> Void = { part in
      let (rows, kinds, groupedCode, groupedValue) = pointers.value
      var next = starts[part]
      next.withUnsafeMutableBufferPointer { next in
        for k in parts[part] {
          let r = Int(rows[k])
          let rk = Int(self.rank[r])
          let b = rk >> shift
          let position = next[b]
          next[b] = position + 1
          groupedCode[position] = UInt32(rk & localMask) | UInt32(kinds[k]) << 30
          groupedValue[position] = self.weight[r]
        }
      }
    }
    if parallel {
      DispatchQueue.concurrentPerform(iterations: 2) { group($0) }
    } else {
      group(0)
      group(1)
    }
    // Pass 2: each bucket's own share, buckets split between two threads by operation count.
    var bucketSums = [Sums](repeating: Sums(), count: bucketCount)
    var split = 0
    while split < bucketCount && offsets[split] < m / 2 { split += 1 }
    let ranges = [0..<split, split..<bucketCount]
    let size = self.size
    bucketSums.withUnsafeMutableBufferPointer { bucketSums in
      let shared = UncheckedSendable((groupedCode, groupedValue, bucketSums, offsets))
      let work: @Sendable (Int) -> Void = { part in
        let (code, value, bucketSums, offsets) = shared.value
        let counter = BlockCounter(capacity: min(size, 1 << shift))
        for b in ranges[part] where offsets[b + 1] > offsets[b] {
          let base = b << shift
          counter.reset(size: min(size, base + (1 << shift)) - base)
          var sums = Sums()
          for k in offsets[b]..<offsets[b + 1] {
            let local = Int(code[k] & 0x3FFF_FFFF)
            let w = value[k]
            switch UInt8(code[k] >> 30) {
            case queryKind:
              let (below, equal) = counter.split(local)
              let above = counter.total - below - equal
              value[k] = below - above
              sums.below += w * below
              sums.equal += w * equal
              sums.above += w * above
            case Kind.add.rawValue:
              counter.add(local, w)
            default:
              counter.add(local, -w)
            }
          }
          bucketSums[b] = sums
        }
      }
      if parallel {
        DispatchQueue.concurrentPerform(iterations: 2) { work($0) }
      } else {
        work(0)
        work(1)
      }
    }
    for sums in bucketSums {
      result.below += sums.below
      result.equal += sums.equal
      result.above += sums.above
    }
    // Collect the buckets' shares: each query is its row's only one in this sweep, so the two
    // halves write different rows.
    let collect: @Sendable (Int) -> Void = { part in
      let (rows, kinds, _, groupedValue) = pointers.value
      var next = starts[part]
      next.withUnsafeMutableBufferPointer { next in
        for k in parts[part] {
          let r = Int(rows[k])
          let b = Int(self.rank[r]) >> shift
          let position = next[b]
          next[b] = position + 1
          if kinds[k] == queryKind { self.difference[r] += sign * groupedValue[position] }
        }
      }
    }
    if parallel {
      DispatchQueue.concurrentPerform(iterations: 2) { collect($0) }
    } else {
      collect(0)
      collect(1)
    }
    return result
  }
}

/// Weighted counts over ranks 0..<size (one bucket of a `RankSweep`): the weight of each rank,
/// and a Fenwick tree (Fenwick 1994) over blocks of 32 ranks. A query adds the blocks before
/// the rank's block from the tree and scans the block's ranks before it with four running
/// sums (a single running sum makes each addition wait for the previous one).
///
/// - Complexity: O(log(size / 32) + 32) per update or query.
final class BlockCounter {
  static let shift = 5
  private let leaf: UnsafeMutablePointer<Double>
  private let tree: UnsafeMutablePointer<Double>  // 1-based over blocks
  private let capacity: Int
  private var blockCount = 0
  private var size = 0
  private(set) var total = 0.0

  init(capacity: Int) {
    self.capacity = max(1, capacity)
    leaf = UnsafeMutablePointer<Double>.allocate(capacity: self.capacity)
    tree = UnsafeMutablePointer<Double>.allocate(capacity: (self.capacity >> Self.shift) + 2)
  }

  deinit {
    leaf.deallocate()
    tree.deallocate()
  }

  /// Empties the counter for ranks 0..<size (at most the capacity).
  func reset(size: Int) {
    self.size = size
    blockCount = ((max(1, size) - 1) >> Self.shift) + 1
    leaf.initialize(repeating: 0, count: size)
    tree.initialize(repeating: 0, count: blockCount + 1)
    total = 0
  }

  func add(_ rank: Int, _ value: Double) {
    total += value
    leaf[rank] += value
    var k = (rank >> Self.shift) + 1
    while k <= blockCount {
      tree[k] += value
      k += k & -k
    }
  }

  /// The weight at ranks below `rank`, and at `rank`.
  func split(_ rank: Int) -> (below: Double, equal: Double) {
    let block = rank >> Self.shift
    var fromBlocks = 0.0
    var k = block
    while k > 0 {
      fromBlocks += tree[k]
      k -= k & -k
    }
    var s0 = 0.0
    var s1 = 0.0
    var s2 = 0.0
    var s3 = 0.0
    var r = block << Self.shift
    while r + 4 <= rank {
      s0 += leaf[r]
      s1 += leaf[r + 1]
      s2 += leaf[r + 2]
      s3 += leaf[r + 3]
      r += 4
    }
    while r < rank {
      s0 += leaf[r]
      r += 1
    }
    return (fromBlocks + ((s0 + s1) + (s2 + s3)), leaf[rank])
  }
}
