import SurvivalSupport

/// Terminal rendering of a Kaplan–Meier fit: what R's `print(fit)` and `summary(fit)` show.
extension KaplanMeierFit {
  /// The text `survkit km --format table` prints: a summary of each curve (n, events, median
  /// with limits), the optional restricted means, quantiles and survival at requested times, then
  /// each curve's event times as R's `summary(fit)` lists them.
  ///
  /// - Parameters:
  ///   - formula: The formula to print in the heading (`formula` of the fit, usually).
  ///   - options: The times, restricted-mean horizon and quantiles to include.
  /// - Returns: The text, ending in a newline.
  /// - Throws: `SurvivalKitError.invalidArgument` for a non-finite time, a negative or
  ///   non-finite τ, or a probability outside [0, 1].
  public func table(formula: String, options: ReportOptions = ReportOptions()) throws -> String {
    let level = NumberFormatting.shortest(confLevel * 100)
    let lcl = "\(NumberFormatting.shortest(confLevel))LCL"
    let ucl = "\(NumberFormatting.shortest(confLevel))UCL"
    var out = "Kaplan–Meier estimate: \(formula)\n"
    out += "n = \(n), events = \(events), rows dropped for missing values: \(dropped)\n"
    out += "confidence limits: \(confType.rawValue) transform, \(level) %\n\n"
    var summary = TextTable(header: ["", "n", "events", "median", lcl, ucl])
    for curve in curves {
      let m = curve.median
      summary.rows.append([
        curves.count == 1 && curve.label == "all" ? "" : curve.label, "\(curve.n)",
        "\(curve.events)", NumberFormatting.significant(m.estimate),
        NumberFormatting.significant(m.lower), NumberFormatting.significant(m.upper),
      ])
    }
    out += summary.rendered()
    if let tau = options.rmstTau {
      out += "\nrestricted mean survival to \(NumberFormatting.shortest(tau)):\n"
      var t = TextTable(header: ["", "rmean", "se(rmean)"])
      for curve in curves {
        let r = try curve.restrictedMean(tau: tau)
        t.rows.append([
          curve.label, NumberFormatting.significant(r.estimate),
          NumberFormatting.significant(r.standardError),
        ])
      }
      out += t.rendered()
    }
    if !options.quantiles.isEmpty {
      out += "\nquantiles of survival time (p = fraction who have had the event):\n"
      var t = TextTable(header: ["", "p", "time", lcl, ucl])
      for curve in curves {
        for p in options.quantiles {
          let q = try curve.quantile(p)
          t.rows.append([
            curve.label, NumberFormatting.shortest(p), NumberFormatting.significant(q.estimate),
            NumberFormatting.significant(q.lower), NumberFormatting.significant(q.upper),
          ])
        }
      }
      out += t.rendered()
    }
    if !options.times.isEmpty {
      out += "\nsurvival at requested times:\n"
      var t = TextTable(header: [
        "", "time", "n.risk", "survival", "std.err", "lower \(level)% CI", "upper \(level)% CI",
      ])
      for curve in curves {
        for a in try curve.survival(at: options.times) {
          t.rows.append([
            curve.label, NumberFormatting.significant(a.time, digits: 6), "\(a.nRisk)",
            NumberFormatting.significant(a.survival), NumberFormatting.significant(a.standardError),
            NumberFormatting.significant(a.lower), NumberFormatting.significant(a.upper),
          ])
        }
      }
      out += t.rendered()
    }
    for curve in curves {
      out += "\n" + (curves.count == 1 && curve.label == "all" ? "" : "\(curve.label)\n")
      var t = TextTable(
        header: [
          "time", "n.risk", "n.event", "survival", "std.err", "lower \(level)% CI",
          "upper \(level)% CI",
        ], labelColumn: false)
      for j in curve.time.indices where curve.nEvent[j] > 0 {
        t.rows.append([
          NumberFormatting.significant(curve.time[j], digits: 6), "\(curve.nRisk[j])",
          "\(curve.nEvent[j])", NumberFormatting.significant(curve.survival[j]),
          NumberFormatting.significant(curve.standardError[j]),
          NumberFormatting.significant(curve.lower[j]),
          NumberFormatting.significant(curve.upper[j]),
        ])
      }
      if t.rows.isEmpty {
        out += "  (no events: the curve stays at 1)\n"
      } else {
        out += t.rendered()
      }
    }
    return out
  }

  /// One row per curve time, with a header; undefined values are `NA`.
  public func csv() -> String {
    var out =
      "strata,time,n_risk,n_event,n_censor,survival,std_err,lower,upper,cumhaz,cumhaz_std_err\n"
    let f = CSVText.number
    for curve in curves {
      let label = CSVText.quoted(curve.label)
      for j in curve.time.indices {
        out += "\(label),\(f(curve.time[j])),\(curve.nRisk[j]),\(curve.nEvent[j]),"
        out += "\(curve.nCensor[j]),\(f(curve.survival[j])),\(f(curve.standardError[j])),"
        out += "\(f(curve.lower[j])),\(f(curve.upper[j])),\(f(curve.cumulativeHazard[j])),"
        out += "\(f(curve.cumulativeHazardStandardError[j]))\n"
      }
    }
    return out
  }
}

/// RFC 4180 quoting of one output field, and numbers for CSV output.
enum CSVText {
  /// Shortest round-trip text; `NA` for nil or non-finite values.
  static func number(_ x: Double?) -> String {
    guard let x, x.isFinite else { return "NA" }
    return NumberFormatting.shortest(x)
  }

  static func quoted(_ s: String) -> String {
    if s.contains(",") || s.contains("\"") || s.contains("\n") {
      return "\"" + s.replacing("\"", with: "\"\"") + "\""
    }
    return s
  }
}
