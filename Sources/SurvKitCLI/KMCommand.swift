import ArgumentParser
import SurvivalKit
import SurvivalReport

/// `survkit km FILE FORMULA`: Kaplan–Meier curves, medians, survival at times, RMST.
struct KMCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "km",
    abstract: "Kaplan–Meier survival curves with Greenwood standard errors.",
    discussion: """
      Examples:
        survkit km datasets/lung.csv "Surv(time, status) ~ sex"
        survkit km datasets/aml.csv "Surv(time, status) ~ x" --times 12,24 --rmst 36 --format json
      """
  )

  @Argument(help: "CSV file with a header row.")
  var file: String

  @Argument(
    help: "Formula, e.g. \"Surv(time, status) ~ group\" or \"Surv(time, status == 2) ~ 1\".")
  var formula: String

  @OptionGroup var input: CSVInputOptions

  @Option(help: "Confidence transform: log, log-log, plain, logit or arcsin.")
  var confType: String = "log"

  @Option(help: "Confidence level, between 0 and 1.")
  var confLevel: Double = 0.95

  @Option(help: "Comma-separated times at which to report survival, e.g. 12,24.")
  var times: String?

  @Option(help: "Horizon tau for the restricted mean survival time.")
  var rmst: Double?

  @Option(help: "Comma-separated probabilities of survival-time quantiles, e.g. 0.25,0.75.")
  var quantiles: String?

  @Flag(
    help: ArgumentHelp(
      "Compare the groups' RMST at --rmst TAU (difference, ratio, chi-square; survRM2).",
      discussion: "Without --rmst, tau is the smallest of the groups' largest times."))
  var contrast = false

  @Flag(help: "Reverse Kaplan–Meier (censoring as the event): median follow-up.")
  var reverse = false

  @Option(help: "Output format: table, json or csv.")
  var format: OutputFormat = .table

  func validate() throws {
    guard ConfidenceTransform(name: confType) != nil else {
      throw ValidationError(
        "--conf-type must be log, log-log, plain, logit or arcsin (got '\(confType)')")
    }
    guard confLevel > 0 && confLevel < 1 else {
      throw ValidationError("--conf-level must be between 0 and 1, e.g. 0.95 (got \(confLevel))")
    }
    _ = try parsedTimes()
    _ = try parsedQuantiles()
    if let rmst, !(rmst.isFinite && rmst >= 0) {
      throw ValidationError("--rmst must be a time >= 0 (got \(rmst))")
    }
  }

  func parsedTimes() throws -> [Double] {
    try commaSeparated(times, "--times must be comma-separated numbers") { $0.isFinite }
  }

  func parsedQuantiles() throws -> [Double] {
    try commaSeparated(quantiles, "--quantiles must be probabilities in [0, 1]") {
      $0 >= 0 && $0 <= 1
    }
  }

  /// Parses "a,b,c" into numbers accepted by `valid`; the message names the first bad item.
  func commaSeparated(_ text: String?, _ message: String, valid: (Double) -> Bool) throws
    -> [Double]
  {
    guard let text else { return [] }
    return try text.split(separator: ",").map { part in
      let item = part.trimmingCharacters(in: " ")
      guard let v = Double(item), valid(v) else {
        throw ValidationError("\(message); '\(item)' is not one")
      }
      return v
    }
  }

  func run() throws {
    try runReportingErrors {
      // Parse first, so that only the columns the formula uses are read and typed.
      var timer = PhaseTimer()
      let parsed = try Formula(formula)
      let table = try CSVReader.read(
        path: file, options: input.csvOptions.only(parsed.variables))
      timer.mark("read")
      let sample = try SurvivalSample(table: table, formula: parsed)
      timer.mark("sample")
      let transform = ConfidenceTransform(name: confType)!
      let fit =
        reverse
        ? try KaplanMeier.reverse(sample, confType: transform, confLevel: confLevel)
        : try KaplanMeier.fit(sample, confType: transform, confLevel: confLevel)
      timer.mark("fit")
      let rmstContrast =
        contrast ? try RestrictedMeanContrast.compare(fit, tau: rmst, confLevel: confLevel) : nil
      let options = KaplanMeierFit.ReportOptions(
        times: try parsedTimes(), rmstTau: rmst ?? rmstContrast?.tau,
        quantiles: try parsedQuantiles())
      switch format {
      case .json:
        var json = try fit.json(options: options)
        if let rmstContrast, case .object(var members) = json {
          members.append(("rmst_contrast", rmstContrast.jsonValue))
          json = .object(members)
        }
        FileHandleOutput.standardOutput(json.serialized())
      case .csv:
        FileHandleOutput.standardOutput(fit.csv())
      case .table:
        FileHandleOutput.standardOutput(
          try fit.table(
            formula: reverse
              ? "\(formula)  (reverse Kaplan–Meier: censoring is the event; the median is the median follow-up)"
              : formula, options: options) + (rmstContrast.map { "\n" + $0.table() } ?? ""))
      }
      timer.mark("output")
    }
  }
}

extension Substring {
  func trimmingCharacters(in character: Character) -> String {
    var s = self
    while s.first == character { s.removeFirst() }
    while s.last == character { s.removeLast() }
    return String(s)
  }
}
