import SurvivalKit
import SurvivalSupport

/// An analysis plan: which data file, how its columns map to the trial's variables, how the
/// endpoints are derived, and what to report. Read from a TOML file (see `PlanFile` for the
/// subset and `notebooks-data/README.md` for every key).
public struct AnalysisPlan: Sendable {
  /// What happens to dates after the data cut-off.
  public enum AfterCutoff: String, Sendable {
    /// Events after the cut-off are censored at it (follow-up is truncated there).
    case censor
    /// Any date after the cut-off stops the run.
    case error
  }

  public struct Columns: Sendable {
    public var id: String
    public var nosology: String
    public var gd2: String
    public var enrolment: String
    public var progression: String
    public var death: String
    public var lastContact: String
    public var response: String
  }

  public let title: String
  /// The output folder, relative to the plan's folder (a plain name, default "report").
  public let output: String
  /// The data file as written in the plan (relative to the plan's folder).
  public let dataFile: String
  public let encoding: TextEncoding?
  public let delimiter: Character?
  public let cutoffText: String
  /// The cut-off as days since 1970-01-01.
  public let cutoff: Int
  public let afterCutoff: AfterCutoff
  public let columns: Columns
  /// Days per reported time unit (30.4375 for months = 365.25 / 12).
  public let daysPerUnit: Double
  public let timeUnit: String
  public let landmarks: [Double]
  /// Tick spacing of the survival plots and their at-risk tables.
  public let plotStep: Double
  /// The line that set `plot_step`, for the check against the data's follow-up.
  let plotStepLine: Int?
  public let responseCodes: [String]
  public let objectiveResponse: [String]
  public let diseaseControl: [String]
  /// Raw nosology value -> label shown in the report, in the report's group order.
  public let nosologyLabels: [(raw: String, label: String)]
  /// Reference nosology (its label) for the Cox models.
  public let nosologyReference: String?
  public let gd2Thresholds: [Double]
  /// Cutpoints considered by the maximally selected log-rank statistic lie between these
  /// quantiles of GD2: [minProportion, 1 - minProportion].
  public let maxstatMinProportion: Double
  public let confType: ConfidenceTransform
  public let confLevel: Double
  /// Right-hand sides of the Cox models fitted for PFS and OS, over the covariates `gd2`
  /// (continuous, %), `nosology` and the threshold indicators `gd2_cut_<t>`.
  public let coxModels: [String]

