import SurvivalSupport

/// Decoding of a `ResponseExpression` into 1 = response, 0 = no response, per row of a table.
///
/// Accepted: a column of 0/1 or TRUE/FALSE (also `true`/`false`, `T`/`F`); `column == value`,
/// `column != value`; `column %in% c(v1, v2, ...)`. A missing cell stays missing (the row is
/// dropped and counted): a patient who is not evaluable is not a non-responder. Anything else
/// stops with the first offending line.
enum ResponseCoding {
  static let missing: UInt8 = 255

  static func binary(_ expression: ResponseExpression, table: DataTable) throws -> [UInt8] {
    let column = try table.column(named: expression.column)
    var out = [UInt8](repeating: missing, count: table.rowCount)
    func line(_ i: Int) -> Int { table.lineNumbers[i] }
    let hint = "write which values count as a response, e.g. \(column.name) %in% c(\"CR\", \"PR\")"
    switch (expression, column.values) {
    case (_, .date):
      throw SurvivalKitError.invalidData(
        line: nil, column: column.name, message: "holds dates, not a response")
    case (.column, .numeric(let v)):
      for i in v.indices where !v[i].isNaN {
        guard v[i] == 0 || v[i] == 1 else {
          throw SurvivalKitError.invalidData(
            line: line(i), column: column.name,
            message: "response \(NumberFormatting.shortest(v[i])) is neither 0/1 nor "
              + "TRUE/FALSE; \(hint)")
        }
        out[i] = UInt8(v[i])
      }
    case (.column, .text(let levels, let codes)):
      let decoded = levels.map { level -> UInt8 in
        switch level {
        case "TRUE", "true", "T", "True": return 1
        case "FALSE", "false", "F", "False": return 0
        default: return missing
        }
      }
      for i in codes.indices where codes[i] >= 0 {
        let d = decoded[Int(codes[i])]
        guard d != missing else {
          throw SurvivalKitError.invalidData(
            line: line(i), column: column.name,
            message: "response '\(levels[Int(codes[i])])' is neither 0/1 nor TRUE/FALSE; \(hint)"
          )
        }
        out[i] = d
      }
    case (.equals(_, let value), _), (.notEquals(_, let value), _):
      var equal: UInt8 = 1
      if case .notEquals = expression { equal = 0 }
      let member = try membership([value], column: column)
      for i in 0..<table.rowCount where !column.isMissing(i) {
        out[i] = member(i) ? equal : 1 - equal
      }
    case (.isIn(_, let values), _):
      let member = try membership(values, column: column)
      for i in 0..<table.rowCount where !column.isMissing(i) { out[i] = member(i) ? 1 : 0 }
    }
    return out
  }

  /// A test of whether row i holds one of `values`; every listed value must occur in the
  /// column (a misspelt code would otherwise silently count nobody).
  private static func membership(_ values: [ResponseValue], column: Column) throws -> (Int) ->
    Bool
  {
    switch column.values {
    case .numeric(let v):
      var set = Set<Double>()
      for value in values {
        guard case .number(let x) = value else {
          throw SurvivalKitError.invalidData(
            line: nil, column: column.name,
            message: "is a numeric column; compare it with numbers, not \(value)")
        }
        guard v.contains(x) else {
          throw SurvivalKitError.invalidData(
            line: nil, column: column.name,
            message: "no row has the value \(value); check the code, or leave it out of the list")
        }
        set.insert(x)
      }
      return { set.contains(v[$0]) }
    case .text(let levels, let codes):
      var set = Set<Int32>()
      for value in values {
        guard case .text(let s) = value else {
          throw SurvivalKitError.invalidData(
            line: nil, column: column.name,
            message: "is a text column; compare it with quoted values, not \(value)")
        }
        guard let k = levels.firstIndex(of: s), codes.contains(Int32(k)) else {
          let list = levels.sorted(by: CodePoint.less).map { "'\($0)'" }.joined(separator: ", ")
          throw SurvivalKitError.invalidData(
            line: nil, column: column.name,
            message: "no row has the value '\(s)'; the column holds \(list) (a code no patient "
              + "had must be left out of the list)")
        }
        set.insert(Int32(k))
      }
      return { set.contains(codes[$0]) }
    case .date:
      throw SurvivalKitError.invalidData(
        line: nil, column: column.name, message: "holds dates, not a response")
    }
  }
}
