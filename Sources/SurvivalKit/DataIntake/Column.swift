import SurvivalSupport

/// One typed column of a `DataTable`.
///
/// The type is inferred from the whole column: numeric when every non-missing cell is a number,
/// date when every non-missing cell is a `YYYY-MM-DD` or `DD.MM.YYYY` date, text otherwise.
/// Missing cells are `NaN` in numeric and date columns and code `-1` in text columns.
public enum ColumnValues: Sendable, Equatable {
  /// Numbers; `NaN` marks a missing cell.
  case numeric([Double])
  /// Days since 1970-01-01; `NaN` marks a missing cell.
  case date([Double])
  /// Categories: `levels` in order of first appearance, `codes[i]` indexes `levels` (-1 missing).
  case text(levels: [String], codes: [Int32])
}

/// A named column with its values.
public struct Column: Sendable, Equatable {
  /// The column's name, from the header line.
  public let name: String
  /// The typed cells, one per data row.
  public let values: ColumnValues

  /// A column from its name and typed cells.
  ///
  /// - Parameters:
  ///   - name: The column's name.
  ///   - values: The typed cells, one per data row (`NaN`, or code -1 for text, marks a missing
  ///     cell).
  public init(name: String, values: ColumnValues) {
    self.name = name
    self.values = values
  }

  /// Number of cells.
  public var count: Int {
    switch values {
    case .numeric(let v), .date(let v): return v.count
    case .text(_, let codes): return codes.count
    }
  }

  /// True when row `i` is missing.
  ///
  /// - Parameter i: A 0-based data-row index, below `count`.
  /// - Returns: `true` when the cell is `NaN` (numeric, date) or has code -1 (text).
  public func isMissing(_ i: Int) -> Bool {
    switch values {
    case .numeric(let v), .date(let v): return v[i].isNaN
    case .text(_, let codes): return codes[i] < 0
    }
  }

  /// A short name of the inferred type, for messages.
  public var typeName: String {
    switch values {
    case .numeric: return "numeric"
    case .date: return "date"
    case .text: return "text"
    }
  }

  /// Cell `i` as text (for labels and messages); nil when missing.
  ///
  /// - Parameter i: A 0-based data-row index, below `count`.
  /// - Returns: The level of a text cell; for numeric and date cells the shortest decimal that
  ///   reads back as the same double (a date cell gives its day count since 1970-01-01, not a
  ///   calendar date); nil when the cell is missing.
  public func text(at i: Int) -> String? {
    switch values {
    case .numeric(let v), .date(let v):
      return v[i].isNaN ? nil : NumberFormatting.shortest(v[i])
    case .text(let levels, let codes):
      return codes[i] < 0 ? nil : levels[Int(codes[i])]
    }
  }
}
