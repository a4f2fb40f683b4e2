import ArgumentParser
import SurvivalKit
import SurvivalReport

/// `survkit cox FILE FORMULA`: Cox proportional hazards regression.
struct CoxCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cox",
    abstract: "Cox proportional hazards regression (R's coxph).",
    discussion: """
      Examples:
        survkit cox datasets/lung.csv "Surv(time, status) ~ age + sex"
        survkit cox datasets/veteran.csv "Surv(time, status) ~ trt + celltype" --reference celltype=squamous
        survkit cox datasets/lung.csv "Surv(time, status) ~ age + sex + cluster(inst)" --zph
      """
  )

  @Argument(help: "CSV file with a header row.")
  var file: String

  @Argument(help: "Formula, e.g. \"Surv(time, status) ~ age + sex + strata(centre)\".")
  var formula: String

  @OptionGroup var input: CSVInputOptions

  @Option(help: "Tie handling: efron, breslow or exact.")
  var ties: String = "efron"

  @Option(help: "Column of positive case weights.")
  var weights: String?

  @Flag(
    inversion: .prefixedNo,
    help: ArgumentHelp(
      "Robust (sandwich) standard errors, each row its own cluster.",
      discussion: "Default as R's coxph: on when any case weight is not an integer, else off."))
  var robust: Bool? = nil

  @Option(
    parsing: .upToNextOption, help: "Reference levels, e.g. --reference nosology=osteosarcoma.")
  var reference: [String] = []

  @Option(help: "Confidence level, between 0 and 1.")
  var confLevel: Double = 0.95

  @Option(help: "Maximum Newton-Raphson iterations.")
  var maxIterations: Int = 20

  @Option(help: "Convergence: relative change of the log partial likelihood.")
  var epsilon: Double = 1e-9

  @Flag(help: "Also test proportional hazards (R's cox.zph, km transform).")
  var zph = false

  @Option(help: "Time transform for --zph: km, identity, rank or log.")
  var zphTransform: String = "km"

  @Option(help: "Output format: table, json or csv.")
  var format: OutputFormat = .table

  func validate() throws {
    guard CoxTies(rawValue: ties.lowercased()) != nil else {
      throw ValidationError("--ties must be efron, breslow or exact (got '\(ties)')")
    }
    guard confLevel > 0 && confLevel < 1 else {
      throw ValidationError("--conf-level must be between 0 and 1, e.g. 0.95 (got \(confLevel))")
    }
    guard maxIterations >= 0 else { throw ValidationError("--max-iterations must be >= 0") }
    guard epsilon > 0 && epsilon < 1 else { throw ValidationError("--epsilon must be in (0, 1)") }
    _ = try parsedReferences()
    guard CoxZPH.Transform(rawValue: zphTransform.lowercased()) != nil else {
      throw ValidationError("--zph-transform must be km, identity, rank or log")
    }
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
      // Parse first, so that only the columns the formula uses are read and typed.
      let parsed = try Formula(formula)
      let table = try CSVReader.read(
        path: file, options: input.csvOptions.only(parsed.variables + (weights.map { [$0] } ?? [])))
      var options = CoxOptions()
      options.ties = CoxTies(rawValue: ties.lowercased())!
      options.weights = weights
      options.robust = robust
      options.confLevel = confLevel
      options.maxIterations = maxIterations
      options.epsilon = epsilon
      options.references = try parsedReferences()
      let fit = try CoxModel.fit(table: table, formula: parsed, options: options)
      let test =
        zph
        ? try CoxZPH.test(
          fit: fit, transform: CoxZPH.Transform(rawValue: zphTransform.lowercased())!) : nil
      switch format {
      case .json: FileHandleOutput.standardOutput(fit.json(zph: test).serialized())
      case .csv: FileHandleOutput.standardOutput(fit.csv())
      case .table: FileHandleOutput.standardOutput(fit.table(zph: test))
      }
    }
  }
}
