import SurvivalSupport

extension TimeMerge {
  /// The table as CSV text (header, then one row per line; missing cells `NA`).
  public static func csv(_ table: DataTable) -> String {
    var out = table.columnNames.map(CSVText.quoted).joined(separator: ",") + "\n"
    for r in 0..<table.rowCount {
      out +=
        table.columns.map { column -> String in
          guard let text = column.text(at: r) else { return "NA" }
          if case .date(let v) = column.values { return DateFormatting.iso(days: Int(v[r])) }
          if case .text = column.values { return CSVText.quoted(text) }
          return text
        }.joined(separator: ",") + "\n"
    }
    return out
  }
}
