import SurvivalKit
import SurvivalSupport

/// `kind = "cox"`: a Cox proportional hazards model of an endpoint on any formula the CLI
/// accepts (factors with the plan's references, `strata()`, interactions, `cluster()`), with
/// the chosen ties, the cox.zph test, concordance, and plain-word estimability warnings.
struct CoxAnalysis: PlanAnalysis {
  static let name = "cox"
  static let keys = ["endpoint", "formula", "ties", "robust", "zph", "headline"]

  let endpoint: StudyPlan.Endpoint
  let formula: Formula
  let rhs: String
  let ties: CoxTies
  let robust: Bool?
  let zph: Bool
  let headline: Bool?

  var forestCapable: Bool { true }

  init(table: PlanTable, plan: PlanContext) throws {
    endpoint = try plan.endpoint(table)
    formula = try plan.formula(table, key: "formula", required: true)!
    rhs = try table.string("formula")!
    guard !formula.terms.isEmpty else {
      throw table.error("formula", "formula has no covariate; a Cox model needs at least one term")
    }
    switch try table.choice("ties", ["efron", "breslow", "exact"]) ?? "efron" {
    case "breslow": ties = .breslow
    case "exact": ties = .exact
    default: ties = .efron
    }
    robust = try table.bool("robust")
    zph = try table.bool("zph") ?? true
    headline = try table.bool("headline")
  }

  /// "Surv(pfs_time, pfs_event) ~ gd2".
  var formulaText: String { "Surv(\(endpoint.name)_time, \(endpoint.name)_event) ~ \(rhs)" }

  func fit(_ context: AnalysisContext) throws -> CoxFit {
    var options = CoxOptions()
    options.confLevel = context.plan.confLevel
    options.ties = ties
    options.robust = robust
    options.references = context.references(formula)
    return try CoxModel.fit(table: context.table, formula: Formula(formulaText), options: options)
  }

  func run(_ context: AnalysisContext) throws -> AnalysisOutput {
    let w = context.words
    let f = context.format
    var out = AnalysisOutput()
    let model = "\(endpoint.short) ~ \(modelLabel(context))"
    let fit: CoxFit
    do {
      fit = try self.fit(context)
    } catch let error as SurvivalKitError {
      // Nothing estimable: say why, in words, and keep going.
      let reasons = CoxAnalysis.constantReasons(formula, context: context, endpoint: endpoint)
      if reasons.isEmpty { throw error }
      out.warnings += reasons
      out.json = [("formula", .string(formulaText)), ("estimable", .bool(false))]
      out.blocks.append(.paragraph(reasons.map(\.message).joined(separator: " ")))
      out.forestRows = formula.terms.map {
        ForestPlot.Row(
          label: $0.description, estimate: nil, lower: nil, upper: nil, p: nil, model: model)
      }
      return out
    }
    let zphResult = zph ? try CoxZPH.test(fit: fit) : nil
    out.json = CoxAnalysis.modelJSON(fit, zph: zphResult, formula: formulaText)
    out.warnings += CoxAnalysis.estimability(
      fit, formula: formula, context: context, endpoint: endpoint)
    let level = NumberFormatting.shortest(context.plan.confLevel * 100)
    var rows: [[String]] = []
    for c in fit.coefficients {
      let label = context.termLabel(c.term, fit: fit)
      rows.append([label, f.hazardRatio(c), f.p(c.p)])
      out.forestRows.append(
        ForestPlot.Row(
          label: label, estimate: c.hazardRatio, lower: c.lower, upper: c.upper, p: c.p,
          model: model))
    }
    let single = fit.coefficients.count == 1
    if headline ?? single, let c = fit.coefficients.first {
      let label = context.termLabel(c.term, fit: fit)
      for c in fit.coefficients {
        out.headline.append(
          w.coxHeadline(
            endpoint.short, context.termLabel(c.term, fit: fit), f.hazardRatio(c), f.pEquals(c.p)))
      }
      _ = label
    }
    out.blocks.append(
      .paragraph(
        w.coxSentence(
          model, fit.n, fit.events, zphResult.map { f.pEquals($0.global.p) },
          fit.concordance.map { f.number($0.estimate, decimals: 3) })))
    out.blocks.append(.table(header: [w.term, w.hrColumn(level), "p"], rows: rows))
    out.method = w.coxMethod(level, ties.rawValue)
    return out
  }

  func modelLabel(_ context: AnalysisContext) -> String {
    var text = rhs
    for v in context.plan.variables where text.contains(v.name) {
      // Whole-word replacement of variable names by their labels.
      var result = ""
      var word = ""
      for ch in text + " " {
        if ch.isLetter || ch.isNumber || ch == "_" || ch == "." {
          word.append(ch)
        } else {
          result += word == v.name ? v.label : word
          word = ""
          result.append(ch)
        }
      }
      text = String(result.dropLast())
    }
    return text
  }

  /// Why each term of a model that could not be fitted is constant.
  static func constantReasons(
    _ formula: Formula, context: AnalysisContext, endpoint: StudyPlan.Endpoint
  ) -> [Estimability] {
    var result: [Estimability] = []
    for term in formula.terms {
      for factor in term.factors {
        if let reason = constantReason(factor.variable, context: context, term: term.description) {
          result.append(reason)
        }
      }
    }
    return result
  }