  /// Parses plan text. - Throws: `SurvivalKitError` naming the line or key.
  public init(text: String) throws {
    let file = try PlanFile(text: text)
    let known: Set<String> = [
      "title", "output", "data.file", "data.encoding", "data.delimiter", "data.cutoff", "data.after_cutoff",
      "columns.id", "columns.nosology", "columns.gd2", "columns.enrolment", "columns.progression",
      "columns.death", "columns.last_contact", "columns.response", "endpoints.time_unit",
      "endpoints.landmarks", "endpoints.plot_step", "response.codes", "response.objective",
      "response.disease_control", "nosology.reference", "gd2.thresholds",
      "gd2.maxstat_min_proportion", "analysis.conf_type", "analysis.conf_level", "cox.models",
    ]
    for key in file.keys where !known.contains(key) && !key.hasPrefix("nosology.labels.") {
      throw SurvivalKitError.invalidData(
        line: file.line(key), column: nil, message: "plan: unknown key '\(key)'; check its spelling"
      )
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
    dataFile = try file.requiredString("data.file")
    if let e = try file.string("data.encoding") {
      guard let parsed = TextEncoding(name: e) else {
        throw SurvivalKitError.invalidData(
          line: file.line("data.encoding"), column: nil,
          message: "plan: encoding must be utf-8 or cp1251")
      }
      encoding = parsed
    } else {
      encoding = nil
    }
    if let d = try file.string("data.delimiter") {
      guard let c = [";": Character(";"), ",": ",", "tab": "\t"][d] else {
        throw SurvivalKitError.invalidData(
          line: file.line("data.delimiter"), column: nil,
          message: "plan: delimiter must be \";\", \",\" or \"tab\"")
      }
      delimiter = c
    } else {
      delimiter = nil
    }
    cutoffText = try file.requiredString("data.cutoff")
    guard let days = DateParsing.parseDays(cutoffText) else {
      throw SurvivalKitError.invalidData(
        line: file.line("data.cutoff"), column: nil,
        message: "plan: cutoff '\(cutoffText)' is not a date; write DD.MM.YYYY or YYYY-MM-DD")
    }
    cutoff = days
    let after = try file.string("data.after_cutoff") ?? "censor"
    guard let parsedAfter = AfterCutoff(rawValue: after) else {
      throw SurvivalKitError.invalidData(
        line: file.line("data.after_cutoff"), column: nil,
        message: "plan: after_cutoff must be \"censor\" or \"error\"")
    }
    afterCutoff = parsedAfter
    columns = Columns(
      id: try file.requiredString("columns.id"),
      nosology: try file.requiredString("columns.nosology"),
      gd2: try file.requiredString("columns.gd2"),
      enrolment: try file.requiredString("columns.enrolment"),
      progression: try file.requiredString("columns.progression"),
      death: try file.requiredString("columns.death"),
      lastContact: try file.requiredString("columns.last_contact"),
      response: try file.requiredString("columns.response"))
    let unit = try file.string("endpoints.time_unit") ?? "months"
    switch unit {
    case "months": daysPerUnit = 365.25 / 12
    case "days": daysPerUnit = 1
    case "years": daysPerUnit = 365.25
    case "weeks": daysPerUnit = 7
    default:
      throw SurvivalKitError.invalidData(
        line: file.line("endpoints.time_unit"), column: nil,
        message: "plan: time_unit must be days, weeks, months or years")
    }
    timeUnit = unit
    landmarks = try file.numbers("endpoints.landmarks") ?? [12]
    for t in landmarks where t < 0 {
      throw SurvivalKitError.invalidData(
        line: file.line("endpoints.landmarks"), column: nil,
        message:
          "plan: landmark \(NumberFormatting.shortest(t)) is negative; landmarks are times since the origin (0 or more)"
      )
    }
    plotStep = try file.number("endpoints.plot_step") ?? 6
    plotStepLine = file.line("endpoints.plot_step")
    guard plotStep > 0 else {
      throw SurvivalKitError.invalidData(
        line: plotStepLine, column: nil,
        message:
          "plan: plot_step must be a positive time (the spacing of the figures' ticks, e.g. 6 months)"
      )
    }
    responseCodes = try file.strings("response.codes") ?? ["CR", "PR", "SD", "PD"]
    objectiveResponse = try file.strings("response.objective") ?? ["CR", "PR"]
    diseaseControl = try file.strings("response.disease_control") ?? ["CR", "PR", "SD"]
    for code in objectiveResponse + diseaseControl where !responseCodes.contains(code) {
      throw SurvivalKitError.invalidData(
        line: file.line("response.codes"), column: nil,
        message: "plan: response code '\(code)' is used but not listed in response.codes")
    }
    nosologyLabels = try file.stringTable("nosology.labels").map { (raw: $0.0, label: $0.1) }
    nosologyReference = try file.string("nosology.reference")
    gd2Thresholds = try file.numbers("gd2.thresholds") ?? [1, 5, 20]
    for t in gd2Thresholds where !(t > 0 && t <= 100) {
      throw SurvivalKitError.invalidData(
        line: file.line("gd2.thresholds"), column: nil,
        message:
          "plan: GD2 threshold \(NumberFormatting.shortest(t)) is outside (0, 100]; thresholds are % of positive cells"
      )
    }
    maxstatMinProportion = try file.number("gd2.maxstat_min_proportion") ?? 0.1
    guard maxstatMinProportion > 0 && maxstatMinProportion < 0.5 else {
      throw SurvivalKitError.invalidData(
        line: file.line("gd2.maxstat_min_proportion"), column: nil,
        message: "plan: maxstat_min_proportion must be in (0, 0.5)")
    }
    let conf = try file.string("analysis.conf_type") ?? "log"
    guard let transform = ConfidenceTransform(name: conf) else {
      throw SurvivalKitError.invalidData(
        line: file.line("analysis.conf_type"), column: nil,
        message: "plan: conf_type must be log, log-log, plain, logit or arcsin")
    }
    confType = transform
    confLevel = try file.number("analysis.conf_level") ?? 0.95
    coxModels = try file.strings("cox.models") ?? ["gd2", "nosology", "gd2 + nosology"]
    for model in coxModels {
      let formula: Formula
      do {
        formula = try Formula("Surv(time, status) ~ \(model)")
      } catch {
        throw SurvivalKitError.invalidData(
          line: file.line("cox.models"), column: nil,
          message: "plan: Cox model '\(model)' is not a formula: \(error)")
      }
      let allowed = Set(
        ["gd2", "nosology"] + gd2Thresholds.map { TrialEndpoints.thresholdColumn($0) })
      for term in formula.terms {
        for factor in term.factors where !allowed.contains(factor.variable) {
          throw SurvivalKitError.invalidData(
            line: file.line("cox.models"), column: nil,
            message: "plan: Cox model '\(model)' uses '\(factor.variable)'; the covariates are "
              + allowed.sorted().joined(separator: ", "))
        }
      }
    }
    guard confLevel > 0 && confLevel < 1 else {
      throw SurvivalKitError.invalidData(
        line: file.line("analysis.conf_level"), column: nil,
        message: "plan: conf_level must be between 0 and 1")
    }
  }
}
