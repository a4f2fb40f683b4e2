import SurvivalKit
import SurvivalSupport

/// `kind = "finegray"`: a Fine–Gray proportional subdistribution hazards model of one cause of
/// a competing-risk formula `Surv(time, cause) ~ covariates`, as cmprsk's `crr`, with the
/// plan's reference levels.
struct FineGrayAnalysis: PlanAnalysis {
  static let name = "finegray"
  static let keys = ["formula", "cause", "censored"]

  let formula: Formula
  let cause: String?
  let censored: String?

  init(table: PlanTable, plan: PlanContext) throws {
    formula = try plan.competingFormula(table, key: "formula")
    guard !formula.terms.isEmpty else {
      throw table.error(
        "formula", "formula has no covariate; a Fine–Gray model needs at least one term")
    }
    guard formula.strata.isEmpty, formula.cluster == nil, formula.response.start == nil else {
      throw table.error(
        "formula",
        "a Fine–Gray model takes Surv(time, cause) ~ covariates, without strata(), cluster() or entry times"
      )
    }
    cause = try table.string("cause")
    censored = try table.string("censored")
  }

  func fit(_ context: AnalysisContext) throws -> FineGrayFit {
    var options = FineGrayOptions()
    options.cause = cause
    options.censoring = censored
    options.confLevel = context.plan.confLevel
    options.references = context.references(formula)
    return try FineGray.fit(table: context.table, formula: formula, options: options)
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
        w.fineGraySentence(fit.cause, fit.n, fit.events, fit.competing, fit.censored)))
    out.blocks.append(
      .table(
        header: [w.term, w.shrColumn(level), "p"],
        rows: fit.coefficients.map { c in
          [
            c.term,
            "\(f.number(c.hazardRatio, decimals: 2)) (\(f.number(c.lower, decimals: 2))–\(f.number(c.upper, decimals: 2)))",
            f.p(c.p),
          ]
        }))
    if !fit.converged {
      out.warnings.append(
        Estimability(
          analysis: context.id, code: .other, term: nil,
          message: w.notConverged(context.id, fit.iterations)))
    }
    out.method = w.fineGrayMethod(level)
    return out
  }
}
