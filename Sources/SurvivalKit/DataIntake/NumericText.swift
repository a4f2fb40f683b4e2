import SurvivalSupport

extension DataTable {
  /// Whether a text cell reads as a number under this table's decimal separator.
  func readsAsNumber(_ text: String) -> Bool {
    var bytes = Array(text.utf8)
    return bytes.withUnsafeMutableBufferPointer { b in
      b.baseAddress.map {
        NumberParsing.parseDouble(UnsafePointer($0), 0, b.count, decimalComma: decimalComma) != nil
      } ?? false
    }
  }

  /// Refuses to use as a factor (or grouping) a text column that is really a numeric column
  /// with a few bad cells, such as `Inf` or the typo `4O,5`: a single non-number turns the
  /// whole column into text, and using it as a factor would silently give one dummy column
  /// per distinct number.
  ///
  /// A text column counts as numeric with bad cells when at least 10 of its distinct values
  /// are numbers and at most 10 % of its non-missing cells are not, or, in a small file, when
  /// at least 5 of its distinct values are numbers and exactly one cell is not (a typo; a
  /// factor coded 1, 2, 3 with an "unknown" level stays a factor). The error names every bad
  /// cell (up to 10) by line, and says how to declare such values missing.
  ///
  /// - Parameter column: a column the model or grouping uses.
  /// - Throws: `SurvivalKitError.invalidData` naming the column and the bad cells.
  /// - Complexity: O(rows + levels).
  func requireNotMostlyNumeric(_ column: Column) throws {
    guard case .text(let levels, let codes) = column.values else { return }
    let numericLevel = levels.map(readsAsNumber)
    let numericLevels = numericLevel.reduce(0) { $0 + ($1 ? 1 : 0) }
    guard numericLevels >= 5 && numericLevels < levels.count else { return }
    var bad: [Int] = []
    var present = 0
    for (row, code) in codes.enumerated() where code >= 0 {
      present += 1
      if !numericLevel[Int(code)] { bad.append(row) }
    }
    guard (numericLevels >= 10 && bad.count * 10 <= present) || bad.count == 1 else { return }
    let shown = bad.prefix(10).map { row in
      "line \(lineNumbers[row]) '\(VisibleText.quoted(levels[Int(codes[row])]))'"
    }
    let more = bad.count > 10 ? " and \(bad.count - 10) more" : ""
    throw SurvivalKitError.invalidData(
      line: lineNumbers[bad[0]], column: column.name,
      message: "is numeric except for \(bad.count) cell\(bad.count == 1 ? "" : "s"): "
        + shown.joined(separator: ", ") + more + "; correct "
        + (bad.count == 1 ? "it" : "them")
        + ", or declare such values missing (--na, CSVOptions.missingValues) so that their rows "
        + "are dropped and counted")
  }
}
