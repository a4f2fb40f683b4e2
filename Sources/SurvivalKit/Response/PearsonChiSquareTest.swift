/// Pearson's chi-square test of independence in an r × c table, as R's
/// `chisq.test(x, correct = FALSE)`: X² = Σ (O − E)² / E with E_ij = r_i c_j / N and
/// (r − 1)(c − 1) degrees of freedom (rows and columns with total 0 are left out).
///
/// Reference: K. Pearson (1900), Phil. Mag. 50, 157–175.
public struct PearsonChiSquareTest: Sendable, Equatable {
  public let statistic: Double
  public let df: Int
  public let p: Double
  /// The smallest expected count (the approximation is doubtful below 5).
  public let smallestExpected: Double

  /// - Complexity: O(r c).
  public init(counts: [[Int]]) throws {
    let rows = counts.map { $0.reduce(0, +) }
    let width = counts.first?.count ?? 0
    let columns = (0..<width).map { j in counts.reduce(0) { $0 + $1[j] } }
    let n = Double(rows.reduce(0, +))
    let usedRows = rows.indices.filter { rows[$0] > 0 }
    let usedColumns = columns.indices.filter { columns[$0] > 0 }
    guard usedRows.count >= 2 && usedColumns.count >= 2 else {
      throw SurvivalKitError.insufficientData(
        message: "the table needs at least 2 non-empty rows and 2 non-empty columns for a test "
          + "of independence (it has \(usedRows.count) × \(usedColumns.count))")
    }
    var x2 = 0.0
    var smallest = Double.infinity
    for i in usedRows {
      for j in usedColumns {
        let e = Double(rows[i]) * Double(columns[j]) / n
        let d = Double(counts[i][j]) - e
        x2 += d * d / e
        smallest = min(smallest, e)
      }
    }
    statistic = x2
    df = (usedRows.count - 1) * (usedColumns.count - 1)
    p = ChiSquare.upperTail(x2, df: Double(df))
    smallestExpected = smallest
  }
}
