/// A rectangular data set read from a CSV file: named, typed columns of equal length.
///
/// `lineNumbers[i]` is the 1-based physical line of the file on which data row `i` starts,
/// so every later message about a row can name the line a user sees in an editor.
public struct DataTable: Sendable {
  /// The columns in file order, each with one cell per data row.
  public let columns: [Column]
  /// The 1-based physical file line on which each data row starts (one entry per row).
  public let lineNumbers: LineNumbers
  /// The encoding the bytes were decoded from (given or detected).
  public let encoding: TextEncoding
  /// The field delimiter used (given or detected).
  public let delimiter: Character
  /// Whether `,` was read as a decimal separator.
  public let decimalComma: Bool

  /// A table from columns built elsewhere (the CSV reader, or tests).
  ///
  /// The columns are not checked against each other: each should have `lineNumbers.count` cells.
  ///
  /// - Parameters:
  ///   - columns: The columns in file order.
  ///   - lineNumbers: The 1-based file line of each data row (for row numbers 1, 2, ... when the
  ///     data did not come from a file).
  ///   - encoding: The encoding the bytes were decoded from.
  ///   - delimiter: The field delimiter.
  ///   - decimalComma: Whether `,` was read as a decimal separator.
  public init(
    columns: [Column], lineNumbers: [Int], encoding: TextEncoding = .utf8,
    delimiter: Character = ",", decimalComma: Bool = false
  ) {
    self.init(
      columns: columns, lineNumbers: LineNumbers(lineNumbers), encoding: encoding,
      delimiter: delimiter, decimalComma: decimalComma)
  }

  /// A table from columns and the run-length line map of their rows.
  ///
  /// - Parameters:
  ///   - columns: The columns in file order, each with `lineNumbers.count` cells.
  ///   - lineNumbers: The 1-based file line of each data row.
  ///   - encoding: The encoding the bytes were decoded from.
  ///   - delimiter: The field delimiter.
  ///   - decimalComma: Whether `,` was read as a decimal separator.
  public init(
    columns: [Column], lineNumbers: LineNumbers, encoding: TextEncoding = .utf8,
    delimiter: Character = ",", decimalComma: Bool = false
  ) {
    self.columns = columns
    self.lineNumbers = lineNumbers
    self.encoding = encoding
    self.delimiter = delimiter
    self.decimalComma = decimalComma
  }

  /// Number of data rows.
  public var rowCount: Int { lineNumbers.count }

  /// Column names in file order.
  public var columnNames: [String] { columns.map(\.name) }

  /// The column with this exact name (case-sensitive).
  ///
  /// - Parameter name: The column name as written in the header line.
  /// - Returns: The first column of that name.
  /// - Throws: `SurvivalKitError.unknownColumn` listing the names the file has.
  public func column(named name: String) throws -> Column {
    if let c = columns.first(where: { $0.name == name }) { return c }
    throw SurvivalKitError.unknownColumn(name: name, available: columnNames)
  }
}
