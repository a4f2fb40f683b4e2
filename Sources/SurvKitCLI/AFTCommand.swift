import ArgumentParser
import SurvivalKit

/// `survkit aft FILE FORMULA`: parametric (accelerated failure time) survival regression.
struct AFTCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "aft",
    abstract:
      "Parametric survival regression (R's survreg): Weibull, exponential, log-normal, log-logistic.",
    discussion: """
      One scale per strata() stratum; cluster(id) gives robust standard errors. With
      --interval, Surv(left, right) reads interval-censored times (an empty left is
      left-censored, an empty right right-censored).
      Examples:
        survkit aft datasets/lung.csv "Surv(time, status) ~ age + sex" --dist weibull
        survkit aft datasets/lung.csv "Surv(time, status) ~ age + sex" --at age=60,sex=2 --times 180,365
      """
  )

  @Argument(help: "CSV file with a header row.")
  var file: String

  @Argument(help: "Formula, e.g. \"Surv(time, status) ~ age + sex + strata(centre)\".")
  var formula: String

  @OptionGroup var input: CSVInputOptions

  @Option(help: "Distribution: weibull, exponential, lognormal or loglogistic.")
  var dist: String = "weibull"

  @Option(help: "Column of positive case weights.")
  var weights: String?

  @Flag(
    inversion: .prefixedNo,
    help: ArgumentHelp(
      "Robust (sandwich) standard errors.", discussion: "Default as R: on with cluster()."))
  var robust: Bool? = nil

  @Flag(help: "Read Surv(left, right) as interval-censored times.")
  var interval = false

  @Option(
    parsing: .upToNextOption, help: "Reference levels, e.g. --reference nosology=osteosarcoma.")
  var reference: [String] = []

  @Option(help: "Covariate profile for predictions, e.g. age=60,sex=2.")
  var at: String?

  @Option(help: "Comma-separated probabilities of the predicted quantiles (with --at).")
  var quantiles: String = "0.5"

  @Option(help: "Comma-separated times for the predicted survival (with --at).")
  var times: String?

  @Option(help: "Confidence level, between 0 and 1.")
  var confLevel: Double = 0.95

  @Option(help: "Maximum Newton-Raphson iterations.")
  var maxIterations: Int = 30

  @Option(help: "Output format: table, json or csv.")
  var format: OutputFormat = .table

  func validate() throws {
    guard AFTDistribution(rawValue: dist.lowercased()) != nil else {
      throw ValidationError(
        "--dist must be weibull, exponential, lognormal or loglogistic (got '\(dist)')")
    }
    guard confLevel > 0 && confLevel < 1 else {
      throw ValidationError("--conf-level must be between 0 and 1, e.g. 0.95 (got \(confLevel))")
    }
    guard maxIterations >= 1 else { throw ValidationError("--max-iterations must be >= 1") }
    _ = try numbers(quantiles, "--quantiles") { $0 > 0 && $0 < 1 }
    _ = try numbers(times, "--times") { $0 >= 0 && $0.isFinite }
    _ = try pairs(at, "--at")
    for item in reference where !item.contains("=") {
      throw ValidationError("--reference takes var=level (got '\(item)')")
    }
  }

  func numbers(_ text: String?, _ name: String, valid: (Double) -> Bool) throws -> [Double] {
    guard let text else { return [] }
    return try text.split(separator: ",").map { part in
      let item = part.trimmingCharacters(in: " ")
      guard let v = Double(item), valid(v) else {
        throw ValidationError("\(name): '\(item)' is not a valid value")
      }
      return v
    }
  }

  func pairs(_ text: String?, _ name: String) throws -> [String: String] {
    guard let text else { return [:] }
    var out: [String: String] = [:]
    for part in text.split(separator: ",") {
      let kv = part.split(separator: "=", maxSplits: 1).map {
        String($0.trimmingCharacters(in: " "))
      }
      guard kv.count == 2, !kv[0].isEmpty else {
        throw ValidationError("\(name) takes var=value pairs separated by commas (got '\(part)')")
      }
      out[kv[0]] = kv[1]
    }
    return out
  }

  func run() throws {
    try runReportingErrors {
      let parsed = try Formula(formula)
      let table = try CSVReader.read(
        path: file, options: input.csvOptions.only(parsed.variables + (weights.map { [$0] } ?? [])))
      var options = AFTOptions()
      options.distribution = AFTDistribution(rawValue: dist.lowercased())!
      options.weights = weights
      options.robust = robust
      options.interval = interval
      options.confLevel = confLevel
      options.maxIterations = maxIterations
      for item in reference {
        let kv = item.split(separator: "=", maxSplits: 1).map(String.init)
        options.references[kv[0]] = kv[1]
      }
      let fit = try AFTModel.fit(table: table, formula: parsed, options: options)
      var prediction: AFTFit.Prediction? = nil
      let profile = try pairs(at, "--at")
      if !profile.isEmpty {
        let (x, stratum) = try fit.profile(profile)
        let q = try fit.quantiles(
          profile: x, stratum: stratum,
          probabilities: try numbers(quantiles, "--quantiles") { _ in true })
        let t = try numbers(times, "--times") { _ in true }
        prediction = AFTFit.Prediction(
          profile: profile, quantiles: q, times: t,
          survival: try fit.survival(profile: x, stratum: stratum, at: t))
      }
      switch format {
      case .json: FileHandleOutput.standardOutput(fit.json(prediction: prediction).serialized())
      case .csv: FileHandleOutput.standardOutput(fit.csv())
      case .table: FileHandleOutput.standardOutput(fit.table(prediction: prediction))
      }
    }
  }
}
