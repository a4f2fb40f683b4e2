import SurvivalSupport

/// JSON, CSV and table renderings of Cox residuals (schema in the README).
extension CoxResiduals: CustomStringConvertible {
  /// `type`, `weighted`, `line` (or `cluster` when collapsed), `time` for the Schoenfeld types,
  /// and `values` (martingale, deviance) or `terms` (one array per coefficient).
  public var jsonValue: JSONValue {
    var members: [(String, JSONValue)] = [
      ("type", .string(kind.rawValue)), ("weighted", .bool(weighted)),
    ]
    if let lines { members.append(("line", .integers(lines))) }
    if let clusters { members.append(("cluster", .array(clusters.map { .string($0) }))) }
    if let times { members.append(("time", .numbers(times))) }
    if kind.isPerTerm {
      members.append(
        ("terms", .object(zip(columns, values).map { ($0, .numbers($1)) })))
    } else {
      members.append(("values", .numbers(values[0])))
    }
    return .object(members)
  }

  /// One row per input row (per event for the Schoenfeld types, per cluster when collapsed):
  /// `line` (or `cluster`), `time` where it applies, then one column per coefficient or
  /// `residual`. Missing values (NaN) are `NA`.
  public func csv() -> String {
    var header = [clusters == nil ? "line" : "cluster"]
    if times != nil { header.append("time") }
    header += columns
    var out = header.map(CSVText.quoted).joined(separator: ",") + "\n"
    for k in 0..<count {
      var row: [String] = []
      if let lines { row.append("\(lines[k])") }
      if let clusters { row.append(CSVText.quoted(clusters[k])) }
      if let times { row.append(CSVText.number(times[k])) }
      for column in values { row.append(CSVText.number(column[k])) }
      out += row.joined(separator: ",") + "\n"
    }
    return out
  }

  /// The residuals as a text table, as `survkit cox --residuals TYPE` prints them.
  public func table() -> String {
    let f = { (x: Double) in x.isNaN ? "NA" : NumberFormatting.significant(x) }
    var out = "\(kind.rawValue) residuals\(weighted ? " (weighted)" : "")"
    out += clusters == nil ? "" : ", summed within clusters"
    out += ":\n"
    var header = [clusters == nil ? "line" : "cluster"]
    if times != nil { header.append("time") }
    header += columns
    var t = TextTable(header: header)
    for k in 0..<count {
      var row: [String] = []
      if let lines { row.append("\(lines[k])") }
      if let clusters { row.append(clusters[k]) }
      if let times { row.append(NumberFormatting.shortest(times[k])) }
      for column in values { row.append(f(column[k])) }
      t.rows.append(row)
    }
    return out + t.rendered()
  }

  /// The table.
  public var description: String { table() }
}
