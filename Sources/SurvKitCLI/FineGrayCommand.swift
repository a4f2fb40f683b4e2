import ArgumentParser
import SurvivalKit

/// `survkit finegray FILE FORMULA --cause LEVEL`: Fine–Gray subdistribution-hazards regression.
struct FineGrayCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "finegray",
    abstract: "Fine–Gray subdistribution hazards regression (cmprsk::crr).",
    discussion: """
      The status column holds the cause (see survkit cif). Standard errors are crr's
      Fine–Gray sandwich, which accounts for the estimated censoring distribution.
      Examples:
        survkit finegray datasets/mgus2.csv "Surv(etime, event) ~ age + sex" --cause 1
        survkit finegray datasets/transplant.csv "Surv(futime, event) ~ age + abo" --cause ltx
      """
  )

  @Argument(help: "CSV file with a header row.")
  var file: String

  @Argument(help: "Formula, e.g. \"Surv(time, cause) ~ age + sex\".")
  var formula: String

  @OptionGroup var input: CSVInputOptions

  @Option(help: "The cause modelled (default: the first cause).")
  var cause: String?

  @Option(help: "The status level meaning censored (default: 0, or the first text level).")
  var censored: String?

  @Option(
    parsing: .upToNextOption, help: "Reference levels, e.g. --reference nosology=osteosarcoma.")
  var reference: [String] = []

  @Option(help: "Covariate profile for the predicted cumulative incidence, e.g. age=60,sex=M.")
  var at: String?

  @Option(help: "Comma-separated times of the predicted cumulative incidence (with --at).")
  var times: String?

  @Option(help: "Confidence level, between 0 and 1.")
  var confLevel: Double = 0.95

  @Option(help: "Output format: table, json or csv.")
  var format: OutputFormat = .table

  func validate() throws {
    guard confLevel > 0 && confLevel < 1 else {
      throw ValidationError("--conf-level must be between 0 and 1, e.g. 0.95 (got \(confLevel))")
    }
    for item in reference where !item.contains("=") {
      throw ValidationError("--reference takes var=level (got '\(item)')")
    }
  }

  func run() throws {
    try runReportingErrors {
      let parsed = try Formula(formula)
      let table = try CSVReader.read(path: file, options: input.csvOptions.only(parsed.variables))
      var options = FineGrayOptions()
      options.cause = cause
      options.censoring = censored
      options.confLevel = confLevel
      for item in reference {
        let kv = item.split(separator: "=", maxSplits: 1).map(String.init)
        options.references[kv[0]] = kv[1]
      }
      let fit = try FineGray.fit(table: table, formula: parsed, options: options)
      var prediction: FineGrayFit.Prediction? = nil
      if let at {
        var profile: [String: String] = [:]
        for part in at.split(separator: ",") {
          let kv = part.split(separator: "=", maxSplits: 1).map {
            String($0.trimmingCharacters(in: " "))
          }
          guard kv.count == 2, !kv[0].isEmpty else {
            throw ValidationError("--at takes var=value pairs separated by commas (got '\(part)')")
          }
          profile[kv[0]] = kv[1]
        }
        let t = try (times ?? "").split(separator: ",").map { part -> Double in
          guard let v = Double(part.trimmingCharacters(in: " ")), v.isFinite, v >= 0 else {
            throw ValidationError("--times must be comma-separated times >= 0 (got '\(part)')")
          }
          return v
        }
        prediction = FineGrayFit.Prediction(
          profile: profile, times: t,
          incidence: try fit.incidence(profile: try fit.profile(profile), at: t))
      }
      switch format {
      case .json: FileHandleOutput.standardOutput(fit.json(prediction: prediction).serialized())
      case .csv: FileHandleOutput.standardOutput(fit.csv())
      case .table: FileHandleOutput.standardOutput(fit.table(prediction: prediction))
      }
    }
  }
}
