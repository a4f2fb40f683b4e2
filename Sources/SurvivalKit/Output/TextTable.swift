/// Fixed-width text tables for terminal output: right-aligned columns separated by a space;
/// the first column is left-aligned when it holds row labels.
public struct TextTable: Sendable {
  public var header: [String]
  public var rows: [[String]]
  /// Whether the first column holds row labels (left-aligned).
  public var labelColumn: Bool

  public init(header: [String], rows: [[String]] = [], labelColumn: Bool = true) {
    self.header = header
    self.rows = rows
    self.labelColumn = labelColumn
  }

  public func rendered(indent: Int = 0) -> String {
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
