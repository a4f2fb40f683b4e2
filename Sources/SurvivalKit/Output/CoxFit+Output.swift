import RealModule
import SurvivalSupport

extension CoxFit.Test {
  /// `statistic`, `df`, `p`.
  public var jsonValue: JSONValue {
    .object([("statistic", .number(statistic)), ("df", .number(Double(df))), ("p", .number(p))])
  }
}

extension CoxZPH.TermTest {
  /// `term`, `chisq`, `df`, `p`.
  public var jsonValue: JSONValue {
    .object([
      ("term", .string(term)), ("chisq", .number(chisq)), ("df", .number(Double(df))),
      ("p", .number(p)),
    ])
  }
}

extension Concordance {
  /// `estimate`, `std_err`.
  public var jsonValue: JSONValue {
    .object([("estimate", .number(estimate)), ("std_err", .number(standardError))])
  }
}

/// JSON, table and CSV renderings of a Cox fit (schema in the README).
extension CoxFit {
  /// The fit as the JSON document `survkit cox --format json` prints (schema in the README).
  ///
  /// - Parameter zph: A proportional-hazards test of this fit to include under `zph`, or nil.
  /// - Returns: An object with the counts, settings, coefficients, variance matrices, the three
  ///   tests, the concordance and, when given, the cox.zph results; non-finite numbers are `null`.
  public func json(zph: CoxZPH? = nil) -> JSONValue {
    func test(_ t: Test) -> JSONValue { t.jsonValue }
    func matrix(_ m: [[Double?]]) -> JSONValue { .array(m.map { .numbers($0) }) }
    var members: [(String, JSONValue)] = [
      ("n", .number(Double(n))),
      ("events", .number(Double(events))),
      ("dropped", .number(Double(dropped))),
      ("ties", .string(ties.rawValue)),
      ("iterations", .number(Double(iterations))),
      ("converged", .bool(converged)),
      ("warnings", .array(warnings.map { .string($0) })),
      ("conf_level", .number(confLevel)),
      ("robust", .bool(robust)),
      ("robust_by_default", .bool(robustByDefault)),
      (
        "references",
        .object(references.keys.sorted().map { ($0, .string(references[$0]!)) })
      ),
      ("loglik", .object([("null", .number(loglikNull)), ("final", .number(loglik))])),
      (
        "coefficients",
        .array(
          coefficients.map { c in
            .object([
              ("term", .string(c.term)),
              ("coef", .optional(c.coef)),
              ("hr", .optional(c.hazardRatio)),
              ("se", .optional(c.standardError)),
              ("robust_se", .optional(c.robustStandardError)),
              ("z", .optional(c.z)),
              ("p", .optional(c.p)),
              ("lower", .optional(c.lower)),
              ("upper", .optional(c.upper)),
            ])
          })
      ),
      ("variance", matrix(variance)),
      ("naive_variance", naiveVariance.map(matrix) ?? .null),
      (
        "tests",
        .object([
          ("likelihood_ratio", test(likelihoodRatio)), ("wald", test(wald)), ("score", test(score)),
          ("robust_score", robustScore.map(test) ?? .null),
        ])
      ),
      (
        "concordance",
        concordance?.jsonValue ?? .null
      ),
    ]
    if let zph {
      func row(_ t: CoxZPH.TermTest) -> JSONValue { t.jsonValue }
      members.append(
        (
          "zph",
          .object([
            ("transform", .string(zph.transform.rawValue)),
            ("terms", .array(zph.terms.map(row))),
            ("global", row(zph.global)),
            (
              "residuals",
              .object([
                ("time", .numbers(zph.residualTimes)),
                (
                  "scaled_schoenfeld",
                  .object(zip(zph.residualColumns, zph.scaledResiduals).map { ($0, .numbers($1)) })
                ),
              ])
            ),
          ])
        ))
    }
    return .object(members)
  }

