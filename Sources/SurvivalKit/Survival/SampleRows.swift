/// The source-table row of each row of a sample, in sample order: every row of the table in
/// order (kept as a count alone, so a sample of 10^7 rows does not hold 80 MB of indices
/// 0, 1, 2, ...) or the rows kept after dropping those with missing values.
public struct SampleRows: RandomAccessCollection, Sendable, Equatable {
  /// The kept rows; nil when every row is used in order.
  private let list: [Int]?
  /// Number of rows in the sample.
  public let count: Int

  /// Every row of a table of `count` rows, in order.
  public init(all count: Int) {
    list = nil
    self.count = count
  }

  /// The listed table rows, in sample order.
  public init(_ rows: [Int]) {
    list = rows
    count = rows.count
  }

  /// Whether the sample is every row of its table in order (row k is table row k).
  public var isIdentity: Bool { list == nil }

  /// 0.
  public var startIndex: Int { 0 }
  /// `count`.
  public var endIndex: Int { count }

  /// The table row of sample row `position`.
  public subscript(position: Int) -> Int {
    precondition(position >= 0 && position < count, "sample row \(position) out of range")
    return list?[position] ?? position
  }
}
