/// The event table of one group: for each distinct time (event or censoring), the number at
/// risk just before it, the number of events and the number censored at it.
///
/// It is built once, by sorting all times and the event times of the group separately and
/// merging them in one pass, and it feeds every non-parametric estimator and test.
/// Censorings at an event time are at risk at that time (R's convention).
///
/// - Complexity: O(n log n) for the sorts, O(n) for the merge.
public struct EventTable: Sendable, Equatable {
  /// Distinct times, ascending.
  public let time: [Double]
  /// Number at risk just before each time.
  public let nRisk: [Int]
  /// Events at each time.
  public let nEvent: [Int]
  /// Censorings at each time.
  public let nCensor: [Int]
  /// Subjects in the group.
  public let n: Int

  public var events: Int { nEvent.reduce(0, +) }

  /// Builds the table from unsorted times and 0/1 statuses.
  public init(time: [Double], status: [UInt8]) {
    var all = time
    var eventTimes: [Double] = []
    eventTimes.reserveCapacity(time.count)
    for i in time.indices where status[i] == 1 { eventTimes.append(time[i]) }
    all.sort()
    eventTimes.sort()
    self.init(sortedTimes: all, sortedEventTimes: eventTimes)
  }

  /// Builds the table from all times sorted and the event times sorted.
  /// - Parameter sortedEntries: for counting-process data, the entry (start) times sorted; a
  ///   row is at risk at t when entry < t <= time, so the number at risk is the rows not yet
  ///   ended minus those not yet entered.
  init(
    sortedTimes all: [Double], sortedEventTimes eventTimes: [Double], sortedEntries: [Double]? = nil
  ) {
    var times: [Double] = []
    var risk: [Int] = []
    var events: [Int] = []
    var censor: [Int] = []
    let n = all.count
    var i = 0
    var e = 0
    var notEntered = 0  // index into sortedEntries: entries < t are counted as entered
    all.withUnsafeBufferPointer { a in
      eventTimes.withUnsafeBufferPointer { ev in
        while i < n {
          let t = a[i]
          var j = i + 1
          while j < n && a[j] == t { j += 1 }
          var d = 0
          while e < ev.count && ev[e] == t {
            d += 1
            e += 1
          }
          times.append(t)
          if let entries = sortedEntries {
            while notEntered < entries.count && entries[notEntered] < t { notEntered += 1 }
            risk.append(notEntered - i)
          } else {
            risk.append(n - i)
          }
          events.append(d)
          censor.append(j - i - d)
          i = j
        }
      }
    }
    self.time = times
    self.nRisk = risk
    self.nEvent = events
    self.nCensor = censor
    self.n = n
  }

  /// One event table per group of the sample, in group order.
  /// - Complexity: one bucketing pass, then O(n_g log n_g) per group.
  public static func tables(for sample: SurvivalSample) -> [EventTable] {
    let groups = sample.grouping.labels.count
    var counts = [Int](repeating: 0, count: groups)
    var eventCounts = [Int](repeating: 0, count: groups)
    for (k, g) in sample.grouping.codes.enumerated() {
      counts[Int(g)] += 1
      eventCounts[Int(g)] += Int(sample.status[k])
    }
    var all = counts.map { c -> [Double] in
      var a = [Double]()
      a.reserveCapacity(c)
      return a
    }
    var ev = eventCounts.map { c -> [Double] in
      var a = [Double]()
      a.reserveCapacity(c)
      return a
    }
    var entries: [[Double]]? =
      sample.entry == nil
      ? nil
      : counts.map { c in
        var a = [Double]()
        a.reserveCapacity(c)
        return a
      }
    for (k, g) in sample.grouping.codes.enumerated() {
      let t = sample.time[k]
      all[Int(g)].append(t)
      if sample.status[k] == 1 { ev[Int(g)].append(t) }
      if let entry = sample.entry { entries![Int(g)].append(entry[k]) }
    }
    return (0..<groups).map { g in
      all[g].sort()
      ev[g].sort()
      entries?[g].sort()
      return EventTable(sortedTimes: all[g], sortedEventTimes: ev[g], sortedEntries: entries?[g])
    }
  }
}