  /// What R's `summary(coxph)` shows.
  ///
  /// - Parameter zph: A proportional-hazards test of this fit to print after the tests, or nil.
  /// - Returns: The text `survkit cox --format table` prints: header, coefficient and
  ///   hazard-ratio tables, concordance, tests, log-likelihoods and warnings.
  public func table(zph: CoxZPH? = nil) -> String {
    let f = { (x: Double?) in NumberFormatting.significant(x) }
    var out = "Cox proportional hazards model: \(formula)\n"
    out += "n = \(n), events = \(events), rows dropped for missing values: \(dropped)\n"
    out +=
      "ties: \(ties.rawValue); \(converged ? "converged" : "NOT converged") in \(iterations) iteration\(iterations == 1 ? "" : "s")"
    if !references.isEmpty {
      out +=
        "; reference levels: "
        + references.keys.sorted().map { "\($0)=\(references[$0]!)" }.joined(separator: ", ")
    }
    out += "\n"
    if robustByDefault {
      out +=
        "variance: robust (sandwich), the default for non-integer case weights as in R's coxph; "
        + "turn it off (robust = false, --no-robust) for the model-based variance\n"
    }
    out += "\n"
    var header = ["", "coef", "exp(coef)", "se(coef)"]
    if robust { header.append("robust se") }
    header += ["z", "Pr(>|z|)"]
    var t = TextTable(header: header)
    for c in coefficients {
      var row = [c.term, f(c.coef), f(c.hazardRatio), f(c.standardError)]
      if robust { row.append(f(c.robustStandardError)) }
      row += [f(c.z), f(c.p)]
      t.rows.append(row)
    }
    out += t.rendered()
    let level = NumberFormatting.shortest(confLevel)
    var ci = TextTable(header: ["", "exp(coef)", "exp(-coef)", "lower \(level)", "upper \(level)"])
    for c in coefficients {
      ci.rows.append([
        c.term, f(c.hazardRatio), f(c.coef.map { Double.exp(-$0) }), f(c.lower), f(c.upper),
      ])
    }
    out += "\n" + ci.rendered() + "\n"
    if let concordance { out += concordance.line() }
    func line(_ name: String, _ test: Test) -> String {
      "\(name) = \(f(test.statistic)) on \(test.df) df, p = \(f(test.p))\n"
    }
    out += line("Likelihood ratio test", likelihoodRatio)
    out += line("Wald test            ", wald)
    out += line("Score (logrank) test ", score)
    if let robustScore { out += line("Robust score test    ", robustScore) }
    out += "Log partial likelihood: null \(f(loglikNull)), final \(f(loglik))\n"
    if let zph { out += "\n" + zph.table() }
    if !warnings.isEmpty {
      out += "\nWarnings:\n" + warnings.map { "- \($0)\n" }.joined()
    }
    return out
  }

  /// The coefficient table as CSV.
  public func csv() -> String {
    let f = CSVText.number
    var out = "term,coef,hr,se,robust_se,z,p,lower,upper\n"
    for c in coefficients {
      out += "\(CSVText.quoted(c.term)),\(f(c.coef)),\(f(c.hazardRatio)),\(f(c.standardError)),"
      out += "\(f(c.robustStandardError)),\(f(c.z)),\(f(c.p)),\(f(c.lower)),\(f(c.upper))\n"
    }
    return out
  }
}

extension CoxZPH {
  /// What R's `print(cox.zph(fit))` shows: one row per term and the global test.
  public func table() -> String {
    let f = { (x: Double?) in NumberFormatting.significant(x) }
    var out = "Proportional hazards test (cox.zph, \(transform.rawValue) transform):\n"
    var z = TextTable(header: ["", "chisq", "df", "p"])
    for r in terms + [global] { z.rows.append([r.term, f(r.chisq), "\(r.df)", f(r.p)]) }
    out += z.rendered()
    return out
  }
}

extension Concordance {
  /// `Concordance = 0.603 (se = 0.02509)`, as R's `summary(coxph)` prints it.
  public func line() -> String {
    let f = { (x: Double?) in NumberFormatting.significant(x) }
    return "Concordance = \(f(estimate)) (se = \(f(standardError)))\n"
  }
}
