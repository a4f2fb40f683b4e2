import ArgumentParser
import SurvivalKit

/// `survkit table FILE FORMULA`: response by group, with rates and tests.
struct TableCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "table",
    abstract: "Response by group: counts, rates with intervals, chi-square and exact tests.",
    discussion: """
      The response is a column (0/1, TRUE/FALSE or any codes) or an expression such as
      best %in% c("CR","PR"); rows with a missing response or group are dropped and counted.
      Examples:
        survkit table trial.csv 'best %in% c("CR","PR") ~ nosology' --exact
        survkit table trial.csv "best ~ nosology" --exact
        survkit table trial.csv "response ~ dose" --exact --trend 1,2,3
      """
  )

  @Argument(help: "CSV file with a header row.")
  var file: String

  @Argument(help: "Formula \"response ~ group\".")
  var formula: String

  @OptionGroup var input: CSVInputOptions

  @Flag(help: "Fisher's exact test (Freeman-Halton for tables larger than 2 x 2).")
  var exact = false

  @Option(help: "Scores of the groups in table order for the exact Cochran-Armitage trend test.")
  var trend: String?

  @Option(help: "Interval of the rates: clopper-pearson, wilson or agresti-coull.")
  var interval: String = "clopper-pearson"

  @Option(help: "Confidence level, between 0 and 1.")
  var confLevel: Double = 0.95

  @Option(help: "Output format: table, json or csv.")
  var format: OutputFormat = .table

  func validate() throws {
    guard BinomialInterval(rawValue: interval.lowercased()) != nil else {
      throw ValidationError(
        "--interval must be clopper-pearson, wilson or agresti-coull (got '\(interval)')")
    }
    guard confLevel > 0 && confLevel < 1 else {
      throw ValidationError("--conf-level must be between 0 and 1, e.g. 0.95 (got \(confLevel))")
    }
    _ = try scores()
  }

  func scores() throws -> [Double]? {
    guard let trend else { return nil }
    let values = trend.split(separator: ",").map { Double(String($0.filter { $0 != " " })) }
    guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else {
      throw ValidationError(
        "--trend takes numbers separated by commas, e.g. 1,2,3 (got '\(trend)')")
    }
    return values.map { $0! }
  }

  func run() throws {
    try runReportingErrors {
      let data = try CSVReader.read(path: file, options: input.csvOptions)
      let table = try ContingencyTable(table: data, formula: try ResponseFormula(formula))
      let scores = try scores()
      if let scores, scores.count != table.rowLabels.count {
        throw SurvivalKitError.invalidArgument(
          name: "--trend",
          message: "\(scores.count) scores for \(table.rowLabels.count) groups ("
            + table.rowLabels.joined(separator: ", ") + "); give one score per group in this order")
      }
      let analysis = try ResponseTableAnalysis(
        table: table, exact: exact, trend: scores,
        interval: BinomialInterval(rawValue: interval.lowercased())!, confLevel: confLevel)
      switch format {
      case .json: FileHandleOutput.standardOutput(analysis.json().serialized())
      case .csv: FileHandleOutput.standardOutput(analysis.csv())
      case .table: FileHandleOutput.standardOutput(analysis.table())
      }
    }
  }
}
