/// The one event table behind every non-parametric estimator and test.
///
/// For each stratum, on the pooled grid of its distinct times (events and censorings), the table
/// holds the number at risk just before each time, the events and the censorings at it, pooled
/// over the groups and per group. Kaplan–Meier and Nelson–Aalen curves, every log-rank weight
/// (including the Kaplan–Meier S(t-) and Peto's S̃(t)), the log-rank statistics, their trend and
/// pairwise versions, cox.zph's `km` time transform and the maximally selected log-rank scan
/// all read it.
///
/// Conventions (R's `survfit` and `survdiff`): censorings at an event time are at risk at that
/// time; with delayed entry (`Surv(start, stop, status)`) a row is at risk at t when
/// start < t <= stop. Per-group counts are stored sparsely, as *cells*: one per (time, group)
/// with at least one row ending there, so a table with many groups costs O(n) memory.
///
/// Built by one stable sort of the times (reused when the sample already holds it), a stable
/// bucketing by stratum and one merging pass; with delayed entry the entry times are sorted
/// once more.
///
/// - Complexity: O(n log n) time (O(n) when the sample's time order is known), O(n) memory.
public struct EventTable: Sendable {
  /// Stratum labels, in stratum order.
  public let strata: [String]
  /// Group labels, in group order.
  public let groups: [String]
  /// The pooled times of stratum s are `stratumStart[s] ..< stratumStart[s + 1]`.
  public let stratumStart: [Int]
  /// Distinct times, ascending within each stratum.
  public let time: [Double]
  /// Number at risk just before each time, all groups of the stratum pooled.
  public let nRisk: [Int]
  /// Events at each time, pooled.
  public let nEvent: [Int]
  /// Censorings at each time, pooled.
  public let nCensor: [Int]
  /// The cells of pooled time j are `cellStart[j] ..< cellStart[j + 1]`, in group order.
  public let cellStart: [Int]
  /// Group of each cell.
  public let cellGroup: [Int32]
  /// Number of the cell's group at risk just before the cell's time.
  public let cellRisk: [Int]
  /// Events of the cell's group at the cell's time.
  public let cellEvent: [Int]
  /// Censorings of the cell's group at the cell's time.
  public let cellCensor: [Int]
  /// Subjects per stratum and group: `size[s * groups.count + g]`.
  public let size: [Int]
  /// Index into the pooled grid of each input row's time.
  public let timeIndex: [Int32]
  /// The same counts weighted by case weights, when weights were given.
  public let weighted: Weighted?
  /// Whether rows have entry times (counting-process data).
  public let delayedEntry: Bool

  /// Weighted counts: each row counts with its case weight instead of 1.
  public struct Weighted: Sendable, Equatable {
    /// Weighted number at risk just before each pooled time.
    public let risk: [Double]
    /// Weighted events at each pooled time.
    public let event: [Double]
    /// Weighted censorings at each pooled time.
    public let censor: [Double]
    /// Weighted number of the cell's group at risk, per cell.
    public let cellRisk: [Double]
    /// Weighted events per cell.
    public let cellEvent: [Double]
  }

  /// The time series of one stratum, pooled over groups or for one group: the quantities a
  /// single Kaplan–Meier curve is computed from.
  public struct Series: Sendable, Equatable {
    /// Distinct times, ascending.
    public let time: [Double]
    /// Number at risk just before each time.
    public let nRisk: [Int]
    /// Events at each time.
    public let nEvent: [Int]
    /// Censorings at each time.
    public let nCensor: [Int]
    /// Subjects in the series.
    public let n: Int

    /// Total events.
    public var events: Int { nEvent.reduce(0, +) }

    /// A series from its columns (for tests and hand-built tables).
    ///
    /// - Parameters:
    ///   - time: Distinct times, ascending.
    ///   - nRisk: Number at risk just before each time.
    ///   - nEvent: Events at each time.
    ///   - nCensor: Censorings at each time.
    ///   - n: Subjects in the series.
    public init(time: [Double], nRisk: [Int], nEvent: [Int], nCensor: [Int], n: Int) {
      self.time = time
      self.nRisk = nRisk
      self.nEvent = nEvent
      self.nCensor = nCensor
      self.n = n
    }
  }

