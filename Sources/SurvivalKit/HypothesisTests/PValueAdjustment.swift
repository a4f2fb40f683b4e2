/// Multiple-comparison adjustment of p-values (R's `p.adjust`, methods `"holm"`, `"BH"` and
/// `"none"`).
public enum PValueAdjustment: String, Sendable, CaseIterable {
  /// Holm (1979): step-down, controls the family-wise error rate.
  case holm
  /// Benjamini & Hochberg (1995): step-up, controls the false discovery rate.
  case bh
  /// No adjustment.
  case none

  /// Adjusted p-values in the input order.
  ///
  /// Holm: with p sorted ascending, p̃_(i) = max_{j <= i} min(1, (m - j + 1) p_(j)).
  /// BH: with p sorted ascending, p̃_(i) = min_{j >= i} min(1, m p_(j) / j).
  ///
  /// - Parameter p: The unadjusted p-values (all of the family).
  /// - Returns: The adjusted p-values, in the input order, each at most 1.
  /// - Complexity: O(m log m) for m p-values.
  public func adjust(_ p: [Double]) -> [Double] {
    let m = p.count
    guard m > 0 else { return [] }
    var out = [Double](repeating: 0, count: m)
    switch self {
    case .none:
      return p
    case .holm:
      let order = p.indices.sorted { (p[$0], $0) < (p[$1], $1) }
      var running = 0.0
      for (rank, i) in order.enumerated() {
        running = max(running, min(1, Double(m - rank) * p[i]))
        out[i] = running
      }
    case .bh:
      let order = p.indices.sorted { (p[$0], $0) < (p[$1], $1) }
      var running = 1.0
      for rank in stride(from: m - 1, through: 0, by: -1) {
        let i = order[rank]
        running = min(running, min(1, Double(m) * p[i] / Double(rank + 1)))
        out[i] = running
      }
    }
    return out
  }
}
