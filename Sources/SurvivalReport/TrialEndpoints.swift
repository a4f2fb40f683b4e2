import SurvivalKit
import SurvivalSupport

/// Per-patient endpoints derived from an export's dates, as the plan says.
///
/// - OS: enrolment to death (event) or to last contact (censored).
/// - PFS: enrolment to progression or death, whichever comes first (event), or to last contact
///   (censored).
/// - Times in the plan's unit: days / 30.4375 for months (365.25 / 12), / 7 for weeks,
///   / 365.25 for years.
/// - Data cut-off: with `after_cutoff = "censor"`, a progression or death after the cut-off is
///   not counted and follow-up ends at the cut-off; with `"error"`, such dates stop the run.
///
/// Every impossible record is collected (death or progression before enrolment, last contact
/// before enrolment or before death, death before progression, a missing enrolment or last
/// contact date, a date that is not a date, a response code outside the plan's list,
/// enrolment after the cut-off) and reported together, patient by patient with the file
/// line, before anything is computed.
public struct TrialEndpoints: Sendable {
  public let ids: [String]
  public let lines: [Int]
  public let nosology: [String]
  public let gd2: [Double]
  public let response: [String?]
  public let osTime: [Double]
  public let osEvent: [UInt8]
  public let pfsTime: [Double]
  public let pfsEvent: [UInt8]
  /// Progressions or deaths dated after the cut-off (censored at it).
  public let eventsAfterCutoff: Int

  public var count: Int { ids.count }

  public init(table: DataTable, plan: AnalysisPlan) throws {
    let c = plan.columns
    for name in [
      c.id, c.nosology, c.gd2, c.enrolment, c.progression, c.death, c.lastContact, c.response,
    ] {
      _ = try table.column(named: name)
    }
    var problems: [String] = []
    func dates(_ name: String) throws -> [Double] {
      let column = try table.column(named: name)
      switch column.values {
      case .date(let v): return v
      case .numeric(let v) where v.allSatisfy(\.isNaN): return v
      case .numeric(let v):
        let i = v.firstIndex { !$0.isNaN }!
        problems.append(
          "line \(table.lineNumbers[i]), column '\(name)': '\(column.text(at: i) ?? "")' is not a date (DD.MM.YYYY or YYYY-MM-DD)"
        )
        return v
      case .text(let levels, let codes):
        for (i, code) in codes.enumerated()
        where code >= 0 && DateParsing.parseDays(levels[Int(code)]) == nil {
          problems.append(
            "line \(table.lineNumbers[i]), column '\(name)': '\(levels[Int(code)])' is not a date (DD.MM.YYYY or YYYY-MM-DD)"
          )
        }
        return codes.map {
          $0 < 0 ? .nan : DateParsing.parseDays(levels[Int($0)]).map(Double.init) ?? .nan
        }
      }
    }
    let enrolment = try dates(c.enrolment)
    let progression = try dates(c.progression)
    let death = try dates(c.death)
    let lastContact = try dates(c.lastContact)
    let idColumn = try table.column(named: c.id)
    let nosologyColumn = try table.column(named: c.nosology)
    let gd2Column = try table.column(named: c.gd2)
    let responseColumn = try table.column(named: c.response)
    guard case .numeric(let gd2Values) = gd2Column.values else {
      let i = (0..<table.rowCount).first { !gd2Column.isMissing($0) } ?? 0
      throw SurvivalKitError.badValue(
        line: table.lineNumbers[i], column: c.gd2, value: gd2Column.text(at: i) ?? "",
        expected: "a number (GD2 expression, % of positive tumour cells)")
    }
    let labels = Dictionary(
      plan.nosologyLabels.map { ($0.raw, $0.label) }, uniquingKeysWith: { a, _ in a })
    var ids: [String] = []
    var lines: [Int] = []
    var nosology: [String] = []
    var gd2: [Double] = []
    var response: [String?] = []
    var osTime: [Double] = []
    var osEvent: [UInt8] = []
    var pfsTime: [Double] = []
    var pfsEvent: [UInt8] = []
    var afterCutoff = 0
    let cut = Double(plan.cutoff)
    var firstLine: [String: Int] = [:]
    for i in 0..<table.rowCount {
      let line = table.lineNumbers[i]
      guard let id = idColumn.text(at: i), !id.allSatisfy(\.isWhitespace) else {
        problems.append(
          "line \(line): the patient id '\(c.id)' is empty; every row needs its patient's id")
        continue
      }
      if let earlier = firstLine[id] {
        problems.append(
          "line \(line): patient id \(id) is also on line \(earlier); each patient must be on one row (remove the duplicate)"
        )
        continue
      }
      firstLine[id] = line
      let who = "line \(line), patient \(id)"
      func problem(_ text: String) { problems.append("\(who): \(text)") }
      guard let nosologyRaw = nosologyColumn.text(at: i) else {
        problem("'\(c.nosology)' is missing")
        continue
      }
      if !labels.isEmpty && labels[nosologyRaw] == nil {
        problem("nosology '\(nosologyRaw)' is not in the plan's [nosology.labels]")
      }
      let g = gd2Values[i]
      if g.isNaN { problem("'\(c.gd2)' is missing") }
      if !g.isNaN && (g < 0 || g > 100) {
        problem("GD2 \(NumberFormatting.shortest(g)) % is outside 0-100")
      }
      var code = responseColumn.text(at: i)
      if let r = code, !plan.responseCodes.contains(r) {
        problem(
          "response '\(r)' is not one of \(plan.responseCodes.joined(separator: ", ")) (leave it empty if not evaluable)"
        )
        code = nil
      }
      let e = enrolment[i]
      var p = progression[i]
      var d = death[i]
      var l = lastContact[i]
      if e.isNaN {
        problem("the enrolment date '\(c.enrolment)' is missing")
        continue
      }
      if l.isNaN && d.isNaN {
        problem("the last-contact date '\(c.lastContact)' is missing")
        continue
      }
      if l.isNaN { l = d }
      if e > cut {
        problem(
          "enrolled on \(DateFormatting.dotted(days: e)), after the cut-off \(plan.cutoffText)")
      }
      if !p.isNaN && p < e {
        problem(
          "progression (\(DateFormatting.dotted(days: p))) before enrolment (\(DateFormatting.dotted(days: e)))"
        )
      }
      if !d.isNaN && d < e {
        problem(
          "death (\(DateFormatting.dotted(days: d))) before enrolment (\(DateFormatting.dotted(days: e)))"
        )
      }
      if l < e {
        problem(
          "last contact (\(DateFormatting.dotted(days: l))) before enrolment (\(DateFormatting.dotted(days: e)))"
        )
      }
      if !d.isNaN && !p.isNaN && d < p {
        problem(
          "death (\(DateFormatting.dotted(days: d))) before progression (\(DateFormatting.dotted(days: p)))"
        )
      }
      if !d.isNaN && l < d {
        problem(
          "last contact (\(DateFormatting.dotted(days: l))) before death (\(DateFormatting.dotted(days: d)))"
        )
      }
      if !p.isNaN && d.isNaN && l < p {
        problem(
          "last contact (\(DateFormatting.dotted(days: l))) before progression (\(DateFormatting.dotted(days: p)))"
        )
      }
      for (name, value) in [("progression", p), ("death", d), ("last contact", l)]
      where !value.isNaN && value > cut {
        if plan.afterCutoff == .error {
          problem(
            "\(name) on \(DateFormatting.dotted(days: value)) is after the cut-off \(plan.cutoffText)"
          )
        }
      }
      if !p.isNaN && p > cut {
        p = .nan
        afterCutoff += 1
      }
      if !d.isNaN && d > cut {
        d = .nan
        afterCutoff += 1
      }
      l = min(l, cut)
      let osEnd = d.isNaN ? l : d
      let pfsEnd: Double
      let pfsFlag: UInt8
      if !p.isNaN || !d.isNaN {
        pfsEnd = min(p.isNaN ? .infinity : p, d.isNaN ? .infinity : d)
        pfsFlag = 1
      } else {
        pfsEnd = l
        pfsFlag = 0
      }
      ids.append(id)
      lines.append(line)
      nosology.append(labels[nosologyRaw] ?? nosologyRaw)
      gd2.append(g)
      response.append(code)
      osTime.append((osEnd - e) / plan.daysPerUnit)
      osEvent.append(d.isNaN ? 0 : 1)
      pfsTime.append((pfsEnd - e) / plan.daysPerUnit)
      pfsEvent.append(pfsFlag)
    }
    if !problems.isEmpty {
      throw SurvivalKitError.invalidData(
        line: nil, column: nil,
        message: "the data do not pass the plan's checks; nothing was computed:\n  - "
          + problems.joined(separator: "\n  - "))
    }
    self.ids = ids
    self.lines = lines
    self.nosology = nosology
    self.gd2 = gd2
    self.response = response
    self.osTime = osTime
    self.osEvent = osEvent
    self.pfsTime = pfsTime
    self.pfsEvent = pfsEvent
    self.eventsAfterCutoff = afterCutoff
  }

