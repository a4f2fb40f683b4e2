import SurvivalKit
import SurvivalSupport

/// `kind = "km"`: Kaplan–Meier curves of an endpoint, overall or by a formula's groups, with
/// survival at landmarks, medians (and other quantiles), restricted mean survival, the median
/// follow-up (reverse Kaplan–Meier) and a figure with confidence bands, censoring marks and
/// the number at risk.
struct KaplanMeierAnalysis: PlanAnalysis {
  static let name = "km"
  static let keys = [
    "endpoint", "by", "landmarks", "quantiles", "rmst", "figure", "bands", "follow_up",
  ]

  let endpoint: StudyPlan.Endpoint
  let by: Formula?
  let byText: String?
  let landmarks: [Double]
  let quantiles: [Double]
  let rmst: Double?
  let figure: Bool
  let bands: Bool
  let followUp: Bool

  init(table: PlanTable, plan: PlanContext) throws {
    endpoint = try plan.endpoint(table)
    by = try plan.formula(table, key: "by", required: false)
    byText = try table.string("by")
    landmarks =
      try table.numbers("landmarks", "times since the origin, 0 or more") { $0 >= 0 && $0.isFinite }
      ?? []
    quantiles =
      try table.numbers("quantiles", "probabilities strictly between 0 and 1") { $0 > 0 && $0 < 1 }
      ?? []
    rmst = try table.number("rmst", "a positive time horizon") { $0 > 0 && $0.isFinite }
    figure = try table.bool("figure") ?? true
    bands = try table.bool("bands") ?? true
    followUp = try table.bool("follow_up") ?? false
  }

