import SurvivalSupport

/// JSON, table and CSV renderings of log-rank results (the schema is in the README).
extension LogRankTest {
  /// Everything a report needs; `trend` and `pairwise` are included when given.
  ///
  /// - Parameters:
  ///   - dropped: Rows dropped for missing values, to report.
  ///   - trend: A trend test of the same groups, or nil.
  ///   - pairwise: Pairwise comparisons of the same groups, or nil.
  /// - Returns: The JSON document `survkit logrank --format json` prints.
  public func json(
    dropped: Int, trend: LogRankTrend? = nil, pairwise: LogRankPairwise? = nil
  ) -> JSONValue {
    let k = groups.count
    var members: [(String, JSONValue)] = [
      ("test", .string(weight.name)),
      ("weight", .string(weight.formula)),
      ("n", .number(Double(groups.reduce(0) { $0 + $1.n }))),
      ("events", .number(Double(groups.reduce(0) { $0 + $1.events }))),
      ("dropped", .number(Double(dropped))),
      ("strata", .number(Double(strata))),
      ("chisq", .number(chisq)),
      ("df", .number(Double(df))),
      ("p", .optional(p)),
      (
        "groups",
        .array(
          groups.map { g in
            .object([
              ("label", .string(g.label)),
              ("n", .number(Double(g.n))),
              ("events", .number(Double(g.events))),
              ("observed", .number(g.observed)),
              ("expected", .number(g.expected)),
            ])
          })
      ),
      ("variance", .array((0..<k).map { a in .numbers(variance[a]) })),
      ("notes", .array(notes.map { .string($0) })),
    ]
    if let trend {
      members.append(
        (
          "trend",
          .object([
            ("scores", .numbers(trend.scores)),
            ("statistic", .number(trend.statistic)),
            ("z", .number(trend.z)),
            ("df", .number(Double(trend.df))),
            ("p", .number(trend.p)),
          ])
        ))
    }
    if let pairwise {
      members.append(
        (
          "pairwise",
          .object([
            ("adjust", .string(pairwise.adjustment.rawValue)),
            (
              "pairs",
              .array(
                pairwise.pairs.map { pair in
                  .object([
                    ("group1", .string(pair.group1)),
                    ("group2", .string(pair.group2)),
                    ("chisq", .number(pair.chisq)),
                    ("df", .number(Double(pair.df))),
                    ("p", .optional(pair.p)),
                    ("p_adjusted", .optional(pair.pAdjusted)),
                  ])
                })
            ),
          ])
        ))
    }
    return .object(members)
  }

  /// What R's `print(survdiff)` shows, plus the weight, trend and pairwise tables.
  ///
  /// - Parameters:
  ///   - formula: The formula to print in the heading.
  ///   - dropped: Rows dropped for missing values, to report.
  ///   - trend: A trend test of the same groups, or nil.
  ///   - pairwise: Pairwise comparisons of the same groups, or nil.
  /// - Returns: The text `survkit logrank --format table` prints.
  public func table(
    formula: String, dropped: Int, trend: LogRankTrend? = nil, pairwise: LogRankPairwise? = nil
  ) -> String {
    let n = groups.reduce(0) { $0 + $1.n }
    let events = groups.reduce(0) { $0 + $1.events }
    var out = "\(weight.name.prefix(1).uppercased() + weight.name.dropFirst()) test: \(formula)\n"
    out += "weight: \(weight.formula)\n"
    out += "n = \(n), events = \(events), rows dropped for missing values: \(dropped)"
    out += strata > 1 ? ", strata: \(strata)\n\n" : "\n\n"
    var t = TextTable(header: ["", "N", "Observed", "Expected", "(O-E)^2/E", "(O-E)^2/V"])
    for (k, g) in groups.enumerated() {
      let oe = g.observed - g.expected
      let v = variance[k][k]
      t.rows.append([
        g.label, "\(g.n)", NumberFormatting.significant(g.observed),
        NumberFormatting.significant(g.expected),
        NumberFormatting.significant(g.expected > 0 ? oe * oe / g.expected : nil),
        NumberFormatting.significant(v > 0 ? oe * oe / v : nil),
      ])
    }
    out += t.rendered()
    out +=
      "\nChisq = \(NumberFormatting.significant(chisq)) on \(df) degree\(df == 1 ? "" : "s") of freedom, "
    out += "p = \(NumberFormatting.significant(p))\n"
    if let trend { out += "\n" + trend.line() }
    if let pairwise { out += "\n" + pairwise.table() }
    if !notes.isEmpty {
      out += "\nNotes:\n" + notes.map { "- \($0)\n" }.joined()
    }
    return out
  }

  /// One row per group; a last row per pair when pairwise comparisons are given.
  ///
  /// - Parameter pairwise: Pairwise comparisons of the same groups, or nil.
  /// - Returns: CSV text with a header line; undefined values are `NA`.
  public func csv(pairwise: LogRankPairwise? = nil) -> String {
    let f = CSVText.number
    var out = "group,n,events,observed,expected,chisq,df,p\n"
    for g in groups {
      out += "\(CSVText.quoted(g.label)),\(g.n),\(g.events),\(f(g.observed)),\(f(g.expected)),"
      out += "\(f(chisq)),\(df),\(f(p))\n"
    }
    if let pairwise {
      out += "\ngroup1,group2,chisq,df,p,p_adjusted\n"
      for pair in pairwise.pairs {
        out += "\(CSVText.quoted(pair.group1)),\(CSVText.quoted(pair.group2)),\(f(pair.chisq)),"
        out += "\(pair.df),\(f(pair.p)),\(f(pair.pAdjusted))\n"
      }
    }
    return out
  }
}

extension LogRankTrend {
  /// `Test for trend (scores 1, 2, 3): Chisq = ... on 1 degree of freedom, z = ..., p = ...`
  public func line() -> String {
    let scoreText = scores.map { NumberFormatting.shortest($0) }.joined(separator: ", ")
    return "Test for trend (scores \(scoreText)): "
      + "Chisq = \(NumberFormatting.significant(statistic)) on 1 degree of freedom, "
      + "z = \(NumberFormatting.significant(z)), p = \(NumberFormatting.significant(p))\n"
  }
}

extension LogRankPairwise {
  /// The table of pairs with raw and adjusted p-values.
  public func table() -> String {
    var out = "Pairwise comparisons (p adjusted by \(adjustment.rawValue)):\n"
    var pt = TextTable(header: ["group 1", "group 2", "Chisq", "df", "p", "p adjusted"])
    for pair in pairs {
      pt.rows.append([
        pair.group1, pair.group2, NumberFormatting.significant(pair.chisq), "\(pair.df)",
        NumberFormatting.significant(pair.p), NumberFormatting.significant(pair.pAdjusted),
      ])
    }
    out += pt.rendered()
    return out
  }
}
