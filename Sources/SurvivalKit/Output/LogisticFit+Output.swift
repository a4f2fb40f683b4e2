import SurvivalSupport

/// JSON, table and CSV renderings of a logistic fit (schema in the README).
extension LogisticFit {
  public func json() -> JSONValue {
    func test(_ t: Test) -> JSONValue {
      .object([
        ("term", .string(t.term)), ("statistic", .number(t.statistic)),
        ("df", .number(Double(t.df))), ("p", .number(t.p)),
      ])
    }
    return .object([
      ("formula", .string(formula)),
      ("method", .string(firth ? "firth" : "ml")),
      ("n", .number(Double(n))),
      ("events", .number(Double(events))),
      ("dropped", .number(Double(dropped))),
      ("iterations", .number(Double(iterations))),
      ("converged", .bool(converged)),
      ("warnings", .array(warnings.map { .string($0) })),
      ("conf_level", .number(confLevel)),
      ("references", .object(references.keys.sorted().map { ($0, .string(references[$0]!)) })),
      ("loglik", .object([("null", .number(loglikNull)), ("final", .number(loglik))])),
      ("deviance", .optional(deviance)),
      ("null_deviance", .optional(nullDeviance)),
      ("aic", .optional(aic)),
      (
        "coefficients",
        .array(
          coefficients.map { c in
            .object([
              ("term", .string(c.term)), ("coef", .number(c.coef)), ("or", .number(c.oddsRatio)),
              ("se", .number(c.standardError)), ("z", .number(c.z)), ("p", .number(c.p)),
              ("lower", .optional(c.lower)), ("upper", .optional(c.upper)),
              ("wald_lower", .optional(c.waldLower)), ("wald_upper", .optional(c.waldUpper)),
              ("wald_p", .number(c.waldP)), ("lr_chisq", .number(c.lrStatistic)),
              ("lr_p", .number(c.lrP)),
            ])
          })
      ),
      ("variance", .array(variance.map { .numbers($0) })),
      (
        "tests",
        .object([
          ("likelihood_ratio", test(likelihoodRatio)), ("terms", .array(termTests.map(test))),
        ])
      ),
    ])
  }

  /// What R's `summary(glm)` / `summary(logistf)` show, with the odds ratios.
  public func table() -> String {
    let f = { (x: Double?) in
      guard let x else { return "NA" }
      return x.isInfinite ? (x > 0 ? "Inf" : "-Inf") : NumberFormatting.significant(x)
    }
    let kind =
      firth
      ? "Firth's penalised logistic regression (logistf)"
      : "Logistic regression, maximum likelihood (glm binomial)"
    var out = "\(kind): \(formula)\n"
    out += "n = \(n), responses = \(events), rows dropped for missing values: \(dropped)\n"
    out += "\(converged ? "converged" : "NOT converged") in \(iterations) iteration"
    out += iterations == 1 ? "" : "s"
    if !references.isEmpty {
      out +=
        "; reference levels: "
        + references.keys.sorted().map { "\($0)=\(references[$0]!)" }.joined(separator: ", ")
    }
    out += "\n\n"
    let pName = firth ? "Pr(>Chisq)" : "Pr(>|z|)"
    var t = TextTable(header: ["", "coef", "se(coef)", "z", pName])
    for c in coefficients {
      t.rows.append([c.term, f(c.coef), f(c.standardError), f(c.z), f(c.p)])
    }
    out += t.rendered()
    if firth { out += "p: penalised likelihood-ratio test of each coefficient\n" }
    let level = NumberFormatting.shortest(confLevel * 100)
    var ci = TextTable(header: [
      "", "odds ratio", "lower \(level)%", "upper \(level)%", "Wald lower", "Wald upper",
    ])
    for c in coefficients {
      ci.rows.append([
        c.term, f(c.oddsRatio), f(c.lower), f(c.upper), f(c.waldLower), f(c.waldUpper),
      ])
    }
    out += "\n" + ci.rendered()
    out += "limits: profile \(firth ? "penalised " : "")likelihood, and Wald\n\n"
    let penalised = firth ? "penalised " : ""
    out +=
      "Likelihood ratio test = \(f(likelihoodRatio.statistic)) on \(likelihoodRatio.df) df, "
      + "p = \(f(likelihoodRatio.p))\n"
    if !termTests.isEmpty {
      var terms = TextTable(header: ["term", "LR chisq", "df", "p"])
      for test in termTests {
        terms.rows.append([test.term, f(test.statistic), "\(test.df)", f(test.p)])
      }
      out += "Tests of each term (\(penalised)likelihood ratio, the term dropped):\n"
      out += terms.rendered()
    }
    out += "Log \(penalised)likelihood: null \(f(loglikNull)), final \(f(loglik))"
    if let aic { out += "; AIC \(f(aic))" }
    out += "\n"
    if !warnings.isEmpty { out += "\nWarnings:\n" + warnings.map { "- \($0)\n" }.joined() }
    return out
  }

  /// The coefficient table as CSV.
  public func csv() -> String {
    let f = CSVText.number
    var out = "term,coef,or,se,z,p,lower,upper,wald_lower,wald_upper\n"
    for c in coefficients {
      out += "\(CSVText.quoted(c.term)),\(f(c.coef)),\(f(c.oddsRatio)),\(f(c.standardError)),"
      out += "\(f(c.z)),\(f(c.p)),\(f(c.lower)),\(f(c.upper)),\(f(c.waldLower)),"
      out += "\(f(c.waldUpper))\n"
    }
    return out
  }
}

extension LogisticFit: CustomStringConvertible {
  /// The model summary, as `survkit logistic` prints it.
  public var description: String { table() }
}
