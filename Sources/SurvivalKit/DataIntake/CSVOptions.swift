/// How to read a CSV file. Every field left `nil` is detected, and what was detected is
/// recorded on the resulting `DataTable`.
public struct CSVOptions: Sendable {
  /// Field delimiter; nil detects among `,` `;` and tab from the header line.
  public var delimiter: Character?
  /// Text encoding; nil reads UTF-8 (BOM allowed) and falls back to Windows-1251 only when the
  /// bytes are not valid UTF-8.
  public var encoding: TextEncoding?
  /// Cells (after trimming spaces) that mean "missing".
  public var missingValues: Set<String>
  /// Whether `,` is a decimal separator; nil means "when the delimiter is `;`".
  public var decimalComma: Bool?
  /// The columns to type and keep; nil keeps every column. Every row is still checked for its
  /// number of fields, but cells of other columns are neither stored nor typed, which makes
  /// reading a wide file for a three-variable model several times faster and smaller. A name
  /// the file does not have is an error listing the file's columns.
  public var columns: Set<String>? = nil

  /// The default missing-value spellings: empty, `NA`, `NaN`, `.`, `NULL`.
  public static let defaultMissingValues: Set<String> = ["", "NA", "NaN", ".", "NULL"]

  /// Options for reading a CSV file; every argument left nil is detected from the file.
  ///
  /// - Parameters:
  ///   - delimiter: Field delimiter; nil detects among `,`, `;` and tab from the header line.
  ///   - encoding: Text encoding; nil reads UTF-8 (BOM allowed) and falls back to Windows-1251
  ///     only when the bytes are not valid UTF-8.
  ///   - missingValues: Cells (after trimming spaces) that mean "missing"; by default
  ///     `defaultMissingValues`.
  ///   - decimalComma: Whether `,` is a decimal separator; nil means "when the delimiter is `;`".
  public init(
    delimiter: Character? = nil, encoding: TextEncoding? = nil,
    missingValues: Set<String> = CSVOptions.defaultMissingValues, decimalComma: Bool? = nil
  ) {
    self.delimiter = delimiter
    self.encoding = encoding
    self.missingValues = missingValues
    self.decimalComma = decimalComma
  }

  /// The same options, reading only the given columns (see `columns`).
  /// - Parameter names: the columns to keep.
  /// - Returns: the options with `columns` set.
  public func only(_ names: [String]) -> CSVOptions {
    var options = self
    options.columns = Set(names)
    return options
  }
}
