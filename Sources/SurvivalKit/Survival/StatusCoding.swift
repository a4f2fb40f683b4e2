import SurvivalSupport

/// Decoding of the status argument of `Surv()` into 1 = event, 0 = censored.
///
/// Accepted, as R's `Surv` accepts them:
/// - numbers 0/1 (1 = event);
/// - numbers 1/2 (R's coding: 1 = censored, 2 = event), recognised when the largest status
///   is 2 (a column of only 1s is therefore all events, as in R);
/// - TRUE/FALSE (also `true`/`false`, `T`/`F`);
/// - an expression `status == value` or `status != value`.
/// Anything else stops with the first offending line, where R would turn it into NA with a
/// warning: a status is never changed silently.
enum StatusCoding {
  static let missing: UInt8 = 255

  static func decode(_ expression: StatusExpression, column: Column, table: DataTable) throws
    -> [UInt8]
  {
    let rows = table.rowCount
    var out = [UInt8](repeating: missing, count: rows)
    func line(_ i: Int) -> Int { table.lineNumbers[i] }
    switch (expression, column.values) {
    case (.column, .numeric(let v)):
      // A value outside 0, 1, 2 is wrong under every coding: name that cell first. One pass
      // finds it and the largest status and decodes the common 0/1 coding; a 2 means 1/2
      // coding, decoded by a second pass.
      var firstInvalid: Int? = nil
      var maxValue = -Double.infinity
      v.withUnsafeBufferPointer { b in
        out.withUnsafeMutableBufferPointer { o in
          for i in 0..<rows where !b[i].isNaN {
            let x = b[i]
            if x == 0 {
              o[i] = 0
            } else if x == 1 {
              o[i] = 1
            } else if x != 2 {
              firstInvalid = i
              return
            }
            if x > maxValue { maxValue = x }
          }
        }
      }
      if let i = firstInvalid {
        throw SurvivalKitError.invalidData(
          line: line(i), column: column.name,
          message: "status \(NumberFormatting.shortest(v[i])) is not valid; use 0/1 (1 = event), "
            + "1/2 (2 = event), TRUE/FALSE, or an expression such as '\(column.name) == "
            + "\(NumberFormatting.shortest(v[i]))'")
      }
      let shift = maxValue == 2 ? 1.0 : 0.0
      var firstBad: Int? = nil
      if shift == 1 {
        v.withUnsafeBufferPointer { b in
          out.withUnsafeMutableBufferPointer { o in
            for i in 0..<rows where !b[i].isNaN {
              let s = b[i] - shift
              if s == 1 {
                o[i] = 1
              } else if s == 0 {
                o[i] = 0
              } else {
                firstBad = i
                return
              }
            }
          }
        }
      }
      if let i = firstBad {
        throw SurvivalKitError.invalidData(
          line: line(i), column: column.name,
          message: "status \(NumberFormatting.shortest(v[i])) is not valid"
            + (shift == 1
              ? " (the largest status is 2, so the column is read as 1/2 coding)" : "")
            + "; use 0/1 "
            + "(1 = event), 1/2 (2 = event), TRUE/FALSE, or an expression such as "
            + "'\(column.name) == 3'")
      }
    case (.column, .text(let levels, let codes)):
      var decoded: [UInt8] = []
      for level in levels {
        switch level {
        case "TRUE", "true", "T", "True": decoded.append(1)
        case "FALSE", "false", "F", "False": decoded.append(0)
        default: decoded.append(missing)
        }
      }
      // A column of numbers with a few words ('yes', 'TRUE') is text: name the first cell that
      // is neither a 0/1/2 number nor TRUE/FALSE, not the first number.
      let numeric = levels.map { ["0", "1", "2"].contains($0.trimmingCharacters(inSetOf: " ")) }
      if numeric.contains(true) {
        if let i = (0..<rows).first(where: {
          codes[$0] >= 0 && !numeric[Int(codes[$0])]
        }) {
          throw SurvivalKitError.invalidData(
            line: line(i), column: column.name,
            message: "status '\(VisibleText.quoted(levels[Int(codes[i])]))' is not a number like "
              + "the other statuses; use 0/1 (1 = event) or 1/2 (2 = event) throughout, or "
              + "TRUE/FALSE throughout")
        }
      }
      for i in 0..<rows where codes[i] >= 0 {
        let d = decoded[Int(codes[i])]
        guard d != missing else {
          throw SurvivalKitError.invalidData(
            line: line(i), column: column.name,
            message: "status '\(levels[Int(codes[i])])' is not 0/1, 1/2 or TRUE/FALSE; write "
              + "the event as an expression, e.g. Surv(time, \(column.name) == \"dead\")")
        }
        out[i] = d
      }
    case (.column, .date):
      throw SurvivalKitError.invalidData(
        line: nil, column: column.name, message: "holds dates, not an event status")
    case (.equalsNumber(_, let value), .numeric(let v)),
      (.notEqualsNumber(_, let value), .numeric(let v)):
      let equal: UInt8
      if case .equalsNumber = expression { equal = 1 } else { equal = 0 }
      for i in 0..<rows where !v[i].isNaN { out[i] = v[i] == value ? equal : 1 - equal }
    case (.equalsText(_, let value), .text(let levels, let codes)),
      (.notEqualsText(_, let value), .text(let levels, let codes)):
      let equal: UInt8
      if case .equalsText = expression { equal = 1 } else { equal = 0 }
      guard levels.contains(value) else {
        let list = levels.sorted(by: CodePoint.less).map { "'\($0)'" }.joined(separator: ", ")
        throw SurvivalKitError.invalidData(
          line: nil, column: column.name,
          message: "no row has the value '\(value)'; the column holds \(list)")
      }
      for i in 0..<rows where codes[i] >= 0 {
        out[i] = levels[Int(codes[i])] == value ? equal : 1 - equal
      }
    case (.equalsNumber, _), (.notEqualsNumber, _):
      throw SurvivalKitError.invalidData(
        line: nil, column: column.name,
        message: "is a \(column.typeName) column; compare it with a quoted value instead")
    case (.equalsText, _), (.notEqualsText, _):
      throw SurvivalKitError.invalidData(
        line: nil, column: column.name,
        message: "is a \(column.typeName) column; compare it with a number instead")
    }
    return out
  }
}
