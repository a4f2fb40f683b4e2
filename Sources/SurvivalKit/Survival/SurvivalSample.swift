/// The survival outcome of the usable rows of a data set, with their grouping.
///
/// Built from a `DataTable` and a `Formula` by `SurvivalSample.init(table:formula:)`, which
/// validates everything once: rows with a missing value in any variable the formula uses are
/// dropped and counted (as R's `na.omit`); every other problem (a negative time, a status that
/// is not 0/1, 1/2 or TRUE/FALSE, a text value in a time column) stops with the line number.
/// Near-tied times are merged as R's `timefix` does (see `TimeFix`).
public struct SurvivalSample: Sendable {
  /// Event or censoring time of each used row.
  public let time: [Double]
  /// Entry time of each used row for counting-process data `Surv(start, stop, status)`.
  public let entry: [Double]?
  /// 1 for an event, 0 for censoring.
  public let status: [UInt8]
  /// Curve membership of each used row.
  public let grouping: Grouping
  /// File line of each used row.
  public let lineNumbers: [Int]
  /// Rows dropped because a variable the formula uses was missing.
  public let dropped: Int

  public var count: Int { time.count }
  public var events: Int { status.reduce(0) { $0 + Int($1) } }

  /// Direct construction (no missing values allowed); used by the library API and tests.
  public init(
    time: [Double], status: [UInt8], grouping: Grouping? = nil, entry: [Double]? = nil,
    timefix: Bool = true
  ) throws {
    guard time.count == status.count else {
      throw SurvivalKitError.invalidArgument(
        name: "status", message: "has \(status.count) values for \(time.count) times")
    }
    for (i, t) in time.enumerated() {
      guard t.isFinite else {
        throw SurvivalKitError.invalidData(
          line: nil, column: "time", message: "time \(i + 1) is not a finite number")
      }
      guard t >= 0 || entry != nil else {
        throw SurvivalKitError.invalidData(
          line: nil, column: "time", message: "time \(i + 1) is negative (\(t))")
      }
      guard status[i] <= 1 else {
        throw SurvivalKitError.invalidData(
          line: nil, column: "status", message: "status \(i + 1) is \(status[i]), not 0 or 1")
      }
    }
    let g = grouping ?? .single(rows: time.count)
    guard g.codes.count == time.count else {
      throw SurvivalKitError.invalidArgument(
        name: "grouping", message: "has \(g.codes.count) rows for \(time.count) times")
    }
    var t = time
    var e = entry
    if timefix { SurvivalSample.fixTimes(&t, &e) }
    self.time = t
    self.entry = e
    self.status = status
    self.grouping = g
    self.lineNumbers = (0..<time.count).map { $0 + 1 }
    self.dropped = 0
  }

  /// Extracts the outcome and the grouping variables of `formula` from `table`.
  ///
  /// Grouping variables are the formula's term variables followed by its `strata()` ones;
  /// interactions and transforms are for regression and are rejected here.
  public init(table: DataTable, formula: Formula, timefix: Bool = true) throws {
    for term in formula.terms {
      guard term.factors.count == 1, case .variable = term.factors[0] else {
        throw SurvivalKitError.formulaSyntax(
          formula: formula.text, position: 0,
          message: "curves are grouped by plain variables; '\(term)' belongs in a Cox model")
      }
    }
    let response = formula.response
    let stopColumn = try table.column(named: response.stop)
    let startColumn = try response.start.map { try table.column(named: $0) }
    let statusColumn = try table.column(named: response.status.column)
    let groupColumns = try formula.groupingVariables.map { try table.column(named: $0) }

    let stop = try SurvivalSample.numbers(stopColumn, table: table, role: "time")
    let start = try startColumn.map { try SurvivalSample.numbers($0, table: table, role: "start time") }
    let status = try StatusCoding.decode(response.status, column: statusColumn, table: table)

    var used: [Int] = []
    used.reserveCapacity(table.rowCount)
    for i in 0..<table.rowCount {
      if stop[i].isNaN || status[i] == StatusCoding.missing { continue }
      if let start, start[i].isNaN { continue }
      var missing = false
      for c in groupColumns where c.isMissing(i) {
        missing = true
        break
      }
      if missing { continue }
      used.append(i)
    }
    var time = [Double](repeating: 0, count: used.count)
    var event = [UInt8](repeating: 0, count: used.count)
    var entry: [Double]? = start == nil ? nil : [Double](repeating: 0, count: used.count)
    var lines = [Int](repeating: 0, count: used.count)
    for (k, i) in used.enumerated() {
      let line = table.lineNumbers[i]
      let t = stop[i]
      guard t.isFinite else {
        throw SurvivalKitError.invalidData(
          line: line, column: stopColumn.name, message: "time is infinite; use a finite time")
      }
      if let start {
        let s = start[i]
        guard s.isFinite else {
          throw SurvivalKitError.invalidData(
            line: line, column: startColumn!.name, message: "start time is infinite")
        }
        guard s < t else {
          throw SurvivalKitError.invalidData(
            line: line, column: startColumn!.name,
            message: "start time \(NumberFormatting.shortest(s)) is not before stop time "
              + "\(NumberFormatting.shortest(t)); each interval (start, stop] must have positive length")
        }
        entry![k] = s
      } else if t < 0 {
        throw SurvivalKitError.invalidData(
          line: line, column: stopColumn.name,
          message: "time \(NumberFormatting.shortest(t)) is negative; survival times must be >= 0")
      }
      time[k] = t
      event[k] = status[i]
      lines[k] = line
    }
    if timefix { SurvivalSample.fixTimes(&time, &entry) }
    self.time = time
    self.entry = entry
    self.status = event
    self.lineNumbers = lines
    self.dropped = table.rowCount - used.count
    self.grouping = Grouping.make(columns: groupColumns, rows: used)
  }

  static func fixTimes(_ time: inout [Double], _ entry: inout [Double]?) {
    var all = time
    if let entry { all += entry }
    all.sort()
    var unique: [Double] = []
    unique.reserveCapacity(all.count)
    for v in all where unique.last != v { unique.append(v) }
    guard let cuts = TimeFix.cuts(unique: unique) else { return }
    TimeFix.apply(cuts: cuts, to: &time)
    if entry != nil { TimeFix.apply(cuts: cuts, to: &entry!) }
  }

  /// Numeric values of a column used as a time; NaN for missing.
  static func numbers(_ column: Column, table: DataTable, role: String) throws -> [Double] {
    switch column.values {
    case .numeric(let v):
      return v
    case .date:
      throw SurvivalKitError.invalidData(
        line: nil, column: column.name,
        message: "holds dates, not a \(role); derive the time from two date columns first "
          + "(e.g. months from enrolment to last contact)")
    case .text(let levels, let codes):
      // The first row whose value is not a number (other rows may hold numbers).
      let isNumber = levels.map { level -> Bool in
        var bytes = Array(level.utf8)
        return bytes.withUnsafeMutableBufferPointer { b in
          b.baseAddress.map {
            NumberParsing.parseDouble(UnsafePointer($0), 0, b.count, decimalComma: table.decimalComma) != nil
          } ?? false
        }
      }
      let first = codes.firstIndex { $0 >= 0 && !isNumber[Int($0)] }!
      throw SurvivalKitError.badValue(
        line: table.lineNumbers[first], column: column.name,
        value: levels[Int(codes[first])], expected: "a number (the \(role))")
    }
  }
}