  /// The table of a sample: strata are the sample's `strata`, groups its `groups` (what a
  /// log-rank test compares).
  ///
  /// - Parameter sample: The outcome, its comparison groups and strata.
  public init(_ sample: SurvivalSample) {
    if sample.entry == nil, let ranks = sample.timeRanks,
      let table = EventTable(
        counting: ranks, status: sample.status, strata: sample.strata, groups: sample.groups)
    {
      self = table
      return
    }
    self.init(
      checkedTime: sample.time, status: sample.status, entry: sample.entry, strata: sample.strata,
      groups: sample.groups, ascendingOrder: sample.ascendingTimeOrder)
  }

  /// The table with one stratum per curve of the sample (its `grouping`, what `survfit` draws)
  /// and a single group.
  ///
  /// - Parameter sample: The outcome and its curve grouping.
  public init(curvesOf sample: SurvivalSample) {
    if sample.entry == nil, let ranks = sample.timeRanks,
      let table = EventTable(
        counting: ranks, status: sample.status, strata: sample.grouping,
        groups: .single(rows: sample.count))
    {
      self = table
      return
    }
    self.init(
      checkedTime: sample.time, status: sample.status, entry: sample.entry, strata: sample.grouping,
      groups: nil, ascendingOrder: sample.ascendingTimeOrder)
  }

  /// Builds the table from raw columns.
  ///
  /// - Parameters:
  ///   - time: event or censoring time of each row (near-ties are not merged here: build a
  ///     `SurvivalSample` first for R's `timefix`).
  ///   - status: 1 for an event, 0 for censoring.
  ///   - entry: entry times for counting-process data (each below its row's time), or nil.
  ///   - strata: stratum of each row (nil: one stratum `all`).
  ///   - groups: group of each row (nil: one group `all`).
  ///   - weights: case weights (nil: every row counts 1; the weighted counts are then absent).
  ///   - ascendingOrder: the stable ascending order of `time`, when already known.
  /// - Throws: `SurvivalKitError` when the arrays differ in length, a time is not finite (or is
  ///   negative without entry times), a status is not 0/1, an entry is not before its time, a
  ///   weight is negative, a group or stratum code has no label, or `ascendingOrder` is not an
  ///   ascending ordering.
  public init(
    time: [Double], status: [UInt8], entry: [Double]? = nil, strata: Grouping? = nil,
    groups: Grouping? = nil, weights: [Double]? = nil, ascendingOrder: [Int]? = nil
  ) throws {
    let n = time.count
    func check(_ count: Int?, _ name: String) throws {
      if let count, count != n {
        throw SurvivalKitError.invalidArgument(
          name: name, message: "has \(count) values for \(n) times; give one per row")
      }
    }
    try check(status.count, "status")
    try check(entry?.count, "entry")
    try check(strata?.codes.count, "strata")
    try check(groups?.codes.count, "groups")
    try check(weights?.count, "weights")
    try check(ascendingOrder?.count, "ascendingOrder")
    let sample = try SurvivalSample(
      time: time, status: status, grouping: groups, strata: strata, entry: entry, timefix: false)
    if let weights, let bad = weights.firstIndex(where: { !($0 >= 0 && $0.isFinite) }) {
      throw SurvivalKitError.invalidData(
        line: nil, column: "weights", message: "weight \(bad + 1) is \(weights[bad]); use >= 0")
    }
    if let ascendingOrder {
      var seen = [Bool](repeating: false, count: n)
      for (k, r) in ascendingOrder.enumerated() {
        guard r >= 0, r < n, !seen[r], k == 0 || time[ascendingOrder[k - 1]] <= time[r] else {
          throw SurvivalKitError.invalidArgument(
            name: "ascendingOrder", message: "is not an ascending ordering of the times")
        }
        seen[r] = true
      }
    }
    self.init(
      checkedTime: sample.time, status: status, entry: entry, strata: strata, groups: groups,
      weights: weights, ascendingOrder: ascendingOrder)
  }

