import SurvivalSupport

/// JSON, CSV, table and SVG renderings of predicted Cox curves (schema in the README).
extension CoxPrediction: CustomStringConvertible {
  /// `conf_type`, `conf_level`, `ties` and `predictions`: one object per curve with `profile`
  /// (the values as given), `stratum` (null without strata), `linear_predictor`, the parallel
  /// arrays `time`, `n_risk`, `n_event`, `survival`, `std_err`, `lower`, `upper`, `cumhaz`,
  /// `std_chaz`, and `at` (the same keys at the requested times).
  public var jsonValue: JSONValue {
    .object([
      ("conf_type", .string(confType.rawValue)),
      ("conf_level", .number(confLevel)),
      ("ties", .string(ties.rawValue)),
      ("predictions", .array(curves.map(\.jsonValue))),
    ])
  }

  /// One row per curve and time: `profile`, `stratum`, `time`, `n_risk`, `n_event`,
  /// `survival`, `std_err`, `lower`, `upper`, `cumhaz`; with requested times, one row per
  /// curve and requested time instead.
  public func csv() -> String {
    let f = CSVText.number
    let atTimes = curves.contains { !$0.at.isEmpty }
    var out =
      atTimes
      ? "profile,stratum,time,n_risk,survival,std_err,lower,upper,cumhaz\n"
      : "profile,stratum,time,n_risk,n_event,survival,std_err,lower,upper,cumhaz\n"
    for c in curves {
      let lead = CSVText.quoted(c.profile.text) + "," + CSVText.quoted(c.stratum ?? "")
      if atTimes {
        for a in c.at {
          out += "\(lead),\(f(a.time)),\(f(a.nRisk)),\(f(a.survival)),\(f(a.standardError)),"
          out += "\(f(a.lower)),\(f(a.upper)),\(f(a.cumulativeHazard))\n"
        }
      } else {
        for k in c.time.indices {
          out += "\(lead),\(f(c.time[k])),\(f(c.nRisk[k])),\(f(c.nEvent[k])),"
          out += "\(f(c.survival[k])),\(f(c.standardError[k])),\(f(c.lower[k])),"
          out += "\(f(c.upper[k])),\(f(c.cumulativeHazard[k]))\n"
        }
      }
    }
    return out
  }

  /// Per curve: the profile, its stratum and the survival at the requested times (or at
  /// the event times when none were requested), as R's `summary(survfit(fit, newdata))`.
  public func table() -> String {
    let f = { (x: Double?) in NumberFormatting.significant(x) }
    let level = NumberFormatting.shortest(confLevel)
    var out =
      "Predicted survival (survfit.coxph; \(ties.rawValue) hazard, \(confType.rawValue) "
      + "limits):\n"
    for c in curves {
      out += "\n\(c.label)"
      out += " (linear predictor \(f(c.linearPredictor)))\n"
      var t = TextTable(
        header: ["time", "n.risk", "survival", "std.err", "lower \(level)", "upper \(level)"])
      if c.at.isEmpty {
        for k in c.time.indices where c.nEvent[k] > 0 {
          t.rows.append([
            NumberFormatting.shortest(c.time[k]), f(c.nRisk[k]), f(c.survival[k]),
            f(c.standardError[k]), f(c.lower[k]), f(c.upper[k]),
          ])
        }
      } else {
        for a in c.at {
          t.rows.append([
            NumberFormatting.shortest(a.time), f(a.nRisk), f(a.survival), f(a.standardError),
            f(a.lower), f(a.upper),
          ])
        }
      }
      out += t.rendered()
    }
    return out
  }

  /// The table.
  public var description: String { table() }

