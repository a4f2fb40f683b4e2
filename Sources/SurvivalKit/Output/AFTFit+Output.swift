import RealModule
import SurvivalSupport

/// JSON, table and CSV renderings of a parametric survival fit (schema in the README).
extension AFTFit {
  /// Predictions for one profile, for the JSON and the table.
  public struct Prediction: Sendable {
    /// The covariate profile as given.
    public let profile: [String: String]
    /// Predicted quantiles.
    public let quantiles: [Quantile]
    /// Times of the predicted survival.
    public let times: [Double]
    /// Predicted survival at `times`.
    public let survival: [Double]

    /// Creates the value from its parts.
    public init(
      profile: [String: String], quantiles: [Quantile], times: [Double], survival: [Double]
    ) {
      self.profile = profile
      self.quantiles = quantiles
      self.times = times
      self.survival = survival
    }
  }

  /// The fit as JSON: `distribution`, `n`, `events`, `dropped`, `coefficients` (each `term`,
  /// `coef`, `se`, `robust_se`, `z`, `p`, `lower`, `upper`), `scale` and `log_scale` (per
  /// stratum), `loglik` (`null`, `final`), `chisq`, `df`, `p`, `iterations`, `converged`,
  /// `aic`, `variance`, `hazard_ratios` (Weibull/exponential on the PH scale) and
  /// `prediction` when one was made.
  public func json(prediction: Prediction? = nil) -> JSONValue {
    var members: [(String, JSONValue)] = [
      ("formula", .string(formula)),
      ("distribution", .string(distribution.rawValue)),
      ("n", .number(Double(n))),
      ("events", .number(Double(events))),
      ("dropped", .number(Double(dropped))),
      ("robust", .bool(robust)),
      ("conf_level", .number(confLevel)),
      (
        "references",
        .object(references.keys.sorted().map { ($0, .string(references[$0]!)) })
      ),
      (
        "coefficients",
        .array(
          coefficients.map { c in
            .object([
              ("term", .string(c.term)), ("coef", .number(c.coef)),
              ("se", .number(c.standardError)), ("robust_se", .optional(c.robustStandardError)),
              ("z", .number(c.z)), ("p", .number(c.p)), ("lower", .number(c.lower)),
              ("upper", .number(c.upper)),
            ])
          })
      ),
      ("scale", .object(scales.map { ($0.stratum, .number($0.scale)) })),
      (
        "log_scale",
        .object(
          scales.map { s in
            (
              s.stratum,
              .object([
                ("estimate", .number(s.logScale)), ("se", .number(s.standardError)),
                ("z", .number(s.z)), ("p", .number(s.p)),
              ])
            )
          })
      ),
      ("loglik", .object([("null", .number(loglikNull)), ("final", .number(loglik))])),
      ("chisq", .number(chisq)),
      ("df", .number(Double(df))),
      ("p", .optional(p)),
      ("iterations", .number(Double(iterations))),
      ("converged", .bool(converged)),
      ("aic", .number(aic)),
      ("variance", .array(variance.map { .numbers($0) })),
      (
        "hazard_ratios",
        .array(
          hazardRatios.map { h in
            .object([
              ("term", .string(h.term)), ("coef", .number(h.coef)), ("hr", .number(h.hazardRatio)),
              ("se", .number(h.standardError)), ("lower", .number(h.lower)),
              ("upper", .number(h.upper)),
            ])
          })
      ),
    ]
    if let prediction {
      members.append(
        (
          "prediction",
          .object([
            (
              "profile",
              .object(
                prediction.profile.keys.sorted().map { ($0, .string(prediction.profile[$0]!)) })
            ),
            (
              "quantiles",
              .array(
                prediction.quantiles.map { q in
                  .object([
                    ("p", .number(q.probability)), ("time", .number(q.time)),
                    ("se", .number(q.standardError)), ("lower", .number(q.lower)),
                    ("upper", .number(q.upper)),
                  ])
                })
            ),
            ("times", .numbers(prediction.times)),
            ("survival", .numbers(prediction.survival)),
          ])
        ))
    }
    return .object(members)
  }