  /// The table of inputs already checked (by `SurvivalSample` or the public initialiser).
  init(
    checkedTime time: [Double], status: [UInt8], entry: [Double]? = nil, strata: Grouping? = nil,
    groups: Grouping? = nil, weights: [Double]? = nil, ascendingOrder: [Int]? = nil
  ) {
    let n = time.count
    let strata = strata ?? .single(rows: n)
    let groups = groups ?? .single(rows: n)
    let strataCount = strata.labels.count
    let k = groups.labels.count
    let order = ascendingOrder ?? SortOrder.order(time)
    let rows = EventTable.bucket(order, by: strata.codes, count: strataCount)
    let entryRows = entry.map {
      EventTable.bucket(SortOrder.order($0), by: strata.codes, count: strataCount)
    }
    var size = [Int](repeating: 0, count: strataCount * k)
    for i in 0..<n { size[Int(strata.codes[i]) * k + Int(groups.codes[i])] += 1 }
    // Gather the columns in sorted order once (independent loads, which the processor overlaps),
    // so the merging pass below reads them sequentially.
    let sortedTime = rows.map { time[$0] }
    let sortedStatus = rows.map { status[$0] }
    let sortedGroup = k == 1 ? [] : rows.map { groups.codes[$0] }
    let sortedWeight = weights.map { w in rows.map { w[$0] } }
    var sortedTimeIndex = [Int32](repeating: 0, count: n)

    var columns = Columns()
    var wRisk: [Double] = []
    var wEvent: [Double] = []
    var wCensor: [Double] = []
    var wCellRisk: [Double] = []
    var wCellEvent: [Double] = []
    var timeIndex = [Int32](repeating: 0, count: n)

    // Per-group running state, reset per stratum.
    var entered = [Int](repeating: 0, count: k)
    var left = [Int](repeating: 0, count: k)
    var wEntered = [Double](repeating: 0, count: k)
    var wLeft = [Double](repeating: 0, count: k)
    var d = [Int](repeating: 0, count: k)
    var c = [Int](repeating: 0, count: k)
    var wd = [Double](repeating: 0, count: k)
    var wc = [Double](repeating: 0, count: k)
    var touched: [Int32] = []
    var isTouched = [Bool](repeating: false, count: k)

    var position = 0
    var entryPosition = 0
    for s in 0..<strataCount {
      let end = position + (0..<k).reduce(0) { $0 + size[s * k + $1] }
      var pooledEntered = 0
      var wPooledEntered = 0.0
      for g in 0..<k {
        left[g] = 0
        wLeft[g] = 0
        entered[g] = entryRows == nil ? size[s * k + g] : 0
        wEntered[g] = 0
      }
      if entryRows == nil {
        pooledEntered = end - position
        if let weights {
          for p in position..<end {
            let g = k == 1 ? 0 : Int(sortedGroup[p])
            wEntered[g] += weights[rows[p]]
            wPooledEntered += weights[rows[p]]
          }
        }
      }
      let entryEnd = entryPosition + (end - position)
      var pooledLeft = 0
      var wPooledLeft = 0.0
      while position < end {
        let t = sortedTime[position]
        if let entryRows, let entry {
          while entryPosition < entryEnd && entry[entryRows[entryPosition]] < t {
            let r = entryRows[entryPosition]
            let g = Int(groups.codes[r])
            entered[g] += 1
            pooledEntered += 1
            if let weights {
              wEntered[g] += weights[r]
              wPooledEntered += weights[r]
            }
            entryPosition += 1
          }
        }
        let j = Int32(columns.time.count)
        var dt = 0
        var ct = 0
        var wdt = 0.0
        var wct = 0.0
        while position < end && sortedTime[position] == t {
          let g = k == 1 ? 0 : Int(sortedGroup[position])
          if !isTouched[g] {
            isTouched[g] = true
            touched.append(Int32(g))
          }
          if sortedStatus[position] == 1 {
            d[g] += 1
            dt += 1
          } else {
            c[g] += 1
            ct += 1
          }
          if let sortedWeight {  // weighted counts only when there are weights
            let w = sortedWeight[position]
            if sortedStatus[position] == 1 {
              wd[g] += w
              wdt += w
            } else {
              wc[g] += w
              wct += w
            }
          }
          sortedTimeIndex[position] = j
          position += 1
        }
        columns.addTime(t, risk: pooledEntered - pooledLeft, events: dt, censored: ct)
        if weights != nil {
          wRisk.append(wPooledEntered - wPooledLeft)
          wEvent.append(wdt)
          wCensor.append(wct)
        }
        if touched.count > 1 { touched.sort() }
        for g32 in touched {
          let g = Int(g32)
          columns.addCell(group: g32, risk: entered[g] - left[g], events: d[g], censored: c[g])
          left[g] += d[g] + c[g]
          if weights != nil {
            wCellRisk.append(wEntered[g] - wLeft[g])
            wCellEvent.append(wd[g])
            wLeft[g] += wd[g] + wc[g]
          }
          d[g] = 0
          c[g] = 0
          wd[g] = 0
          wc[g] = 0
          isTouched[g] = false
        }
        touched.removeAll(keepingCapacity: true)
        columns.endTime()
        pooledLeft += dt + ct
        wPooledLeft += wdt + wct
      }
      entryPosition = entryEnd
      columns.endStratum()
    }
    for (p, r) in rows.enumerated() { timeIndex[r] = sortedTimeIndex[p] }
    self.init(
      strata: strata.labels, groups: groups.labels, columns: columns, size: size,
      timeIndex: timeIndex,
      weighted: weights == nil
        ? nil
        : Weighted(
          risk: wRisk, event: wEvent, censor: wCensor, cellRisk: wCellRisk, cellEvent: wCellEvent),
      delayedEntry: entry != nil)
  }

