import SurvivalKit
import SurvivalSupport

/// Assembles results.json, the report document and the figures of an interim analysis.
extension InterimAnalysis {
  public struct Output: Sendable {
    public let results: JSONValue
    public let document: ReportDocument
    /// File name (under figures/) and SVG text.
    public let figures: [(name: String, svg: String)]
  }

  public func run() throws -> Output {
    let unit = plan.timeUnit
    var figures: [(String, String)] = []
    var doc = ReportDocument(title: plan.title)
    let level = NumberFormatting.shortest(plan.confLevel * 100)

    // Response.
    let (evaluable, orr, dcr) = try responses()
    func proportionJSON(_ p: Proportion) -> JSONValue {
      .object([
        ("count", .number(Double(p.count))), ("total", .number(Double(p.total))),
        ("estimate", .number(p.estimate)), ("lower", .number(p.lower)), ("upper", .number(p.upper)),
      ])
    }

    // Follow-up, OS, PFS.
    let osSample = try sample("os")
    let followUp = try KaplanMeier.reverse(
      osSample, confType: plan.confType, confLevel: plan.confLevel
    ).curves[0].median
    let os = try km("os")
    let pfs = try km("pfs")
    let byNosology = ordered(try km("pfs", by: "nosology"))
    let nosologyTest = try LogRank.test(try sample("pfs", by: "nosology"))

    func landmarksJSON(_ curve: KaplanMeierCurve) throws -> JSONValue {
      .array(
        try curve.survival(at: plan.landmarks).map { a in
          .object([
            ("time", .number(a.time)), ("n_risk", .number(Double(a.nRisk))),
            ("survival", .number(a.survival)),
            ("std_err", .optional(a.standardError)), ("lower", .optional(a.lower)),
            ("upper", .optional(a.upper)),
          ])
        })
    }
    func medianJSON(_ q: SurvivalQuantile) -> JSONValue {
      .object([
        ("estimate", .optional(q.estimate)), ("lower", .optional(q.lower)),
        ("upper", .optional(q.upper)),
      ])
    }
    func curveJSON(_ curve: KaplanMeierCurve) throws -> JSONValue {
      .object([
        ("label", .string(curve.label)), ("n", .number(Double(curve.n))),
        ("events", .number(Double(curve.events))),
        ("median", medianJSON(curve.median)), ("landmarks", try landmarksJSON(curve)),
      ])
    }

    // Cox models.
    // Keys in results.json: the model's terms joined by "_" ("gd2_nosology").
    let models: [(key: String, rhs: String)] = plan.coxModels.map { rhs in
      (
        rhs.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "_" }).joined(
          separator: "_"), rhs
      )
    }
    var coxJSON: [(String, JSONValue)] = []
    var coxFits: [String: CoxFit] = [:]
    for endpoint in ["pfs", "os"] {
      var members: [(String, JSONValue)] = []
      for model in models {
        let fit = try cox(endpoint, model.rhs)
        let zph = try CoxZPH.test(fit: fit)
        coxFits["\(endpoint).\(model.key)"] = fit
        members.append(
          (
            model.key,
            modelJSON(
              fit, zph: zph, formula: "Surv(\(endpoint)_time, \(endpoint)_event) ~ \(model.rhs)")
          ))
      }
      coxJSON.append((endpoint, .object(members)))
    }

    // GD2 thresholds (PFS).
    var thresholdRows: [[String]] = []
    var thresholdJSON: [JSONValue] = []
    var forestRows: [ForestPlot.Row] = []
    for t in plan.gd2Thresholds {
      let column = TrialEndpoints.thresholdColumn(t)
      let high = endpoints.gd2.filter { $0 >= t }.count
      let low = endpoints.count - high
      var logrankP: Double? = nil
      var coefficient: CoxFit.Coefficient? = nil
      var note: String? = nil
      if high == 0 || low == 0 {
        note = "every patient is on one side of \(NumberFormatting.shortest(t)) %: no comparison"
      } else {
        logrankP = try LogRank.test(try sample("pfs", by: column)).p
        let fit = try cox("pfs", column)
        if fit.warnings.isEmpty {
          coefficient = fit.coefficients.first
        } else {
          note = "hazard ratio not estimable: " + fit.warnings.joined(separator: "; ")
        }
      }
      thresholdJSON.append(
        .object([
          ("threshold", .number(t)), ("high", .number(Double(high))), ("low", .number(Double(low))),
          ("logrank_p", .optional(logrankP)), ("hr", .optional(coefficient?.hazardRatio)),
          ("lower", .optional(coefficient?.lower)), ("upper", .optional(coefficient?.upper)),
          ("cox_p", .optional(coefficient?.p)), ("note", note.map { .string($0) } ?? .null),
        ]))
      thresholdRows.append([
        "≥ \(NumberFormatting.shortest(t)) %", "\(high) / \(low)", ReportFormat.p(logrankP),
        coefficient.map(ReportFormat.hazardRatio) ?? "not estimable",
      ])
      forestRows.append(
        ForestPlot.Row(
          label: "GD2 ≥ \(NumberFormatting.shortest(t)) % vs <", estimate: coefficient?.hazardRatio,
          lower: coefficient?.lower, upper: coefficient?.upper, p: coefficient?.p))
    }
    let maxstat = try MaximallySelectedLogRank(
      time: endpoints.pfsTime, status: endpoints.pfsEvent, marker: endpoints.gd2,
      minProportion: plan.maxstatMinProportion)

    // Figures.
    let longest = max(endpoints.osTime.max() ?? 0, endpoints.pfsTime.max() ?? 0)
    if longest / plan.plotStep > 100 {
      throw SurvivalKitError.invalidData(
        line: plan.plotStepLine, column: nil,
        message:
          "plan: plot_step \(NumberFormatting.shortest(plan.plotStep)) would draw \(Int((longest / plan.plotStep).rounded(.up))) ticks over \(NumberFormatting.fixed(longest, decimals: 1)) \(unit) of follow-up; use a step of at least \(NumberFormatting.shortest((longest / 100).rounded(.up))) (at most 100 ticks)"
      )
    }
    let ticks = stride(
      from: 0.0, through: max(plan.plotStep, (endpoints.osTime.max() ?? 0)), by: plan.plotStep
    ).map { $0 }
    let unitLabel = "\(unit.prefix(1).uppercased())\(unit.dropFirst()) since enrolment"
    figures.append(
      (
        "os.svg",
        try KaplanMeierPlot(
          title: "Overall survival", xLabel: unitLabel, yLabel: "Overall survival", timeTicks: ticks
        ).svg(os)
      ))
    figures.append(
      (
        "pfs.svg",
        try KaplanMeierPlot(
          title: "Progression-free survival", xLabel: unitLabel,
          yLabel: "Progression-free survival", timeTicks: ticks
        ).svg(pfs)
      ))
    figures.append(
      (
        "pfs_by_nosology.svg",
        try KaplanMeierPlot(
          title: "Progression-free survival by nosology", xLabel: unitLabel,
          yLabel: "Progression-free survival", timeTicks: ticks
        ).svg(byNosology)
      ))
    if let models = models.last, let both = coxFits["pfs.\(models.key)"] {
      let modelRows = both.coefficients.map { c in
        ForestPlot.Row(
          label: termLabel(c.term, fit: both),
          estimate: c.hazardRatio, lower: c.lower, upper: c.upper, p: c.p)
      }
      figures.append(
        (
          "forest_pfs.svg",
          ForestPlot(
            title: "Progression-free survival: hazard ratios", rows: modelRows + forestRows,
            confLevel: plan.confLevel
          ).svg()
        ))
    }

    // Document.
    let oneYear = plan.landmarks.first ?? 12
    func landmarkText(_ curve: KaplanMeierCurve, _ t: Double) throws -> String {
      let a = try curve.survival(at: [t])[0]
      return ReportFormat.percentWithSE(a.survival, a.standardError)
    }
    doc.blocks.append(
      .paragraph(
        "Data: \(plan.dataFile) (SHA-256 \(dataSHA256)); plan SHA-256 \(planSHA256); cut-off \(plan.cutoffText); "
          + "SurvivalKit \(SurvivalKitVersion.string). \(endpoints.count) patients; "
          + "\(endpoints.eventsAfterCutoff) event\(endpoints.eventsAfterCutoff == 1 ? "" : "s") dated after the cut-off censored at it."
      ))
    doc.blocks.append(.heading(level: 2, text: "Headline figures"))
    var headline = [
      "ORR \(ReportFormat.percent(orr.estimate)) (\(orr.count)/\(orr.total); \(level) % CI \(ReportFormat.percent(orr.lower))–\(ReportFormat.percent(orr.upper)))",
      "DCR \(ReportFormat.percent(dcr.estimate)) (\(dcr.count)/\(dcr.total); \(level) % CI \(ReportFormat.percent(dcr.lower))–\(ReportFormat.percent(dcr.upper)))",
      "Median follow-up \(ReportFormat.number(followUp.estimate)) \(unit) (reverse Kaplan–Meier)",
    ]
    for t in plan.landmarks {
      headline.append(
        "\(landmarkName(t)) OS \(try landmarkText(os.curves[0], t))"
      )
      headline.append(
        "\(landmarkName(t)) PFS \(try landmarkText(pfs.curves[0], t))"
      )
    }
    for curve in byNosology.curves {
      headline.append(
        "\(landmarkName(oneYear)) PFS, \(curve.label): \(try landmarkText(curve, oneYear))"
      )
    }
    headline.append(
      "PFS between nosologies: log-rank χ² = \(ReportFormat.number(nosologyTest.chisq, decimals: 2)) on \(nosologyTest.df) df, p = \(ReportFormat.p(nosologyTest.p))"
    )
    if let gd2 = coxFits["pfs.gd2"]?.coefficients.first {
      headline.append(
        "Cox regression of PFS on GD2 (per 1 %): HR \(ReportFormat.hazardRatio(gd2)), p = \(ReportFormat.p(gd2.p))"
      )
    }
    if let gd2 = coxFits["os.gd2"]?.coefficients.first {
      headline.append(
        "Cox regression of OS on GD2 (per 1 %): HR \(ReportFormat.hazardRatio(gd2)), p = \(ReportFormat.p(gd2.p))"
      )
    }
    doc.blocks.append(.bullets(headline))

    doc.blocks.append(.heading(level: 2, text: "Survival"))
    var survivalRows: [[String]] = []
    for (name, fit) in [("OS", os), ("PFS", pfs)]
      + byNosology.curves.map({
        (
          "PFS, \($0.label)",
          KaplanMeierFit(
            curves: [$0], confType: byNosology.confType, confLevel: byNosology.confLevel, dropped: 0
          )
        )
      })
    {
      let curve = fit.curves[0]
      var row = [name, "\(curve.n)", "\(curve.events)", ReportFormat.number(curve.median.estimate)]
      for t in plan.landmarks {
        let a = try curve.survival(at: [t])[0]
        row.append(
          "\(ReportFormat.percentWithSE(a.survival, a.standardError)) (\(ReportFormat.percent(a.lower))–\(ReportFormat.percent(a.upper))), at risk \(a.nRisk)"
        )
      }
      survivalRows.append(row)
    }
    doc.blocks.append(
      .table(
        header: ["endpoint", "n", "events", "median, \(unit)"]
          + plan.landmarks.map {
            "\(landmarkName($0)): estimate ± SE (\(level) % CI)"
          },
        rows: survivalRows))
    for (name, _) in figures.prefix(3) {
      let caption: String
      switch name {
      case "os.svg":
        caption =
          "Overall survival, Kaplan–Meier with \(level) % pointwise limits (\(plan.confType.rawValue) transform); + marks censoring."
      case "pfs.svg":
        caption = "Progression-free survival, Kaplan–Meier with \(level) % pointwise limits."
      default:
        caption =
          "Progression-free survival by nosology; log-rank p = \(ReportFormat.p(nosologyTest.p))."
      }
      doc.blocks.append(
        .figure(file: "figures/\(name)", svg: figures.first { $0.0 == name }!.1, caption: caption))
    }

    doc.blocks.append(.heading(level: 2, text: "Cox regression"))
    for endpoint in ["pfs", "os"] {
      var rows: [[String]] = []
      for model in models {
        guard let fit = coxFits["\(endpoint).\(model.key)"] else { continue }
        let zph = try CoxZPH.test(fit: fit)
        for c in fit.coefficients {
          rows.append([
            model.rhs, termLabel(c.term, fit: fit), ReportFormat.hazardRatio(c),
            ReportFormat.p(c.p),
            ReportFormat.p(zph.global.p),
          ])
        }
      }
      doc.blocks.append(
        .paragraph(
          "\(endpoint.uppercased()): hazard ratios with \(level) % limits; PH = global cox.zph test of the model."
        ))
      doc.blocks.append(
        .table(header: ["model", "term", "HR (\(level) % CI)", "p", "PH p"], rows: rows))
    }
    if let forest = figures.first(where: { $0.0 == "forest_pfs.svg" }) {
      doc.blocks.append(
        .figure(
          file: "figures/forest_pfs.svg", svg: forest.1,
          caption:
            "Hazard ratios for progression-free survival: the GD2 + nosology model and each GD2 threshold."
        ))
    }

    doc.blocks.append(.heading(level: 2, text: "GD2 thresholds"))
    doc.blocks.append(
      .table(
        header: [
          "GD2-positive at", "n high / low", "log-rank p (PFS)", "HR high vs low (\(level) % CI)",
        ], rows: thresholdRows))
    doc.blocks.append(
      .paragraph(
        "Maximally selected log-rank statistic over GD2 cutpoints (\(maxstat.candidates) candidates between the "
          + "\(NumberFormatting.shortest(plan.maxstatMinProportion * 100)) % and \(NumberFormatting.shortest(100 - plan.maxstatMinProportion * 100)) % quantiles): "
          + "best cutpoint \(ReportFormat.number(maxstat.cutpoint)) %, |Z| = \(ReportFormat.number(maxstat.statistic, decimals: 2)), "
          + "selection-adjusted p = \(ReportFormat.p(maxstat.adjustedP)) (Lausen & Schumacher 1992). The naive p of that split, "
          + "\(ReportFormat.p(maxstat.naiveP)), ignores the search and must not be reported."))

    doc.blocks.append(.heading(level: 2, text: "Methods"))
    let methods = methodTexts()
    doc.blocks.append(.bullets(methods.map { $0.1 }))

    let results: JSONValue = .object([
      ("title", .string(plan.title)),
      (
        "engine",
        .object([("name", .string("SurvivalKit")), ("version", .string(SurvivalKitVersion.string))])
      ),
      (
        "inputs",
        .object([
          ("data_file", .string(plan.dataFile)), ("data_sha256", .string(dataSHA256)),
          ("plan_sha256", .string(planSHA256)),
        ])
      ),
      (
        "population",
        .object([
          ("patients", .number(Double(endpoints.count))), ("cutoff", .string(plan.cutoffText)),
          ("events_after_cutoff_censored", .number(Double(endpoints.eventsAfterCutoff))),
          ("time_unit", .string(unit)), ("days_per_unit", .number(plan.daysPerUnit)),
        ])
      ),
      ("methods", .object(methods.map { ($0.0, .string($0.1)) })),
      (
        "response",
        .object([
          ("evaluable", .number(Double(evaluable))), ("orr", proportionJSON(orr)),
          ("dcr", proportionJSON(dcr)),
        ])
      ),
      ("follow_up", medianJSON(followUp)),
      ("os", try curveJSON(os.curves[0])),
      ("pfs", try curveJSON(pfs.curves[0])),
      (
        "pfs_by_nosology",
        .object([
          ("groups", .array(try byNosology.curves.map(curveJSON))),
          (
            "logrank",
            .object([
              ("chisq", .number(nosologyTest.chisq)), ("df", .number(Double(nosologyTest.df))),
              ("p", .optional(nosologyTest.p)),
            ])
          ),
        ])
      ),
      ("cox", .object(coxJSON)),
      ("gd2_thresholds", .array(thresholdJSON)),
      (
        "gd2_maxstat",
        .object([
          ("cutpoint", .number(maxstat.cutpoint)), ("statistic", .number(maxstat.statistic)),
          ("adjusted_p", .number(maxstat.adjustedP)), ("naive_p", .number(maxstat.naiveP)),
          ("candidates", .number(Double(maxstat.candidates))),
          ("min_proportion", .number(maxstat.minProportion)),
        ])
      ),
    ])
    return Output(results: results, document: doc, figures: figures)
  }

  /// "GD2, per 1 %" and "Ewing sarcoma vs osteosarcoma" instead of R's column names.
  func termLabel(_ term: String, fit: CoxFit) -> String {
    if term == "gd2" { return "GD2, per 1 %" }
    if term.hasPrefix("nosology"), let reference = fit.references["nosology"] {
      return "\(term.dropFirst("nosology".count)) vs \(reference)"
    }
    return term
  }

  func modelJSON(_ fit: CoxFit, zph: CoxZPH, formula: String) -> JSONValue {
    func test(_ t: CoxFit.Test) -> JSONValue { t.jsonValue }
    return .object([
      ("formula", .string(formula)), ("n", .number(Double(fit.n))),
      ("events", .number(Double(fit.events))),
      (
        "references",
        .object(fit.references.keys.sorted().map { ($0, .string(fit.references[$0]!)) })
      ),
      (
        "coefficients",
        .array(
          fit.coefficients.map { c in
            .object([
              ("term", .string(c.term)), ("coef", .optional(c.coef)),
              ("hr", .optional(c.hazardRatio)),
              ("se", .optional(c.standardError)), ("lower", .optional(c.lower)),
              ("upper", .optional(c.upper)),
              ("p", .optional(c.p)),
            ])
          })
      ),
      (
        "tests",
        .object([
          ("likelihood_ratio", test(fit.likelihoodRatio)), ("wald", test(fit.wald)),
          ("score", test(fit.score)),
        ])
      ),
      (
        "concordance",
        fit.concordance?.jsonValue ?? .null
      ),
      (
        "zph",
        .object([
          (
            "terms",
            .array(zph.terms.map(\.jsonValue))
          ),
          (
            "global",
            .object([
              ("chisq", .number(zph.global.chisq)), ("df", .number(Double(zph.global.df))),
              ("p", .number(zph.global.p)),
            ])
          ),
        ])
      ),
      ("warnings", .array(fit.warnings.map { .string($0) })),
    ])
  }

  /// One sentence per method, keyed for results.json.
  func methodTexts() -> [(String, String)] {
    let level = NumberFormatting.shortest(plan.confLevel * 100)
    return [
      (
        "endpoints",
        "OS runs from enrolment to death, censored at last contact; PFS from enrolment to progression or death, whichever came first, censored at last contact; times in \(plan.timeUnit) (days / \(NumberFormatting.shortest(plan.daysPerUnit))); events after the cut-off \(plan.cutoffText) are censored at it."
      ),
      (
        "response",
        "ORR = \(plan.objectiveResponse.joined(separator: " + ")) and DCR = \(plan.diseaseControl.joined(separator: " + ")) among patients with a response assessment, with exact Clopper–Pearson \(level) % intervals."
      ),
      (
        "survival",
        "Kaplan–Meier estimates with Greenwood standard errors and \(level) % pointwise limits on the \(plan.confType.rawValue) scale; medians by R's rule with Brookmeyer–Crowley limits."
      ),
      ("follow_up", "Median follow-up by the reverse Kaplan–Meier method (Schemper & Smith 1996)."),
      ("comparison", "PFS between nosologies by the log-rank test (χ² on groups - 1 df)."),
      (
        "cox",
        "Cox proportional hazards models (Efron ties), hazard ratios with Wald \(level) % limits; proportional hazards checked by cox.zph score tests with the Kaplan–Meier time transform."
      ),
      (
        "thresholds",
        "For each GD2 threshold, patients at or above it versus below: log-rank p and Cox hazard ratio."
      ),
      (
        "maxstat",
        "The maximally selected log-rank statistic over GD2 cutpoints with the Lausen–Schumacher (1992) selection-adjusted p-value, so that a best cutpoint is never reported with a naive p-value."
      ),
    ]
  }
}