  /// What R's `summary(survreg)` prints, plus the Weibull hazard ratios and the prediction.
  public func table(prediction: Prediction? = nil) -> String {
    let f = { (x: Double?) in NumberFormatting.significant(x) }
    var out = "Parametric survival regression (\(distribution.rawValue)): \(formula)\n"
    out += "n = \(n), events = \(events), rows dropped for missing values: \(dropped)\n"
    out += "\(converged ? "converged" : "NOT converged") in \(iterations) Newton–Raphson iteration"
    out += iterations == 1 ? "" : "s"
    if robust { out += "; robust (sandwich) standard errors" }
    out += "\n\n"
    var header = ["", "Value", "Std. Error"]
    if robust { header.append("Robust SE") }
    header += ["z", "p"]
    var t = TextTable(header: header)
    for c in coefficients {
      var row = [c.term, f(c.coef), f(c.standardError)]
      if robust { row.append(f(c.robustStandardError)) }
      row += [f(c.z), f(c.p)]
      t.rows.append(row)
    }
    for s in scales {
      let label = scales.count == 1 ? "Log(scale)" : "Log(scale) \(s.stratum)"
      var row = [label, f(s.logScale), robust ? "" : f(s.standardError)]
      if robust { row.append(f(s.standardError)) }
      row += [f(s.z), f(s.p)]
      t.rows.append(row)
    }
    out += t.rendered() + "\n"
    if scales.count == 1 {
      out += "Scale = \(f(scales[0].scale))\n"
    } else if !scales.isEmpty {
      out +=
        "Scale: " + scales.map { "\($0.stratum) \(f($0.scale))" }.joined(separator: ", ") + "\n"
    } else {
      out += "Scale fixed at 1\n"
    }
    out += "Loglik(model) = \(f(loglik))   Loglik(intercept only) = \(f(loglikNull))\n"
    out += "Chisq = \(f(chisq)) on \(df) degrees of freedom, p = \(f(p))\n"
    out += "AIC = \(f(aic))\n"
    if !hazardRatios.isEmpty {
      let level = NumberFormatting.shortest(confLevel)
      out += "\nProportional-hazards scale (Weibull: coef = -Value / Scale)\n"
      var h = TextTable(header: ["", "coef", "HR", "se(coef)", "lower \(level)", "upper \(level)"])
      for r in hazardRatios {
        h.rows.append([
          r.term, f(r.coef), f(r.hazardRatio), f(r.standardError), f(r.lower), f(r.upper),
        ])
      }
      out += h.rendered()
    }
    if let prediction {
      out +=
        "\nPrediction for "
        + prediction.profile.keys.sorted().map { "\($0)=\(prediction.profile[$0]!)" }
        .joined(separator: ", ") + "\n"
      var q = TextTable(header: ["quantile", "time", "se", "lower", "upper"])
      for r in prediction.quantiles {
        q.rows.append([f(r.probability), f(r.time), f(r.standardError), f(r.lower), f(r.upper)])
      }
      out += q.rendered()
      if !prediction.times.isEmpty {
        var s = TextTable(header: ["time", "survival"])
        for (t, v) in zip(prediction.times, prediction.survival) { s.rows.append([f(t), f(v)]) }
        out += "\n" + s.rendered()
      }
    }
    return out
  }

  /// The coefficient table as CSV: `term,coef,se,robust_se,z,p,lower,upper` (log-scale rows
  /// named `Log(scale)` or `Log(scale) <stratum>`).
  public func csv() -> String {
    func n(_ x: Double?) -> String { x.map { NumberFormatting.shortest($0) } ?? "NA" }
    var out = "term,coef,se,robust_se,z,p,lower,upper\n"
    for c in coefficients {
      out +=
        [
          CSVText.quoted(c.term), n(c.coef), n(c.standardError), n(c.robustStandardError), n(c.z),
          n(c.p), n(c.lower), n(c.upper),
        ].joined(separator: ",") + "\n"
    }
    let z = Normal.quantile(1 - (1 - confLevel) / 2)
    for s in scales {
      let label = scales.count == 1 ? "Log(scale)" : "Log(scale) \(s.stratum)"
      out +=
        [
          CSVText.quoted(label), n(s.logScale), n(s.standardError), "NA", n(s.z), n(s.p),
          n(s.logScale - z * s.standardError), n(s.logScale + z * s.standardError),
        ].joined(separator: ",") + "\n"
    }
    return out
  }
}

extension AFTFit: CustomStringConvertible {
  /// The model summary, as `survkit aft` prints it (R's `summary(survreg)`).
  public var description: String { table() }
}
