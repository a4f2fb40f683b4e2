import ArgumentParser
import SurvivalKit

/// `survkit cif FILE FORMULA`: Aalen–Johansen cumulative incidence and Gray's test.
struct CIFCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cif",
    abstract: "Cumulative incidence of competing events (R's survfit with a factor status).",
    discussion: """
      The status column holds the cause: the censoring level (default 0, or the first text
      level) or one of the competing event types. Gray's test (cmprsk::cuminc) compares the
      groups per cause, within strata().
      Examples:
        survkit cif datasets/mgus2.csv "Surv(etime, event) ~ sex"
        survkit cif datasets/transplant.csv "Surv(futime, event) ~ abo" --times 30,365 --svg cif.svg
      """
  )

  @Argument(help: "CSV file with a header row.")
  var file: String

  @Argument(help: "Formula, e.g. \"Surv(time, cause) ~ group + strata(centre)\".")
  var formula: String

  @OptionGroup var input: CSVInputOptions

  @Option(help: "The status level meaning censored (default: 0, or the first text level).")
  var censored: String?

  @Option(help: "Column of positive case weights.")
  var weights: String?

  @Option(help: "Confidence level, between 0 and 1.")
  var confLevel: Double = 0.95

  @Option(help: "Comma-separated times at which the table reports the incidence.")
  var times: String?

  @Option(help: "Gray's test weight (1 - F(t-))^rho (cmprsk::cuminc's rho).")
  var rho: Double = 0

  @Option(help: "Write the figure (SVG) to this file.")
  var svg: String?

  @Option(help: "Output format: table, json or csv.")
  var format: OutputFormat = .table

  func validate() throws {
    guard confLevel > 0 && confLevel < 1 else {
      throw ValidationError("--conf-level must be between 0 and 1, e.g. 0.95 (got \(confLevel))")
    }
    _ = try parsedTimes()
    guard rho.isFinite else { throw ValidationError("--rho must be a finite number") }
  }

  func parsedTimes() throws -> [Double] {
    guard let times else { return [] }
    return try times.split(separator: ",").map { part in
      let item = part.trimmingCharacters(in: " ")
      guard let v = Double(item), v.isFinite, v >= 0 else {
        throw ValidationError("--times must be comma-separated times >= 0; '\(item)' is not one")
      }
      return v
    }
  }

  func run() throws {
    try runReportingErrors {
      // Parse first, so that only the columns the formula uses are read and typed.
      let parsed = try Formula(formula)
      let table = try CSVReader.read(
        path: file, options: input.csvOptions.only(parsed.variables + (weights.map { [$0] } ?? [])))
      let sample = try CompetingRiskSample(
        table: table, formula: parsed, censoring: censored, weights: weights)
      let fit = try CumulativeIncidence.fit(sample, confLevel: confLevel)
      let gray =
        sample.groups.labels.count > 1 && sample.weights == nil && sample.entry == nil
        ? try GrayTest.test(sample, rho: rho) : nil
      if let svg {
        let figure = CumulativeIncidencePlot(title: "Cumulative incidence").svg(fit)
        try FileOutput.write(figure, to: svg)
      }
      switch format {
      case .json: FileHandleOutput.standardOutput(fit.json(gray: gray).serialized())
      case .csv: FileHandleOutput.standardOutput(fit.csv())
      case .table:
        var text = fit.table(times: try parsedTimes(), gray: gray)
        if gray == nil && sample.groups.labels.count > 1 {
          text +=
            "\nGray's test: not computed (it takes right-censored, unweighted data, as "
            + "cmprsk::cuminc)\n"
        }
        FileHandleOutput.standardOutput(text)
      }
    }
  }
}
