/// The documented JSON schema of `survkit km` (see README "JSON output of km").
extension KaplanMeierFit {
  /// Options that shape a report: requested times and the restricted-mean horizon.
  public struct ReportOptions: Sendable {
    public var times: [Double]
    public var rmstTau: Double?
    /// Probabilities p of the quantiles to report (0.5 is the median, always reported).
    public var quantiles: [Double]
    public init(times: [Double] = [], rmstTau: Double? = nil, quantiles: [Double] = []) {
      self.times = times
      self.rmstTau = rmstTau
      self.quantiles = quantiles
    }
  }

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
