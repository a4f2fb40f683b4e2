import SurvivalKit
import SurvivalSupport

/// `kind = "proportion"`: the share of patients with one of `success` levels of a category
/// variable, with its exact Clopper–Pearson interval, overall and optionally by a category.
/// Patients with the variable missing are not counted (their number is reported).
struct ProportionAnalysis: PlanAnalysis {
  static let name = "proportion"
  static let keys = ["variable", "success", "label", "by"]

  let variable: StudyPlan.Variable
  let success: [String]
  let label: String
  let by: StudyPlan.Variable?

  init(table: PlanTable, plan: PlanContext) throws {
    variable = try plan.variable(table, key: "variable", kinds: [.category])
    guard let s = try table.strings("success"), !s.isEmpty else {
      throw table.error(nil, "needs success = [\"...\"] (the levels counted as a success)")
    }
    let levels = variable.orderedLabels
    for level in s where !levels.isEmpty && !levels.contains(level) {
      throw table.error(
        "success",
        "'\(level)' is not a level of '\(variable.name)' (\(levels.joined(separator: ", ")))")
    }
    success = s
    label = try table.string("label") ?? table.name
    by = table.has("by") ? try plan.variable(table, key: "by", kinds: [.category]) : nil
  }

  func run(_ context: AnalysisContext) throws -> AnalysisOutput {
    let w = context.words
    let f = context.format
    var out = AnalysisOutput()
    let column = try context.table.column(named: variable.name)
    let level = context.plan.confLevel
    let levelText = NumberFormatting.shortest(level * 100)
    func proportion(_ rows: [Int]) throws -> (Proportion?, Int) {
      var count = 0
      var total = 0
      var missing = 0
      for i in rows {
        guard let value = column.text(at: i) else {
          missing += 1
          continue
        }
        total += 1
        if success.contains(value) { count += 1 }
      }
      return (
        total == 0 ? nil : try Proportion(count: count, total: total, confLevel: level), missing
      )
    }
    func json(_ p: Proportion?, _ missing: Int) -> [(String, JSONValue)] {
      [
        ("count", .optional(p.map { Double($0.count) })),
        ("total", .optional(p.map { Double($0.total) })),
        ("estimate", .optional(p?.estimate)), ("lower", .optional(p?.lower)),
        ("upper", .optional(p?.upper)), ("missing", .number(Double(missing))),
      ]
    }
    let (overall, missing) = try proportion(Array(0..<context.table.rowCount))
    guard let overall else {
      throw SurvivalKitError.insufficientData(
        message:
          "analysis '\(context.id)': no patient in population '\(context.population.name)' has '\(variable.name)'"
      )
    }
    out.json = [
      ("variable", .string(variable.name)), ("success", .array(success.map { .string($0) })),
    ]
    out.json += json(overall, missing)
    let sentence = w.proportionHeadline(
      label, f.percent(overall.estimate), overall.count, overall.total, levelText,
      f.percentRange(overall.lower, overall.upper))
    out.headline.append(sentence)
    var rows = [
      [
        w.all, "\(overall.count) / \(overall.total)", f.percent(overall.estimate),
        f.percentRange(overall.lower, overall.upper),
      ]
    ]
    if let by {
      let groupColumn = try context.table.column(named: by.name)
      var groups: [JSONValue] = []
      var labels = by.orderedLabels
      for i in 0..<context.table.rowCount {
        if let t = groupColumn.text(at: i), !labels.contains(t) { labels.append(t) }
      }
      for g in labels {
        let rowsOfGroup = (0..<context.table.rowCount).filter { groupColumn.text(at: $0) == g }
        if rowsOfGroup.isEmpty { continue }
        let (p, m) = try proportion(rowsOfGroup)
        groups.append(.object([("group", .string(g))] + json(p, m)))
        rows.append([
          g, p.map { "\($0.count) / \($0.total)" } ?? "0 / 0", f.percent(p?.estimate),
          p.map { f.percentRange($0.lower, $0.upper) } ?? "",
        ])
      }
      out.json.append(("by", .string(by.name)))
      out.json.append(("groups", .array(groups)))
    }
    out.blocks.append(.paragraph(sentence))
    out.blocks.append(.table(header: [w.group, label, "%", w.ciColumn(levelText)], rows: rows))
    out.method = w.proportionMethod(label, success.joined(separator: " + "), levelText)
    return out
  }
}
