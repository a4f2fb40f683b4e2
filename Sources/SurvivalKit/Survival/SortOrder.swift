/// Stable sorting permutations by least-significant-digit radix sort on 64-bit keys.
///
/// Doubles are mapped to unsigned keys whose order is the numeric order (flip the sign bit of
/// positives, all bits of negatives), so sorting n times costs four passes of 16-bit counting
/// sort instead of O(n log n) comparisons. Equal keys keep their input order, which makes
/// every downstream result independent of the sort's internals.
///
/// - Complexity: O(n) time, O(n) extra memory.
enum SortOrder {
  /// Key of a double in ascending numeric order (-0 and +0 equal; no NaN expected).
  @inline(__always)
  static func key(_ x: Double) -> UInt64 {
    let bits = (x == 0 ? 0.0 : x).bitPattern
    return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
  }

  /// The permutation that sorts `values` ascending (or descending), stably.
  static func order(_ values: [Double], descending: Bool = false) -> [Int] {
    let keys = values.map { descending ? ~key($0) : key($0) }
    return order(keys: keys)
  }

  /// The stable permutation sorting `keys` ascending.
  static func order(keys: [UInt64]) -> [Int] {
    let n = keys.count
    var index = [Int32](unsafeUninitializedCapacity: n) { b, c in
      for i in 0..<n { b[i] = Int32(i) }
      c = n
    }
    if n < 2 { return index.map { Int($0) } }
    var buffer = [Int32](repeating: 0, count: n)
    var counts = [Int](repeating: 0, count: 1 << 16)
    keys.withUnsafeBufferPointer { k in
      for shift in stride(from: 0, to: 64, by: 16) {
        // Skip a pass whose digit is the same for every key.
        let first = (k[0] >> UInt64(shift)) & 0xFFFF
        var same = true
        for i in 1..<n where (k[i] >> UInt64(shift)) & 0xFFFF != first {
          same = false
          break
        }
        if same { continue }
        for d in 0..<counts.count { counts[d] = 0 }
        for i in 0..<n { counts[Int((k[i] >> UInt64(shift)) & 0xFFFF)] += 1 }
        var total = 0
        for d in 0..<counts.count {
          let c = counts[d]
          counts[d] = total
          total += c
        }
        index.withUnsafeBufferPointer { src in
          buffer.withUnsafeMutableBufferPointer { dst in
            for i in 0..<n {
              let j = src[i]
              let d = Int((k[Int(j)] >> UInt64(shift)) & 0xFFFF)
              dst[counts[d]] = j
              counts[d] += 1
            }
          }
        }
        swap(&index, &buffer)
      }
    }
    return index.map { Int($0) }
  }

  /// Stable order by stratum code (ascending) applied after `order` (a counting sort).
  static func stableByStratum(_ order: [Int], strata: [Int32]) -> [Int] {
    guard let maxCode = strata.max(), maxCode > 0 else { return order }
    var counts = [Int](repeating: 0, count: Int(maxCode) + 2)
    for i in order { counts[Int(strata[i]) + 1] += 1 }
    for d in 1..<counts.count { counts[d] += counts[d - 1] }
    var result = [Int](repeating: 0, count: order.count)
    for i in order {
      let s = Int(strata[i])
      result[counts[s]] = i
      counts[s] += 1
    }
    return result
  }
}