  /// The unweighted columns of a table, grown one time (with its cells) at a time by either
  /// build (the sorting build above, the counting build in `EventTable+Counting.swift`).
  struct Columns {
    var time: [Double] = []
    var nRisk: [Int] = []
    var nEvent: [Int] = []
    var nCensor: [Int] = []
    var stratumStart = [0]
    var cellStart = [0]
    var cellGroup: [Int32] = []
    var cellRisk: [Int] = []
    var cellEvent: [Int] = []
    var cellCensor: [Int] = []

    /// A distinct time of the current stratum, pooled over the groups.
    mutating func addTime(_ t: Double, risk: Int, events: Int, censored: Int) {
      time.append(t)
      nRisk.append(risk)
      nEvent.append(events)
      nCensor.append(censored)
    }

    /// One group's counts at the current time.
    mutating func addCell(group: Int32, risk: Int, events: Int, censored: Int) {
      cellGroup.append(group)
      cellRisk.append(risk)
      cellEvent.append(events)
      cellCensor.append(censored)
    }

    /// Closes the current time's cells.
    mutating func endTime() { cellStart.append(cellGroup.count) }

    /// Closes the current stratum's times.
    mutating func endStratum() { stratumStart.append(time.count) }
  }

  /// A table from its columns (either build).
  init(
    strata: [String], groups: [String], columns: Columns, size: [Int], timeIndex: [Int32],
    weighted: Weighted? = nil, delayedEntry: Bool = false
  ) {
    self.strata = strata
    self.groups = groups
    self.stratumStart = columns.stratumStart
    self.time = columns.time
    self.nRisk = columns.nRisk
    self.nEvent = columns.nEvent
    self.nCensor = columns.nCensor
    self.cellStart = columns.cellStart
    self.cellGroup = columns.cellGroup
    self.cellRisk = columns.cellRisk
    self.cellEvent = columns.cellEvent
    self.cellCensor = columns.cellCensor
    self.size = size
    self.timeIndex = timeIndex
    self.weighted = weighted
    self.delayedEntry = delayedEntry
  }

