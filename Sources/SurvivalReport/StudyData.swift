import SurvivalKit
import SurvivalSupport

/// The export read as the plan says: every variable typed, checked and recoded, every endpoint
/// derived (`<endpoint>_time`, `<endpoint>_event` and `<endpoint>_cause`, which event ended
/// follow-up), with the cut-off rule applied.
///
/// Every impossible record is collected (an empty or repeated patient id, a missing required
/// value, a value outside the plan's levels or range, a date that is not a date, dates out of
/// the plan's `date_order`, an origin after the cut-off, no censoring date) and reported
/// together, patient by patient with the file line, before anything is computed.
package struct StudyData: Sendable {
  package let plan: StudyPlan
  package let ids: [String]
  package let lines: [Int]
  /// The analysis table: one column per variable (dates as days since 1970-01-01) and per
  /// endpoint (`_time`, `_event`, `_cause`).
  package let table: DataTable
  /// Event dates after the cut-off that were not counted.
  package let eventsAfterCutoff: Int
  /// The longest follow-up time of any endpoint, in the plan's unit.
  package let longestTime: Double

  package var count: Int { ids.count }

  package init(plan: StudyPlan, dataBytes: [UInt8]) throws {
    self.plan = plan
    var options = CSVOptions()
    options.delimiter = plan.delimiter
    options.encoding = plan.encoding
    if plan.encoding != .windows1251 {
      var body = dataBytes[...]
      if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
      if let bad = UTF8Check.firstInvalid(body) {
        throw SurvivalKitError.invalidData(
          line: bad.line, column: nil,
          message:
            "the data file '\(plan.dataFile)' is not UTF-8 (byte \(bad.byteInLine) of this line is 0x\(bad.hex)). If it is a Windows-1251 export, add encoding = \"cp1251\" to the plan's [data] table."
        )
      }
    }
    let raw = try CSVReader.read(bytes: dataBytes, options: options)
    if let id = plan.idColumn { _ = try raw.column(named: id) }
    for v in plan.variables { if let c = v.column { _ = try raw.column(named: c) } }

    var problems: [String] = []
    let n = raw.rowCount
    let idColumn = try plan.idColumn.map { try raw.column(named: $0) }
    var keep = [Bool](repeating: true, count: n)
    var firstLine: [String: Int] = [:]
    var ids: [String] = []
    for i in 0..<n {
      let line = raw.lineNumbers[i]
      guard let idColumn else {
        ids.append("\(line)")
        continue
      }
      guard let id = idColumn.text(at: i), !id.allSatisfy(\.isWhitespace) else {
        problems.append(
          "line \(line): the patient id '\(plan.idColumn ?? "")' is empty; every row needs its patient's id"
        )
        keep[i] = false
        ids.append("?")
        continue
      }
      if let earlier = firstLine[id] {
        problems.append(
          "line \(line): patient id \(id) is also on line \(earlier); each patient must be on one row (remove the duplicate)"
        )
        keep[i] = false
      }
      firstLine[id] = firstLine[id] ?? line
      ids.append(id)
    }
    func who(_ i: Int) -> String { "line \(raw.lineNumbers[i]), patient \(ids[i])" }

    // Variables read from columns.
    var numbers: [String: [Double]] = [:]
    var categories: [String: [String?]] = [:]
    for v in plan.variables {
      guard let columnName = v.column else { continue }
      let column = try raw.column(named: columnName)
      switch v.kind {
      case .date:
        var values = [Double](repeating: .nan, count: n)
        for i in 0..<n {
          switch column.values {
          case .date(let d): values[i] = d[i]
          case .numeric(let d):
            if !d[i].isNaN {
              problems.append(
                "\(who(i)): '\(columnName)' = '\(column.text(at: i) ?? "")' is not a date (DD.MM.YYYY or YYYY-MM-DD)"
              )
            }
          case .text(let levels, let codes):
            if codes[i] >= 0 {
              if let d = DateParsing.parseDays(levels[Int(codes[i])]) {
                values[i] = Double(d)
              } else {
                problems.append(
                  "\(who(i)): '\(columnName)' = '\(levels[Int(codes[i])])' is not a date (DD.MM.YYYY or YYYY-MM-DD)"
                )
              }
            }
          }
          if v.required && column.isMissing(i) {
            problems.append("\(who(i)): '\(columnName)' is missing")
          }
        }
        numbers[v.name] = values
      case .number:
        guard case .numeric(let values) = column.values else {
          let i = (0..<n).first { !column.isMissing($0) } ?? 0
          throw SurvivalKitError.badValue(
            line: raw.lineNumbers[i], column: columnName, value: column.text(at: i) ?? "",
            expected: "a number (the plan declares '\(v.name)' as a number)")
        }
        for i in 0..<n {
          let x = values[i]
          if x.isNaN {
            if v.required { problems.append("\(who(i)): '\(columnName)' is missing") }
            continue
          }
          if let lo = v.minimum, x < lo {
            problems.append(
              "\(who(i)): \(v.label) \(NumberFormatting.shortest(x)) is below the plan's min \(NumberFormatting.shortest(lo))"
            )
          }
          if let hi = v.maximum, x > hi {
            problems.append(
              "\(who(i)): \(v.label) \(NumberFormatting.shortest(x)) is above the plan's max \(NumberFormatting.shortest(hi))"
            )
          }
        }
        numbers[v.name] = values
      case .category, .text:
        var values: [String?] = []
        for i in 0..<n {
          guard let text = column.text(at: i) else {
            if v.required { problems.append("\(who(i)): '\(columnName)' is missing") }
            values.append(nil)
            continue
          }
          if let levels = v.levels {
            guard let k = levels.firstIndex(of: text) else {
              problems.append(
                "\(who(i)): '\(columnName)' = '\(text)' is not one of the plan's levels (\(levels.joined(separator: ", "))); leave it empty if unknown"
              )
              values.append(nil)
              continue
            }
            values.append(v.labels?[k] ?? text)
          } else {
            values.append(text)
          }
        }
        categories[v.name] = values
      }
    }
    // Derived categories.
    for v in plan.variables {
      guard let from = v.from, let source = numbers[from], let labels = v.labels else { continue }
      categories[v.name] = source.map { x in
        x.isNaN ? nil : labels[v.cutpoints.filter { x >= $0 }.count]
      }
    }

    // Date order and the cut-off.
    let cut = plan.cutoff.map(Double.init) ?? .infinity
    let cutText = plan.cutoffText ?? ""
    func dateName(_ name: String) -> String { plan.variable(name)?.label ?? name }
    for i in 0..<n where keep[i] {
      for (a, first) in plan.dateOrder.enumerated() {
        for second in plan.dateOrder[(a + 1)...] {
          let x = numbers[first]![i]
          let y = numbers[second]![i]
          if !x.isNaN && !y.isNaN && y < x {
            problems.append(
              "\(who(i)): \(dateName(second)) (\(DateFormatting.dotted(days: y))) before \(dateName(first)) (\(DateFormatting.dotted(days: x)))"
            )
          }
        }
      }
      if plan.afterCutoff == .error {
        for v in plan.variables where v.kind == .date {
          let x = numbers[v.name]![i]
          if !x.isNaN && x > cut {
            problems.append(
              "\(who(i)): \(v.label) on \(DateFormatting.dotted(days: x)) is after the cut-off \(cutText)"
            )
          }
        }
      }
    }

    // Endpoints.
    var endpointColumns: [Column] = []
    var afterCutoff = 0
    var countedAfterCutoff: Set<String> = []
    var longest = 0.0
    for endpoint in plan.endpoints {
      var time = [Double](repeating: .nan, count: n)
      var event = [Double](repeating: .nan, count: n)
      var cause: [String?] = Array(repeating: nil, count: n)
      if let timeName = endpoint.time, let statusName = endpoint.status {
        let t = numbers[timeName]!
        let s = numbers[statusName]!
        for i in 0..<n where keep[i] {
          if t[i].isNaN || s[i].isNaN { continue }  // missing: left out of this endpoint
          if t[i] < 0 {
            problems.append(
              "\(who(i)): \(dateName(timeName)) \(NumberFormatting.shortest(t[i])) is negative")
            continue
          }
          guard s[i] == endpoint.eventValue || s[i] == endpoint.censorValue else {
            problems.append(
              "\(who(i)): \(dateName(statusName)) \(NumberFormatting.shortest(s[i])) is neither the event value \(NumberFormatting.shortest(endpoint.eventValue)) nor the censoring value \(NumberFormatting.shortest(endpoint.censorValue))"
            )
            continue
          }
          time[i] = t[i] * endpoint.daysPerTimeUnit / plan.daysPerUnit
          event[i] = s[i] == endpoint.eventValue ? 1 : 0
          longest = max(longest, time[i])
        }
        endpointColumns.append(Column(name: "\(endpoint.name)_time", values: .numeric(time)))
        endpointColumns.append(Column(name: "\(endpoint.name)_event", values: .numeric(event)))
        continue
      }
      for i in 0..<n where keep[i] {
        let origin = numbers[endpoint.origin]![i]
        if origin.isNaN {
          problems.append("\(who(i)): \(dateName(endpoint.origin)) is missing")
          continue
        }
        if origin > cut {
          if plan.dropLateOrigins {
            keep[i] = false
            continue
          }
          problems.append(
            "\(who(i)): \(dateName(endpoint.origin)) on \(DateFormatting.dotted(days: origin)) is after the cut-off \(cutText)"
          )
          continue
        }
        // Follow-up ends at the cut-off, or earlier where the comparison limits a patient.
        let cut = plan.followUpLimits.map { $0[ids[i]] ?? cut } ?? cut
        var first = Double.infinity
        var firstCause: String? = nil
        var latestEvent = -Double.infinity
        for e in endpoint.events {
          let d = numbers[e]![i]
          guard !d.isNaN else { continue }
          latestEvent = max(latestEvent, d)
          if d < origin {
            problems.append(
              "\(who(i)): \(dateName(e)) (\(DateFormatting.dotted(days: d))) before \(dateName(endpoint.origin)) (\(DateFormatting.dotted(days: origin)))"
            )
          }
          if d > cut {
            if !countedAfterCutoff.contains("\(i).\(e)") {
              countedAfterCutoff.insert("\(i).\(e)")
              afterCutoff += 1
            }
            continue
          }
          if d < first {
            first = d
            firstCause = e
          }
        }
        var last = numbers[endpoint.censor]![i]
        if last.isNaN && latestEvent.isFinite { last = latestEvent }
        if last.isNaN {
          problems.append("\(who(i)): \(dateName(endpoint.censor)) is missing")
          continue
        }
        if last < origin {
          problems.append(
            "\(who(i)): \(dateName(endpoint.censor)) (\(DateFormatting.dotted(days: last))) before \(dateName(endpoint.origin)) (\(DateFormatting.dotted(days: origin)))"
          )
        }
        let end = first.isFinite ? first : min(last, cut)
        time[i] = (end - origin) / plan.daysPerUnit
        event[i] = first.isFinite ? 1 : 0
        cause[i] = firstCause.map(dateName)
        longest = max(longest, time[i])
      }
      endpointColumns.append(Column(name: "\(endpoint.name)_time", values: .numeric(time)))
      endpointColumns.append(Column(name: "\(endpoint.name)_event", values: .numeric(event)))
      endpointColumns.append(
        StudyData.textColumn("\(endpoint.name)_cause", cause, order: endpoint.events.map(dateName)))
    }

    if !problems.isEmpty {
      throw SurvivalKitError.invalidData(
        line: nil, column: nil,
        message: "the data do not pass the plan's checks; nothing was computed:\n  - "
          + problems.joined(separator: "\n  - "))
    }

    // The analysis table, one row per patient.
    var columns: [Column] = []
    for v in plan.variables {
      switch v.kind {
      case .number: columns.append(Column(name: v.name, values: .numeric(numbers[v.name]!)))
      case .date: columns.append(Column(name: v.name, values: .date(numbers[v.name]!)))
      case .category, .text:
        columns.append(
          StudyData.textColumn(v.name, categories[v.name]!, order: v.orderedLabels))
      }
    }
    columns += endpointColumns
    let full = DataTable(columns: columns, lineNumbers: raw.lineNumbers)
    let kept = (0..<n).filter { keep[$0] }
    self.ids = kept.map { ids[$0] }
    self.lines = kept.map { raw.lineNumbers[$0] }
    self.table = kept.count == n ? full : StudyData.rows(kept, of: full)
    self.eventsAfterCutoff = afterCutoff
    self.longestTime = longest
  }

  /// A text column with levels in `order` first, then any other value in order of appearance.
  static func textColumn(_ name: String, _ values: [String?], order: [String]) -> Column {
    var levels = order
    var index = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
    var codes: [Int32] = []
    codes.reserveCapacity(values.count)
    for v in values {
      guard let v else {
        codes.append(-1)
        continue
      }
      if let k = index[v] {
        codes.append(Int32(k))
      } else {
        index[v] = levels.count
        levels.append(v)
        codes.append(Int32(levels.count - 1))
      }
    }
    return Column(name: name, values: .text(levels: levels, codes: codes))
  }

  /// The rows of a population: every condition holds.
  package func rows(of population: StudyPlan.Population) throws -> [Int] {
    var rows: [Int] = []
    let columns = try population.conditions.map { try table.column(named: $0.variable) }
    for i in 0..<table.rowCount {
      var ok = true
      for (condition, column) in zip(population.conditions, columns) where ok {
        ok = StudyData.holds(condition, column, i)
      }
      if ok { rows.append(i) }
    }
    return rows
  }

  static func holds(_ c: StudyPlan.Condition, _ column: Column, _ i: Int) -> Bool {
    let missing = column.isMissing(i)
    switch c.op {
    case .present: return !missing
    case .missing: return missing
    default: break
    }
    if missing { return false }
    switch column.values {
    case .numeric(let v), .date(let v):
      let x = v[i]
      let y = c.numbers.first ?? .nan
      switch c.op {
      case .equal: return x == y
      case .notEqual: return x != y
      case .less: return x < y
      case .lessOrEqual: return x <= y
      case .greater: return x > y
      case .greaterOrEqual: return x >= y
      case .isIn: return c.numbers.contains(x)
      case .notIn: return !c.numbers.contains(x)
      case .present, .missing: return true
      }
    case .text(let levels, let codes):
      let s = levels[Int(codes[i])]
      switch c.op {
      case .equal: return s == c.texts.first
      case .notEqual: return s != c.texts.first
      case .isIn: return c.texts.contains(s)
      case .notIn: return !c.texts.contains(s)
      default: return false
      }
    }
  }

  /// The analysis table restricted to `rows` (line numbers kept).
  package func subset(_ rows: [Int]) -> DataTable { StudyData.rows(rows, of: table) }

  static func rows(_ rows: [Int], of table: DataTable) -> DataTable {
    if rows.count == table.rowCount { return table }
    let columns = table.columns.map { column -> Column in
      switch column.values {
      case .numeric(let v): return Column(name: column.name, values: .numeric(rows.map { v[$0] }))
      case .date(let v): return Column(name: column.name, values: .date(rows.map { v[$0] }))
      case .text(let levels, let codes):
        return Column(
          name: column.name, values: .text(levels: levels, codes: rows.map { codes[$0] }))
      }
    }
    return DataTable(columns: columns, lineNumbers: rows.map { table.lineNumbers[$0] })
  }
}
