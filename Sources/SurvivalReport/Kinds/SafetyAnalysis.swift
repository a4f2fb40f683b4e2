import SurvivalKit
import SurvivalSupport

/// `kind = "safety"`: adverse-event tables of the analysis population from an adverse-event
/// export (one row per event, read from `file`): patients with at least one event by CTCAE
/// term and by system organ class, any grade and grade >= 3, each patient counted once at the
/// worst grade, as a percentage of the treated patients (the population), with the library's
/// `SafetySummary`.
struct SafetyAnalysis: PlanAnalysis {
  static let name = "safety"
  static let keys = ["file", "delimiter", "id", "enrolment", "cycles", "course_length"]

  let file: String
  let delimiter: Character?
  let idColumn: String?
  let enrolment: StudyPlan.Variable
  let cycles: StudyPlan.Variable
  let courseLength: Int
  let line: Int?

  var inputFiles: [String] { [file] }

  init(table: PlanTable, plan: PlanContext) throws {
    file = try table.required("file", "the adverse-event export, relative to the plan's folder")
    if let d = try table.string("delimiter") {
      guard d.count == 1, let c = d.first else {
        throw table.error("delimiter", "delimiter = \"\(d)\" must be one character, e.g. \";\"")
      }
      delimiter = c
    } else {
      delimiter = nil
    }
    idColumn = try table.string("id")
    enrolment = try plan.variable(table, key: "enrolment", kinds: [.date])
    cycles = try plan.variable(table, key: "cycles", kinds: [.number])
    let length =
      try table.number("course_length", "a whole number of cycles, 1 or more") {
        $0 >= 1 && $0 == $0.rounded() && $0 <= 1000
      } ?? 6
    courseLength = Int(length)
    line = table.line("file")
  }

  func run(_ context: AnalysisContext) throws -> AnalysisOutput {
    let w = context.words
    let f = context.format
    var out = AnalysisOutput()
    guard let bytes = context.inputs?[file] else {
      throw SurvivalKitError.fileUnreadable(
        path: file, reason: "the adverse-event file of analysis '\(context.id)' was not read")
    }
    // The treated population: the analysis population's ids, enrolment dates and cycles.
    let study = context.study
    var idOfLine: [Int: String] = [:]
    for (line, id) in zip(study.table.lineNumbers, study.ids) { idOfLine[line] = id }
    let table = context.table
    let ids = table.lineNumbers.map { idOfLine[$0] ?? "\($0)" }
    let population = try TreatedPopulation(
      table: DataTable(
        columns: [
          Column(
            name: "id", values: .text(levels: ids, codes: (0..<ids.count).map { Int32($0) })),
          Column(name: "enrolment", values: try table.column(named: enrolment.name).values),
          Column(name: "cycles", values: try table.column(named: cycles.name).values),
        ], lineNumbers: table.lineNumbers), patient: "id", enrolment: "enrolment",
      cycles: "cycles")
    var options = CSVOptions()
    options.delimiter = delimiter ?? context.plan.delimiter
    options.encoding = context.plan.encoding
    var columns = AdverseEventColumns()
    columns.patient = idColumn ?? context.plan.idColumn ?? columns.patient
    let data: AdverseEventData
    do {
      data = try AdverseEventData(
        table: try CSVReader.read(bytes: bytes, options: options), population: population,
        columns: columns)
    } catch let error as SurvivalKitError {
      throw SurvivalKitError.invalidData(
        line: line, column: nil, message: "plan: adverse-event file '\(file)': \(error)")
    }
    let summary = SafetySummary(data: data, courseLength: courseLength)
    out.json = [
      ("file", .string(file)), ("sha256", .string(ContentDigest.hex(bytes))),
      ("summary", summary.json()),
    ]
    let treated = summary.treated
    func share(_ k: Int) -> String {
      "\(k) (\(f.percent(treated == 0 ? nil : Double(k) / Double(treated))))"
    }
    let sentence = w.safetySentence(
      treated, summary.events, share(summary.overall.patients),
      share(summary.overall.patientsGrade3))
    out.headline.append(sentence)
    out.blocks.append(.paragraph(sentence))
    let header = [w.anyGrade, w.grade3OrMore]
    func rows(_ list: [SafetySummary.Row]) -> [[String]] {
      list.map { [$0.label, share($0.patients), share($0.patientsGrade3)] }
    }
    out.blocks.append(
      .table(header: [w.organClass] + header, rows: rows(summary.byOrganClass)))
    out.blocks.append(.table(header: [w.aeTerm] + header, rows: rows(summary.byTerm)))
    let worst = summary.overall.worstGrade
    out.blocks.append(
      .table(
        header: [w.worstGrade, w.patients],
        rows: worst.enumerated().map { ["\($0.offset + 1)", share($0.element)] }))
    out.method = w.safetyMethod
    return out
  }
}
