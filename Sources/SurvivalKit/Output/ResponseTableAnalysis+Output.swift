import SurvivalSupport

extension FisherExactTest {
  /// `p`, `alternative`, and for 2 × 2 `odds_ratio`, `lower`, `upper` (`null` when infinite).
  public var jsonValue: JSONValue {
    var members: [(String, JSONValue)] = [
      ("method", .string(counts.count == 2 && counts[0].count == 2 ? "fisher" : "freeman-halton")),
      ("p", .number(p)), ("alternative", .string(alternative.rawValue)),
    ]
    if let oddsRatio {
      members += [
        ("odds_ratio", .optional(oddsRatio)), ("lower", .optional(lower)),
        ("upper", .optional(upper)), ("conf_level", .number(confLevel)),
      ]
    }
    return .object(members)
  }
}

extension ResponseRate {
  /// `count`, `total`, `rate`, `lower`, `upper`.
  public var jsonValue: JSONValue {
    .object([
      ("count", .number(Double(count))), ("total", .number(Double(total))),
      ("rate", .number(estimate)), ("lower", .number(lower)), ("upper", .number(upper)),
    ])
  }
}

extension CochranArmitageTest {
  public var jsonValue: JSONValue {
    .object([
      ("statistic", .number(statistic)), ("expected", .number(expected)), ("p", .number(p)),
      ("p_increasing", .number(pIncreasing)), ("p_decreasing", .number(pDecreasing)),
      ("chisq", .number(chiSquare)), ("chisq_p", .number(chiSquareP)),
    ])
  }
}

/// Table, JSON and CSV renderings of a response table (schema in the README).
extension ResponseTableAnalysis {
  public func json() -> JSONValue {
    let t = contingency
    var rows: [JSONValue] = []
    for (i, label) in t.rowLabels.enumerated() {
      var members: [(String, JSONValue)] = [
        ("label", .string(label)), ("counts", .integers(t.counts[i])),
        ("n", .number(Double(t.rowTotals[i]))),
      ]
      if t.isBinary { members.append(("rate", rates[i]?.jsonValue ?? .null)) }
      rows.append(.object(members))
    }
    var tests: [(String, JSONValue)] = []
    if let chiSquare {
      tests.append(
        (
          "chisq",
          .object([
            ("statistic", .number(chiSquare.statistic)), ("df", .number(Double(chiSquare.df))),
            ("p", .number(chiSquare.p)),
            ("smallest_expected", .number(chiSquare.smallestExpected)),
          ])
        ))
    }
    if let fisher { tests.append(("fisher", fisher.jsonValue)) }
    if let trend { tests.append(("trend", trend.jsonValue)) }
    return .object([
      ("row_variable", .string(t.rowVariable)),
      ("response", .string(t.columnVariable)),
      ("columns", .array(t.columnLabels.map { .string($0) })),
      ("rows", .array(rows)),
      ("column_totals", .integers(t.columnTotals)),
      ("overall", overall?.jsonValue ?? .null),
      ("interval", .string(interval.rawValue)),
      ("conf_level", .number(confLevel)),
      ("dropped", .number(Double(t.dropped))),
      ("tests", .object(tests)),
    ])
  }

  /// The counts with each row's rate and interval, then the tests.
  public func table() -> String {
    let f = { (x: Double?) in NumberFormatting.significant(x) }
    let t = contingency
    var out = "Response \(t.columnVariable) by \(t.rowVariable)\n"
    out += "n = \(t.rowTotals.reduce(0, +)), rows dropped for missing values: \(t.dropped)\n\n"
    let level = NumberFormatting.shortest(confLevel * 100)
    var header = [t.rowVariable] + t.columnLabels + ["n"]
    if t.isBinary { header += ["rate", "lower \(level)%", "upper \(level)%"] }
    var text = TextTable(header: header)
    for (i, label) in t.rowLabels.enumerated() {
      var row = [label] + t.counts[i].map(String.init) + ["\(t.rowTotals[i])"]
      if t.isBinary { row += [f(rates[i]?.estimate), f(rates[i]?.lower), f(rates[i]?.upper)] }
      text.rows.append(row)
    }
    var all = ["all"] + t.columnTotals.map(String.init) + ["\(t.rowTotals.reduce(0, +))"]
    if let overall { all += [f(overall.estimate), f(overall.lower), f(overall.upper)] }
    text.rows.append(all)
    out += text.rendered()
    if t.isBinary { out += "rate = \(t.columnLabels[1]) / n; interval: \(interval.rawValue)\n" }
    out += "\n"
    if let chiSquare {
      out +=
        "Pearson chi-square = \(f(chiSquare.statistic)) on \(chiSquare.df) df, p = \(f(chiSquare.p))"
      if chiSquare.smallestExpected < 5 {
        out += " (smallest expected count \(f(chiSquare.smallestExpected)) < 5: use --exact)"
      }
      out += "\n"
    }
    if let fisher {
      if let or = fisher.oddsRatio {
        out +=
          "Fisher's exact test: p = \(f(fisher.p)); odds ratio (conditional MLE) = \(f(or)), "
          + "\(level)% CI \(f(fisher.lower)) to \(f(fisher.upper))\n"
      } else {
        out +=
          "Fisher's exact test (Freeman-Halton, \(t.counts.count) x \(t.columnLabels.count)): "
          + "p = \(f(fisher.p))\n"
      }
    }
    if let trend {
      out +=
        "Cochran-Armitage trend test (exact): p = \(f(trend.p)) two-sided, "
        + "\(f(trend.pIncreasing)) for an increasing rate; asymptotic chi-square = "
        + "\(f(trend.chiSquare)), p = \(f(trend.chiSquareP))\n"
    }
    return out
  }

  /// One CSV row per group: label, counts, n, rate, lower, upper.
  public func csv() -> String {
    let t = contingency
    var out =
      ([CSVText.quoted(t.rowVariable)] + t.columnLabels.map(CSVText.quoted) + ["n"]).joined(
        separator: ",")
    if t.isBinary { out += ",rate,lower,upper" }
    out += "\n"
    for (i, label) in t.rowLabels.enumerated() {
      out += ([CSVText.quoted(label)] + t.counts[i].map(String.init) + ["\(t.rowTotals[i])"])
        .joined(separator: ",")
      if t.isBinary {
        let r = rates[i]
        out +=
          ",\(CSVText.number(r?.estimate)),\(CSVText.number(r?.lower)),\(CSVText.number(r?.upper))"
      }
      out += "\n"
    }
    return out
  }
}

extension ResponseTableAnalysis: CustomStringConvertible {
  /// The table, as `survkit table` prints it.
  public var description: String { table() }
}