  /// A variable constant in the analysed population, with the inclusion criterion that makes
  /// it so when the plan states one (on the variable or on the number it is derived from).
  static func constantReason(_ name: String, context: AnalysisContext, term: String)
    -> Estimability?
  {
    guard let v = context.plan.variable(name), let column = try? context.table.column(named: name)
    else { return nil }
    var distinct: Set<String> = []
    for i in 0..<context.table.rowCount where !column.isMissing(i) {
      distinct.insert(column.text(at: i) ?? "")
      if distinct.count > 1 { return nil }
    }
    let value = distinct.first ?? ""
    let criterion = v.inclusion ?? v.from.flatMap { context.plan.variable($0)?.inclusion }
    let w = context.words
    if let criterion {
      return Estimability(
        analysis: context.id, code: .inclusionCriterion, term: term,
        message: w.constantByInclusion(
          context.id, v.label, value, context.population.label, criterion))
    }
    return Estimability(
      analysis: context.id, code: .constant, term: term,
      message: w.constantTerm(context.id, v.label, value, context.population.label))
  }

  /// Plain-word warnings for a fitted model.
  static func estimability(
    _ fit: CoxFit, formula: Formula, context: AnalysisContext, endpoint: StudyPlan.Endpoint
  ) -> [Estimability] {
    let w = context.words
    var result: [Estimability] = []
    let estimated = fit.coefficients.filter { $0.coef != nil }.count
    for c in fit.coefficients where c.coef == nil {
      let variable = formula.terms.first {
        $0.description == c.term || c.term.hasPrefix($0.description)
      }
      var explained = false
      for factor in variable?.factors ?? [] {
        if let reason = constantReason(factor.variable, context: context, term: c.term) {
          result.append(reason)
          explained = true
        }
      }
      if !explained {
        result.append(
          Estimability(
            analysis: context.id, code: .aliased, term: c.term,
            message: w.aliased(context.id, context.termLabel(c.term, fit: fit))))
      }
    }
    var monotoneTerms: [String] = []
    for warning in fit.warnings where warning.contains("may be infinite") {
      if let term = warning.split(separator: "'").dropFirst().first.map(String.init) {
        monotoneTerms.append(term)
      }
    }
    // A fit that did not converge while a coefficient ran beyond |beta| = 10 (a hazard ratio
    // beyond e^10) is the same phenomenon, seen before the likelihood settled.
    let notConverged = fit.warnings.contains { $0.contains("did not converge") }
    if notConverged {
      for c in fit.coefficients where abs(c.coef ?? 0) >= 10 && !monotoneTerms.contains(c.term) {
        monotoneTerms.append(c.term)
      }
    }
    for term in monotoneTerms {
      result.append(
        Estimability(
          analysis: context.id, code: .monotoneLikelihood, term: term,
          message: w.monotone(context.id, context.termLabel(term, fit: fit))))
    }
    // Category levels without events.
    for term in formula.terms where term.factors.count == 1 {
      let name = term.factors[0].variable
      guard context.plan.variable(name)?.kind == .category,
        let sample = try? context.sample(endpoint, name)
      else { continue }
      var events = [Int](repeating: 0, count: sample.groups.labels.count)
      for i in 0..<sample.count { events[Int(sample.groups.codes[i])] += Int(sample.status[i]) }
      for (k, e) in events.enumerated() where e == 0 {
        let level = String(sample.groups.labels[k].dropFirst(name.count + 1))
        result.append(
          Estimability(
            analysis: context.id, code: .noEvents, term: name + level,
            message: w.noEventsInGroup(context.id, level, endpoint.short)))
      }
    }
    if estimated > 0 && Double(fit.events) / Double(estimated) < 10 {
      result.append(
        Estimability(
          analysis: context.id, code: .lowEventsPerVariable, term: nil,
          message: w.eventsPerVariable(
            context.id, fit.events, estimated,
            context.format.number(Double(fit.events) / Double(estimated), decimals: 1))))
    }
    for warning in fit.warnings
    where !warning.contains("may be infinite") && !warning.contains("is aliased")
      && !(warning.contains("did not converge") && !monotoneTerms.isEmpty)
    {
      result.append(Estimability(analysis: context.id, code: .other, term: nil, message: warning))
    }
    return result
  }

  static func modelJSON(_ fit: CoxFit, zph: CoxZPH?, formula: String) -> [(String, JSONValue)] {
    func test(_ t: CoxFit.Test) -> JSONValue { t.jsonValue }
    var members: [(String, JSONValue)] = [
      ("formula", .string(formula)), ("n", .number(Double(fit.n))),
      ("events", .number(Double(fit.events))),
      (
        "references",
        .object(fit.references.keys.sorted().map { ($0, .string(fit.references[$0]!)) })
      ),
      (
        "coefficients",
        .array(
          fit.coefficients.map { c in
            .object([
              ("term", .string(c.term)), ("coef", .optional(c.coef)),
              ("hr", .optional(c.hazardRatio)),
              ("se", .optional(c.standardError)), ("lower", .optional(c.lower)),
              ("upper", .optional(c.upper)),
              ("p", .optional(c.p)),
            ])
          })
      ),
      (
        "tests",
        .object([
          ("likelihood_ratio", test(fit.likelihoodRatio)), ("wald", test(fit.wald)),
          ("score", test(fit.score)),
        ])
      ),
      ("concordance", fit.concordance?.jsonValue ?? .null),
    ]
    if let zph {
      members.append(
        (
          "zph",
          .object([
            ("terms", .array(zph.terms.map(\.jsonValue))),
            (
              "global",
              .object([
                ("chisq", .number(zph.global.chisq)), ("df", .number(Double(zph.global.df))),
                ("p", .number(zph.global.p)),
              ])
            ),
          ])
        ))
    }
    members.append(("warnings", .array(fit.warnings.map { .string($0) })))
    return members
  }
}
