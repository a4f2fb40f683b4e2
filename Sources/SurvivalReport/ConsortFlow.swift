import SurvivalKit
import SurvivalSupport

/// The plan's `[screening]` table: a screening log with one row per screened patient.
package struct Screening: Sendable {
  /// The log, relative to the plan's folder.
  package let file: String
  package let encoding: TextEncoding?
  /// The log's screening-number column.
  package let id: String
  /// The column with the study id of an enrolled patient (empty when not included).
  package let patient: String
  /// The column with the reason for non-inclusion (empty when enrolled).
  package let reason: String
  /// A category variable of the study splitting the enrolled patients (e.g. arm).
  package let arm: String?
  package let line: Int?

  init(table: PlanTable) throws {
    try table.checkKeys(["file", "encoding", "id", "patient", "reason", "arm"])
    file = try table.required("file", "the screening log, relative to the plan's folder")
    if let e = try table.string("encoding") {
      guard let parsed = TextEncoding(name: e) else {
        throw table.error("encoding", "encoding must be \"utf-8\" or \"cp1251\"")
      }
      encoding = parsed
    } else {
      encoding = nil
    }
    id = try table.required("id", "the log's screening-number column")
    patient = try table.required("patient", "the column with the study id once enrolled")
    reason = try table.required("reason", "the column with the reason for non-inclusion")
    arm = try table.string("arm")
    line = table.line
  }
}

