import SurvivalSupport

/// The columns of an adverse-event export (one row per event). The defaults are the headers of
/// the format documented in `datasets/README.md` (`adverse_events_cut2.csv`).
public struct AdverseEventColumns: Sendable, Equatable {
  /// Patient id (the same ids as the trial export).
  public var patient = "№"
  /// Treatment course number.
  public var course = "Курс"
  /// Cycle in which the event began.
  public var cycle = "Цикл"
  /// CTCAE term.
  public var term = "Термин CTCAE"
  /// MedDRA system organ class.
  public var organClass = "Системно-органный класс"
  /// CTCAE grade 1–5.
  public var grade = "Степень"
  /// Onset date.
  public var onset = "Дата начала"
  /// Resolution date (empty while unresolved).
  public var resolution = "Дата разрешения"

  /// The documented headers.
  public init() {}
}

/// The treated population: every patient of the trial export, with the enrolment date and the
/// number of cycles received.
public struct TreatedPopulation: Sendable, Equatable {
  /// Patient identifiers as written in the file.
  public let patients: [String]
  /// Enrolment date of each patient (days since 1970-01-01).
  public let enrolment: [Double]
  /// Cycles received by each patient.
  public let cycles: [Int]

  /// Reads the population from the trial export.
  /// - Parameters: the headers of the id, enrolment-date and cycles columns.
  public init(
    table: DataTable, patient: String = "№", enrolment: String = "Дата включения",
    cycles: String = "Циклы иммунотерапии"
  ) throws {
    let id = try table.column(named: patient)
    let enrol = try table.column(named: enrolment)
    let cyc = try table.column(named: cycles)
    guard case .date(let dates) = enrol.values else {
      throw SurvivalKitError.invalidData(
        line: nil, column: enrolment, message: "must hold dates (DD.MM.YYYY or YYYY-MM-DD)")
    }
    guard case .numeric(let counts) = cyc.values else {
      throw SurvivalKitError.invalidData(
        line: nil, column: cycles, message: "must hold the number of cycles received")
    }
    var ids: [String] = []
    var seen = Set<String>()
    var cycleCounts: [Int] = []
    for i in 0..<table.rowCount {
      let line = table.lineNumbers[i]
      guard let text = id.text(at: i) else {
        throw SurvivalKitError.invalidData(
          line: line, column: patient, message: "the patient id is missing")
      }
      guard seen.insert(text).inserted else {
        throw SurvivalKitError.invalidData(
          line: line, column: patient, message: "patient '\(text)' appears twice")
      }
      guard !dates[i].isNaN else {
        throw SurvivalKitError.invalidData(
          line: line, column: enrolment, message: "the enrolment date is missing")
      }
      let c = counts[i]
      guard c >= 0, c == c.rounded(), c.isFinite else {
        throw SurvivalKitError.invalidData(
          line: line, column: cycles, message: "'\(cyc.text(at: i) ?? "")' is not a cycle count")
      }
      ids.append(text)
      cycleCounts.append(Int(c))
    }
    self.patients = ids
    self.enrolment = dates
    self.cycles = cycleCounts
  }
}

/// One adverse event.
public struct AdverseEvent: Sendable, Equatable {
  /// Patient id as written in the file.
  public let patient: String
  /// Treatment course.
  public let course: Int
  /// Cycle in which the event began.
  public let cycle: Int
  /// CTCAE term and system organ class.
  public let term: String
  /// MedDRA system organ class.
  public let organClass: String
  /// CTCAE grade 1–5.
  public let grade: Int
  /// Onset and resolution dates (days since 1970-01-01); resolution nil while unresolved.
  public let onset: Double
  /// Resolution date (days since 1970-01-01); nil while unresolved.
  public let resolution: Double?
  /// The file line of the event.
  public let line: Int
}

/// The events of an adverse-event export, checked against the treated population.
///
/// Every event must name a treated patient, a cycle that patient received, a grade from 1 to 5,
/// an onset on or after enrolment and a resolution (if any) on or after the onset; anything
/// else stops with the line and column.
public struct AdverseEventData: Sendable {
  /// The events, in file order.
  public let events: [AdverseEvent]
  /// The treated population they were checked against.
  public let population: TreatedPopulation

