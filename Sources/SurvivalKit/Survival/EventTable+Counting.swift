/// The event table built by counting instead of sorting, for right-censored, unweighted data
/// whose times have few distinct values.
///
/// With the rank of each row's time among the m distinct times (`DistinctRanks`), one pass
/// over the rows counts the events and censorings of every (stratum, time, group) in a dense
/// array of S × m × k cells, and one pass over that array per stratum produces exactly the
/// pooled times, numbers at risk and group cells the sorting build produces (times in
/// ascending order, a group's cell only where it has a row, groups in order, censorings at an
/// event time at risk at it). Both builds give equal tables; the sorting build is used when
/// S × m × k is large compared with the number of rows.
extension EventTable {
  /// The counting build, or nil when the dense array would be too large.
  init?(counting ranks: DistinctRanks, status: [UInt8], strata: Grouping, groups: Grouping) {
    let n = status.count
    let m = ranks.sorted.count
    let strataCount = strata.labels.count
    let k = groups.labels.count
    let (cellsWanted, overflow) = strataCount.multipliedReportingOverflow(by: m * k)
    guard !overflow, cellsWanted <= max(1 << 16, n / 2) else { return nil }
    // counts[2 * ((s * m + r) * k + g) + status]
    var counts = [Int32](repeating: 0, count: 2 * cellsWanted)
    counts.withUnsafeMutableBufferPointer { c in
      ranks.ranks.withUnsafeBufferPointer { r in
        status.withUnsafeBufferPointer { st in
          strata.codes.withUnsafeBufferPointer { sc in
            groups.codes.withUnsafeBufferPointer { gc in
              if strataCount == 1 && k == 1 {
                for i in 0..<n { c[2 * Int(r[i]) + Int(st[i])] += 1 }
              } else if k == 1 {
                for i in 0..<n { c[2 * (Int(sc[i]) * m + Int(r[i])) + Int(st[i])] += 1 }
              } else {
                for i in 0..<n {
                  c[2 * ((Int(sc[i]) * m + Int(r[i])) * k + Int(gc[i])) + Int(st[i])] += 1
                }
              }
            }
          }
        }
      }
    }
    var size = [Int](repeating: 0, count: strataCount * k)
    for s in 0..<strataCount {
      for r in 0..<m {
        for g in 0..<k {
          let cell = 2 * ((s * m + r) * k + g)
          size[s * k + g] += Int(counts[cell]) + Int(counts[cell + 1])
        }
      }
    }
    var columns = Columns()
    // Pooled index of each (stratum, rank) present.
    var pooledIndex = [Int32](repeating: 0, count: strataCount * m)
    var atRisk = [Int](repeating: 0, count: k)
    for s in 0..<strataCount {
      var pooled = 0
      for g in 0..<k {
        atRisk[g] = size[s * k + g]
        pooled += atRisk[g]
      }
      for r in 0..<m {
        var dt = 0
        var ct = 0
        let base = (s * m + r) * k
        for g in 0..<k {
          dt += Int(counts[2 * (base + g) + 1])
          ct += Int(counts[2 * (base + g)])
        }
        guard dt + ct > 0 else { continue }
        pooledIndex[s * m + r] = Int32(columns.time.count)
        columns.addTime(ranks.sorted[r], risk: pooled, events: dt, censored: ct)
        for g in 0..<k {
          let d = Int(counts[2 * (base + g) + 1])
          let c = Int(counts[2 * (base + g)])
          guard d + c > 0 else { continue }
          columns.addCell(group: Int32(g), risk: atRisk[g], events: d, censored: c)
          atRisk[g] -= d + c
        }
        columns.endTime()
        pooled -= dt + ct
      }
      columns.endStratum()
    }
    let timeIndex = [Int32](unsafeUninitializedCapacity: n) { out, count in
      ranks.ranks.withUnsafeBufferPointer { r in
        strata.codes.withUnsafeBufferPointer { sc in
          pooledIndex.withUnsafeBufferPointer { p in
            if strataCount == 1 {
              for i in 0..<n { out[i] = p[Int(r[i])] }
            } else {
              for i in 0..<n { out[i] = p[Int(sc[i]) * m + Int(r[i])] }
            }
          }
        }
      }
      count = n
    }
    self.init(
      strata: strata.labels, groups: groups.labels, columns: columns, size: size,
      timeIndex: timeIndex)
  }
}