  func run(_ context: AnalysisContext) throws -> AnalysisOutput {
    let w = context.words
    let f = context.format
    let plan = context.plan
    var out = AnalysisOutput()
    let sample = try context.sample(endpoint, byText ?? "1")
    let fit = KaplanMeierAnalysis.ordered(
      try KaplanMeier.fit(sample, confType: plan.confType, confLevel: plan.confLevel), by: by,
      plan: plan)
    let grouped = by != nil
    let level = NumberFormatting.shortest(plan.confLevel * 100)
    var curvesJSON: [JSONValue] = []
    var rows: [[String]] = []
    for curve in fit.curves {
      let name = grouped ? "\(endpoint.short), \(curve.label)" : endpoint.short
      var members: [(String, JSONValue)] = [
        ("label", .string(curve.label)), ("n", .number(Double(curve.n))),
        ("events", .number(Double(curve.events))),
        ("median", KaplanMeierAnalysis.quantileJSON(curve.median)),
      ]
      var landmarkJSON: [JSONValue] = []
      var row = [
        grouped ? curve.label : endpoint.short, "\(curve.n)", "\(curve.events)",
        f.number(curve.median.estimate),
      ]
      let last = curve.time.last ?? 0
      for (k, a) in try curve.survival(at: landmarks).enumerated() {
        landmarkJSON.append(
          .object([
            ("time", .number(a.time)), ("n_risk", .number(Double(a.nRisk))),
            ("survival", .number(a.survival)),
            ("std_err", .optional(a.standardError)), ("lower", .optional(a.lower)),
            ("upper", .optional(a.upper)),
          ]))
        let t = landmarks[k]
        let landmarkName = plan.landmarkName(t, words: w)
        if a.nRisk == 0 && t > last {
          let message = w.nobodyAtRisk(
            context.id, name, landmarkName, f.number(last), plan.timeUnit)
          out.warnings.append(
            Estimability(
              analysis: context.id, code: .nobodyAtRisk, term: curve.label, message: message))
          row.append(w.notInformative)
          if !grouped || k == 0 {
            out.headline.append(w.landmarkHeadline(landmarkName, name, w.notInformative))
          }
        } else {
          row.append(
            "\(f.percentWithSE(a.survival, a.standardError)) (\(f.percentRange(a.lower, a.upper))), \(w.atRisk) \(a.nRisk)"
          )
          if !grouped || k == 0 {
            out.headline.append(
              w.landmarkHeadline(landmarkName, name, f.percentWithSE(a.survival, a.standardError)))
          }
        }
      }
      members.append(("landmarks", .array(landmarkJSON)))
      if !quantiles.isEmpty {
        members.append(
          (
            "quantiles",
            .array(
              try quantiles.map { p in
                let q = try curve.quantile(p)
                return .object(
                  [("probability", .number(p))] + KaplanMeierAnalysis.quantileMembers(q))
              })
          ))
      }
      if let rmst {
        let r = try curve.restrictedMean(tau: rmst)
        members.append(
          (
            "rmst",
            .object([
              ("tau", .number(r.tau)), ("estimate", .number(r.estimate)),
              ("std_err", .number(r.standardError)),
            ])
          ))
        row.append("\(f.number(r.estimate)) (\(w.standardErrorShort) \(f.number(r.standardError)))")
      }
      curvesJSON.append(.object(members))
      rows.append(row)
    }
    out.json = [
      ("endpoint", .string(endpoint.name)),
      ("formula", .string(sample.formula)),
      ("curves", .array(curvesJSON)),
    ]
    if followUp {
      let reverse = try KaplanMeier.reverse(
        try context.sample(endpoint), confType: plan.confType, confLevel: plan.confLevel
      ).curves[0].median
      out.json.append(("follow_up", KaplanMeierAnalysis.quantileJSON(reverse)))
      out.headline.insert(w.medianFollowUp(f.number(reverse.estimate), plan.timeUnit), at: 0)
    }
    var header = [w.group, "n", w.events, w.medianIn(plan.timeUnit)]
    header += landmarks.map { w.landmarkColumn(plan.landmarkName($0, words: w), level) }
    if let rmst { header.append(w.rmstColumn(f.shortest(rmst), plan.timeUnit)) }
    out.blocks.append(.table(header: header, rows: rows))
    if figure {
      let title =
        context.title ?? (grouped ? w.byTitle(endpoint.label, byLabel(plan)) : endpoint.label)
      var plot = KaplanMeierPlot(
        title: title,
        xLabel: endpoint.axisLabel
          ?? (endpoint.fromDates
            ? w.timeSince(plan.timeUnit, plan.variable(endpoint.origin)?.label ?? endpoint.origin)
            : w.unitName(plan.timeUnit).prefix(1).uppercased()
              + w.unitName(plan.timeUnit).dropFirst()),
        yLabel: endpoint.label, timeTicks: context.ticks)
      plot.showConfidenceBands = bands
      plot.text = context.language.plotText
      let svg = try plot.svg(fit)
      out.figures.append((name: "\(context.id).svg", svg: svg))
      out.blocks.append(
        .figure(
          file: "figures/\(context.id).svg", svg: svg,
          caption: w.kmCaption(title, level, plan.confType.rawValue)))
    }
    out.method = w.kmMethod(level, plan.confType.rawValue, followUp)
    return out
  }

  func byLabel(_ plan: StudyPlan) -> String {
    guard let by else { return "" }
    return by.groupingVariables.map { plan.variable($0)?.label ?? $0 }.joined(separator: ", ")
  }

  /// Curves of a one-variable grouping in the plan's level order, labelled by the level alone.
  static func ordered(_ fit: KaplanMeierFit, by: Formula?, plan: StudyPlan) -> KaplanMeierFit {
    guard let by, by.groupingVariables.count == 1, let v = plan.variable(by.groupingVariables[0])
    else { return fit }
    let prefix = "\(v.name)="
    let order = v.orderedLabels
    let curves = fit.curves.sorted { a, b in
      let la = String(a.label.dropFirst(prefix.count))
      let lb = String(b.label.dropFirst(prefix.count))
      return (order.firstIndex(of: la) ?? Int.max, la) < (order.firstIndex(of: lb) ?? Int.max, lb)
    }.map {
      $0.label.hasPrefix(prefix) ? $0.relabelled(String($0.label.dropFirst(prefix.count))) : $0
    }
    return KaplanMeierFit(
      curves: curves, confType: fit.confType, confLevel: fit.confLevel, dropped: fit.dropped)
  }

  static func quantileJSON(_ q: SurvivalQuantile) -> JSONValue { .object(quantileMembers(q)) }

  static func quantileMembers(_ q: SurvivalQuantile) -> [(String, JSONValue)] {
    [
      ("estimate", .optional(q.estimate)), ("lower", .optional(q.lower)),
      ("upper", .optional(q.upper)),
    ]
  }
}
