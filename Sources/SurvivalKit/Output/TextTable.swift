/// Fixed-width text tables for terminal output: right-aligned columns separated by a space;
/// the first column is left-aligned when it holds row labels.
///
/// Package access: used by the report and CLI targets, not part of the public API.
package struct TextTable: Sendable {
  /// The header cells.
  package var header: [String]
  /// The data rows, each with at most `header.count` cells.
  package var rows: [[String]]
  /// Whether the first column holds row labels (left-aligned).
  package var labelColumn: Bool

  /// A table with a header and, optionally, rows.
  ///
  /// - Parameters:
  ///   - header: The header cells; their count is the number of columns.
  ///   - rows: The data rows.
  ///   - labelColumn: Whether the first column holds row labels (left-aligned).
  package init(header: [String], rows: [[String]] = [], labelColumn: Bool = true) {
    self.header = header
    self.rows = rows
    self.labelColumn = labelColumn
  }

  /// The table as text: each column as wide as its widest cell, trailing spaces removed.
  ///
  /// - Parameter indent: Spaces before every line.
  /// - Returns: One line per header and row, each ending in a newline.
  package func rendered(indent: Int = 0) -> String {
    let all = [header] + rows
    var widths = [Int](repeating: 0, count: header.count)
    for row in all {
      for (k, cell) in row.enumerated() where k < widths.count {
        widths[k] = max(widths[k], cell.count)
      }
    }
    let pad = String(repeating: " ", count: indent)
    var out = ""
    for row in all {
      var line = pad
      for (k, cell) in row.enumerated() {
        let fill = String(repeating: " ", count: max(0, widths[k] - cell.count))
        if k == 0 {
          line += labelColumn ? cell + fill : fill + cell
        } else {
          line += " " + fill + cell
        }
      }
      while line.hasSuffix(" ") { line.removeLast() }
      out += line + "\n"
    }
    return out
  }
}
