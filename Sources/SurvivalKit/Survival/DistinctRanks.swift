/// An open-addressing hash table from a double's bit pattern to a small id (linear probing,
/// at most half full).
struct ValueTable: ~Copyable {
  private var keys: UnsafeMutablePointer<UInt64>
  private var ids: UnsafeMutablePointer<Int32>
  private var capacity: Int
  private var used = 0

  init(capacity: Int) {
    self.capacity = capacity
    keys = .allocate(capacity: capacity)
    ids = .allocate(capacity: capacity)
    ids.initialize(repeating: -1, count: capacity)
    keys.initialize(repeating: 0, count: capacity)
  }

  deinit {
    keys.deallocate()
    ids.deallocate()
  }

  /// Fibonacci hashing: the top bits of the product depend on every bit of the key (whole
  /// numbers, whose low mantissa bits are all zero, spread as well as any).
  @inline(__always)
  static func slot(_ bits: UInt64, _ shift: UInt64) -> Int {
    Int(truncatingIfNeeded: (bits &* 0x9E37_79B9_7F4A_7C15) >> shift)
  }

  /// 64 - log2(capacity).
  private var shift: UInt64 { UInt64(64 - capacity.trailingZeroBitCount) }

  /// The id stored for `bits`, or -1.
  @inline(__always)
  func find(_ bits: UInt64) -> Int32 {
    let mask = capacity - 1
    var slot = ValueTable.slot(bits, shift)
    while true {
      let id = ids[slot]
      if id < 0 || keys[slot] == bits { return id }
      slot = (slot + 1) & mask
    }
  }

  /// Stores a new key (not present) with its id.
  mutating func insert(_ bits: UInt64, _ id: Int32) {
    if (used + 1) * 2 > capacity { grow() }
    let mask = capacity - 1
    var slot = ValueTable.slot(bits, shift)
    while ids[slot] >= 0 { slot = (slot + 1) & mask }
    keys[slot] = bits
    ids[slot] = id
    used += 1
  }

  private mutating func grow() {
    let oldKeys = keys
    let oldIds = ids
    let oldCapacity = capacity
    capacity *= 4
    keys = .allocate(capacity: capacity)
    ids = .allocate(capacity: capacity)
    ids.initialize(repeating: -1, count: capacity)
    keys.initialize(repeating: 0, count: capacity)
    let mask = capacity - 1
    for k in 0..<oldCapacity where oldIds[k] >= 0 {
      var slot = ValueTable.slot(oldKeys[k], shift)
      while ids[slot] >= 0 { slot = (slot + 1) & mask }
      keys[slot] = oldKeys[k]
      ids[slot] = oldIds[k]
    }
    oldKeys.deallocate()
    oldIds.deallocate()
  }
}

/// The rank of each value among the distinct values of an array, found by hashing instead of
/// sorting the whole array.
///
/// Survival times in a large data set repeat a lot (days, or months to two decimals): a
/// million rows often hold a few thousand distinct times. Hashing each value into an
/// open-addressing table, sorting only the m distinct values and mapping back costs
/// O(n + m log m) with sequential passes over the rows, where a full sort costs several
/// passes of scattered writes. Ranks then serve as exact sort keys: a counting sort by rank
/// is the stable ascending order, and the event table counts by (stratum, rank, group)
/// directly.
///
/// -0 and +0 are one value. Values must not be NaN.
struct DistinctRanks: Sendable {
  /// Rank of each input value: the index of its value in `sorted`.
  var ranks: [Int32]
  /// The distinct values, ascending.
  var sorted: [Double]

