import ArgumentParser
import SurvivalKit

/// `survkit safety AE_FILE --patients TRIAL_FILE`: adverse-event tables.
struct SafetyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "safety",
    abstract: "Adverse-event tables: by term and organ class, worst grade, by cycle, exposure.",
    discussion: """
      The adverse-event export has one row per event (format in datasets/README.md); the
      trial export gives the treated population (id, enrolment date, cycles received).
      Example:
        survkit safety datasets/trial/adverse_events_cut2.csv --patients datasets/trial/trial_cut2.csv
      """
  )

  @Argument(help: "Adverse-event CSV file, one row per event.")
  var file: String

  @Option(help: "Trial export with the treated population.")
  var patients: String

  @Option(help: "Header of the patient id column (both files).")
  var idColumn: String = "№"

  @Option(help: "Header of the enrolment-date column of the trial export.")
  var enrolmentColumn: String = "Дата включения"

  @Option(help: "Header of the cycles-received column of the trial export.")
  var cyclesColumn: String = "Циклы иммунотерапии"

  @Option(help: "Cycles in the first course (more means a repeat course).")
  var courseLength: Int = 6

  @OptionGroup var input: CSVInputOptions

  @Option(help: "Output format: table or json.")
  var format: OutputFormat = .table

  func validate() throws {
    if format == .csv { throw ValidationError("--format must be table or json") }
    guard courseLength >= 1 else { throw ValidationError("--course-length must be >= 1") }
  }

  func run() throws {
    try runReportingErrors {
      let trial = try CSVReader.read(path: patients, options: input.csvOptions)
      let population = try TreatedPopulation(
        table: trial, patient: idColumn, enrolment: enrolmentColumn, cycles: cyclesColumn)
      var columns = AdverseEventColumns()
      columns.patient = idColumn
      let events = try AdverseEventData(
        table: try CSVReader.read(path: file, options: input.csvOptions), population: population,
        columns: columns)
      let summary = SafetySummary(data: events, courseLength: courseLength)
      FileHandleOutput.standardOutput(
        format == .json ? summary.json().serialized() : summary.table())
    }
  }
}
