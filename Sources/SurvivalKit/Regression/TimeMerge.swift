import SurvivalSupport

/// One time-dependent variable added by `TimeMerge`.
public struct TimeMergeOperation: Sendable, Equatable {
  /// What the new variable records.
  public enum Kind: String, Sendable {
    /// A time-dependent covariate (R's `tdc`): from its time on the value holds (1 without a
    /// value column, 0 before); with a value column it is missing before the first time.
    case tdc
    /// An event (R's `event`): the interval that ends at its time is marked (1, or the value).
    case event
  }

  /// Covariate or event.
  public let kind: Kind
  /// Name of the new column.
  public let name: String
  /// Column of the long table holding the time.
  public let time: String
  /// Column of the long table holding the value (nil: 1 at and after the time).
  public let value: String?

  /// A new variable from columns of the long table.
  public init(kind: Kind, name: String, time: String, value: String? = nil) {
    self.kind = kind
    self.name = name
    self.time = time
    self.value = value
  }

  /// Parses `name=tdc(day)`, `name=tdc(day,value)` or `name=event(day)`.
  public init(parsing text: String) throws {
    let cleaned = text.filter { $0 != " " }
    let parts = cleaned.split(separator: "=", maxSplits: 1).map(String.init)
    guard parts.count == 2, !parts[0].isEmpty,
      let open = parts[1].firstIndex(of: "("), parts[1].last == ")"
    else {
      throw SurvivalKitError.invalidArgument(
        name: "tmerge",
        message: "'\(text)' is not name=tdc(time[,value]) or name=event(time[,value])")
    }
    let function = String(parts[1][..<open])
    let arguments = parts[1][
      parts[1].index(after: open)..<parts[1].index(before: parts[1].endIndex)
    ]
    .split(separator: ",").map(String.init)
    guard let kind = Kind(rawValue: function), arguments.count == 1 || arguments.count == 2
    else {
      throw SurvivalKitError.invalidArgument(
        name: "tmerge",
        message: "'\(text)' is not name=tdc(time[,value]) or name=event(time[,value])")
    }
    self.init(
      kind: kind, name: parts[0], time: arguments[0],
      value: arguments.count == 2 ? arguments[1] : nil)
  }
}

/// Counting-process data from a baseline table and a long table of dated events, as R's
/// `tmerge`:
///
///     d1 <- tmerge(base, base, id = id, death = event(time, status))
///     d2 <- tmerge(d1, long, id = id, response = tdc(day))
///
/// Each patient's follow-up (start, time] (start 0 unless a start column is given) is cut at
/// every time of a new variable that falls strictly inside it; each piece is a row with
/// `tstart`, `tstop`, the status (the patient's status on the last piece, 0 on the others),
/// the baseline columns and the new variables. A `tdc` at or before the start holds from the
/// start; one at or after the end changes nothing. An `event` after the end is ignored (as
/// R); one at or before the start is an error (R counts it as "early" and drops it).
/// Fitting `Surv(tstart, tstop, status) ~ response` to the result gives the Mantel–Byar
/// comparison as its score test (Mantel & Byar 1974).
public enum TimeMerge {
  /// Builds the counting-process table.
  /// - Parameters:
  ///   - baseline: one row per patient.
  ///   - id: the patient column (in both tables).
  ///   - time: the baseline's follow-up time column.
  ///   - status: the baseline's status column (0/1).
  ///   - start: an optional entry-time column of the baseline.
  ///   - long: the dated events, one row per event.
  ///   - operations: the new variables.
  /// - Throws: `SurvivalKitError` naming the line and column for a repeated or missing id, an
  ///   id of the long table without a baseline row, a missing time, a follow-up that ends
  ///   before it starts, or an event at or before its patient's entry.
  /// - Complexity: O((n + m) log(n + m)) for n patients and m events.
  public static func build(
    baseline: DataTable, id: String, time: String, status: String, start: String? = nil,
    long: DataTable, operations: [TimeMergeOperation]
  ) throws -> DataTable {
    let idColumn = try baseline.column(named: id)
    let timeValues = try numbers(baseline, time)
    let statusValues = try numbers(baseline, status)
    let startValues = try start.map { try numbers(baseline, $0) }
    var rowOfID: [String: Int] = [:]
    for r in 0..<baseline.rowCount {
      guard let key = idColumn.text(at: r) else {
        throw SurvivalKitError.invalidData(
          line: baseline.lineNumbers[r], column: id, message: "the patient id is missing")
      }
      if let first = rowOfID[key] {
        throw SurvivalKitError.invalidData(
          line: baseline.lineNumbers[r], column: id,
          message: "patient '\(key)' already has a baseline row (line "
            + "\(baseline.lineNumbers[first])); the baseline needs one row per patient")
      }
      rowOfID[key] = r
      let t0 = startValues?[r] ?? 0
      guard timeValues[r].isFinite, statusValues[r] == 0 || statusValues[r] == 1 else {
        throw SurvivalKitError.invalidData(
          line: baseline.lineNumbers[r], column: timeValues[r].isFinite ? status : time,
          message: "needs a time and a 0/1 status for every patient")
      }
      guard timeValues[r] > t0 else {
        throw SurvivalKitError.invalidData(
          line: baseline.lineNumbers[r], column: time,
          message: "follow-up ends at \(NumberFormatting.shortest(timeValues[r])), not after "
            + "it starts (\(NumberFormatting.shortest(t0)))")
      }
    }
    let longID = try long.column(named: id)
    // Per operation and patient: (time, value, line) in input order.
    var events: [[Int: [(Double, Double, Int)]]] = []
    for op in operations {
      let times = try numbers(long, op.time)
      let values = try op.value.map { try numbers(long, $0) }
      var byPatient: [Int: [(Double, Double, Int)]] = [:]
      for r in 0..<long.rowCount {
        let line = long.lineNumbers[r]
        guard let key = longID.text(at: r) else {
          throw SurvivalKitError.invalidData(
            line: line, column: id, message: "the patient id is missing")
        }
        guard let patient = rowOfID[key] else {
          throw SurvivalKitError.invalidData(
            line: line, column: id,
            message: "patient '\(key)' has no baseline row; add it or drop this event")
        }
        guard times[r].isFinite else {
          throw SurvivalKitError.invalidData(
            line: line, column: op.time, message: "the time of '\(op.name)' is missing")
        }
        let entry = startValues?[patient] ?? 0
        if op.kind == .event && times[r] <= entry {
          throw SurvivalKitError.invalidData(
            line: line, column: op.time,
            message: "event '\(op.name)' of patient '\(key)' at "
              + "\(NumberFormatting.shortest(times[r])) is not after the patient's entry "
              + "(\(NumberFormatting.shortest(entry))); correct the date or drop the row")
        }
        byPatient[patient, default: []].append((times[r], values?[r] ?? 1, line))
      }
      for key in byPatient.keys {
        byPatient[key]!.sort { $0.0 < $1.0 }  // stable: input order within a time
      }
      events.append(byPatient)
    }
    // Rows.
    var source: [Int] = []
    var tstart: [Double] = []
    var tstop: [Double] = []
    var statusOut: [Double] = []
    var newColumns = [[Double]](repeating: [], count: operations.count)
    for r in 0..<baseline.rowCount {
      let t0 = startValues?[r] ?? 0
      let t1 = timeValues[r]
      var cuts: [Double] = []
      for byPatient in events {
        for e in byPatient[r] ?? [] where e.0 > t0 && e.0 < t1 { cuts.append(e.0) }
      }
      cuts.sort()
      var bounds = [t0]
      for c in cuts where c != bounds.last! { bounds.append(c) }
      bounds.append(t1)
      for k in 0..<(bounds.count - 1) {
        let a = bounds[k]
        let b = bounds[k + 1]
        source.append(r)
        tstart.append(a)
        tstop.append(b)
        statusOut.append(b == t1 ? statusValues[r] : 0)
        for (j, op) in operations.enumerated() {
          let list = events[j][r] ?? []
          switch op.kind {
          case .tdc:
            var value = op.value == nil ? 0 : Double.nan
            for e in list where e.0 <= a { value = e.1 }
            newColumns[j].append(value)
          case .event:
            var value = 0.0
            for e in list where e.0 == b { value = e.1 }
            newColumns[j].append(value)
          }
        }
      }
    }
    let replaced = Set([time, status] + operations.map(\.name) + ["tstart", "tstop"])
    var columns: [Column] = []
    for column in baseline.columns where !replaced.contains(column.name) {
      columns.append(Column(name: column.name, values: gather(column.values, source)))
    }
    columns.append(Column(name: "tstart", values: .numeric(tstart)))
    columns.append(Column(name: "tstop", values: .numeric(tstop)))
    columns.append(Column(name: status, values: .numeric(statusOut)))
    for (j, op) in operations.enumerated() {
      columns.append(Column(name: op.name, values: .numeric(newColumns[j])))
    }
    return DataTable(columns: columns, lineNumbers: source.map { baseline.lineNumbers[$0] })
  }

