import SurvivalSupport

/// A two-way table of counts: the levels of a grouping variable (rows) by the values of a
/// response (columns), as R's `table(group, response)`.
///
/// Built from a `ResponseFormula` `response ~ group`: a response column gives one column per
/// value (numbers ascending, text in code-point order); a comparison (`best %in% c("CR", "PR")`)
/// gives the columns `FALSE` and `TRUE`. Rows with a missing response or group are dropped and
/// counted.
public struct ContingencyTable: Sendable, Equatable {
  /// The grouping variable.
  public let rowVariable: String
  /// Row levels, in R's order.
  public let rowLabels: [String]
  /// The response, as written.
  public let columnVariable: String
  /// Column levels.
  public let columnLabels: [String]
  /// `counts[i][j]`: rows of level i with response value j.
  public let counts: [[Int]]
  /// Rows dropped for a missing value.
  public let dropped: Int

  /// A table from counts given directly.
  public init(
    counts: [[Int]], rowLabels: [String], columnLabels: [String], rowVariable: String = "group",
    columnVariable: String = "response"
  ) throws {
    guard counts.count == rowLabels.count, counts.allSatisfy({ $0.count == columnLabels.count })
    else {
      throw SurvivalKitError.invalidArgument(
        name: "table",
        message: "\(counts.count) rows of counts for \(rowLabels.count) row labels; each row "
          + "needs \(columnLabels.count) counts")
    }
    self.counts = counts
    self.rowLabels = rowLabels
    self.columnLabels = columnLabels
    self.rowVariable = rowVariable
    self.columnVariable = columnVariable
    self.dropped = 0
  }

  /// Cross-tabulates `response ~ group` (exactly one plain variable on the right).
  public init(table: DataTable, formula: ResponseFormula) throws {
    guard formula.terms.count == 1, formula.terms[0].factors.count == 1,
      case .variable(let group) = formula.terms[0].factors[0]
    else {
      throw SurvivalKitError.formulaSyntax(
        formula: formula.text, position: formula.text.count,
        message: "a table needs exactly one grouping variable on the right of '~', e.g. "
          + "response ~ group")
    }
    guard table.rowCount > 0 else {
      throw SurvivalKitError.insufficientData(
        message: "the file has a header but no data rows; nothing to tabulate")
    }
    let groupColumn = try table.column(named: group)
    let responseColumn = try table.column(named: formula.response.column)
    var binary: [UInt8]? = nil
    if formula.response.isComparison {
      binary = try ResponseCoding.binary(formula.response, table: table)
    }
    var used: [Int] = []
    for i in 0..<table.rowCount where !groupColumn.isMissing(i) {
      if let binary {
        if binary[i] != ResponseCoding.missing { used.append(i) }
      } else if !responseColumn.isMissing(i) {
        used.append(i)
      }
    }
    guard !used.isEmpty else {
      throw SurvivalKitError.insufficientData(
        message: "no usable rows: every row misses '\(group)' or the response "
          + "(\(table.rowCount) dropped)")
    }
    let rows = Grouping.make(columns: [groupColumn], rows: used)
    let prefix = group + "="
    rowLabels = rows.labels.map { String($0.dropFirst(prefix.count)) }
    var columnCodes: [Int32]
    if let binary {
      columnLabels = ["FALSE", "TRUE"]
      columnCodes = used.map { Int32(binary[$0]) }
    } else {
      if case .date = responseColumn.values {
        throw SurvivalKitError.invalidData(
          line: nil, column: responseColumn.name, message: "holds dates, not a response")
      }
      let columns = Grouping.make(columns: [responseColumn], rows: used)
      let responsePrefix = responseColumn.name + "="
      columnLabels = columns.labels.map { String($0.dropFirst(responsePrefix.count)) }
      columnCodes = columns.codes
    }
    var counts = [[Int]](
      repeating: [Int](repeating: 0, count: columnLabels.count), count: rowLabels.count)
    for k in used.indices { counts[Int(rows.codes[k])][Int(columnCodes[k])] += 1 }
    self.counts = counts
    rowVariable = group
    columnVariable = formula.response.description
    dropped = table.rowCount - used.count
  }

  /// Row totals.
  public var rowTotals: [Int] { counts.map { $0.reduce(0, +) } }
  /// Column totals.
  public var columnTotals: [Int] {
    (0..<columnLabels.count).map { j in counts.reduce(0) { $0 + $1[j] } }
  }
  /// Whether the response has two columns (a rate per row is then defined: the second column).
  public var isBinary: Bool { columnLabels.count == 2 }

  /// The response rate of each row (second column over the row total) with its interval;
  /// nil for a row without patients or when the response is not binary.
  public func rates(method: BinomialInterval = .clopperPearson, confLevel: Double = 0.95) throws
    -> [ResponseRate?]
  {
    guard isBinary else { return counts.map { _ in nil } }
    return try counts.map { row in
      let n = row[0] + row[1]
      return n == 0
        ? nil
        : try ResponseRate(
          count: row[1], total: n, method: method, confLevel: confLevel)
    }
  }
}
