import ArgumentParser
import SurvivalKit

/// `survkit tmerge BASELINE LONG`: counting-process rows with time-dependent covariates.
struct TMergeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tmerge",
    abstract: "Counting-process data with time-dependent covariates (R's tmerge).",
    discussion: """
      Example (then the Mantel-Byar test is the score test of the Cox model):
        survkit tmerge base.csv responses.csv --id id --time time --status status \\
          --add "response=tdc(day)" --output cp.csv
        survkit cox cp.csv "Surv(tstart, tstop, status) ~ response"
      Each patient's follow-up (0 or --start, time] is cut at the dates of the new variables;
      tdc(day[,value]) holds from its day on, event(day[,value]) marks the piece ending then.
      """
  )

  @Argument(help: "Baseline CSV: one row per patient.")
  var baseline: String

  @Argument(help: "Long CSV: one row per dated event (patient id, day, optional value).")
  var long: String

  @OptionGroup var input: CSVInputOptions

  @Option(help: "Patient id column (in both files).")
  var id: String

  @Option(help: "Follow-up time column of the baseline.")
  var time: String

  @Option(help: "Status column (0/1) of the baseline.")
  var status: String

  @Option(help: "Entry time column of the baseline (default: follow-up starts at 0).")
  var start: String?

  @Option(help: "A new variable: name=tdc(day[,value]) or name=event(day[,value]); repeatable.")
  var add: [String] = []

  @Option(help: "Write the CSV to this file (whole or not at all) instead of standard output.")
  var output: String?

  func validate() throws {
    guard !add.isEmpty else {
      throw ValidationError("give at least one --add name=tdc(day) or name=event(day)")
    }
    for a in add { _ = try TimeMergeOperation(parsing: a) }
  }

  func run() throws {
    try runReportingErrors {
      let base = try CSVReader.read(path: baseline, options: input.csvOptions)
      let events = try CSVReader.read(path: long, options: input.csvOptions)
      let merged = try TimeMerge.build(
        baseline: base, id: id, time: time, status: status, start: start, long: events,
        operations: try add.map { try TimeMergeOperation(parsing: $0) })
      let text = TimeMerge.csv(merged)
      if let output {
        try writeWhole(text, to: output)
      } else {
        FileHandleOutput.standardOutput(text)
      }
    }
  }
}

/// `survkit landmark FILE`: the landmark data set at time L.
struct LandmarkCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "landmark",
    abstract: "Landmark data set: patients followed beyond L, time from L, responded by L.",
    discussion: """
      Example (then compare the groups without immortal-time bias):
        survkit landmark base.csv --time time --response-time response_day --at 90 --output lm.csv
        survkit cox lm.csv "Surv(time, status) ~ responded"
      The time column is replaced by time - L; 'responded' is 1 when the response time (empty
      = never) is at or before L.
      """
  )

  @Argument(help: "CSV with one row per patient.")
  var file: String

  @OptionGroup var input: CSVInputOptions

  @Option(help: "Follow-up time column.")
  var time: String

  @Option(help: "Column with the time of response (empty for none).")
  var responseTime: String

  @Option(help: "The landmark time L.")
  var at: Double

  @Option(help: "Write the CSV to this file (whole or not at all) instead of standard output.")
  var output: String?

  func run() throws {
    try runReportingErrors {
      let table = try CSVReader.read(path: file, options: input.csvOptions)
      let subset = try TimeMerge.landmark(
        baseline: table, time: time, responseTime: responseTime, at: at)
      let text = TimeMerge.csv(subset)
      if let output {
        try writeWhole(text, to: output)
      } else {
        FileHandleOutput.standardOutput(text)
      }
    }
  }
}
