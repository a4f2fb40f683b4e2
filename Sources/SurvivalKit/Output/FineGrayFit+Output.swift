import SurvivalSupport

/// JSON, table and CSV renderings of a Fine–Gray fit (schema in the README).
extension FineGrayFit {
  /// A predicted cumulative incidence for one covariate profile, for the JSON and the table.
  public struct Prediction: Sendable {
    /// The profile as given (variable -> value).
    public let profile: [String: String]
    /// Times of the prediction.
    public let times: [Double]
    /// F(t | profile) at each time.
    public let incidence: [Double]

    /// Creates the value from its parts.
    public init(profile: [String: String], times: [Double], incidence: [Double]) {
      self.profile = profile
      self.times = times
      self.incidence = incidence
    }
  }

  /// The `survkit cox` schema: `coefficients` (each `term`, `coef`, `hr`, `se`, `robust_se`,
  /// `z`, `p`, `lower`, `upper`; `se` is crr's Fine–Gray sandwich SE, `robust_se` null), plus
  /// `naive_se` per coefficient, `variance`, `loglik` and the counts.
  /// - Parameter prediction: a predicted cumulative incidence, added as `prediction`
  ///   (`profile`, `times`, `cif`).
  public func json(prediction: Prediction? = nil) -> JSONValue {
    var members: [(String, JSONValue)] = [
      ("formula", .string(formula)),
      ("cause", .string(cause)),
      ("n", .number(Double(n))),
      ("events", .number(Double(events))),
      ("competing", .number(Double(competing))),
      ("censored", .number(Double(censored))),
      ("dropped", .number(Double(dropped))),
      ("iterations", .number(Double(iterations))),
      ("converged", .bool(converged)),
      ("conf_level", .number(confLevel)),
      ("variance_type", .string("Fine-Gray sandwich (cmprsk::crr)")),
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
              ("term", .string(c.term)), ("coef", .number(c.coef)), ("hr", .number(c.hazardRatio)),
              ("se", .number(c.standardError)), ("robust_se", .null),
              ("naive_se", .number(c.naiveStandardError)), ("z", .number(c.z)), ("p", .number(c.p)),
              ("lower", .number(c.lower)), ("upper", .number(c.upper)),
            ])
          })
      ),
      ("variance", .array(variance.map { .numbers($0) })),
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
            ("times", .numbers(prediction.times)),
            ("cif", .numbers(prediction.incidence)),
          ])
        ))
    }
    return .object(members)
  }

  /// What cmprsk's `summary(crr)` prints, and the prediction when one was made.
  /// - Parameter prediction: a predicted cumulative incidence to print after the model.
  public func table(prediction: Prediction? = nil) -> String {
    let f = { (x: Double?) in NumberFormatting.significant(x) }
    var out = "Fine–Gray subdistribution hazards (cmprsk::crr): \(formula)\n"
    out += "cause '\(cause)': \(events) events, \(competing) competing events, \(censored) censored"
    out += "; n = \(n), rows dropped for missing values: \(dropped)\n"
    out += "\(converged ? "converged" : "NOT converged") in \(iterations) iteration"
    out += iterations == 1 ? "" : "s"
    out +=
      "; standard errors: Fine–Gray sandwich (accounts for the estimated censoring distribution)\n\n"
    var t = TextTable(header: ["", "coef", "exp(coef)", "se(coef)", "z", "p-value"])
    for c in coefficients {
      t.rows.append([c.term, f(c.coef), f(c.hazardRatio), f(c.standardError), f(c.z), f(c.p)])
    }
    out += t.rendered()
    let level = NumberFormatting.shortest(confLevel)
    var ci = TextTable(header: ["", "exp(coef)", "exp(-coef)", "lower \(level)", "upper \(level)"])
    for c in coefficients {
      ci.rows.append([c.term, f(c.hazardRatio), f(1 / c.hazardRatio), f(c.lower), f(c.upper)])
    }
    out += "\n" + ci.rendered()
    out += "\nPseudo log-likelihood = \(f(loglik)) (null \(f(loglikNull)))\n"
    if let prediction {
      out +=
        "\nPredicted cumulative incidence of '\(cause)' for "
        + prediction.profile.keys.sorted().map { "\($0)=\(prediction.profile[$0]!)" }.joined(
          separator: ", ") + "\n"
      var p = TextTable(header: ["time", "cif"])
      for (t, v) in zip(prediction.times, prediction.incidence) { p.rows.append([f(t), f(v)]) }
      out += p.rendered()
    }
    return out
  }

  /// `term,coef,hr,se,naive_se,z,p,lower,upper`.
  public func csv() -> String {
    func n(_ x: Double) -> String { NumberFormatting.shortest(x) }
    var out = "term,coef,hr,se,naive_se,z,p,lower,upper\n"
    for c in coefficients {
      out +=
        [
          CSVText.quoted(c.term), n(c.coef), n(c.hazardRatio), n(c.standardError),
          n(c.naiveStandardError), n(c.z), n(c.p), n(c.lower), n(c.upper),
        ].joined(separator: ",") + "\n"
    }
    return out
  }
}

extension FineGrayFit: CustomStringConvertible {
  /// The model summary, as `survkit finegray` prints it.
  public var description: String { table() }
}
