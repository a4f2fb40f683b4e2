/// The documented JSON schema of `survkit km` (see README "JSON output of km").
extension KaplanMeierFit {
  /// Options that shape a report: requested times and the restricted-mean horizon.
  public struct ReportOptions: Sendable {
    /// Times at which to read every curve (`KaplanMeierCurve.survival(at:)`); empty for none.
    public var times: [Double]
    /// The horizon τ of the restricted mean (`KaplanMeierCurve.restrictedMean(tau:)`), or nil.
    public var rmstTau: Double?
    /// Probabilities p of the quantiles to report (0.5 is the median, always reported).
    public var quantiles: [Double]
    /// Options for a report.
    ///
    /// - Parameters:
    ///   - times: Times at which to read every curve.
    ///   - rmstTau: The horizon of the restricted mean, or nil for none.
    ///   - quantiles: Probabilities of the extra quantiles to report.
    public init(times: [Double] = [], rmstTau: Double? = nil, quantiles: [Double] = []) {
      self.times = times
      self.rmstTau = rmstTau
      self.quantiles = quantiles
    }
  }

  /// The fit as the JSON document `survkit km --format json` prints (schema in the README).
  ///
  /// - Parameter options: The times, restricted-mean horizon and quantiles to include.
  /// - Returns: An object with the counts, the confidence settings and, per curve, its table,
  ///   median, survival at `options.times`, restricted mean (or `null`) and quantiles.
  /// - Throws: `SurvivalKitError.invalidArgument` for a non-finite time, a negative or
  ///   non-finite τ, or a probability outside [0, 1].
  public func json(options: ReportOptions = ReportOptions()) throws -> JSONValue {
    var strata: [JSONValue] = []
    for curve in curves {
      let median = curve.median
      var members: [(String, JSONValue)] = [
        ("label", .string(curve.label)),
        ("n", .number(Double(curve.n))),
        ("events", .number(Double(curve.events))),
        (
          "table",
          .object([
            ("time", .numbers(curve.time)),
            ("n_risk", .integers(curve.nRisk)),
            ("n_event", .integers(curve.nEvent)),
            ("n_censor", .integers(curve.nCensor)),
            ("survival", .numbers(curve.survival)),
            ("std_err", .numbers(curve.standardError)),
            ("lower", .numbers(curve.lower)),
            ("upper", .numbers(curve.upper)),
            ("cumhaz", .numbers(curve.cumulativeHazard)),
            ("cumhaz_std_err", .numbers(curve.cumulativeHazardStandardError)),
          ])
        ),
        (
          "median",
          .object([
            ("estimate", .optional(median.estimate)),
            ("lower", .optional(median.lower)),
            ("upper", .optional(median.upper)),
          ])
        ),
      ]
      let at = try curve.survival(at: options.times)
      members.append(
        (
          "at",
          .array(
            at.map { a in
              .object([
                ("time", .number(a.time)),
                ("n_risk", .number(Double(a.nRisk))),
                ("survival", .number(a.survival)),
                ("std_err", .optional(a.standardError)),
                ("lower", .optional(a.lower)),
                ("upper", .optional(a.upper)),
              ])
            })
        ))
      if let tau = options.rmstTau {
        let r = try curve.restrictedMean(tau: tau)
        members.append(
          (
            "rmst",
            .object([
              ("tau", .number(r.tau)),
              ("estimate", .number(r.estimate)),
              ("std_err", .number(r.standardError)),
            ])
          ))
      } else {
        members.append(("rmst", .null))
      }
      if !options.quantiles.isEmpty {
        members.append(
          (
            "quantiles",
            .array(
              try options.quantiles.map { p in
                let q = try curve.quantile(p)
                return .object([
                  ("p", .number(p)), ("estimate", .optional(q.estimate)),
                  ("lower", .optional(q.lower)), ("upper", .optional(q.upper)),
                ])
              })
          ))
      }
      strata.append(.object(members))
    }
    return .object([
      ("n", .number(Double(n))),
      ("events", .number(Double(events))),
      ("dropped", .number(Double(dropped))),
      ("conf_type", .string(confType.rawValue)),
      ("conf_level", .number(confLevel)),
      ("strata", .array(strata)),
    ])
  }
}
