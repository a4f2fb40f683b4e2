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
    order32(keys: keys).map { Int($0) }
  }

  /// The stable permutation sorting `values` ascending (or descending), as 32-bit indices (half
  /// the memory of `order` for large n).
  static func order32(_ values: [Double], descending: Bool = false) -> [Int32] {
    order32(keys: values.map { descending ? ~key($0) : key($0) })
  }

  /// The stable permutation sorting `keys` ascending, as 32-bit indices.
  static func order32(keys: consuming [UInt64]) -> [Int32] {
    sorted32(keys: keys).order
  }

  /// The stable permutation sorting `keys` ascending, as 32-bit indices, and the sorted keys.
  static func sorted32(keys: consuming [UInt64]) -> (order: [Int32], keys: [UInt64]) {
    let n = keys.count
    if n < 2 { return ((0..<n).map { Int32($0) }, keys) }
    // The keys travel with their indices, so every pass reads its input sequentially; the
    // four digit histograms are counted in one pass up front.
    let first = keys[0]
    var keyA = keys
    keys = []
    var keyB = [UInt64](repeating: 0, count: n)
    var indexA = [Int32](unsafeUninitializedCapacity: n) { b, c in
      for i in 0..<n { b[i] = Int32(i) }
      c = n
    }
    var indexB = [Int32](repeating: 0, count: n)
    var counts = [Int](repeating: 0, count: 4 << 16)
    keyA.withUnsafeBufferPointer { k in
      counts.withUnsafeMutableBufferPointer { c in
        for i in 0..<n {
          let key = k[i]
          c[Int(key & 0xFFFF)] += 1
          c[(1 << 16) + Int((key >> 16) & 0xFFFF)] += 1
          c[(2 << 16) + Int((key >> 32) & 0xFFFF)] += 1
          c[(3 << 16) + Int((key >> 48) & 0xFFFF)] += 1
        }
      }
    }
    for digit in 0..<4 {
      let base = digit << 16
      let shift = UInt64(16 * digit)
      // Skip a pass whose digit is the same for every key.
      if counts[base + Int((first >> shift) & 0xFFFF)] == n { continue }
      var total = 0
      for d in base..<(base + (1 << 16)) {
        let c = counts[d]
        counts[d] = total
        total += c
      }
      keyA.withUnsafeBufferPointer { srcKey in
        indexA.withUnsafeBufferPointer { srcIndex in
          keyB.withUnsafeMutableBufferPointer { dstKey in
            indexB.withUnsafeMutableBufferPointer { dstIndex in
              counts.withUnsafeMutableBufferPointer { offsets in
                for i in 0..<n {
                  let key = srcKey[i]
                  let slot = base + Int((key >> shift) & 0xFFFF)
                  let position = offsets[slot]
                  offsets[slot] = position + 1
                  dstKey[position] = key
                  dstIndex[position] = srcIndex[i]
                }
              }
            }
          }
        }
      }
      swap(&keyA, &keyB)
      swap(&indexA, &indexB)
    }
    return (indexA, keyA)
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
