/// Merging of near-tied times, as R's `aeqSurv` (survival >= 3.0, `timefix = TRUE`).
///
/// With y the sorted distinct finite times, consecutive values are tied when
/// `y[i+1] - y[i] <= tol` or `(y[i+1] - y[i]) / mean(|y|) <= tol`, tol = sqrt(machine epsilon).
/// Each time is then replaced by the first value of its tied run, so 1.0000000001 and 1 are
/// one time. Floating-point noise from exports (days / 30.4375, say) would otherwise split a
/// tie into two event times and change every estimate after it.
enum TimeFix {
  static let tolerance = Double.ulpOfOne.squareRoot()

  /// The cut points (first value of each tied run) or nil when nothing is tied.
  /// - Parameter unique: sorted distinct finite times.
  static func cuts(unique: [Double]) -> [Double]? {
    guard unique.count > 1 else { return nil }
    var meanAbs = 0.0
    for y in unique { meanAbs += abs(y) }
    meanAbs /= Double(unique.count)
    var cuts: [Double] = [unique[0]]
    var anyTied = false
    for i in 1..<unique.count {
      let dy = unique[i] - unique[i - 1]
      if dy <= tolerance || dy / meanAbs <= tolerance {
        anyTied = true
      } else {
        cuts.append(unique[i])
      }
    }
    return anyTied ? cuts : nil
  }

  /// Replaces each value of a sorted array by the largest cut not above it (one merge pass).
  static func apply(cuts: [Double], toSorted values: inout [Double]) {
    var c = 0
    for i in values.indices {
      while c + 1 < cuts.count && cuts[c + 1] <= values[i] { c += 1 }
      values[i] = cuts[c]
    }
  }

  /// Replaces each value by the largest cut not above it (binary search; any order).
  static func apply(cuts: [Double], to values: inout [Double]) {
    for i in values.indices where values[i].isFinite {
      var lo = 0
      var hi = cuts.count - 1
      while lo < hi {
        let mid = (lo + hi + 1) / 2
        if cuts[mid] <= values[i] { lo = mid } else { hi = mid - 1 }
      }
      values[i] = cuts[lo]
    }
  }
}
