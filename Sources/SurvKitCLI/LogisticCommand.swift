import ArgumentParser
import SurvivalKit

/// `survkit logistic FILE FORMULA`: logistic regression of a binary response.
struct LogisticCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "logistic",
    abstract: "Logistic regression (R's glm binomial), or Firth's penalised version (logistf).",
    discussion: """
      The response is 0/1, TRUE/FALSE, or an expression such as best %in% c("CR","PR").
      Rows with a missing response or covariate are dropped and counted.
      Examples:
        survkit logistic trial.csv 'best %in% c("CR","PR") ~ gd2 + nosology'
        survkit logistic trial.csv 'best %in% c("CR","PR") ~ gd2 + nosology' --firth
      """
  )

  @Argument(help: "CSV file with a header row.")
  var file: String

  @Argument(help: "Formula, e.g. \"response ~ gd2 + nosology\".")
  var formula: String

  @OptionGroup var input: CSVInputOptions

  @Flag(help: "Firth's penalised likelihood (finite estimates for separated data).")
  var firth = false

  @Option(
    parsing: .upToNextOption, help: "Reference levels, e.g. --reference nosology=osteosarcoma.")
  var reference: [String] = []

  @Option(help: "Confidence level, between 0 and 1.")
  var confLevel: Double = 0.95

  @Option(help: "Maximum Newton-Raphson iterations.")
  var maxIterations: Int = 50

  @Option(help: "Output format: table, json or csv.")
  var format: OutputFormat = .table

  func validate() throws {
    guard confLevel > 0 && confLevel < 1 else {
      throw ValidationError("--conf-level must be between 0 and 1, e.g. 0.95 (got \(confLevel))")
    }
    guard maxIterations >= 1 else { throw ValidationError("--max-iterations must be >= 1") }
    _ = try parsedReferences()
  }

  func parsedReferences() throws -> [String: String] {
    var result: [String: String] = [:]
    for item in reference {
      let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
        throw ValidationError("--reference takes var=level (got '\(item)')")
      }
      result[parts[0]] = parts[1]
    }
    return result
  }

  func run() throws {
    try runReportingErrors {
      let table = try CSVReader.read(path: file, options: input.csvOptions)
      var options = LogisticOptions()
      options.firth = firth
      options.confLevel = confLevel
      options.maxIterations = maxIterations
      options.references = try parsedReferences()
      let fit = try LogisticModel.fit(
        table: table, formula: try ResponseFormula(formula), options: options)
      switch format {
      case .json: FileHandleOutput.standardOutput(fit.json().serialized())
      case .csv: FileHandleOutput.standardOutput(fit.csv())
      case .table: FileHandleOutput.standardOutput(fit.table())
      }
    }
  }
}
