/// Weighted counts over ranks 0..<size: how much weight lies below a rank and at it (a
/// two-level Fenwick tree; Fenwick 1994). Used by the concordance's pair counting and the
/// maximally selected log-rank scan.
///
/// - Complexity: O(log(size / 64) + 64) per update or query.
///
/// Two levels for memory locality: the weight of each rank in a flat array, and a Fenwick
/// (binary indexed) tree over blocks of 64 ranks. A query sums the blocks before the rank's
/// block in the small tree (which stays in cache) and scans at most 63 contiguous entries;
/// an update touches one entry and the small tree. With a million distinct scores this is
/// several times faster than one Fenwick tree over all ranks, whose deep levels miss the
/// cache on every query.
struct RankCounter {
  static let shift = 6
  private var leaf: [Double]
  private var blocks: [Double]  // Fenwick tree over blocks, 1-based
  private(set) var total = 0.0

  init(size: Int) {
    leaf = [Double](repeating: 0, count: max(1, size))
    blocks = [Double](repeating: 0, count: (max(1, size) >> RankCounter.shift) + 2)
  }

  mutating func add(_ rank: Int, _ value: Double) {
    total += value
    leaf[rank] += value
    var k = (rank >> RankCounter.shift) + 1
    blocks.withUnsafeMutableBufferPointer { tree in
      while k < tree.count {
        tree[k] += value
        k += k & (-k)
      }
    }
  }

  /// The weight at ranks below `rank`, and at `rank`.
  func split(_ rank: Int) -> (below: Double, equal: Double) {
    let block = rank >> RankCounter.shift
    var below = 0.0
    blocks.withUnsafeBufferPointer { tree in
      var k = block
      while k > 0 {
        below += tree[k]
        k -= k & (-k)
      }
    }
    leaf.withUnsafeBufferPointer { values in
      for r in (block << RankCounter.shift)..<rank { below += values[r] }
    }
    return (below, leaf[rank])
  }
}
