import SurvivalKit
import SurvivalSupport

/// A declarative analysis plan: the data, derived variables and endpoints, populations, and a
/// list of analyses, each of a registered kind (`AnalysisKinds`). Read from TOML (see
/// `PlanFile` for the subset and `notebooks-data/README.md` for every key).
///
/// Everything is checked here, before any data are read: unknown keys, a kind's missing or
/// out-of-range option, a reference to an undefined variable, endpoint or population, a
/// formula over unknown variables. Each error names the plan's line.
package struct StudyPlan: Sendable {
  /// What happens to dates after the data cut-off.
  package enum AfterCutoff: String, Sendable {
    /// Events after the cut-off are not counted; follow-up ends at the cut-off.
    case censor
    /// Any date after the cut-off stops the run.
    case error
  }

  /// A variable of the analysis: a column of the export (typed, checked, recoded) or a
  /// category derived from a number by cutpoints.
  package struct Variable: Sendable {
    package enum Kind: String, Sendable {
      case number, category, date, text
    }
    package let name: String
    package let kind: Kind
    /// The export's column (nil for a derived variable).
    package let column: String?
    /// The name the report prints ("GD2").
    package let label: String
    /// Unit printed after values and in "per 1 %" ("%").
    package let unit: String?
    /// Raw values allowed, in report order (categories); nil allows any.
    package let levels: [String]?
    /// Label of each raw level (same order); equal labels merge levels.
    package let labels: [String]?
    /// Reference level (its label) in Cox models.
    package let reference: String?
    /// A missing value stops the run.
    package let required: Bool
    package let minimum: Double?
    package let maximum: Double?
    /// An inclusion criterion on this variable, in words; a term that is constant in the
    /// analysed population is then explained by it.
    package let inclusion: String?
    /// Derived: the source variable and its cutpoints (intervals [c_k, c_k+1)).
    package let from: String?
    package let cutpoints: [Double]
    package let line: Int?

    /// The labels of the levels in report order (duplicates removed).
    package var orderedLabels: [String] {
      var seen: [String] = []
      for l in labels ?? levels ?? [] where !seen.contains(l) { seen.append(l) }
      return seen
    }
  }

  /// A time-to-event endpoint, in the plan's time unit: either from the date `origin` to the
  /// first of the dates `events` (event) or to the date `censor` (censored), with the cut-off
  /// rule applied; or read from a `time` and a `status` variable (times in `timeIn` units).
  package struct Endpoint: Sendable {
    package let name: String
    package let label: String
    /// Abbreviation used in headlines ("OS").
    package let short: String
    package let origin: String
    package let events: [String]
    package let censor: String
    /// The figures' x-axis title, when the plan gives one ("Months since enrolment").
    package let axisLabel: String?
    /// A number variable holding the time (instead of dates).
    package let time: String?
    /// A number variable holding the status.
    package let status: String?
    package let eventValue: Double
    package let censorValue: Double
    /// Days per unit of `time`.
    package let daysPerTimeUnit: Double
    package let line: Int?

    /// Whether the endpoint is derived from dates.
    package var fromDates: Bool { time == nil }
  }

  /// A named set of patients: everyone for whom every condition holds.
  package struct Population: Sendable {
    package let name: String
    package let label: String
    package let conditions: [Condition]
    package let line: Int?
  }

  /// One filter condition: `variable op value`.
  package struct Condition: Sendable {
    package enum Operator: String, Sendable {
      case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">"
      case greaterOrEqual = ">=", isIn = "in", notIn = "not in", present = "is present"
      case missing = "is missing"
    }
    package let variable: String
    package let op: Operator
    package let texts: [String]
    package let numbers: [Double]
    package let source: String
  }

  /// An analysis: its id (the table's name), kind, population and the configured kind.
  package struct Analysis: Sendable {
    package let id: String
    package let kind: String
    package let population: String
    package let title: String?
    package let table: PlanTable
    let configured: any PlanAnalysis
  }

  /// A forest plot over the Cox terms of some analyses.
  package struct Forest: Sendable {
    package let name: String
    package let title: String?
    package let analyses: [String]
    package let line: Int?
  }

  package let title: String
  package let output: String
  /// The plan of the previous data cut (relative to this plan's folder): the report then also
  /// holds the comparison with it (comparison.json, comparison.md).
  package let previous: String?
  package let language: ReportLanguage
  package let dataFile: String
  package let encoding: TextEncoding?
  package let delimiter: Character?
  /// The column holding each patient's id (nil: the file line identifies the row).
  package let idColumn: String?
  /// The data cut-off as written (required when an endpoint is derived from dates).
  package internal(set) var cutoffText: String?
  /// The cut-off as days since 1970-01-01.
  package internal(set) var cutoff: Int?
  package internal(set) var afterCutoff: AfterCutoff
  /// Leave out patients whose origin is after the cut-off instead of stopping (used by the
  /// data-cut comparison to rerun new records at the old cut-off).
  var dropLateOrigins = false
  /// Per patient id, the day (since 1970-01-01) after which nothing is counted (the data-cut
  /// comparison's rerun of new records up to each patient's old follow-up).
  var followUpLimits: [String: Double]? = nil
  /// Date variables that must be in this order where present (enrolment <= progression ...).
  package let dateOrder: [String]
  package let timeUnit: String
  /// Days per time unit (30.4375 for months = 365.25 / 12).
  package let daysPerUnit: Double
  package let plotStep: Double
  let plotStepLine: Int?
  package let confType: ConfidenceTransform
  package let confLevel: Double
  package let variables: [Variable]
  package let endpoints: [Endpoint]
  package let populations: [Population]
  package let analyses: [Analysis]
  package let forests: [Forest]
  /// The optional screening log for the CONSORT flow.
  package let screening: Screening?

  package func variable(_ name: String) -> Variable? { variables.first { $0.name == name } }
  package func endpoint(_ name: String) -> Endpoint? { endpoints.first { $0.name == name } }
  package func population(_ name: String) -> Population? {
    populations.first { $0.name == name }
  }

  /// Parses and checks plan text. - Throws: `SurvivalKitError` naming the plan's line.
  package init(text: String) throws {
    let file = try PlanFile(text: text)
    let topLevel = [
      "title", "output", "language", "previous", "data", "defaults", "variables", "endpoints",
      "populations",
      "analyses", "figures", "screening",
    ]
    for key in file.keys {
      let head = String(key.split(separator: ".").first ?? "")
      if !topLevel.contains(head) {
        throw SurvivalKitError.invalidData(
          line: file.line(key), column: nil,
          message:
            "plan: unknown key '\(key)'; top-level keys and tables are \(topLevel.joined(separator: ", "))"
        )
      }
    }
    for table in file.tables {
      let head = String(table.name.split(separator: ".").first ?? "")
      if !topLevel.contains(head) {
        throw SurvivalKitError.invalidData(
          line: table.line, column: nil,
          message:
            "plan: unknown table [\(table.name)]; the tables are data, defaults, variables.<name>, endpoints.<name>, populations.<name>, analyses.<id>, figures.<name>, screening"
        )
      }
    }
    title = try file.string("title") ?? "Survival analysis"
    output = try file.string("output") ?? "report"
    guard !output.isEmpty, !output.hasPrefix("."), !output.contains("/") else {
      throw SurvivalKitError.invalidData(
        line: file.line("output"), column: nil,
        message:
          "plan: output must be a plain folder name beside the plan (no '/', not starting with '.')"
      )
    }
    previous = try file.string("previous")
    let languageName = try file.string("language") ?? "en"
    guard let lang = ReportLanguage(code: languageName) else {
      throw SurvivalKitError.invalidData(
        line: file.line("language"), column: nil,
        message: "plan: language must be \"en\" or \"ru\" (got \"\(languageName)\")")
    }
    language = lang

    // [data]
    let data = PlanTable(file: file, path: "data")
    try data.checkKeys([
      "file", "encoding", "delimiter", "id", "cutoff", "after_cutoff", "date_order",
    ])
    guard data.line != nil else {
      throw SurvivalKitError.invalidData(
        line: nil, column: nil,
        message: "plan: the [data] table is missing; it names the data file, id column and cut-off"
      )
    }
    dataFile = try data.required("file", "the export, relative to the plan's folder")
    if let e = try data.string("encoding") {
      guard let parsed = TextEncoding(name: e) else {
        throw data.error("encoding", "encoding must be \"utf-8\" or \"cp1251\"")
      }
      encoding = parsed
    } else {
      encoding = nil
    }
    if let d = try data.string("delimiter") {
      guard let c = [";": Character(";"), ",": ",", "tab": "\t"][d] else {
        throw data.error("delimiter", "delimiter must be \";\", \",\" or \"tab\"")
      }
      delimiter = c
    } else {
      delimiter = nil
    }
    idColumn = try data.string("id")
    cutoffText = try data.string("cutoff")
    if let cutoffText {
      guard let days = DateParsing.parseDays(cutoffText) else {
        throw data.error(
          "cutoff", "cutoff '\(cutoffText)' is not a date; write DD.MM.YYYY or YYYY-MM-DD")
      }
      cutoff = days
    } else {
      cutoff = nil
    }
    afterCutoff = AfterCutoff(
      rawValue: try data.choice("after_cutoff", ["censor", "error"]) ?? "censor")!

    // [defaults]
    let defaults = PlanTable(file: file, path: "defaults")
    try defaults.checkKeys(["time_unit", "plot_step", "conf_type", "conf_level"])
    let unit =
      try defaults.choice("time_unit", ["days", "weeks", "months", "years"]) ?? "months"
    timeUnit = unit
    daysPerUnit = ["days": 1, "weeks": 7, "months": 365.25 / 12, "years": 365.25][unit]!
    plotStep =
      try defaults.number(
        "plot_step", "a positive time (the spacing of the figures' ticks, e.g. 6 months)"
      ) { $0 > 0 } ?? ["days": 180, "weeks": 26, "months": 6, "years": 1][unit]!
    plotStepLine = defaults.line("plot_step")
    let conf = try defaults.string("conf_type") ?? "log"
    guard let transform = ConfidenceTransform(name: conf) else {
      throw defaults.error("conf_type", "conf_type must be log, log-log, plain, logit or arcsin")
    }
    confType = transform
    confLevel =
      try defaults.number("conf_level", "between 0 and 1, e.g. 0.95") { $0 > 0 && $0 < 1 } ?? 0.95

    // [variables.*]
    var variables: [Variable] = []
    for table in file.tables(under: "variables") {
      variables.append(try StudyPlan.parseVariable(table, known: variables))
    }
    self.variables = variables
    func dateVariable(_ table: PlanTable, _ key: String, _ name: String) throws {
      guard let v = variables.first(where: { $0.name == name }) else {
        throw table.error(
          key,
          "\(key) refers to '\(name)', which is not a variable; declare [variables.\(name)] with a date column"
        )
      }
      guard v.kind == .date else {
        throw table.error(
          key, "\(key) refers to '\(name)', which is a \(v.kind.rawValue), not a date")
      }
    }
    let dataTable = data
    dateOrder = try data.strings("date_order") ?? []
    for name in dateOrder { try dateVariable(dataTable, "date_order", name) }

    // [endpoints.*]
    var endpoints: [Endpoint] = []
    for table in file.tables(under: "endpoints") {
      try table.checkKeys([
        "label", "short", "origin", "events", "censor", "time", "status", "event_value",
        "censor_value", "time_unit", "axis_label",
      ])
      let axisLabel = try table.string("axis_label")
      let label = try table.string("label") ?? table.name
      let short = try table.string("short") ?? table.name.uppercased()
      if table.has("time") || table.has("status") {
        for key in ["origin", "events", "censor"] where table.has(key) {
          throw table.error(
            key, "\(key) applies to endpoints from dates; this one has time and status")
        }
        let time = try table.required("time", "a number variable holding the time")
        let status = try table.required("status", "a number variable holding the status")
        for (key, name) in [("time", time), ("status", status)] {
          guard let v = variables.first(where: { $0.name == name }), v.kind == .number else {
            throw table.error(key, "\(key) refers to '\(name)', which is not a number variable")
          }
        }
        let eventValue = try table.number("event_value") ?? 1
        let censorValue = try table.number("censor_value") ?? (eventValue == 2 ? 1 : 0)
        let unitIn = try table.choice("time_unit", ["days", "weeks", "months", "years"]) ?? unit
        endpoints.append(
          Endpoint(
            name: table.name, label: label, short: short, origin: "", events: [], censor: "",
            axisLabel: axisLabel, time: time, status: status, eventValue: eventValue,
            censorValue: censorValue,
            daysPerTimeUnit: ["days": 1, "weeks": 7, "months": 365.25 / 12, "years": 365.25][
              unitIn]!, line: table.line))
        continue
      }
      let origin = try table.required("origin", "the date variable time is counted from")
      try dateVariable(table, "origin", origin)
      guard let events = try table.strings("events"), !events.isEmpty else {
        throw table.error(
          nil, "needs events = [\"...\"] (the date variables that end follow-up with an event)")
      }
      for e in events { try dateVariable(table, "events", e) }
      let censor = try table.required("censor", "the date variable of the last contact")
      try dateVariable(table, "censor", censor)
      if cutoff == nil {
        throw data.error(
          nil, "needs cutoff = \"DD.MM.YYYY\": endpoint '\(table.name)' is derived from dates")
      }
      endpoints.append(
        Endpoint(
          name: table.name, label: label, short: short, origin: origin, events: events,
          censor: censor, axisLabel: axisLabel, time: nil, status: nil, eventValue: 1,
          censorValue: 0,
          daysPerTimeUnit: daysPerUnit, line: table.line))
    }
    self.endpoints = endpoints

    // [populations.*]
    var populations: [Population] = []
    for table in file.tables(under: "populations") {
      try table.checkKeys(["label", "where"])
      let conditions = try (table.strings("where") ?? []).map {
        try StudyPlan.parseCondition($0, table: table, variables: variables)
      }
      populations.append(
        Population(
          name: table.name, label: try table.string("label") ?? table.name,
          conditions: conditions, line: table.line))
    }
    if !populations.contains(where: { $0.name == "all" }) {
      populations.insert(
        Population(name: "all", label: lang.words.allPatients, conditions: [], line: nil), at: 0)
    }
    self.populations = populations

    // [screening]
    let screeningTable = PlanTable(file: file, path: "screening")
    screening = screeningTable.line == nil ? nil : try Screening(table: screeningTable)

    // [analyses.*]
    var analyses: [Analysis] = []
    let context = PlanContext(
      variables: variables, endpoints: endpoints, populations: populations, confLevel: confLevel)
    for table in file.tables(under: "analyses") {
      guard let kindName = try table.string("kind") else {
        throw table.error(
          nil,
          "needs kind = \"...\"; the kinds are \(AnalysisKinds.all.map { $0.name }.joined(separator: ", "))"
        )
      }
      guard let kind = AnalysisKinds.kind(named: kindName) else {
        throw table.error(
          "kind",
          "kind \"\(kindName)\" is not known; the kinds are \(AnalysisKinds.all.map { $0.name }.joined(separator: ", "))"
        )
      }
      try table.checkKeys(["kind", "population", "title"] + kind.keys)
      let population = try table.string("population") ?? "all"
      guard populations.contains(where: { $0.name == population }) else {
        throw table.error(
          "population",
          "population '\(population)' is not defined; the populations are \(populations.map(\.name).joined(separator: ", "))"
        )
      }
      let configured = try kind.init(table: table, plan: context)
      analyses.append(
        Analysis(
          id: table.name, kind: kindName, population: population,
          title: try table.string("title"), table: table, configured: configured))
    }
    guard !analyses.isEmpty else {
      throw SurvivalKitError.invalidData(
        line: nil, column: nil,
        message: "plan: no analyses; add at least one [analyses.<id>] table with a kind")
    }
    self.analyses = analyses

    // [figures.*]
    var forests: [Forest] = []
    for table in file.tables(under: "figures") {
      try table.checkKeys(["kind", "title", "analyses"])
      _ = try table.choice("kind", ["forest"])
      guard let ids = try table.strings("analyses"), !ids.isEmpty else {
        throw table.error(
          nil, "needs analyses = [\"...\"] (the Cox or thresholds analyses to plot)")
      }
      for id in ids {
        guard let a = analyses.first(where: { $0.id == id }) else {
          throw table.error(
            "analyses", "analysis '\(id)' is not defined (see the [analyses.<id>] tables)")
        }
        guard a.configured.forestCapable else {
          throw table.error(
            "analyses",
            "analysis '\(id)' is a \(a.kind) analysis; a forest plot takes cox or thresholds analyses"
          )
        }
      }
      forests.append(
        Forest(name: table.name, title: try table.string("title"), analyses: ids, line: table.line))
    }
    self.forests = forests
  }

  static func parseVariable(_ table: PlanTable, known: [Variable]) throws -> Variable {
    try table.checkKeys([
      "column", "type", "label", "unit", "levels", "labels", "reference", "required", "min",
      "max", "inclusion", "from", "cutpoints",
    ])
    let from = try table.string("from")
    let column = try table.string("column")
    if from == nil && column == nil {
      throw table.error(
        nil,
        "needs column = \"...\" (the export's column) or from = \"...\" with cutpoints (a derived category)"
      )
    }
    if from != nil && column != nil {
      throw table.error("from", "has both column and from; a variable is read or derived, not both")
    }
    var kind: Variable.Kind
    var cutpoints: [Double] = []
    var labels = try table.strings("labels")
    if let from {
      guard let source = known.first(where: { $0.name == from }) else {
        throw table.error(
          "from", "from refers to '\(from)', which is not a variable declared above it")
      }
      guard source.kind == .number else {
        throw table.error(
          "from", "from refers to '\(from)', a \(source.kind.rawValue); cutpoints need a number")
      }
      guard let cuts = try table.numbers("cutpoints"), !cuts.isEmpty else {
        throw table.error(nil, "needs cutpoints = [...] to derive categories from '\(from)'")
      }
      guard zip(cuts, cuts.dropFirst()).allSatisfy({ $0 < $1 }) else {
        throw table.error("cutpoints", "cutpoints must increase")
      }
      cutpoints = cuts
      kind = .category
      let unit = source.unit.map { " \($0)" } ?? ""
      if let l = labels, l.count != cuts.count + 1 {
        throw table.error(
          "labels",
          "\(cuts.count) cutpoints make \(cuts.count + 1) categories; labels has \(l.count)")
      }
      if labels == nil {
        let s = NumberFormatting.shortest
        if cuts.count == 1 {
          labels = [
            "\(source.label) < \(s(cuts[0]))\(unit)", "\(source.label) ≥ \(s(cuts[0]))\(unit)",
          ]
        } else {
          labels =
            ["\(source.label) < \(s(cuts[0]))\(unit)"]
            + zip(cuts, cuts.dropFirst()).map { "\(source.label) \(s($0))–<\(s($1))\(unit)" }
            + ["\(source.label) ≥ \(s(cuts.last!))\(unit)"]
        }
      }
    } else {
      let type = try table.choice("type", ["number", "category", "date", "text"]) ?? "category"
      kind = Variable.Kind(rawValue: type)!
    }
    let levels = from == nil ? try table.strings("levels") : labels
    if let l = labels, from == nil {
      guard let levels, levels.count == l.count else {
        throw table.error(
          "labels", "labels needs levels = [...] of the same length (raw value -> label)")
      }
    }
    if kind != .category && (levels != nil && from == nil) {
      throw table.error("levels", "levels apply to a category variable (type = \"category\")")
    }
    let reference = try table.string("reference")
    if let reference {
      let options = labels ?? levels ?? []
      guard options.isEmpty || options.contains(reference) else {
        throw table.error(
          "reference", "reference '\(reference)' is not one of \(options.joined(separator: ", "))")
      }
    }
    let minimum = try table.number("min")
    let maximum = try table.number("max")
    if let minimum, let maximum, minimum > maximum {
      throw table.error("max", "max is below min")
    }
    return Variable(
      name: table.name, kind: kind, column: column,
      label: try table.string("label") ?? table.name, unit: try table.string("unit"),
      levels: levels, labels: from == nil ? labels : labels, reference: reference,
      required: try table.bool("required") ?? false, minimum: minimum, maximum: maximum,
      inclusion: try table.string("inclusion"), from: from, cutpoints: cutpoints,
      line: table.line)
  }

  /// `response is present`, `arm == "A"`, `age >= 18`, `nosology in ["a", "b"]`.
  static func parseCondition(_ text: String, table: PlanTable, variables: [Variable]) throws
    -> Condition
  {
    let trimmed = text.trimmingSpaces
    guard let space = trimmed.firstIndex(of: " ") else {
      throw table.error(
        "where",
        "condition '\(text)' is not 'variable op value' (e.g. \"response is present\", \"gd2 >= 5\")"
      )
    }
    let name = String(trimmed[..<space])
    guard let variable = variables.first(where: { $0.name == name }) else {
      throw table.error(
        "where",
        "condition '\(text)' uses '\(name)', which is not a variable; the variables are \(variables.map(\.name).joined(separator: ", "))"
      )
    }
    let rest = trimmed[space...].trimmingSpaces
    let ops: [Condition.Operator] = [
      .present, .missing, .notIn, .isIn, .lessOrEqual, .greaterOrEqual, .notEqual, .equal, .less,
      .greater,
    ]
    guard let op = ops.first(where: { rest.hasPrefix($0.rawValue) }) else {
      throw table.error(
        "where",
        "condition '\(text)': the operator must be ==, !=, <, <=, >, >=, in, not in, is present or is missing"
      )
    }
    let valueText = rest.dropFirst(op.rawValue.count).trimmingSpaces
    if op == .present || op == .missing {
      guard valueText.isEmpty else {
        throw table.error("where", "condition '\(text)': nothing may follow '\(op.rawValue)'")
      }
      return Condition(variable: name, op: op, texts: [], numbers: [], source: text)
    }
    var scanner = PlanFile.Scanner(Array(valueText), line: table.line("where") ?? 0)
    let value: PlanFile.Value
    do {
      value = try scanner.value()
      try scanner.expectEnd()
    } catch {
      throw table.error(
        "where", "condition '\(text)': the value must be a quoted text, a number or [list]")
    }
    var items: [PlanFile.Value]
    if case .array(let list) = value { items = list } else { items = [value] }
    if (op == .isIn || op == .notIn)
      != { if case .array = value { return true } else { return false } }()
    {
      throw table.error(
        "where", "condition '\(text)': use a [list] with in / not in, and a single value otherwise")
    }
    var texts: [String] = []
    var numbers: [Double] = []
    for item in items {
      switch item {
      case .string(let s): texts.append(s)
      case .number(let v): numbers.append(v)
      default: throw table.error("where", "condition '\(text)': values must be texts or numbers")
      }
    }
    switch variable.kind {
    case .number:
      guard texts.isEmpty else {
        throw table.error(
          "where", "condition '\(text)': '\(name)' is a number; compare it with numbers")
      }
    case .category, .text:
      guard numbers.isEmpty, [.equal, .notEqual, .isIn, .notIn].contains(op) else {
        throw table.error(
          "where",
          "condition '\(text)': '\(name)' is a category; use ==, !=, in or not in with quoted values"
        )
      }
      let allowed = variable.orderedLabels
      for t in texts where !allowed.isEmpty && !allowed.contains(t) {
        throw table.error(
          "where",
          "condition '\(text)': '\(t)' is not a level of '\(name)' (\(allowed.joined(separator: ", ")))"
        )
      }
    case .date:
      throw table.error(
        "where", "condition '\(text)': dates can only be 'is present' or 'is missing'")
    }
    return Condition(variable: name, op: op, texts: texts, numbers: numbers, source: text)
  }
}

