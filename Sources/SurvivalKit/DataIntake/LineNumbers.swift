/// The 1-based physical file line on which each data row starts, stored as runs.
///
/// In most files row i starts on line i + 2 (one header line, no blank lines, no line breaks
/// inside quoted fields), so the whole mapping is one run and costs a few bytes instead of
/// eight per row; each blank line or multi-line field starts a new run. Reading a row's line
/// is O(1) with one run and O(log runs) otherwise.
///
/// It is a random-access collection of `Int` (so `lineNumbers[i]`, `count`, `map` work as on
/// an array) and can be written as an array literal.
public struct LineNumbers: RandomAccessCollection, Sendable, Equatable, ExpressibleByArrayLiteral {
  /// First row of each run; `runRow[0] == 0` when the collection is not empty.
  private var runRow: [Int] = []
  /// Line of the first row of each run; row r of run k is on line `runLine[k] + r - runRow[k]`.
  private var runLine: [Int] = []
  /// Number of rows.
  public private(set) var count = 0

  /// The lines of rows given one by one.
  ///
  /// - Parameter lines: The line of each row, in row order.
  public init(_ lines: [Int]) {
    for line in lines { append(line) }
  }

  /// The lines of rows written as a literal.
  ///
  /// - Parameter elements: The line of each row, in row order.
  public init(arrayLiteral elements: Int...) {
    self.init(elements)
  }

  /// Rows 0 ..< `count` on consecutive lines starting at `firstLine`.
  ///
  /// - Parameters:
  ///   - count: Number of rows.
  ///   - firstLine: Line of row 0.
  public init(consecutive count: Int, from firstLine: Int) {
    if count > 0 {
      runRow = [0]
      runLine = [firstLine]
      self.count = count
    }
  }

  /// Adds the line of the next row.
  ///
  /// - Parameter line: The line the new row starts on.
  public mutating func append(_ line: Int) {
    if let last = runLine.last, last + (count - runRow[runRow.count - 1]) == line {
      count += 1
      return
    }
    runRow.append(count)
    runLine.append(line)
    count += 1
  }

  /// Adds the rows of `other`, their lines shifted by `offset`.
  mutating func append(contentsOf other: LineNumbers, offset: Int) {
    for k in other.runRow.indices {
      let rows = (k + 1 < other.runRow.count ? other.runRow[k + 1] : other.count) - other.runRow[k]
      let line = other.runLine[k] + offset
      if let last = runLine.last, last + (count - runRow[runRow.count - 1]) == line {
        count += rows
      } else {
        runRow.append(count)
        runLine.append(line)
        count += rows
      }
    }
  }

  /// Index of the first row.
  public var startIndex: Int { 0 }
  /// One past the last row.
  public var endIndex: Int { count }

  /// The line of row `row`.
  ///
  /// - Parameter row: A 0-based row index, below `count`.
  public subscript(row: Int) -> Int {
    precondition(row >= 0 && row < count, "row \(row) out of range 0..<\(count)")
    if runRow.count == 1 { return runLine[0] + row }
    var lo = 0
    var hi = runRow.count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if runRow[mid] <= row { lo = mid } else { hi = mid - 1 }
    }
    return runLine[lo] + row - runRow[lo]
  }
}