  /// The landmark data set at time L: the patients still under follow-up and event-free at L
  /// (time > L), their follow-up measured from L (time - L), and `responded` = 1 when their
  /// first `responseTime` (a column of the baseline; missing = never) is <= L. Comparing the
  /// groups avoids the immortal-time bias of classifying patients by a later response
  /// (Anderson, Cain & Gelber 1983).
  public static func landmark(
    baseline: DataTable, time: String, responseTime: String, at landmark: Double
  ) throws -> DataTable {
    guard landmark.isFinite else {
      throw SurvivalKitError.invalidArgument(name: "landmark", message: "must be a finite time")
    }
    let t = try numbers(baseline, time)
    let response = try numbers(baseline, responseTime)
    let kept = (0..<baseline.rowCount).filter { t[$0] > landmark }
    guard !kept.isEmpty else {
      throw SurvivalKitError.insufficientData(
        message: "no patient is still followed at the landmark "
          + "\(NumberFormatting.shortest(landmark)); choose an earlier one")
    }
    var columns: [Column] = []
    for column in baseline.columns where column.name != "responded" {
      if column.name == time {
        columns.append(Column(name: time, values: .numeric(kept.map { t[$0] - landmark })))
      } else {
        columns.append(Column(name: column.name, values: gather(column.values, kept)))
      }
    }
    columns.append(
      Column(
        name: "responded",
        values: .numeric(kept.map { response[$0] <= landmark ? 1 : 0 })))
    return DataTable(columns: columns, lineNumbers: kept.map { baseline.lineNumbers[$0] })
  }

  static func numbers(_ table: DataTable, _ name: String) throws -> [Double] {
    let column = try table.column(named: name)
    guard case .numeric(let v) = column.values else {
      throw SurvivalKitError.invalidData(
        line: nil, column: name, message: "must hold numbers; this is a \(column.typeName) column")
    }
    return v
  }

  static func gather(_ values: ColumnValues, _ rows: [Int]) -> ColumnValues {
    switch values {
    case .numeric(let v): return .numeric(rows.map { v[$0] })
    case .date(let v): return .date(rows.map { v[$0] })
    case .text(let levels, let codes): return .text(levels: levels, codes: rows.map { codes[$0] })
    }
  }
}
