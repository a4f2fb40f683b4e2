import SurvivalKit
import SurvivalSupport

/// `kind = "cif"`: Aalen–Johansen cumulative incidence of every cause of a competing-risk
/// formula `Surv(time, cause) ~ groups` (the cause column itself as the status), with the
/// incidence at landmark times, Gray's test between the groups, and a figure.
struct CumulativeIncidenceAnalysis: PlanAnalysis {
  static let name = "cif"
  static let keys = ["formula", "censored", "times", "figure"]

  let formula: Formula
  let censored: String?
  let times: [Double]
  let figure: Bool

  init(table: PlanTable, plan: PlanContext) throws {
    formula = try plan.competingFormula(table, key: "formula")
    censored = try table.string("censored")
    times =
      try table.numbers("times", "times since the origin, 0 or more") { $0 >= 0 && $0.isFinite }
      ?? []
    figure = try table.bool("figure") ?? true
  }

  func run(_ context: AnalysisContext) throws -> AnalysisOutput {
    let w = context.words
    let f = context.format
    let plan = context.plan
    var out = AnalysisOutput()
    let sample = try CompetingRiskSample(
      table: context.table, formula: formula, censoring: censored)
    let fit = try CumulativeIncidence.fit(sample, confLevel: plan.confLevel)
    let gray = sample.groups.labels.count > 1 ? try GrayTest.test(sample) : nil
    let level = NumberFormatting.shortest(plan.confLevel * 100)
    var landmarkJSON: [JSONValue] = []
    var rows: [[String]] = []
    for curve in fit.curves {
      for (c, cause) in curve.causes.enumerated() {
        let at = curve.incidence(cause: c, at: times)
        landmarkJSON.append(
          .object([
            ("group", .string(curve.label)), ("cause", .string(cause.cause)),
            (
              "at",
              .array(
                at.map {
                  .object([
                    ("time", .number($0.time)), ("cif", .number($0.incidence)),
                    ("std_err", .number($0.standardError)), ("lower", .optional($0.lower)),
                    ("upper", .optional($0.upper)),
                  ])
                })
            ),
          ]))
        var row = [curve.label, cause.cause, "\(curve.n)", f.number(cause.events, decimals: 0)]
        for a in at {
          row.append(
            "\(f.percentWithSE(a.incidence, a.standardError)) (\(f.percentRange(a.lower, a.upper)))"
          )
        }
        rows.append(row)
      }
    }
    out.json = [
      ("result", fit.json(gray: gray)), ("landmarks", .array(landmarkJSON)),
    ]
    var header = [w.group, w.cause, "n", w.events]
    header += times.map { w.landmarkColumn(plan.landmarkName($0, words: w), level) }
    out.blocks.append(.table(header: header, rows: rows))
    if let gray {
      let sentences = gray.map {
        w.graySentence($0.cause, f.number($0.statistic, decimals: 2), $0.df, f.pEquals($0.p))
      }
      out.blocks.append(.paragraph(sentences.joined(separator: " ")))
    }
    if figure {
      let title = context.title ?? w.cifTitle
      let plot = CumulativeIncidencePlot(
        title: title,
        xLabel: w.unitName(plan.timeUnit).prefix(1).uppercased()
          + w.unitName(plan.timeUnit).dropFirst())
      let svg = plot.svg(fit)
      out.figures.append((name: "\(context.id).svg", svg: svg))
      out.blocks.append(
        .figure(file: "figures/\(context.id).svg", svg: svg, caption: w.cifCaption(title)))
    }
    out.method = w.cifMethod(level)
    return out
  }
}

extension PlanContext {
  /// A whole competing-risk formula `Surv(time, cause) ~ ...` at `key`, every column a variable.
  func competingFormula(_ table: PlanTable, key: String) throws -> Formula {
    let text = try table.required(key, "Surv(time, cause) ~ groups, the cause column as status")
    let formula: Formula
    do {
      formula = try Formula(text)
    } catch {
      throw table.error(key, "\(key) = \"\(text)\" is not a formula: \(error)")
    }
    guard case .column = formula.response.status else {
      throw table.error(
        key,
        "\(key) = \"\(text)\" must name the cause column itself as the status, e.g. Surv(time, cause)"
      )
    }
    for name in formula.variables where variable(name) == nil {
      throw table.error(
        key,
        "\(key) = \"\(text)\" uses '\(name)', which is not a variable; the variables are \(variables.map(\.name).joined(separator: ", "))"
      )
    }
    return formula
  }
}
