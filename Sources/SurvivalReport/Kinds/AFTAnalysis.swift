import RealModule
import SurvivalKit
import SurvivalSupport

/// `kind = "aft"`: a parametric accelerated failure time model of an endpoint (R's `survreg`)
/// with a Weibull, exponential, log-normal or log-logistic distribution; time ratios exp(β)
/// with their limits, and the plan's reference levels.
struct AFTAnalysis: PlanAnalysis {
  static let name = "aft"
  static let keys = ["endpoint", "formula", "dist"]

  let endpoint: StudyPlan.Endpoint
  let formula: Formula
  let rhs: String
  let distribution: AFTDistribution

  init(table: PlanTable, plan: PlanContext) throws {
    endpoint = try plan.endpoint(table)
    formula = try plan.formula(table, key: "formula", required: true)!
    rhs = try table.string("formula")!
    let name =
      try table.choice("dist", AFTDistribution.allCases.map(\.rawValue))
      ?? AFTDistribution.weibull.rawValue
    distribution = AFTDistribution(rawValue: name)!
  }

  /// "Surv(os_time, os_event) ~ karno".
  var formulaText: String { "Surv(\(endpoint.name)_time, \(endpoint.name)_event) ~ \(rhs)" }

  func fit(_ context: AnalysisContext) throws -> AFTFit {
    var options = AFTOptions()
    options.distribution = distribution
    options.confLevel = context.plan.confLevel
    options.references = context.references(formula)
    return try AFTModel.fit(table: context.table, formula: Formula(formulaText), options: options)
  }

  func run(_ context: AnalysisContext) throws -> AnalysisOutput {
    let w = context.words
    let f = context.format
    var out = AnalysisOutput()
    let fit = try self.fit(context)
    out.json = [("model", fit.json())]
    let level = NumberFormatting.shortest(context.plan.confLevel * 100)
    out.blocks.append(
      .paragraph(
        w.aftSentence(
          "\(endpoint.short) ~ \(rhs)", distribution.rawValue, fit.n, fit.events,
          f.number(fit.loglik, decimals: 2))))
    var rows: [[String]] = []
    for c in fit.coefficients where c.term != "(Intercept)" {
      rows.append([
        c.term,
        "\(f.number(Double.exp(c.coef), decimals: 2)) (\(f.number(Double.exp(c.lower), decimals: 2))–\(f.number(Double.exp(c.upper), decimals: 2)))",
        f.p(c.p),
      ])
    }
    out.blocks.append(.table(header: [w.term, w.timeRatioColumn(level), "p"], rows: rows))
    if !fit.converged {
      out.warnings.append(
        Estimability(
          analysis: context.id, code: .other, term: nil,
          message: w.notConverged(context.id, fit.iterations)))
    }
    out.method = w.aftMethod(level, distribution.rawValue)
    return out
  }
}
