import SurvivalKit
import SurvivalSupport

/// `kind = "logrank"`: the (weighted, stratified) log-rank test between a formula's groups,
/// optionally with a trend test and pairwise comparisons; results.json holds exactly what
/// `survkit logrank --format json` prints for the same data.
struct LogRankAnalysis: PlanAnalysis {
  static let name = "logrank"
  static let keys = [
    "endpoint", "by", "weight", "rho", "gamma", "trend", "scores", "pairwise", "adjust",
  ]

  let endpoint: StudyPlan.Endpoint
  let by: Formula
  let byText: String
  let weight: LogRankWeight
  let trend: Bool
  let scores: String?
  let pairwise: Bool
  let adjust: PValueAdjustment

  init(table: PlanTable, plan: PlanContext) throws {
    endpoint = try plan.endpoint(table)
    by = try plan.formula(table, key: "by", required: true)!
    byText = try table.string("by")!
    guard !by.terms.isEmpty else {
      throw table.error("by", "by must name the groups to compare (strata() alone only stratifies)")
    }
    let test =
      try table.choice("weight", ["logrank", "gehan", "tarone-ware", "peto-peto", "fh"])
      ?? "logrank"
    let rho = try table.number("rho", "0 or more") { $0 >= 0 && $0.isFinite }
    let gamma = try table.number("gamma", "0 or more") { $0 >= 0 && $0.isFinite }
    if gamma != nil && test != "fh" {
      throw table.error("gamma", "gamma applies to weight = \"fh\" only")
    }
    if rho != nil && test != "fh" && test != "logrank" {
      throw table.error("rho", "rho applies to weight = \"logrank\" (G-rho) and \"fh\" only")
    }
    switch test {
    case "gehan": weight = .gehanBreslow
    case "tarone-ware": weight = .taroneWare
    case "peto-peto": weight = .petoPeto
    case "fh": weight = .flemingHarrington(p: rho ?? 0, q: gamma ?? 0)
    default: weight = (rho ?? 0) == 0 ? .logRank : .gRho(rho!)
    }
    trend = try table.bool("trend") ?? false
    scores = try table.string("scores")
    if let scores {
      guard trend else { throw table.error("scores", "scores needs trend = true") }
      guard plan.variable(scores)?.kind == .number else {
        throw table.error("scores", "scores must name a number variable")
      }
    }
    pairwise = try table.bool("pairwise") ?? false
    adjust = PValueAdjustment(
      rawValue: try table.choice("adjust", ["holm", "bh", "none"]) ?? "holm")!
  }

  func run(_ context: AnalysisContext) throws -> AnalysisOutput {
    let w = context.words
    let f = context.format
    var out = AnalysisOutput()
    let sample = try context.sample(endpoint, byText)
    let test = try LogRank.test(sample, weight: weight)
    let trendResult =
      trend
      ? try LogRankTrend(
        test: test,
        scores: LogRankTrend.scores(for: sample, table: context.table, column: scores))
      : nil
    let pairwiseResult =
      pairwise ? try LogRankPairwise(sample, weight: weight, adjustment: adjust) : nil
    out.json = [
      ("endpoint", .string(endpoint.name)),
      ("result", test.json(dropped: sample.dropped, trend: trendResult, pairwise: pairwiseResult)),
    ]
    let byLabel = by.terms.flatMap { $0.factors.map(\.variable) }.map {
      context.plan.variable($0)?.label ?? $0
    }.joined(separator: ", ")
    let sentence = w.logrankHeadline(
      endpoint.short, byLabel, f.number(test.chisq, decimals: 2), test.df, f.pEquals(test.p))
    out.headline.append(sentence)
    // One grouping variable: its levels in the plan's order, without the "name=" prefix.
    var groups = test.groups
    var shown: (String) -> String = { $0 }
    if by.terms.count == 1, by.terms[0].factors.count == 1,
      let v = context.plan.variable(by.terms[0].factors[0].variable)
    {
      let prefix = "\(v.name)="
      let order = v.orderedLabels
      shown = { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : $0 }
      groups.sort {
        (order.firstIndex(of: shown($0.label)) ?? Int.max)
          < (order.firstIndex(of: shown($1.label)) ?? Int.max)
      }
    }
    let rows = groups.map { g in
      [shown(g.label), "\(g.n)", "\(g.events)", f.number(g.expected, decimals: 1)]
    }
    for g in test.groups where g.events == 0 {
      out.warnings.append(
        Estimability(
          analysis: context.id, code: .noEvents, term: g.label,
          message: w.noEventsInGroup(context.id, shown(g.label), endpoint.short)))
    }
    out.blocks.append(.paragraph(sentence))
    out.blocks.append(.table(header: [w.group, "n", w.events, w.expectedEvents], rows: rows))
    if let trendResult {
      out.blocks.append(
        .paragraph(
          w.trendSentence(f.number(trendResult.statistic, decimals: 2), f.pEquals(trendResult.p))))
    }
    if let pairwiseResult {
      out.blocks.append(
        .table(
          header: [w.group, w.group, "χ²", "p", w.adjustedP(adjust.rawValue)],
          rows: pairwiseResult.pairs.map {
            [
              shown($0.group1), shown($0.group2), f.number($0.chisq, decimals: 2), f.p($0.p),
              f.p($0.pAdjusted),
            ]
          }))
    }
    out.method = w.logrankMethod(weight.name)
    return out
  }
}
