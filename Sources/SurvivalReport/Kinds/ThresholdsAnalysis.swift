import SurvivalKit
import SurvivalSupport

/// `kind = "thresholds"`: for each cutpoint of a numeric marker, patients at or above it versus
/// below: the split's sizes, the log-rank p and the Cox hazard ratio (high vs low). A split
/// with everyone on one side says so, and why (an inclusion criterion, when the plan states
/// one), instead of printing "not estimable".
struct ThresholdsAnalysis: PlanAnalysis {
  static let name = "thresholds"
  static let keys = ["endpoint", "marker", "cutpoints"]

  let endpoint: StudyPlan.Endpoint
  let marker: StudyPlan.Variable
  let cutpoints: [Double]

  var forestCapable: Bool { true }

  init(table: PlanTable, plan: PlanContext) throws {
    endpoint = try plan.endpoint(table)
    marker = try plan.variable(table, key: "marker", kinds: [.number])
    guard
      let cuts = try table.numbers("cutpoints", "finite values of the marker", { $0.isFinite }),
      !cuts.isEmpty
    else {
      throw table.error(nil, "needs cutpoints = [...] (values of the marker to split at)")
    }
    if let lo = marker.minimum, let hi = marker.maximum {
      for c in cuts where c < lo || c > hi {
        throw table.error(
          "cutpoints",
          "cutpoint \(NumberFormatting.shortest(c)) is outside the marker's range [\(NumberFormatting.shortest(lo)), \(NumberFormatting.shortest(hi))]"
        )
      }
    }
    cutpoints = cuts
  }

  func run(_ context: AnalysisContext) throws -> AnalysisOutput {
    let w = context.words
    let f = context.format
    var out = AnalysisOutput()
    guard case .numeric(let values) = try context.table.column(named: marker.name).values else {
      throw SurvivalKitError.invalidData(
        line: nil, column: marker.name, message: "the marker must be a number")
    }
    let level = NumberFormatting.shortest(context.plan.confLevel * 100)
    let unit = marker.unit.map { " \($0)" } ?? ""
    var json: [JSONValue] = []
    var rows: [[String]] = []
    for t in cutpoints {
      let name = "\(marker.name)__cut"
      let cutText = "\(NumberFormatting.shortest(t))\(unit)"
      let low = "\(marker.label) < \(cutText)"
      let high = "\(marker.label) >= \(cutText)"
      let present = values.filter { !$0.isNaN }
      let nHigh = present.filter { $0 >= t }.count
      let nLow = present.count - nHigh
      var logrankP: Double? = nil
      var coefficient: CoxFit.Coefficient? = nil
      var note: String? = nil
      let label = w.splitLabel(marker.label, f.shortest(t), marker.unit)
      if nHigh == 0 || nLow == 0 {
        let side = nHigh == 0 ? w.atOrAbove : w.below
        let message =
          marker.inclusion.map {
            w.splitEmptyByInclusion(context.id, label, side, context.population.label, $0)
          } ?? w.splitEmpty(context.id, label, side, context.population.label)
        note = message
        out.warnings.append(
          Estimability(
            analysis: context.id, code: marker.inclusion == nil ? .emptySide : .inclusionCriterion,
            term: label, message: message))
      } else {
        var columns = context.table.columns
        columns.append(
          Column(
            name: name,
            values: .text(
              levels: [low, high], codes: values.map { $0.isNaN ? -1 : ($0 >= t ? 1 : 0) })))
        let table = DataTable(columns: columns, lineNumbers: context.table.lineNumbers)
        let formula = try Formula("Surv(\(endpoint.name)_time, \(endpoint.name)_event) ~ \(name)")
        let sample = try SurvivalSample(table: table, formula: formula, timefix: true)
        logrankP = try LogRank.test(sample).p
        var options = CoxOptions()
        options.confLevel = context.plan.confLevel
        let fit = try CoxModel.fit(table: table, formula: formula, options: options)
        var events = [0, 0]
        for i in 0..<sample.count { events[Int(sample.groups.codes[i])] += Int(sample.status[i]) }
        for (k, e) in events.enumerated() where e == 0 {
          out.warnings.append(
            Estimability(
              analysis: context.id, code: .noEvents, term: label,
              message: w.noEventsInGroup(context.id, k == 0 ? low : high, endpoint.short)))
        }
        if fit.warnings.isEmpty {
          coefficient = fit.coefficients.first
        } else {
          let message = w.thresholdNotEstimable(
            context.id, label, fit.warnings.joined(separator: "; "))
          note = message
          out.warnings.append(
            Estimability(
              analysis: context.id, code: .monotoneLikelihood, term: label, message: message))
        }
      }
      json.append(
        .object([
          ("threshold", .number(t)), ("high", .number(Double(nHigh))),
          ("low", .number(Double(nLow))),
          ("logrank_p", .optional(logrankP)), ("hr", .optional(coefficient?.hazardRatio)),
          ("lower", .optional(coefficient?.lower)), ("upper", .optional(coefficient?.upper)),
          ("cox_p", .optional(coefficient?.p)), ("note", note.map { .string($0) } ?? .null),
        ]))
      rows.append([
        "≥ \(f.shortest(t))\(unit)", "\(nHigh) / \(nLow)", f.p(logrankP),
        coefficient.map(f.hazardRatio) ?? w.notEstimableSeeNotes,
      ])
      out.forestRows.append(
        ForestPlot.Row(
          label: label, estimate: coefficient?.hazardRatio, lower: coefficient?.lower,
          upper: coefficient?.upper, p: coefficient?.p,
          model: w.splitModel(endpoint.short, marker.label, f.shortest(t), marker.unit)))
    }
    out.json = [
      ("endpoint", .string(endpoint.name)), ("marker", .string(marker.name)),
      ("splits", .array(json)),
    ]
    out.blocks.append(
      .table(
        header: [
          w.splitAt(marker.label), w.highLow, w.logrankP(endpoint.short), w.hrHighLow(level),
        ],
        rows: rows))
    out.method = w.thresholdsMethod(marker.label)
    return out
  }
}
