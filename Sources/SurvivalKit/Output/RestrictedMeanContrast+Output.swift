import SurvivalSupport

/// JSON and table renderings of RMST contrasts (schema in the README).
extension RestrictedMeanContrast {
  /// `tau`, `tau_rule`, `groups` (label, n, events, rmst, std_err), `difference` and `ratio`
  /// (two groups: estimate, std_err, lower, upper, z, p; the ratio's std_err is of its log),
  /// `chisq`, `df`, `p`.
  public var jsonValue: JSONValue {
    func estimate(_ e: Estimate?) -> JSONValue {
      guard let e else { return .null }
      return .object([
        ("estimate", .number(e.estimate)), ("std_err", .number(e.standardError)),
        ("lower", .number(e.lower)), ("upper", .number(e.upper)), ("z", .number(e.z)),
        ("p", .number(e.p)),
      ])
    }
    return .object([
      ("tau", .number(tau)),
      ("tau_rule", .string(tauRule)),
      ("conf_level", .number(confLevel)),
      (
        "groups",
        .array(
          groups.map { g in
            .object([
              ("label", .string(g.label)), ("n", .number(Double(g.n))),
              ("events", .number(Double(g.events))), ("rmst", .number(g.estimate)),
              ("std_err", .number(g.standardError)),
            ])
          })
      ),
      ("difference", estimate(difference)),
      ("ratio", estimate(ratio)),
      ("chisq", .number(chisq)),
      ("df", .number(Double(df))),
      ("p", .number(p)),
    ])
  }

  /// The contrast table (survRM2's layout: RMST per group, then difference and ratio).
  public func table() -> String {
    let f = { (x: Double?) in NumberFormatting.significant(x) }
    let level = NumberFormatting.shortest(confLevel)
    var out =
      "Restricted mean survival time to tau = \(NumberFormatting.shortest(tau)) (\(tauRule))\n"
    var t = TextTable(header: ["group", "n", "events", "rmst", "se"])
    for g in groups {
      t.rows.append([g.label, String(g.n), String(g.events), f(g.estimate), f(g.standardError)])
    }
    out += t.rendered()
    if let difference, let ratio, groups.count == 2 {
      let name = "\(groups[1].label) vs \(groups[0].label)"
      var c = TextTable(header: ["contrast", "estimate", "lower \(level)", "upper \(level)", "p"])
      c.rows.append([
        "difference (\(name))", f(difference.estimate), f(difference.lower), f(difference.upper),
        f(difference.p),
      ])
      c.rows.append([
        "ratio (\(name))", f(ratio.estimate), f(ratio.lower), f(ratio.upper), f(ratio.p),
      ])
      out += "\n" + c.rendered()
    }
    out += "Chisq = \(f(chisq)) on \(df) df, p = \(f(p)) (equal RMSTs)\n"
    return out
  }
}