  /// The adjusted survival curves as a standalone SVG (720 × 480): one step curve per profile
  /// (and stratum) with its pointwise confidence band.
  public func svg(title: String = "Predicted survival", xLabel: String = "Time") -> String {
    let width = 720.0
    let height = 480.0
    let left = 84.0
    let right = 690.0
    let top = 50.0
    let bottom = 400.0
    var maxTime = 0.0
    for c in curves { maxTime = max(maxTime, c.time.last ?? 0) }
    if !(maxTime > 0) { maxTime = 1 }
    func x(_ t: Double) -> Double { left + min(max(t / maxTime, 0), 1) * (right - left) }
    func y(_ s: Double) -> Double { bottom - min(max(s, 0), 1) * (bottom - top) }
    var doc = SVGDocument(width: width, height: height)
    doc.rect(x: 0, y: 0, width: width, height: height, fill: "#FFFFFF")
    doc.text(title, x: width / 2, y: 28, size: 16, anchor: .middle, bold: true)
    for step in 0...5 {
      let yy = y(Double(step) / 5)
      doc.line(x1: left, y1: yy, x2: right, y2: yy, stroke: "#E3E3E3")
      doc.text(
        String(step * 20) + " %", x: left - 8, y: yy + 4, size: 12, anchor: .end,
        fill: "#333333")
    }
    for (i, c) in curves.enumerated() {
      let colour = SVGDocument.colour(i)
      // Band: upper edge forward, lower edge back, as steps; undefined limits end it.
      var band = SVGPath()
      var upperPoints: [(Double, Double)] = [(0, 1)]
      var lowerPoints: [(Double, Double)] = [(0, 1)]
      for k in c.time.indices where c.nEvent[k] > 0 {
        guard let lo = c.lower[k], let hi = c.upper[k] else { break }
        upperPoints.append((c.time[k], hi))
        lowerPoints.append((c.time[k], lo))
      }
      let end = c.time.last ?? 0
      band.move(x: x(0), y: y(1))
      for k in 1..<upperPoints.count {
        band.horizontal(to: x(upperPoints[k].0))
        band.vertical(to: y(upperPoints[k].1))
      }
      band.horizontal(to: x(end))
      band.vertical(to: y(lowerPoints.last!.1))
      for k in stride(from: lowerPoints.count - 1, through: 1, by: -1) {
        band.horizontal(to: x(lowerPoints[k].0))
        band.vertical(to: y(lowerPoints[k - 1].1))
      }
      band.close()
      doc.path(band, stroke: nil, fill: colour, fillOpacity: 0.15)
      var line = SVGPath()
      line.move(x: x(0), y: y(1))
      for k in c.time.indices where c.nEvent[k] > 0 {
        line.horizontal(to: x(c.time[k]))
        line.vertical(to: y(c.survival[k]))
      }
      line.horizontal(to: x(end))
      doc.path(line, stroke: colour, fill: nil, strokeWidth: 2)
    }
    doc.line(x1: left, y1: top, x2: left, y2: bottom, stroke: "#333333")
    doc.line(x1: left, y1: bottom, x2: right, y2: bottom, stroke: "#333333")
    for t in KaplanMeierPlot.automaticTicks(upTo: maxTime) {
      doc.line(x1: x(t), y1: bottom, x2: x(t), y2: bottom + 5, stroke: "#333333")
      doc.text(
        NumberFormatting.significant(t, digits: 6), x: x(t), y: bottom + 20, size: 12,
        anchor: .middle, fill: "#333333")
    }
    doc.text(xLabel, x: (left + right) / 2, y: bottom + 44, size: 14, anchor: .middle)
    doc.text(
      "Survival probability", x: 22, y: (top + bottom) / 2, size: 14, anchor: .middle,
      rotation: -90)
    let labels = curves.map {
      SVGDocument.truncated($0.label, maxCharacters: 48)
    }
    let boxWidth = (labels.map { SVGDocument.textWidth($0, size: 12) }.max() ?? 0) + 46
    let boxX = right - 10 - boxWidth
    doc.rect(
      x: boxX, y: top + 10, width: boxWidth, height: 20 * Double(labels.count) + 8,
      fill: "#FFFFFF", stroke: "#CCCCCC", fillOpacity: 0.85)
    for (i, label) in labels.enumerated() {
      let baseline = top + 28 + 20 * Double(i)
      doc.line(
        x1: boxX + 10, y1: baseline - 4, x2: boxX + 30, y2: baseline - 4,
        stroke: SVGDocument.colour(i), width: 2.5)
      doc.text(label, x: boxX + 36, y: baseline, size: 12)
    }
    return doc.rendered
  }
}

extension CoxPrediction.Curve {
  /// The profile and, when the profile does not name it, the stratum (`trt=1, celltype=large`).
  public var label: String {
    guard let stratum, !profile.text.contains(stratum) else { return profile.text }
    return profile.text + ", " + stratum
  }

  /// One object of `predictions` (see `CoxPrediction.jsonValue`).
  public var jsonValue: JSONValue {
    .object([
      ("profile", .object(zip(profile.names, profile.values).map { ($0, .string($1)) })),
      ("stratum", stratum.map { .string($0) } ?? .null),
      ("linear_predictor", .number(linearPredictor)),
      ("time", .numbers(time)),
      ("n_risk", .numbers(nRisk)),
      ("n_event", .numbers(nEvent)),
      ("survival", .numbers(survival)),
      ("std_err", .numbers(standardError)),
      ("lower", .numbers(lower)),
      ("upper", .numbers(upper)),
      ("cumhaz", .numbers(cumulativeHazard)),
      ("std_chaz", .numbers(cumulativeHazardError)),
      (
        "at",
        .object([
          ("time", .numbers(at.map(\.time))),
          ("n_risk", .numbers(at.map(\.nRisk))),
          ("survival", .numbers(at.map(\.survival))),
          ("std_err", .numbers(at.map(\.standardError))),
          ("lower", .numbers(at.map(\.lower))),
          ("upper", .numbers(at.map(\.upper))),
          ("cumhaz", .numbers(at.map(\.cumulativeHazard))),
        ])
      ),
    ])
  }
}

extension CoxBaselineHazard: CustomStringConvertible {
  /// `centered`, `time`, `hazard`, `strata` (null without strata).
  public var jsonValue: JSONValue {
    .object([
      ("centered", .bool(centered)), ("time", .numbers(time)), ("hazard", .numbers(hazard)),
      ("strata", strata.map { .array($0.map { .string($0) }) } ?? .null),
    ])
  }

  /// `time,hazard[,strata]` rows, as R's `basehaz` data frame.
  public var description: String {
    var out = strata == nil ? "time,hazard\n" : "time,hazard,strata\n"
    for k in time.indices {
      out += "\(CSVText.number(time[k])),\(CSVText.number(hazard[k]))"
      if let strata { out += "," + CSVText.quoted(strata[k]) }
      out += "\n"
    }
    return out
  }
}
