import RealModule
import SurvivalSupport

extension SimonTwoStage.Design {
  /// `r1`, `n1`, `r`, `n`, `alpha`, `power`, `pet_p0`, `en_p0`, `pet_p1`, `en_p1`.
  public var jsonValue: JSONValue {
    .object([
      ("r1", .number(Double(r1))), ("n1", .number(Double(n1))), ("r", .number(Double(r))),
      ("n", .number(Double(n))), ("alpha", .number(alpha)), ("power", .number(power)),
      ("pet_p0", .number(earlyTermination)), ("en_p0", .number(expectedSize)),
      ("pet_p1", .number(earlyTerminationAlternative)),
      ("en_p1", .number(expectedSizeAlternative)),
    ])
  }
}

/// Renderings of Simon's designs.
extension SimonTwoStage {
  /// The JSON document `survkit design ... --format json` prints.
  public func json() -> JSONValue {
    .object([
      ("design", .string("simon")), ("p0", .number(p0)), ("p1", .number(p1)),
      ("alpha", .number(alpha)), ("power", .number(power)), ("max_n", .number(Double(maxN))),
      ("optimal", optimal.jsonValue), ("minimax", minimax.jsonValue),
    ])
  }

  /// Both designs as Simon's table prints them.
  public func table() -> String {
    let f = { (x: Double) in NumberFormatting.significant(x) }
    var out = "Simon two-stage design: p0 = \(f(p0)), p1 = \(f(p1)), alpha = \(f(alpha)), "
    out += "power = \(f(power)) (n searched up to \(maxN))\n"
    out += "Stop after stage 1 if <= r1 of n1 respond; promising if > r of n respond.\n\n"
    var t = TextTable(header: [
      "design", "r1/n1", "r/n", "alpha", "power", "PET(p0)", "EN(p0)", "EN(p1)",
    ])
    for (name, d) in [("optimal", optimal), ("minimax", minimax)] {
      t.rows.append([
        name, "\(d.r1)/\(d.n1)", "\(d.r)/\(d.n)", f(d.alpha), f(d.power), f(d.earlyTermination),
        f(d.expectedSize), f(d.expectedSizeAlternative),
      ])
    }
    return out + t.rendered()
  }
}

extension SimonTwoStage: CustomStringConvertible {
  /// The table `survkit design` prints.
  public var description: String { table() }
}

/// Renderings of the two-arm log-rank sample size, with a power curve.
extension LogRankSampleSize {
  /// The JSON document `survkit design ... --format json` prints.
  public func json() -> JSONValue {
    .object([
      ("design", .string("logrank")), ("method", .string(method.rawValue)),
      ("hazard_ratio", .number(hazardRatio)), ("alpha", .number(alpha)),
      ("power", .number(power)), ("allocation", .number(allocation)),
      ("events_exact", .number(eventsExact)), ("events", .number(Double(events))),
      ("event_probability", .optional(eventProbability)),
      ("event_probability_experimental", .optional(eventProbabilityExperimental)),
      ("event_probability_control", .optional(eventProbabilityControl)),
      ("patients", patients.map { .number(Double($0)) } ?? .null),
    ])
  }

  /// The table `survkit design` prints.
  public func table() -> String {
    let f = { (x: Double?) in NumberFormatting.significant(x) }
    let name = method == .schoenfeld ? "Schoenfeld (1983)" : "Freedman (1982)"
    var out = "Two-arm log-rank test, \(name): hazard ratio \(f(hazardRatio)), two-sided alpha "
    out += "\(f(alpha)), power \(f(power)), allocation \(f(allocation)) to the experimental arm\n"
    out += "events needed: \(events) (\(f(eventsExact)))\n"
    if let patients, let eventProbability {
      out += "P(event) by the analysis: \(f(eventProbability)) (experimental "
      out += "\(f(eventProbabilityExperimental)), control \(f(eventProbabilityControl)))\n"
      out += "patients needed: \(patients)\n"
    }
    return out
  }

