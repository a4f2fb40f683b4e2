/// A rectangular data set read from a CSV file: named, typed columns of equal length.
///
/// `lineNumbers[i]` is the 1-based physical line of the file on which data row `i` starts,
/// so every later message about a row can name the line a user sees in an editor.
public struct DataTable: Sendable {
  public let columns: [Column]
  public let lineNumbers: [Int]
  /// The encoding the bytes were decoded from (given or detected).
  public let encoding: TextEncoding
  /// The field delimiter used (given or detected).
  public let delimiter: Character
  /// Whether `,` was read as a decimal separator.
  public let decimalComma: Bool

  public init(
    columns: [Column], lineNumbers: [Int], encoding: TextEncoding = .utf8,
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

  /// The column with this exact name.
  /// - Throws: `SurvivalKitError.unknownColumn` listing the names the file has.
  public func column(named name: String) throws -> Column {
    if let c = columns.first(where: { $0.name == name }) { return c }
    throw SurvivalKitError.unknownColumn(name: name, available: columnNames)
  }
}