/// What a kind may look up while it checks its options (no data yet).
package struct PlanContext: Sendable {
  package let variables: [StudyPlan.Variable]
  package let endpoints: [StudyPlan.Endpoint]
  package let populations: [StudyPlan.Population]
  package let confLevel: Double

  package func variable(_ name: String) -> StudyPlan.Variable? {
    variables.first { $0.name == name }
  }

  /// The endpoint named by `key` (required).
  package func endpoint(_ table: PlanTable, key: String = "endpoint") throws -> StudyPlan.Endpoint {
    let name = try table.required(key, "one of the [endpoints.<name>] tables")
    guard let e = endpoints.first(where: { $0.name == name }) else {
      throw table.error(
        key,
        "endpoint '\(name)' is not defined; the endpoints are \(endpoints.map(\.name).joined(separator: ", "))"
      )
    }
    return e
  }

  /// A variable named by `key`, of one of `kinds`.
  package func variable(_ table: PlanTable, key: String, kinds: [StudyPlan.Variable.Kind]) throws
    -> StudyPlan.Variable
  {
    let name = try table.required(key, "a variable name")
    guard let v = variable(name) else {
      throw table.error(
        key,
        "\(key) refers to '\(name)', which is not a variable; the variables are \(variables.map(\.name).joined(separator: ", "))"
      )
    }
    guard kinds.contains(v.kind) else {
      throw table.error(
        key,
        "\(key) refers to '\(name)', a \(v.kind.rawValue); it must be a \(kinds.map(\.rawValue).joined(separator: " or "))"
      )
    }
    return v
  }

  /// The right-hand side of a formula at `key`, parsed, with every variable declared.
  package func formula(_ table: PlanTable, key: String, required: Bool) throws -> Formula? {
    guard let rhs = try table.string(key) else {
      if required { throw table.error(nil, "needs \(key) = \"...\" (a formula's right-hand side)") }
      return nil
    }
    let formula: Formula
    do {
      formula = try Formula("Surv(time, status) ~ \(rhs)")
    } catch {
      throw table.error(key, "\(key) = \"\(rhs)\" is not a formula: \(error)")
    }
    var names = formula.terms.flatMap { $0.factors.map(\.variable) } + formula.strata
    if let c = formula.cluster { names.append(c) }
    for name in names {
      guard let v = variable(name) else {
        throw table.error(
          key,
          "\(key) = \"\(rhs)\" uses '\(name)', which is not a variable; the variables are \(variables.map(\.name).joined(separator: ", "))"
        )
      }
      guard v.kind == .number || v.kind == .category || v.kind == .text else {
        throw table.error(
          key, "\(key) = \"\(rhs)\" uses '\(name)', a date; use an endpoint instead")
      }
    }
    return formula
  }
}

extension StringProtocol {
  var trimmingSpaces: String {
    String(
      self.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
  }
}