  /// Stable bucketing of an ordering by stratum: the rows of stratum 0 in `order`'s order, then
  /// those of stratum 1, and so on.
  static func bucket(_ order: [Int], by codes: [Int32], count: Int) -> [Int] {
    if count == 1 { return order }
    var start = [Int](repeating: 0, count: count + 1)
    for code in codes { start[Int(code) + 1] += 1 }
    for s in 0..<count { start[s + 1] += start[s] }
    var out = [Int](repeating: 0, count: order.count)
    for r in order {
      let s = Int(codes[r])
      out[start[s]] = r
      start[s] += 1
    }
    return out
  }

  /// The pooled times of stratum `s`.
  ///
  /// - Parameter s: The `stratum` argument: a stratum index, below `strata.count`.
  /// - Returns: The indices of the stratum's times in `time`, `nRisk`, `nEvent` and `nCensor`.
  public func range(stratum s: Int) -> Range<Int> { stratumStart[s]..<stratumStart[s + 1] }

  /// Subjects in stratum `s`, all groups.
  ///
  /// - Parameter s: The `stratum` argument: a stratum index, below `strata.count`.
  /// - Returns: The number of rows of the stratum.
  public func size(stratum s: Int) -> Int {
    (0..<groups.count).reduce(0) { $0 + size[s * groups.count + $1] }
  }

  /// The series of stratum `s`, all groups pooled.
  ///
  /// - Parameter s: The `stratum` argument: a stratum index, below `strata.count`.
  /// - Returns: Its distinct times with the pooled numbers at risk, events and censorings.
  /// - Complexity: O(times of the stratum).
  public func pooled(stratum s: Int) -> Series {
    let r = range(stratum: s)
    return Series(
      time: Array(time[r]), nRisk: Array(nRisk[r]), nEvent: Array(nEvent[r]),
      nCensor: Array(nCensor[r]), n: size(stratum: s))
  }

  /// The series of the rows of the given groups in stratum `s`: the pooled series of that
  /// subset (what a test restricted to these groups uses), or one group's own curve data.
  ///
  /// With delayed entry only a single group can be chosen (the at-risk count of a group at a
  /// time where it has no cell is not stored); log-rank tests, the only multi-group users, take
  /// right-censored data.
  ///
  /// - Complexity: O(cells of the stratum).
  ///
  /// - Parameters:
  ///   - s: The `stratum` argument: a stratum index, below `strata.count`.
  ///   - chosen: The `groups` argument: distinct group indices, below `groups.count`; exactly
  ///     one with delayed entry (more stops the program).
  /// - Returns: The times at which the chosen groups have a row, with their numbers at risk,
  ///   events and censorings.
  public func series(stratum s: Int, groups chosen: [Int]) throws -> Series {
    guard !delayedEntry || chosen.count == 1 else {
      throw SurvivalKitError.invalidArgument(
        name: "groups",
        message: "with delayed entry the series of several groups together is not available; "
          + "take one group at a time")
    }
    guard strata.indices.contains(s), chosen.allSatisfy({ groups.indices.contains($0) }) else {
      throw SurvivalKitError.invalidArgument(
        name: "groups", message: "stratum \(s) or a group of \(chosen) does not exist")
    }
    var include = [Bool](repeating: false, count: groups.count)
    for g in chosen { include[g] = true }
    var atRisk = [Int](repeating: 0, count: groups.count)
    for g in chosen { atRisk[g] = size[s * groups.count + g] }
    var pooledRisk = chosen.reduce(0) { $0 + atRisk[$1] }
    var t: [Double] = []
    var r: [Int] = []
    var e: [Int] = []
    var c: [Int] = []
    for j in range(stratum: s) {
      var any = false
      var dj = 0
      var cj = 0
      var rj = 0
      for cell in cellStart[j]..<cellStart[j + 1] where include[Int(cellGroup[cell])] {
        any = true
        dj += cellEvent[cell]
        cj += cellCensor[cell]
        rj += cellRisk[cell]
      }
      guard any else { continue }
      t.append(time[j])
      r.append(chosen.count == 1 ? rj : pooledRisk)
      e.append(dj)
      c.append(cj)
      pooledRisk -= dj + cj
    }
    let n = chosen.reduce(0) { $0 + size[s * groups.count + $1] }
    return Series(time: t, nRisk: r, nEvent: e, nCensor: c, n: n)
  }
}
