import SurvivalKit
import SurvivalSupport

/// Runs every analysis of a plan and assembles results.json, the report document and the
/// figures. Every number comes from the library's estimators through the analysis kinds.
public struct StudyReport: Sendable {
  /// results.json: inputs, study, populations, flow, every analysis, warnings and methods.
  public let results: JSONValue
  /// report.md and report.html are rendered from this document.
  public let document: ReportDocument
  /// File name (under figures/) and SVG text.
  public let figures: [(name: String, svg: String)]
  /// Every estimability warning, in analysis order.
  public let warnings: [Estimability]
  /// The data as the plan read them.
  package let study: StudyData

  package init(
    plan: StudyPlan, planBytes: [UInt8], dataBytes: [UInt8], screeningBytes: [UInt8]? = nil,
    inputs: [String: [UInt8]]? = nil
  ) throws {
    let study = try StudyData(plan: plan, dataBytes: dataBytes)
    self.study = study
    let language = plan.language
    let w = language.words
    let longest = max(study.longestTime, 0)
    if longest / plan.plotStep > 100 {
      throw SurvivalKitError.invalidData(
        line: plan.plotStepLine, column: nil,
        message:
          "plan: plot_step \(NumberFormatting.shortest(plan.plotStep)) would draw \(Int((longest / plan.plotStep).rounded(.up))) ticks over \(NumberFormatting.fixed(longest, decimals: 1)) \(plan.timeUnit) of follow-up; use a step of at least \(NumberFormatting.shortest((longest / 100).rounded(.up))) (at most 100 ticks)"
      )
    }
    let ticks = stride(from: 0.0, through: max(plan.plotStep, longest), by: plan.plotStep).map {
      $0
    }
    var populationRows: [String: [Int]] = [:]
    for p in plan.populations { populationRows[p.name] = try study.rows(of: p) }

    var figures: [(name: String, svg: String)] = []
    var warnings: [Estimability] = []
    var analysisJSON: [(String, JSONValue)] = []
    var headline: [String] = []
    var sections: [ReportDocument.Block] = []
    var methods: [(String, String)] = []
    var forestRows: [String: [ForestPlot.Row]] = [:]
    for analysis in plan.analyses {
      if inputs == nil && !analysis.configured.inputFiles.isEmpty { continue }
      let population = plan.population(analysis.population)!
      let context = AnalysisContext(
        id: analysis.id, title: analysis.title, plan: plan, study: study, population: population,
        table: study.subset(populationRows[population.name]!), language: language, ticks: ticks,
        inputs: inputs)
      let output: AnalysisOutput
      do {
        output = try analysis.configured.run(context)
      } catch let error as SurvivalKitError {
        throw SurvivalKitError.invalidData(
          line: analysis.table.line, column: nil,
          message: "plan: analysis '\(analysis.id)' (\(analysis.kind)) cannot be computed: \(error)"
        )
      }
      figures += output.figures
      warnings += output.warnings
      headline += output.headline
      forestRows[analysis.id] = output.forestRows
      if !methods.contains(where: { $0.1 == output.method }) && !output.method.isEmpty {
        methods.append((analysis.id, output.method))
      }
      var members: [(String, JSONValue)] = [
        ("kind", .string(analysis.kind)), ("population", .string(population.name)),
        ("n", .number(Double(context.table.rowCount))),
      ]
      if let t = analysis.title { members.append(("title", .string(t))) }
      members += output.json
      members.append(("estimability", .array(output.warnings.map(\.json))))
      analysisJSON.append((analysis.id, .object(members)))
      sections.append(.heading(level: 2, text: analysis.title ?? analysis.id))
      sections.append(
        .paragraph("\(population.label) (n = \(context.table.rowCount)). [\(analysis.id)]"))
      sections += output.blocks
      for warning in output.warnings { sections.append(.paragraph("⚠ " + warning.message)) }
    }

    // Forest plots.
    for forest in plan.forests {
      let rows = forest.analyses.flatMap { forestRows[$0] ?? [] }
      let title = w.forestTitle(forest.title)
      var plot = ForestPlot(title: title, rows: rows, confLevel: plan.confLevel)
      plot.text = language.plotText
      let svg = plot.svg()
      figures.append((name: "\(forest.name).svg", svg: svg))
      sections.append(.heading(level: 2, text: title))
      sections.append(
        .figure(file: "figures/\(forest.name).svg", svg: svg, caption: w.forestCaption))
    }

    // The document.
    var doc = ReportDocument(title: plan.title, language: language.code)
    let dataSHA = ContentDigest.hex(dataBytes)
    let planSHA = ContentDigest.hex(planBytes)
    doc.blocks.append(
      .paragraph(
        w.dataParagraph(
          file: plan.dataFile, dataSHA: dataSHA, planSHA: planSHA, cutoff: plan.cutoffText ?? "—",
          version: SurvivalKitVersion.string, patients: study.count,
          afterCutoff: study.eventsAfterCutoff)))
    doc.blocks.append(.heading(level: 2, text: w.headlineHeading))
    doc.blocks.append(.bullets(headline))
    doc.blocks.append(.heading(level: 2, text: w.populationsHeading))
    doc.blocks.append(
      .table(
        header: w.populationHeader,
        rows: plan.populations.map { p in
          w.populationRow(
            p.label, p.name, populationRows[p.name]!.count,
            p.conditions.isEmpty ? w.everyone : p.conditions.map(\.source).joined(separator: "; "))
        }))
    var flowJSON: JSONValue? = nil
    if let screening = plan.screening, let screeningBytes {
      let flow = try ConsortFlow(
        screening: screening, bytes: screeningBytes, study: study, plan: plan,
        populationRows: populationRows)
      doc.blocks.append(.heading(level: 2, text: w.flowHeading))
      doc.blocks.append(.table(header: w.flowHeader, rows: flow.rows(w)))
      let svg = flow.svg(w)
      figures.insert((name: "flow.svg", svg: svg), at: 0)
      doc.blocks.append(
        .figure(
          file: "figures/flow.svg", svg: svg, caption: w.flowCaption(flow.screened, flow.enrolled)))
      flowJSON = flow.json
    }
    doc.blocks += sections
    doc.blocks.append(.heading(level: 2, text: w.estimabilityHeading))
    doc.blocks.append(
      warnings.isEmpty ? .paragraph(w.noEstimabilityIssues) : .bullets(warnings.map(\.message)))
    doc.blocks.append(.heading(level: 2, text: w.methodsHeading))
    doc.blocks.append(.bullets(methods.map(\.1)))

    var top: [(String, JSONValue)] = [
      ("title", .string(plan.title)),
      ("language", .string(language.code)),
      (
        "engine",
        .object([("name", .string("SurvivalKit")), ("version", .string(SurvivalKitVersion.string))])
      ),
      (
        "inputs",
        .object([
          ("data_file", .string(plan.dataFile)), ("data_sha256", .string(dataSHA)),
          ("plan_sha256", .string(planSHA)),
        ])
      ),
      (
        "study",
        .object([
          ("patients", .number(Double(study.count))),
          ("cutoff", plan.cutoffText.map { .string($0) } ?? .null),
          ("event_dates_after_cutoff_not_counted", .number(Double(study.eventsAfterCutoff))),
          ("time_unit", .string(plan.timeUnit)), ("days_per_unit", .number(plan.daysPerUnit)),
        ])
      ),
      (
        "populations",
        .array(
          plan.populations.map { p in
            .object([
              ("id", .string(p.name)), ("label", .string(p.label)),
              ("n", .number(Double(populationRows[p.name]!.count))),
              ("where", .array(p.conditions.map { .string($0.source) })),
            ])
          })
      ),
    ]
    if let flowJSON { top.append(("flow", flowJSON)) }
    top.append(("analyses", .object(analysisJSON)))
    top.append(("warnings", .array(warnings.map(\.json))))
    top.append(("methods", .object(methods.map { ($0.0, .string($0.1)) })))
    results = .object(top)
    document = doc
    self.figures = figures
    self.warnings = warnings
  }
}