  /// Reads and checks the events.
  /// - Throws: `SurvivalKitError.invalidData` naming the line and column of the first bad event.
  public init(
    table: DataTable, population: TreatedPopulation,
    columns: AdverseEventColumns = AdverseEventColumns()
  ) throws {
    let patient = try table.column(named: columns.patient)
    let course = try table.column(named: columns.course)
    let cycle = try table.column(named: columns.cycle)
    let term = try table.column(named: columns.term)
    let organ = try table.column(named: columns.organClass)
    let grade = try table.column(named: columns.grade)
    let onset = try table.column(named: columns.onset)
    let resolution = try table.column(named: columns.resolution)
    var index: [String: Int] = [:]
    for (k, id) in population.patients.enumerated() { index[id] = k }
    func integer(_ column: Column, _ i: Int, _ range: ClosedRange<Int>, _ what: String) throws
      -> Int
    {
      let line = table.lineNumbers[i]
      guard case .numeric(let v) = column.values, !v[i].isNaN else {
        throw SurvivalKitError.invalidData(
          line: line, column: column.name,
          message: "'\(column.text(at: i) ?? "")' is not \(what)")
      }
      guard v[i] == v[i].rounded(), range.contains(Int(v[i])) else {
        throw SurvivalKitError.invalidData(
          line: line, column: column.name,
          message: "\(NumberFormatting.shortest(v[i])) is not \(what)")
      }
      return Int(v[i])
    }
    func date(_ column: Column, _ i: Int) throws -> Double? {
      switch column.values {
      case .date(let v): return v[i].isNaN ? nil : v[i]
      default:
        if column.isMissing(i) { return nil }
        throw SurvivalKitError.invalidData(
          line: table.lineNumbers[i], column: column.name,
          message: "'\(column.text(at: i) ?? "")' is not a date (DD.MM.YYYY or YYYY-MM-DD)")
      }
    }
    var events: [AdverseEvent] = []
    for i in 0..<table.rowCount {
      let line = table.lineNumbers[i]
      guard let id = patient.text(at: i), let k = index[id] else {
        throw SurvivalKitError.invalidData(
          line: line, column: patient.name,
          message: "patient '\(patient.text(at: i) ?? "")' is not in the treated population; "
            + "check the id against the trial export")
      }
      let g = try integer(grade, i, 1...5, "a CTCAE grade (1 to 5)")
      let c = try integer(cycle, i, 1...1000, "a cycle number (1 or more)")
      guard c <= population.cycles[k] else {
        throw SurvivalKitError.invalidData(
          line: line, column: cycle.name,
          message: "cycle \(c), but patient '\(id)' received \(population.cycles[k]) cycles")
      }
      let courseNumber = try integer(course, i, 1...100, "a course number (1 or more)")
      guard let t = term.text(at: i), let o = organ.text(at: i) else {
        throw SurvivalKitError.invalidData(
          line: line, column: term.isMissing(i) ? term.name : organ.name,
          message: "the term and the system organ class are required")
      }
      guard let start = try date(onset, i) else {
        throw SurvivalKitError.invalidData(
          line: line, column: onset.name, message: "the onset date is missing")
      }
      guard start >= population.enrolment[k] else {
        throw SurvivalKitError.invalidData(
          line: line, column: onset.name,
          message: "onset \(DateFormatting.iso(days: Int(start))) is before the enrolment of "
            + "patient '\(id)' (\(DateFormatting.iso(days: Int(population.enrolment[k])))); "
            + "an event before treatment is not a treatment-emergent adverse event")
      }
      let end = try date(resolution, i)
      if let end, end < start {
        throw SurvivalKitError.invalidData(
          line: line, column: resolution.name,
          message: "resolution \(DateFormatting.iso(days: Int(end))) is before the onset "
            + "\(DateFormatting.iso(days: Int(start)))")
      }
      events.append(
        AdverseEvent(
          patient: id, course: courseNumber, cycle: c, term: t, organClass: o, grade: g,
          onset: start, resolution: end, line: line))
    }
    self.events = events
    self.population = population
  }
}