  /// The ranks of `values`, or nil when they hold more than `limit` distinct values (then a
  /// sort is the better tool).
  ///
  /// - Complexity: O(n + m log m) time, O(n + m) memory for n values, m distinct.
  static func make(_ values: [Double], limit: Int) -> DistinctRanks? {
    let n = values.count
    var table = ValueTable(capacity: 1024)
    var distinct: [Double] = []
    var firstId = [Int32](repeating: 0, count: n)
    var overflow = false
    values.withUnsafeBufferPointer { v in
      firstId.withUnsafeMutableBufferPointer { out in
        var lastBits: UInt64 = 0
        var lastId: Int32 = -1
        for i in 0..<n {
          let x = v[i] == 0 ? 0.0 : v[i]
          let bits = x.bitPattern
          if bits == lastBits && lastId >= 0 {
            out[i] = lastId
            continue
          }
          var id = table.find(bits)
          if id < 0 {
            if distinct.count >= limit {
              overflow = true
              return
            }
            id = Int32(distinct.count)
            distinct.append(x)
            table.insert(bits, id)
          }
          out[i] = id
          lastId = id
          lastBits = bits
        }
      }
    }
    if overflow { return nil }
    let order = distinct.indices.sorted { distinct[$0] < distinct[$1] }
    var rankOfId = [Int32](repeating: 0, count: distinct.count)
    for (rank, id) in order.enumerated() { rankOfId[id] = Int32(rank) }
    firstId.withUnsafeMutableBufferPointer { r in
      rankOfId.withUnsafeBufferPointer { map in
        for i in 0..<n { r[i] = map[Int(r[i])] }
      }
    }
    return DistinctRanks(ranks: firstId, sorted: order.map { distinct[$0] })
  }

  /// The stable ascending order of the values (ties in input order): a counting sort by rank.
  ///
  /// - Complexity: O(n + m).
  func ascendingOrder() -> [Int] {
    var start = [Int](repeating: 0, count: sorted.count + 1)
    for r in ranks { start[Int(r) + 1] += 1 }
    for k in 0..<sorted.count { start[k + 1] += start[k] }
    return [Int](unsafeUninitializedCapacity: ranks.count) { out, count in
      start.withUnsafeMutableBufferPointer { next in
        for (i, r) in ranks.enumerated() {
          out[next[Int(r)]] = i
          next[Int(r)] += 1
        }
      }
      count = ranks.count
    }
  }

  /// The stable descending order of the values (ties in input order), as 32-bit row indices:
  /// a counting sort by rank from the largest. This is the order a Cox problem is arranged in
  /// (`SortOrder.order32(_:descending: true)`), had without a sort or a reversal.
  ///
  /// - Complexity: O(n + m).
  func descendingOrder32() -> [Int32] {
    let m = sorted.count
    // Rows of rank r start after every row of a larger rank.
    var start = [Int](repeating: 0, count: m + 1)
    for r in ranks { start[m - 1 - Int(r) + 1] += 1 }
    for k in 0..<m { start[k + 1] += start[k] }
    return [Int32](unsafeUninitializedCapacity: ranks.count) { out, count in
      start.withUnsafeMutableBufferPointer { next in
        ranks.withUnsafeBufferPointer { ranks in
          for i in 0..<ranks.count {
            let slot = m - 1 - Int(ranks[i])
            out[next[slot]] = Int32(truncatingIfNeeded: i)
            next[slot] += 1
          }
        }
      }
      count = ranks.count
    }
  }

  /// Merges ranks whose values TimeFix ties (R's `aeqSurv`): each value becomes the first of
  /// its tied run; returns nil when nothing is tied.
  func fixed() -> (ranks: DistinctRanks, cuts: [Double])? {
    guard let cuts = TimeFix.cuts(unique: sorted) else { return nil }
    var map = [Int32](repeating: 0, count: sorted.count)
    var c = 0
    for (k, value) in sorted.enumerated() {
      while c + 1 < cuts.count && cuts[c + 1] <= value { c += 1 }
      map[k] = Int32(c)
    }
    let merged = ranks.map { map[Int($0)] }
    return (DistinctRanks(ranks: merged, sorted: cuts), cuts)
  }
}
