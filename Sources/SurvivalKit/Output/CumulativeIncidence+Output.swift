import SurvivalSupport

extension CumulativeIncidenceCurve {
  /// The estimates of cause `c` (an index into `causes`) at each of `times`: the value of the
  /// right-continuous step function (0 before the first time), its SE and limits.
  public func incidence(cause c: Int, at times: [Double]) -> [(
    time: Double, incidence: Double, standardError: Double, lower: Double?, upper: Double?
  )] {
    let est = causes[c]
    return times.map { t in
      var lo = 0
      var hi = time.count
      while lo < hi {
        let mid = (lo + hi) / 2
        if time[mid] <= t { lo = mid + 1 } else { hi = mid }
      }
      guard lo > 0 else { return (t, 0, 0, nil, nil) }
      let j = lo - 1
      return (t, est.incidence[j], est.standardError[j], est.lower[j], est.upper[j])
    }
  }
}

/// JSON, table and CSV renderings of cumulative incidence curves (schema in the README).
extension CumulativeIncidenceFit {
  /// `causes`, `censored`, `strata` (each `label`, `n`, `events` per cause and `table` with
  /// `time`, `n_risk` and per cause `cif`, `std_err`, `lower`, `upper`), `gray` (per cause
  /// `statistic`, `df`, `p`, or null).
  public func json(gray: [GrayTest.Result]? = nil) -> JSONValue {
    .object([
      ("formula", .string(formula)),
      ("censored", .string(censoringLevel)),
      ("causes", .array(causes.map { .string($0) })),
      ("conf_level", .number(confLevel)),
      ("conf_type", .string("log")),
      ("std_err", .string("infinitesimal jackknife")),
      ("weighted", .bool(weighted)),
      ("dropped", .number(Double(dropped))),
      (
        "strata",
        .array(
          curves.map { curve in
            .object([
              ("label", .string(curve.label)),
              ("n", .number(Double(curve.n))),
              ("events", .object(curve.causes.map { ($0.cause, .number($0.events)) })),
              (
                "table",
                .object([
                  ("time", .numbers(curve.time)),
                  ("n_risk", .integers(curve.nRisk)),
                  (
                    "causes",
                    .object(
                      curve.causes.map { c in
                        (
                          c.cause,
                          .object([
                            ("cif", .numbers(c.incidence)),
                            ("std_err", .numbers(c.standardError)),
                            ("lower", .numbers(c.lower)),
                            ("upper", .numbers(c.upper)),
                          ])
                        )
                      })
                  ),
                ])
              ),
            ])
          })
      ),
      (
        "gray",
        gray.map { results in
          .object(
            results.map { r in
              (
                r.cause,
                .object([
                  ("statistic", .optional(r.statistic)), ("df", .number(Double(r.df))),
                  ("p", .optional(r.p)),
                ])
              )
            })
        } ?? .null
      ),
    ])
  }

  /// Per group and cause: n, events and the incidence at each of `times` (default: at the
  /// group's last time) with SE and limits; then Gray's test per cause.
  public func table(times: [Double] = [], gray: [GrayTest.Result]? = nil) -> String {
    var out = "Cumulative incidence (Aalen–Johansen): \(formula)\n"
    out += "censored = '\(censoringLevel)'; causes: \(causes.joined(separator: ", "))"
    if dropped > 0 { out += "; \(dropped) rows dropped for missing values" }
    out += "\n\n"
    let level = NumberFormatting.shortest(confLevel * 100)
    var t = TextTable(
      header: [
        "group", "cause", "n", "events", "time", "cif", "std.err", "lower \(level)%",
        "upper \(level)%",
      ])
    for curve in curves {
      let at = times.isEmpty ? [curve.time.last ?? 0] : times
      for (c, cause) in curve.causes.enumerated() {
        for point in curve.incidence(cause: c, at: at) {
          t.rows.append([
            curve.label, cause.cause, String(curve.n),
            NumberFormatting.significant(cause.events, digits: 6),
            NumberFormatting.shortest(point.time), NumberFormatting.significant(point.incidence),
            NumberFormatting.significant(point.standardError),
            point.lower.map { NumberFormatting.significant($0) } ?? "NA",
            point.upper.map { NumberFormatting.significant($0) } ?? "NA",
          ])
        }
      }
    }
    out += t.rendered()
    if let gray {
      out += "\nGray's test (cmprsk::cuminc)\n"
      var g = TextTable(header: ["cause", "statistic", "df", "p"])
      for r in gray {
        g.rows.append([
          r.cause, r.statistic.map { NumberFormatting.significant($0) } ?? "NA", String(r.df),
          r.p.map { NumberFormatting.significant($0) } ?? "NA",
        ])
      }
      out += g.rendered()
    }
    return out
  }

  /// One row per group, time and cause: `group,time,n_risk,cause,cif,std_err,lower,upper`.
  public func csv() -> String {
    var out = "group,time,n_risk,cause,cif,std_err,lower,upper\n"
    func field(_ s: String) -> String { CSVText.quoted(s) }
    func number(_ x: Double?) -> String { x.map { NumberFormatting.shortest($0) } ?? "NA" }
    for curve in curves {
      for j in curve.time.indices {
        for cause in curve.causes {
          out +=
            [
              field(curve.label), number(curve.time[j]), String(curve.nRisk[j]),
              field(cause.cause), number(cause.incidence[j]), number(cause.standardError[j]),
              number(cause.lower[j]), number(cause.upper[j]),
            ].joined(separator: ",") + "\n"
        }
      }
    }
    return out
  }
}

extension CumulativeIncidenceFit: CustomStringConvertible {
  /// The summary table, as `survkit cif` prints it.
  public var description: String { table() }
}