  /// The endpoints as a table the library's estimators read: os_time, os_event, pfs_time,
  /// pfs_event, nosology, gd2, and one text column per GD2 threshold.
  public func table(thresholds: [Double]) -> DataTable {
    var columns = [
      Column(name: "os_time", values: .numeric(osTime)),
      Column(name: "os_event", values: .numeric(osEvent.map(Double.init))),
      Column(name: "pfs_time", values: .numeric(pfsTime)),
      Column(name: "pfs_event", values: .numeric(pfsEvent.map(Double.init))),
      Column(name: "gd2", values: .numeric(gd2)),
    ]
    var levels: [String] = []
    var codes: [Int32] = []
    for n in nosology {
      if let k = levels.firstIndex(of: n) {
        codes.append(Int32(k))
      } else {
        levels.append(n)
        codes.append(Int32(levels.count - 1))
      }
    }
    columns.append(Column(name: "nosology", values: .text(levels: levels, codes: codes)))
    for t in thresholds {
      let high = "GD2 >= \(NumberFormatting.shortest(t)) %"
      let low = "GD2 < \(NumberFormatting.shortest(t)) %"
      columns.append(
        Column(
          name: TrialEndpoints.thresholdColumn(t),
          values: .text(levels: [low, high], codes: gd2.map { $0 >= t ? 1 : 0 })))
    }
    return DataTable(columns: columns, lineNumbers: lines)
  }

  static func thresholdColumn(_ t: Double) -> String { "gd2_cut_\(NumberFormatting.shortest(t))" }
}