/// CONSORT-style flow: screened -> not included (by reason) -> enrolled -> per arm -> analysed
/// per endpoint and population. The log must agree with the export: every enrolled patient
/// of the log is in the data and every patient of the data is enrolled in the log.
package struct ConsortFlow: Sendable {
  package let screened: Int
  package let enrolled: Int
  /// Reasons for non-inclusion with counts, most frequent first.
  package let reasons: [(reason: String, count: Int)]
  package let arms: [(label: String, count: Int)]
  /// Analysed: label and count (each endpoint in the whole population, then each other
  /// population).
  package let analysed: [(label: String, count: Int)]

  init(
    screening: Screening, bytes: [UInt8], study: StudyData, plan: StudyPlan,
    populationRows: [String: [Int]]
  ) throws {
    var options = CSVOptions()
    options.encoding = screening.encoding
    let log = try CSVReader.read(bytes: bytes, options: options)
    let ids = try log.column(named: screening.id)
    let patients = try log.column(named: screening.patient)
    let reasonColumn = try log.column(named: screening.reason)
    var problems: [String] = []
    var seen: [String: Int] = [:]
    var enrolledIds: [String] = []
    var reasonCounts: [String: Int] = [:]
    for i in 0..<log.rowCount {
      let line = log.lineNumbers[i]
      guard let id = ids.text(at: i) else {
        problems.append("screening log line \(line): the screening number is empty")
        continue
      }
      if let earlier = seen[id] {
        problems.append(
          "screening log line \(line): screening number \(id) is also on line \(earlier)")
      }
      seen[id] = seen[id] ?? line
      let patient = patients.text(at: i)
      let reason = reasonColumn.text(at: i)
      switch (patient, reason) {
      case (let p?, nil): enrolledIds.append(p)
      case (nil, let r?): reasonCounts[r, default: 0] += 1
      case (.some, .some):
        problems.append(
          "screening log line \(line): a study id and a reason for non-inclusion; give one of them")
      case (nil, nil):
        problems.append(
          "screening log line \(line): neither a study id nor a reason for non-inclusion")
      }
    }
    let dataIds = Set(study.ids)
    for p in enrolledIds where !dataIds.contains(p) {
      problems.append("screening log: enrolled patient \(p) is not in the data")
    }
    let logIds = Set(enrolledIds)
    for p in study.ids where !logIds.contains(p) {
      problems.append("screening log: patient \(p) of the data is not enrolled in the log")
    }
    if !problems.isEmpty {
      throw SurvivalKitError.invalidData(
        line: nil, column: nil,
        message: "the screening log does not agree with the data; nothing was computed:\n  - "
          + problems.joined(separator: "\n  - "))
    }
    screened = log.rowCount
    enrolled = enrolledIds.count
    reasons = reasonCounts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map {
      (reason: $0.key, count: $0.value)
    }
    var arms: [(label: String, count: Int)] = []
    if let arm = screening.arm, let v = plan.variable(arm),
      let column = try? study.table.column(named: arm)
    {
      var labels = v.orderedLabels
      for i in 0..<study.table.rowCount {
        if let t = column.text(at: i), !labels.contains(t) { labels.append(t) }
      }
      for l in labels {
        let n = (0..<study.table.rowCount).filter { column.text(at: $0) == l }.count
        if n > 0 { arms.append((l, n)) }
      }
    }
    self.arms = arms
    var analysed: [(label: String, count: Int)] = []
    for e in plan.endpoints {
      let column = try study.table.column(named: "\(e.name)_time")
      analysed.append((e.label, (0..<study.table.rowCount).filter { !column.isMissing($0) }.count))
    }
    for p in plan.populations where p.name != "all" {
      analysed.append((p.label, populationRows[p.name]!.count))
    }
    self.analysed = analysed
  }

  func rows(_ w: any Words) -> [[String]] {
    var rows = [[w.screened, "\(screened)"], [w.notIncluded, "\(screened - enrolled)"]]
    rows += reasons.map { ["  – \($0.reason)", "\($0.count)"] }
    rows.append([w.enrolled, "\(enrolled)"])
    rows += arms.map { ["  – \($0.label)", "\($0.count)"] }
    rows += analysed.map { ["\(w.analysed): \($0.label)", "\($0.count)"] }
    return rows
  }

  var json: JSONValue {
    .object([
      ("screened", .number(Double(screened))),
      ("not_included", .number(Double(screened - enrolled))),
      (
        "reasons",
        .array(
          reasons.map {
            .object([("reason", .string($0.reason)), ("n", .number(Double($0.count)))])
          })
      ),
      ("enrolled", .number(Double(enrolled))),
      (
        "arms",
        .array(
          arms.map { .object([("label", .string($0.label)), ("n", .number(Double($0.count)))]) })
      ),
      (
        "analysed",
        .array(
          analysed.map {
            .object([("label", .string($0.label)), ("n", .number(Double($0.count)))])
          })
      ),
    ])
  }

  /// Boxes and arrows, top to bottom: screened; not included (with reasons) to the right;
  /// enrolled; one box per arm; the analysed sets.
  func svg(_ w: any Words) -> String {
    let width = 720.0
    var body = ""
    func esc(_ s: String) -> String { MarkupEscaping.escape(s) }
    func fixed(_ x: Double) -> String { NumberFormatting.fixed(x, decimals: 2) }
    func box(_ x: Double, _ y: Double, _ w: Double, _ lines: [String]) -> Double {
      let h = 12 + 16 * Double(lines.count)
      body +=
        "<rect x=\"\(fixed(x))\" y=\"\(fixed(y))\" width=\"\(fixed(w))\" height=\"\(fixed(h))\" fill=\"#FFFFFF\" stroke=\"#333333\"/>\n"
      for (k, line) in lines.enumerated() {
        body +=
          "<text x=\"\(fixed(x + 8))\" y=\"\(fixed(y + 20 + 16 * Double(k)))\" font-size=\"12\"\(k == 0 ? " font-weight=\"bold\"" : "")>\(esc(line))</text>\n"
      }
      return h
    }
    func arrow(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) {
      body +=
        "<line x1=\"\(fixed(x1))\" y1=\"\(fixed(y1))\" x2=\"\(fixed(x2))\" y2=\"\(fixed(y2))\" stroke=\"#333333\" marker-end=\"url(#arrow)\"/>\n"
    }
    var y = 16.0
    let main = 40.0
    let mainWidth = 260.0
    let h1 = box(main, y, mainWidth, ["\(w.screened): \(screened)"])
    let side = 360.0
    let sideLines =
      ["\(w.notIncluded): \(screened - enrolled)"]
      + reasons.flatMap { r -> [String] in
        var lines = SVGText.lines("\(r.reason) — \(r.count)", 40)
        for k in lines.indices.dropFirst() { lines[k] = "   " + lines[k] }
        return lines
      }
    let sideY = y + h1 + 16
    let h2 = box(side, sideY, 340, sideLines)
    arrow(main + mainWidth / 2, y + h1, main + mainWidth / 2, sideY + h2 + 24)
    arrow(main + mainWidth / 2, sideY + h2 / 2, side, sideY + h2 / 2)
    y = sideY + h2 + 24
    let h3 = box(main, y, mainWidth, ["\(w.enrolled): \(enrolled)"])
    y += h3
    if !arms.isEmpty {
      let armWidth = min(220, (width - 40) / Double(arms.count) - 12)
      let top = y + 28
      var tallest = 0.0
      for (k, arm) in arms.enumerated() {
        let x = 20 + Double(k) * (armWidth + 12)
        arrow(main + mainWidth / 2, y, x + armWidth / 2, top)
        tallest = max(
          tallest, box(x, top, armWidth, SVGText.lines(arm.label, 28) + ["n = \(arm.count)"]))
      }
      y = top + tallest
    }
    let analysedTop = y + 28
    arrow(main + mainWidth / 2, y, main + mainWidth / 2, analysedTop)
    let h4 = box(
      main, analysedTop, 520, ["\(w.analysed)"] + analysed.map { "\($0.label): \($0.count)" })
    let height = analysedTop + h4 + 16
    return """
      <?xml version="1.0" encoding="UTF-8"?>
      <svg xmlns="http://www.w3.org/2000/svg" width="\(fixed(width))" height="\(fixed(height))" viewBox="0 0 \(fixed(width)) \(fixed(height))" font-family="DejaVu Sans, Arial, sans-serif">
      <defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#333333"/></marker></defs>
      <rect x="0" y="0" width="\(fixed(width))" height="\(fixed(height))" fill="#FFFFFF"/>
      \(body)</svg>

      """
  }
}

enum SVGText {
  /// Lines of at most `limit` characters, broken at spaces (a longer word stays whole).
  static func lines(_ text: String, _ limit: Int) -> [String] {
    var lines: [String] = []
    var current = ""
    for word in text.split(separator: " ") {
      if current.isEmpty {
        current = String(word)
      } else if current.count + 1 + word.count <= limit {
        current += " " + word
      } else {
        lines.append(current)
        current = String(word)
      }
    }
    lines.append(current)
    return lines
  }

  /// Shortens text to at most `limit` characters at a word boundary ("…" marks the cut).
  static func wrap(_ text: String, _ limit: Int) -> String {
    guard text.count > limit else { return text }
    var result = ""
    for word in text.split(separator: " ") {
      let next = result.isEmpty ? String(word) : result + " " + word
      if next.count > limit - 1 { break }
      result = next
    }
    return (result.isEmpty ? String(text.prefix(limit - 1)) : result) + "…"
  }
}