  /// Power against the number of events (0 to twice those needed), the target marked.
  public func powerCurveSVG(width: Double = 640, height: Double = 400) -> String {
    var svg = SVGDocument(width: width, height: height)
    let left = 60.0
    let right = width - 20
    let top = 30.0
    let bottom = height - 50
    let maxEvents = Double(max(events * 2, 10))
    func x(_ d: Double) -> Double { left + (right - left) * d / maxEvents }
    func y(_ p: Double) -> Double { bottom - (bottom - top) * p }
    svg.rect(x: 0, y: 0, width: width, height: height, fill: "#ffffff")
    svg.text(
      "Power of the log-rank test, hazard ratio \(NumberFormatting.significant(hazardRatio))",
      x: width / 2, y: 18, size: 14, anchor: .middle, bold: true)
    for k in 0...5 {
      let p = Double(k) / 5
      svg.line(x1: left, y1: y(p), x2: right, y2: y(p), stroke: "#dddddd")
      svg.text(NumberFormatting.shortest(p), x: left - 6, y: y(p) + 4, size: 11, anchor: .end)
      let d = maxEvents * Double(k) / 5
      svg.text(
        NumberFormatting.shortest(d.rounded()), x: x(d), y: bottom + 16, size: 11,
        anchor: .middle)
    }
    svg.line(x1: left, y1: bottom, x2: right, y2: bottom, stroke: "#222222")
    svg.line(x1: left, y1: top, x2: left, y2: bottom, stroke: "#222222")
    svg.text("events", x: (left + right) / 2, y: height - 12, size: 12, anchor: .middle)
    svg.text("power", x: 16, y: (top + bottom) / 2, size: 12, anchor: .middle, rotation: -90)
    var path = SVGPath()
    let steps = 200
    for k in 0...steps {
      let d = maxEvents * Double(k) / Double(steps)
      let p = LogRankSampleSize.power(
        events: d, hazardRatio: hazardRatio, alpha: alpha, allocation: allocation,
        method: method)
      if k == 0 { path.move(x: x(d), y: y(p)) } else { path.line(x: x(d), y: y(p)) }
    }
    svg.path(path, stroke: SVGDocument.colour(0), fill: nil, strokeWidth: 2)
    svg.line(
      x1: x(Double(events)), y1: top, x2: x(Double(events)), y2: bottom, stroke: "#888888",
      dash: "4 3")
    svg.line(x1: left, y1: y(power), x2: right, y2: y(power), stroke: "#888888", dash: "4 3")
    svg.text(
      "\(events) events for power \(NumberFormatting.shortest(power))", x: x(Double(events)) + 6,
      y: y(power) - 6, size: 11)
    return svg.rendered
  }
}

extension LogRankSampleSize: CustomStringConvertible {
  /// The table `survkit design` prints.
  public var description: String { table() }
}

/// Renderings of the one-sample log-rank design.
extension OneSampleLogRankDesign {
  /// The JSON document `survkit design ... --format json` prints.
  public func json() -> JSONValue {
    .object([
      ("design", .string("one-sample-logrank")), ("reference_rate", .number(reference.rate)),
      ("reference_shape", .number(reference.shape)), ("hazard_ratio", .number(hazardRatio)),
      ("alpha", .number(alpha)), ("power", .number(power)), ("accrual", .number(accrual)),
      ("follow_up", .number(followUp)), ("p1", .number(p1)), ("p0", .number(p0)),
      ("p01", .number(p01)), ("p00", .number(p00)), ("sigma", .number(sigma)),
      ("patients_exact", .number(patientsExact)), ("patients", .number(Double(patients))),
      ("expected_events", .number(expectedEvents)),
    ])
  }

  /// The table `survkit design` prints.
  public func table() -> String {
    let f = { (x: Double) in NumberFormatting.significant(x) }
    var out = "One-sample log-rank design (Wu 2015): reference Weibull rate \(f(reference.rate)), "
    out += "shape \(f(reference.shape)); hazard ratio \(f(hazardRatio)); one-sided alpha "
    out += "\(f(alpha)), power \(f(power)); accrual \(f(accrual)), follow-up \(f(followUp))\n"
    out += "patients needed: \(patients) (\(f(patientsExact)))\n"
    out += "expected events under the alternative: \(f(expectedEvents))\n"
    return out
  }
}

extension OneSampleLogRankDesign: CustomStringConvertible {
  /// The table `survkit design` prints.
  public var description: String { table() }
}

/// Renderings of the one-sample log-rank test.
extension OneSampleLogRankTest {
  /// The JSON document `survkit one-sample --format json` prints.
  public func json(reference: ReferenceSurvival, n: Int, dropped: Int) -> JSONValue {
    .object([
      ("n", .number(Double(n))), ("dropped", .number(Double(dropped))),
      ("reference_rate", .number(reference.rate)), ("reference_shape", .number(reference.shape)),
      ("observed", .number(Double(observed))), ("expected", .number(expected)),
      ("ratio", .number(ratio)), ("z", .number(z)), ("p_better", .number(pBetter)),
      ("p", .number(p)),
    ])
  }

  /// The lines `survkit one-sample` prints.
  public func table(reference: ReferenceSurvival, n: Int, dropped: Int) -> String {
    let f = { (x: Double) in NumberFormatting.significant(x) }
    var out = "One-sample log-rank test (Finkelstein et al. 2003) against a Weibull reference, "
    out += "rate \(f(reference.rate)), shape \(f(reference.shape))\n"
    out += "n = \(n), rows dropped for missing values: \(dropped)\n"
    out += "observed \(observed), expected \(f(expected)), O/E = \(f(ratio))\n"
    out += "Z = (E - O)/sqrt(E) = \(f(z)); p = \(f(pBetter)) one-sided for better survival, "
    out += "\(f(p)) two-sided\n"
    return out
  }
}
