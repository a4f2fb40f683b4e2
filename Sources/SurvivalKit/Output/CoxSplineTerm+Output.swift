import SurvivalSupport

/// JSON, table and SVG renderings of a spline term's non-linearity test and curve.
extension CoxSplineTerm: CustomStringConvertible {
  /// `term`, `variable`, `df`, `nonlinearity` {`chisq`, `df`, `p`}, `reference`, and the
  /// curve `x`, `log_hr`, `lower`, `upper`.
  public var jsonValue: JSONValue {
    .object([
      ("term", .string(term)), ("variable", .string(variable)), ("df", .number(Double(df))),
      (
        "nonlinearity",
        .object([
          ("chisq", .number(chisq)), ("df", .number(testDF)), ("p", .number(p)),
          ("loglik_linear", .number(loglikLinear)),
        ])
      ),
      ("reference", .number(reference)), ("x", .numbers(x)), ("log_hr", .numbers(logHazardRatio)),
      ("lower", .numbers(lower)), ("upper", .numbers(upper)),
    ])
  }

  /// `Non-linearity of ns(age, df = 3) (LR test against linear age): chisq = 1.924 on 2 df, p = 0.3821`.
  public var description: String {
    let f = { (x: Double) in NumberFormatting.significant(x) }
    let kind = term.hasPrefix("pspline(") ? "Wald" : "LR test against linear \(variable)"
    return "Non-linearity of \(term) (\(kind)): chisq = \(f(chisq)) on \(f(testDF)) df, p = "
      + "\(f(p))\n"
  }

  /// The log hazard ratio against x with its pointwise band, as a standalone SVG (720 × 480).
  public func svg() -> String {
    let left = 84.0
    let right = 690.0
    let top = 50.0
    let bottom = 400.0
    let lo = x.first ?? 0
    let hi = max(x.last ?? 1, lo + 1e-12)
    var yMin = lower.min() ?? -1
    var yMax = upper.max() ?? 1
    yMin = min(yMin, 0)
    yMax = max(yMax, 0)
    if yMax - yMin < 1e-12 { yMax = yMin + 1 }
    func px(_ v: Double) -> Double { left + (v - lo) / (hi - lo) * (right - left) }
    func py(_ v: Double) -> Double { bottom - (v - yMin) / (yMax - yMin) * (bottom - top) }
    var doc = SVGDocument(width: 720, height: 480)
    doc.rect(x: 0, y: 0, width: 720, height: 480, fill: "#FFFFFF")
    doc.text(
      "Log hazard ratio against \(variable) (\(term))", x: 360, y: 28, size: 16,
      anchor: .middle, bold: true)
    var band = SVGPath()
    band.move(x: px(x[0]), y: py(upper[0]))
    for k in x.indices.dropFirst() { band.line(x: px(x[k]), y: py(upper[k])) }
    for k in x.indices.reversed() { band.line(x: px(x[k]), y: py(lower[k])) }
    band.close()
    doc.path(band, stroke: nil, fill: SVGDocument.colour(0), fillOpacity: 0.15)
    doc.line(x1: left, y1: py(0), x2: right, y2: py(0), stroke: "#999999", dash: "4 3")
    var curve = SVGPath()
    curve.move(x: px(x[0]), y: py(logHazardRatio[0]))
    for k in x.indices.dropFirst() { curve.line(x: px(x[k]), y: py(logHazardRatio[k])) }
    doc.path(curve, stroke: SVGDocument.colour(0), fill: nil, strokeWidth: 2)
    doc.line(x1: left, y1: top, x2: left, y2: bottom, stroke: "#333333")
    doc.line(x1: left, y1: bottom, x2: right, y2: bottom, stroke: "#333333")
    for k in 0...5 {
      let v = lo + (hi - lo) * Double(k) / 5
      doc.line(x1: px(v), y1: bottom, x2: px(v), y2: bottom + 5, stroke: "#333333")
      doc.text(
        NumberFormatting.significant(v, digits: 4), x: px(v), y: bottom + 20, size: 12,
        anchor: .middle, fill: "#333333")
    }
    // Y ticks at multiples of 0.1, 0.2, 0.5, 1, ... giving about five.
    let rough = (yMax - yMin) / 5
    var step = 1.0
    while step > rough { step /= 10 }
    while step * 10 <= rough { step *= 10 }
    for m in [1.0, 2, 5, 10] where m * step >= rough {
      step *= m
      break
    }
    var w = (yMin / step).rounded(.up) * step
    while w <= yMax + 1e-12 {
      doc.line(x1: left - 5, y1: py(w), x2: left, y2: py(w), stroke: "#333333")
      doc.text(
        NumberFormatting.significant(abs(w) < step / 1e6 ? 0 : w, digits: 3), x: left - 8,
        y: py(w) + 4, size: 12, anchor: .end, fill: "#333333")
      w += step
    }
    doc.text(variable, x: (left + right) / 2, y: bottom + 44, size: 14, anchor: .middle)
    doc.text(
      "log hazard ratio vs \(variable) = \(NumberFormatting.significant(reference))", x: 22,
      y: (top + bottom) / 2, size: 14, anchor: .middle, rotation: -90)
    doc.text(
      "non-linearity: chisq = \(NumberFormatting.significant(chisq)) on "
        + "\(NumberFormatting.significant(testDF)) df, p = "
        + NumberFormatting.significant(p), x: right, y: top + 16, size: 12, anchor: .end)
    return doc.rendered
  }
}
