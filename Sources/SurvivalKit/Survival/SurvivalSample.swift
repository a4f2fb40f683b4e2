import Dispatch
import SurvivalSupport

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
  /// Curve membership of each used row: every combination of the term and `strata()`
  /// variables (what R's `survfit` draws one curve for).
  public let grouping: Grouping
  /// Comparison groups: combinations of the term variables only (what `survdiff` compares).
  public let groups: Grouping
  /// Strata: combinations of the `strata()` variables (one stratum `all` when there are none).
  public let strata: Grouping
  /// File line of each used row.
  public let lineNumbers: LineNumbers
  /// Index in the source table of each used row (every row in order for directly built
  /// samples and for tables with nothing missing).
  public let rows: SampleRows
  /// The stable ascending order of `time`, when it was computed on the way or can be had by a
  /// counting sort of `timeRanks` (nil otherwise).
  var ascendingTimeOrder: [Int]? { storedTimeOrder ?? timeRanks?.ascendingOrder() }
  /// The order a Cox problem is arranged in, when the caller has it: the stable descending
  /// order of `time` by a counting sort of `timeRanks` (32-bit, half the memory of
  /// `ascendingTimeOrder`), else nil (and `ascendingTimeOrder` is the one to pass).
  var descendingTimeOrder32: [Int32]? { timeRanks?.descendingOrder32() }
  private let storedTimeOrder: [Int]?
  /// The rank of each time among the distinct times (after `timefix`), when the sample was
  /// read with `timefix` and its times have few distinct values (see `DistinctRanks`).
  let timeRanks: DistinctRanks?
  /// Rows dropped because a variable the formula uses was missing.
  public let dropped: Int
  /// The formula the sample was read with, as written (for directly built samples, the
  /// R formula of the same analysis: `Surv(time, status) ~ group`).
  public let formula: String

  /// Number of rows used.
  public var count: Int { time.count }
  /// Number of events among the rows used.
  public var events: Int { status.reduce(0) { $0 + Int($1) } }

  /// Direct construction (no missing values allowed); used by the library API and tests.
  ///
  /// - Parameters:
  ///   - time: Event or censoring time of each row: finite, and >= 0 for right-censored data.
  ///   - status: 1 for an event, 0 for censoring, one per time.
  ///   - grouping: Groups (curves and comparison groups) with one code per row; nil for one
  ///     group `all`.
  ///   - strata: Strata with one code per row; nil for one stratum `all`.
  ///   - entry: Entry times for counting-process data (each should be below its row's time; not
  ///     checked here), or nil for right-censored data.
  ///   - timefix: Whether to merge near-tied times as R's `timefix` does.
  /// - Throws: `SurvivalKitError.invalidArgument` when `status`, `grouping` or `strata` do not
  ///   have one value per time; `SurvivalKitError.invalidData` for a non-finite time, a negative
  ///   time without entry times, or a status other than 0 or 1.
  public init(
    time: [Double], status: [UInt8], grouping: Grouping? = nil, strata: Grouping? = nil,
    entry: [Double]? = nil, timefix: Bool = true
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
    let st = strata ?? .single(rows: time.count)
    guard g.codes.count == time.count, st.codes.count == time.count else {
      throw SurvivalKitError.invalidArgument(
        name: "grouping", message: "groups and strata need one code per time")
    }
    for (name, grouping) in [("grouping", g), ("strata", st)] {
      if let bad = grouping.codes.firstIndex(where: { $0 < 0 || Int($0) >= grouping.labels.count })
      {
        throw SurvivalKitError.invalidArgument(
          name: name,
          message: "code \(grouping.codes[bad]) of row \(bad + 1) has no label "
            + "(\(grouping.labels.count) labels)")
      }
    }
    if let entry {
      guard entry.count == time.count else {
        throw SurvivalKitError.invalidArgument(
          name: "entry", message: "has \(entry.count) values for \(time.count) times")
      }
      if let bad = entry.indices.first(where: { !(entry[$0].isFinite && entry[$0] < time[$0]) }) {
        throw SurvivalKitError.invalidData(
          line: nil, column: "entry",
          message: "entry \(bad + 1) (\(NumberFormatting.shortest(entry[bad]))) is not before "
            + "its time (\(NumberFormatting.shortest(time[bad])))")
      }
    }
    var t = time
    var e = entry
    let fixedOrder = timefix ? SurvivalSample.fixTimes(&t, &e) : (order: nil, ranks: nil)
    self.storedTimeOrder = fixedOrder.order
    self.timeRanks = fixedOrder.ranks
    self.time = t
    self.entry = e
    self.status = status
    self.grouping = g
    self.groups = g
    self.strata = st
    self.lineNumbers = LineNumbers(consecutive: time.count, from: 1)
    self.rows = SampleRows(all: time.count)
    self.dropped = 0
    let response = entry == nil ? "Surv(time, status)" : "Surv(start, time, status)"
    var rhs: [String] = grouping == nil ? [] : ["group"]
    if strata != nil { rhs.append("strata(stratum)") }
    self.formula = "\(response) ~ \(rhs.isEmpty ? "1" : rhs.joined(separator: " + "))"
  }

  /// Extracts the outcome and the grouping variables of `formula` from `table`.
  ///
  /// Grouping variables are the formula's term variables followed by its `strata()` ones;
  /// interactions and transforms are for regression and are rejected here.
  ///
  /// - Parameters:
  ///   - table: The data.
  ///   - formula: A formula whose terms are plain variables.
  ///   - timefix: Whether to merge near-tied times as R's `timefix` does.
  /// - Throws: `SurvivalKitError.insufficientData` when the table has no rows;
  ///   `SurvivalKitError.formulaSyntax` for an interaction or a transform;
  ///   `SurvivalKitError.unknownColumn` for a column the table does not have;
  ///   `SurvivalKitError.invalidData` or `SurvivalKitError.badValue` for a bad time, entry time
  ///   or status, with its line.
  public init(table: DataTable, formula: Formula, timefix: Bool = true) throws {
    try self.init(
      table: table, formula: formula, timefix: timefix, regression: false, extraColumns: [])
  }

  /// The sample for a regression model: rows missing any term, strata, cluster or extra
  /// column (weights) are dropped; `grouping` and `groups` are a single group, `strata` the
  /// `strata()` combinations, and `rows` maps back to the table for the design matrix.
  ///
  /// - Parameters:
  ///   - table: The `regressionTable` argument: the data.
  ///   - formula: The model formula.
  ///   - extraColumns: Further columns a used row must have (for example the weights).
  ///   - timefix: Whether to merge near-tied times as R's `timefix` does.
  /// - Throws: `SurvivalKitError.insufficientData` when the table has no rows;
  ///   `SurvivalKitError.unknownColumn` for a column the table does not have;
  ///   `SurvivalKitError.invalidData` or `SurvivalKitError.badValue` for a bad time, entry time
  ///   or status, with its line.
  public init(
    regressionTable table: DataTable, formula: Formula, extraColumns: [String], timefix: Bool = true
  )
    throws
  {
    try self.init(
      table: table, formula: formula, timefix: timefix, regression: true, extraColumns: extraColumns
    )
  }

  init(table: DataTable, formula: Formula, timefix: Bool, regression: Bool, extraColumns: [String])
    throws
  {
    guard table.rowCount > 0 else {
      throw SurvivalKitError.insufficientData(
        message: "the file has a header but no data rows; nothing to analyse")
    }
    for term in formula.terms where !regression {
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
    var required = formula.groupingVariables
    for name in extraColumns + (formula.cluster.map { [$0] } ?? []) where !required.contains(name) {
      required.append(name)
    }
    let requiredColumns = try required.map { try table.column(named: $0) }
    let groupColumns = try formula.groupingVariables.map { try table.column(named: $0) }
    var termNames: [String] = []
    for term in formula.terms where !termNames.contains(term.factors[0].variable) {
      termNames.append(term.factors[0].variable)
    }
    let termColumns = try termNames.map { try table.column(named: $0) }
    let strataColumns = try formula.strata.map { try table.column(named: $0) }
    for column in groupColumns { try table.requireNotMostlyNumeric(column) }

    let stop = try SurvivalSample.numbers(stopColumn, table: table, role: "time")
    let start = try startColumn.map {
      try SurvivalSample.numbers($0, table: table, role: "start time")
    }
    let status = try StatusCoding.decode(response.status, column: statusColumn, table: table)

    // One pass per column marks the rows with a missing value (two threads over halves of the
    // rows for large data; each row is marked by its own half only).
    let rowCount = table.rowCount
    var complete = [Bool](repeating: true, count: rowCount)
    var numericColumns: [[Double]] = [stop]
    if let start { numericColumns.append(start) }
    var codeColumns: [[Int32]] = []
    for c in requiredColumns {
      switch c.values {
      case .numeric(let v), .date(let v): numericColumns.append(v)
      case .text(_, let codes): codeColumns.append(codes)
      }
    }
    var missingInHalf = [false, false]
    complete.withUnsafeMutableBufferPointer { complete in
      missingInHalf.withUnsafeMutableBufferPointer { missingInHalf in
        let shared = UncheckedSendable(
          (complete.baseAddress, missingInHalf.baseAddress!, numericColumns, codeColumns, status))
        let mark: @Sendable (Int) -> Void = { part in
          let (complete, missingInHalf, numericColumns, codeColumns, status) = shared.value
          guard let complete else { return }
          let rows = part == 0 ? 0..<(rowCount / 2) : (rowCount / 2)..<rowCount
          var any = false
          status.withUnsafeBufferPointer { st in
            for i in rows where st[i] == StatusCoding.missing {
              complete[i] = false
              any = true
            }
          }
          for column in numericColumns {
            column.withUnsafeBufferPointer { v in
              for i in rows where v[i].isNaN {
                complete[i] = false
                any = true
              }
            }
          }
          for column in codeColumns {
            column.withUnsafeBufferPointer { codes in
              for i in rows where codes[i] < 0 {
                complete[i] = false
                any = true
              }
            }
          }
          missingInHalf[part] = any
        }
        if rowCount >= 1 << 16 {
          DispatchQueue.concurrentPerform(iterations: 2) { mark($0) }
        } else {
          mark(0)
          mark(1)
        }
      }
    }
    numericColumns = []
    codeColumns = []
    let anyMissing = missingInHalf[0] || missingInHalf[1]
    let used: SampleRows
    var time: [Double]
    var event: [UInt8]
    var entry: [Double]? = nil
    var lines = LineNumbers()
    if anyMissing {
      var kept: [Int] = []
      kept.reserveCapacity(rowCount)
      for i in 0..<rowCount where complete[i] { kept.append(i) }
      used = SampleRows(kept)
      time = used.map { stop[$0] }
      event = used.map { status[$0] }
      entry = start.map { s in used.map { s[$0] } }
      for i in used { lines.append(table.lineNumbers[i]) }
    } else {
      // Nothing dropped: the columns are used as they are (no copies).
      used = SampleRows(all: rowCount)
      time = stop
      event = status
      entry = start
      lines = table.lineNumbers
    }
    // Checks, naming the first offending line (one fast pass finds it).
    let firstBad: Int? = time.withUnsafeBufferPointer { t in
      if let entry {
        for k in 0..<t.count where !(t[k].isFinite && entry[k].isFinite && entry[k] < t[k]) {
          return k
        }
      } else {
        for k in 0..<t.count where !(t[k].isFinite && t[k] >= 0) { return k }
      }
      return nil
    }
    if let k = firstBad {
      let line = lines[k]
      let t = time[k]
      guard t.isFinite else {
        throw SurvivalKitError.invalidData(
          line: line, column: stopColumn.name, message: "time is infinite; use a finite time")
      }
      if let entry {
        let s = entry[k]
        guard s.isFinite else {
          throw SurvivalKitError.invalidData(
            line: line, column: startColumn!.name, message: "start time is infinite")
        }
        throw SurvivalKitError.invalidData(
          line: line, column: startColumn!.name,
          message: "start time \(NumberFormatting.shortest(s)) is not before stop time "
            + "\(NumberFormatting.shortest(t)); each interval (start, stop] must have positive length"
        )
      }
      throw SurvivalKitError.invalidData(
        line: line, column: stopColumn.name,
        message: "time \(NumberFormatting.shortest(t)) is negative; survival times must be >= 0")
    }
    let fixedOrder = timefix ? SurvivalSample.fixTimes(&time, &entry) : (order: nil, ranks: nil)
    self.storedTimeOrder = fixedOrder.order
    self.timeRanks = fixedOrder.ranks
    self.time = time
    self.entry = entry
    self.status = event
    self.lineNumbers = lines
    self.rows = used
    self.dropped = table.rowCount - used.count
    self.formula = formula.text
    if regression {
      self.grouping = .single(rows: used.count)
      self.groups = self.grouping
      // One stratum: the same codes as the single group (shared, not a second array).
      self.strata =
        strataColumns.isEmpty
        ? self.grouping : Grouping.make(columns: strataColumns, rows: used)
      return
    }
    let all = Grouping.make(columns: groupColumns, rows: used)
    self.grouping = all
    if strataColumns.isEmpty {
      self.groups = all
      self.strata = .single(rows: used.count)
    } else {
      self.groups = Grouping.make(columns: termColumns, rows: used)
      self.strata = Grouping.make(columns: strataColumns, rows: used)
    }
  }

  /// Throws when every row was dropped for missing values; `what` names the variables' source.
  ///
  /// - Parameter what: What the variables come from, for the message (`formula`, `model`).
  /// - Throws: `SurvivalKitError.insufficientData` when the sample has no rows.
  public func requireRows(_ what: String = "formula") throws {
    guard count > 0 else {
      throw SurvivalKitError.insufficientData(
        message: "no usable rows: every row has a missing value in a variable the \(what) uses "
          + "(\(dropped) dropped)")
    }
  }

  /// Merges near-tied times; returns the stable ascending order of `time` when it is still
  /// valid afterwards (right-censored data and nothing merged), so estimators need not sort
  /// again, or, for right-censored times with few distinct values, their ranks (found by
  /// hashing, see `DistinctRanks`; the order is then a counting sort away).
  @discardableResult
  static func fixTimes(_ time: inout [Double], _ entry: inout [Double]?) -> (
    order: [Int]?, ranks: DistinctRanks?
  ) {
    if entry == nil, let ranks = DistinctRanks.make(time, limit: max(4096, time.count / 16)) {
      guard let (merged, cuts) = ranks.fixed() else { return (nil, ranks) }
      time.withUnsafeMutableBufferPointer { t in
        for i in 0..<t.count { t[i] = cuts[Int(merged.ranks[i])] }
      }
      return (nil, merged)
    }
    var all = time
    if let entry { all += entry }
    let order = SortOrder.order(all)
    var unique: [Double] = []
    unique.reserveCapacity(all.count)
    for k in order where unique.last != all[k] { unique.append(all[k]) }
    guard let cuts = TimeFix.cuts(unique: unique) else { return (entry == nil ? order : nil, nil) }
    TimeFix.apply(cuts: cuts, to: &time)
    if entry != nil { TimeFix.apply(cuts: cuts, to: &entry!) }
    return (nil, nil)
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
      let isNumber = levels.map(table.readsAsNumber)
      let first = codes.firstIndex { $0 >= 0 && !isNumber[Int($0)] }!
      throw SurvivalKitError.badValue(
        line: table.lineNumbers[first], column: column.name,
        value: levels[Int(codes[first])], expected: "a number (the \(role))")
    }
  }
}
