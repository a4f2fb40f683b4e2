import SurvivalKit
import SurvivalSupport

/// A kind of analysis a plan can declare (`kind = "km"`). Each kind lives in its own file,
/// checks its options when the plan is read (before any data), and computes its results from
/// the library's estimators. Adding a kind: write one file with a type conforming to this
/// protocol and list the type in `AnalysisKinds.all`; no other kind changes.
package protocol PlanAnalysis: Sendable {
  /// The name used in plans.
  static var name: String { get }
  /// The kind's own option keys (besides kind, population and title).
  static var keys: [String] { get }
  /// Reads and checks the options of `table`. - Throws: an error naming the plan's line.
  init(table: PlanTable, plan: PlanContext) throws
  /// Computes the analysis on its population.
  func run(_ context: AnalysisContext) throws -> AnalysisOutput
  /// Whether the analysis yields hazard-ratio rows for forest plots.
  var forestCapable: Bool { get }
  /// Files the analysis reads besides the data (paths relative to the plan's folder).
  var inputFiles: [String] { get }
}

extension PlanAnalysis {
  package var forestCapable: Bool { false }
  package var inputFiles: [String] { [] }
}

/// The registered kinds, in the order the README documents them.
package enum AnalysisKinds {
  package static let all: [any PlanAnalysis.Type] = [
    KaplanMeierAnalysis.self, LogRankAnalysis.self, CoxAnalysis.self, ThresholdsAnalysis.self,
    MaxstatAnalysis.self, ProportionAnalysis.self, CumulativeIncidenceAnalysis.self,
    FineGrayAnalysis.self, AFTAnalysis.self, SafetyAnalysis.self,
  ]

  package static func kind(named name: String) -> (any PlanAnalysis.Type)? {
    all.first { $0.name == name }
  }
}

/// What an analysis sees when it runs.
package struct AnalysisContext: Sendable {
  package let id: String
  package let title: String?
  package let plan: StudyPlan
  package let study: StudyData
  package let population: StudyPlan.Population
  /// The analysis table restricted to the population.
  package let table: DataTable
  package let language: ReportLanguage
  /// Ticks shared by every Kaplan–Meier figure.
  package let ticks: [Double]
  /// The bytes of the analyses' `inputFiles`, by path as the plan writes it; nil when the
  /// run reads no extra files (a data-cut comparison, which skips such analyses).
  package var inputs: [String: [UInt8]]? = nil

  package var words: Words { language.words }
  package var format: ReportFormat { language.format }

  /// A survival sample of `endpoint` grouped by the right-hand side `rhs`.
  package func sample(_ endpoint: StudyPlan.Endpoint, _ rhs: String = "1") throws
    -> SurvivalSample
  {
    try SurvivalSample(
      table: table,
      formula: Formula("Surv(\(endpoint.name)_time, \(endpoint.name)_event) ~ \(rhs)"),
      timefix: true)
  }

  /// References of the category variables a formula uses, from the plan.
  package func references(_ formula: Formula) -> [String: String] {
    var result: [String: String] = [:]
    for term in formula.terms {
      for factor in term.factors {
        if let v = plan.variable(factor.variable), let r = v.reference { result[v.name] = r }
      }
    }
    return result
  }

  /// "GD2, per 1 %", "Ewing sarcoma vs osteosarcoma", interactions joined by " × ".
  package func termLabel(_ term: String, fit: CoxFit) -> String {
    let parts = term.split(separator: ":").map(String.init)
    return parts.map { part -> String in
      if let v = plan.variable(part), v.kind == .number {
        return words.perUnit(v.label, v.unit)
      }
      for v in plan.variables where v.kind == .category && part.hasPrefix(v.name) {
        let level = String(part.dropFirst(v.name.count))
        if let reference = fit.references[v.name],
          table.columnNames.contains(v.name)
        {
          return words.versus(v.label, level, reference)
        }
      }
      return part
    }.joined(separator: " × ")
  }
}

/// One result of an analysis: results.json members, report blocks, headline lines, figures,
/// warnings and forest-plot rows.
package struct AnalysisOutput: Sendable {
  package var json: [(String, JSONValue)] = []
  package var headline: [String] = []
  package var blocks: [ReportDocument.Block] = []
  package var figures: [(name: String, svg: String)] = []
  package var warnings: [Estimability] = []
  package var forestRows: [ForestPlot.Row] = []
  /// The method in one sentence, for the Methods section.
  package var method: String = ""

  package init() {}
}

/// Something a reader must be told about a term or a fit: why it cannot be estimated, or why
/// it needs care. Printed as a sentence in the report and as a structured warning in
/// results.json.
public struct Estimability: Sendable, Equatable {
  /// What kind of problem it is (the `code` in results.json).
  public enum Code: String, Sendable {
    /// A term is the same for every analysed patient.
    case constant = "constant_in_population"
    /// ... because an inclusion criterion makes it so.
    case inclusionCriterion = "constant_by_inclusion_criterion"
    /// A group, or one side of a split, has no events.
    case noEvents = "no_events_in_group"
    /// One side of a split has no patients.
    case emptySide = "empty_side"
    /// Fewer than 10 events per estimated coefficient.
    case lowEventsPerVariable = "events_per_variable_below_10"
    /// The likelihood keeps increasing as a coefficient runs to infinity.
    case monotoneLikelihood = "monotone_likelihood"
    /// Nobody is at risk any more at a landmark.
    case nobodyAtRisk = "nobody_at_risk_at_landmark"
    /// Collinear terms (aliased).
    case aliased = "aliased"
    /// Anything else the engine warned about.
    case other = "other"
  }
  /// The analysis id.
  public let analysis: String
  /// What kind of problem it is.
  public let code: Code
  /// The model term or group concerned, if any.
  public let term: String?
  /// The sentence printed in the report, in the report's language.
  public let message: String

  /// The warning as results.json holds it.
  public var json: JSONValue {
    .object([
      ("analysis", .string(analysis)), ("code", .string(code.rawValue)),
      ("term", term.map { .string($0) } ?? .null), ("message", .string(message)),
    ])
  }
}

extension StudyPlan {
  /// "1-year" for 12 months, else "18-month".
  func landmarkName(_ t: Double, words: Words) -> String {
    words.landmark(t, timeUnit)
  }
}
