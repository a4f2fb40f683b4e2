import ArgumentParser
import SurvivalKit

/// `survkit one-sample FILE FORMULA --survival S --at T`: the one-sample log-rank test.
struct OneSampleCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "one-sample",
    abstract: "One-sample log-rank test of observed survival against a reference curve.",
    discussion: """
      Compares the observed events with those an exponential or Weibull reference curve
      predicts over each patient's follow-up (Finkelstein, Muzikansky & Schoenfeld 2003).
      Example:
        survkit one-sample datasets/aml.csv "Surv(time, status) ~ 1" --survival 0.4 --at 24
      """
  )

  @Argument(help: "CSV file with a header row.")
  var file: String

  @Argument(help: "Formula \"Surv(time, status) ~ 1\"; time from entry.")
  var formula: String

  @Option(help: "Reference survival probability at --at.")
  var survival: Double

  @Option(help: "Time of the reference survival probability (same unit as the data).")
  var at: Double

  @Option(help: "Weibull shape of the reference curve (1 = exponential).")
  var shape: Double = 1

  @OptionGroup var input: CSVInputOptions

  @Option(help: "Output format: table or json.")
  var format: OutputFormat = .table

  func validate() throws {
    if format == .csv { throw ValidationError("--format must be table or json") }
  }

  func run() throws {
    try runReportingErrors {
      let table = try CSVReader.read(path: file, options: input.csvOptions)
      let parsed = try Formula(formula)
      guard parsed.terms.isEmpty, parsed.strata.isEmpty, parsed.response.start == nil else {
        throw SurvivalKitError.formulaSyntax(
          formula: formula, position: formula.count,
          message: "the one-sample test takes Surv(time, status) ~ 1 (one group, no entry time)")
      }
      let sample = try SurvivalSample(table: table, formula: parsed)
      try sample.requireRows()
      let reference = try ReferenceSurvival(survival: survival, at: at, shape: shape)
      let test = try OneSampleLogRankTest(
        time: sample.time, status: sample.status.map(Int.init), reference: reference)
      let out: String
      if format == .json {
        out = test.json(reference: reference, n: sample.count, dropped: sample.dropped)
          .serialized()
      } else {
        out = test.table(reference: reference, n: sample.count, dropped: sample.dropped)
      }
      FileHandleOutput.standardOutput(out)
    }
  }
}
