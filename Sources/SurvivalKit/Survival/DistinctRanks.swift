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
    var capacity = 1024
    var keys = [UInt64](repeating: 0, count: capacity)
    var ids = [Int32](repeating: -1, count: capacity)
    var distinct: [Double] = []
    var firstId = [Int32](repeating: 0, count: n)
    var overflow = false
    values.withUnsafeBufferPointer { v in
      firstId.withUnsafeMutableBufferPointer { out in
        var mask = capacity - 1
        var lastBits: UInt64 = 0
        var lastId: Int32 = -1
        for i in 0..<n {
          let x = v[i] == 0 ? 0.0 : v[i]
          let bits = x.bitPattern
          if bits == lastBits && lastId >= 0 {
            out[i] = lastId
            continue
          }
          var slot = Int(truncatingIfNeeded: (bits &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
          while true {
            let id = ids[slot]
            if id < 0 {
              let newId = Int32(distinct.count)
              if distinct.count >= limit {
                overflow = true
                return
              }
              distinct.append(x)
              keys[slot] = bits
              ids[slot] = newId
              out[i] = newId
              lastId = newId
              break
            }
            if keys[slot] == bits {
              out[i] = id
              lastId = id
              break
            }
            slot = (slot + 1) & mask
          }
          lastBits = bits
          if distinct.count * 2 > capacity {
            capacity *= 4
            mask = capacity - 1
            keys = [UInt64](repeating: 0, count: capacity)
            ids = [Int32](repeating: -1, count: capacity)
            for (id, value) in distinct.enumerated() {
              let b = value.bitPattern
              var s = Int(truncatingIfNeeded: (b &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
              while ids[s] >= 0 { s = (s + 1) & mask }
              keys[s] = b
              ids[s] = Int32(id)
            }
          }
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
