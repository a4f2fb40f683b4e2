import SurvivalKit
import SurvivalSupport

/// `kind = "maxstat"`: the maximally selected log-rank statistic over a marker's cutpoints,
/// with the Lausen–Schumacher (1992) selection-adjusted p-value; the naive p of the best split
/// is given for contrast only.
struct MaxstatAnalysis: PlanAnalysis {
  static let name = "maxstat"
  static let keys = ["endpoint", "marker", "min_proportion"]

  let endpoint: StudyPlan.Endpoint
  let marker: StudyPlan.Variable
  let minProportion: Double

  init(table: PlanTable, plan: PlanContext) throws {
    endpoint = try plan.endpoint(table)
    marker = try plan.variable(table, key: "marker", kinds: [.number])
    minProportion =
      try table.number("min_proportion", "strictly between 0 and 0.5") { $0 > 0 && $0 < 0.5 }
      ?? 0.1
  }

  func run(_ context: AnalysisContext) throws -> AnalysisOutput {
    let w = context.words
    let f = context.format
    var out = AnalysisOutput()
    // The endpoint's own times (as the engine's maxstat takes them), rows with the marker.
    let table = context.table
    guard case .numeric(let all) = try table.column(named: marker.name).values,
      case .numeric(let times) = try table.column(named: "\(endpoint.name)_time").values,
      case .numeric(let events) = try table.column(named: "\(endpoint.name)_event").values
    else {
      throw SurvivalKitError.invalidData(line: nil, column: marker.name, message: "not a number")
    }
    var time: [Double] = []
    var status: [UInt8] = []
    var values: [Double] = []
    for i in 0..<table.rowCount where !all[i].isNaN && !times[i].isNaN {
      time.append(times[i])
      status.append(UInt8(events[i]))
      values.append(all[i])
    }
    let m = try MaximallySelectedLogRank(
      time: time, status: status, marker: values, minProportion: minProportion)
    out.json = [
      ("endpoint", .string(endpoint.name)), ("marker", .string(marker.name)),
      ("cutpoint", .number(m.cutpoint)), ("statistic", .number(m.statistic)),
      ("adjusted_p", .number(m.adjustedP)), ("naive_p", .number(m.naiveP)),
      ("candidates", .number(Double(m.candidates))), ("min_proportion", .number(m.minProportion)),
    ]
    out.blocks.append(
      .paragraph(
        w.maxstatSentence(
          marker.label, m.candidates, f.shortest(minProportion * 100),
          f.shortest(100 - minProportion * 100), f.number(m.cutpoint), marker.unit,
          f.number(m.statistic, decimals: 2), f.pEquals(m.adjustedP), f.p(m.naiveP))))
    out.method = w.maxstatMethod(marker.label)
    return out
  }
}
