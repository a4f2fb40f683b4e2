import SurvivalSupport

/// A cumulative incidence figure as a standalone SVG document.
///
/// Each group is drawn in its Okabe–Ito colour and each cause with its own line style (solid,
/// dashed, dotted, …): the Aalen–Johansen estimate as a right-continuous step function from
/// (0, 0) to the group's last time. The y axis runs from 0 to `yMax` (default: the largest
/// incidence rounded up to the next 0.1) with grid lines; the x axis has round ticks; a legend
/// names the groups and the causes. Deterministic output: no ids, two-decimal coordinates.
///
/// - Complexity: O(groups × causes × times).
public struct CumulativeIncidencePlot: Sendable {
  /// Title over the figure.
  public var title: String
  /// The x-axis title, e.g. "Months since enrolment".
  public var xLabel: String
  /// Upper end of the y axis (nil: the largest incidence rounded up to the next grid line).
  public var yMax: Double?

  /// A plot with the given labels.
  public init(title: String, xLabel: String = "Time", yMax: Double? = nil) {
    self.title = title
    self.xLabel = xLabel
    self.yMax = yMax
  }

  static let dashes: [String?] = [nil, "8 4", "2 3", "10 3 2 3", "4 4"]

  /// The SVG document (720 × 480 px plus 20 px per legend row).
  public func svg(_ fit: CumulativeIncidenceFit) -> String {
    let curves = fit.curves
    var top = 0.0
    for curve in curves {
      for cause in curve.causes { top = Swift.max(top, cause.incidence.last ?? 0) }
    }
    // Grid every 0.1 up to 0.5, else every 0.2; the axis ends on a grid line.
    let gridStep = (yMax ?? top) <= 0.5 ? 0.1 : 0.2
    // An incidence never exceeds 1: rounding error in the sum must not push the axis to 1.2.
    let upper = yMax ?? Swift.min(1, Swift.max(gridStep, (top / gridStep).rounded(.up) * gridStep))
    let gridLines = Swift.max(1, Int((upper / gridStep).rounded()))
    var maxTime = 0.0
    for curve in curves { maxTime = Swift.max(maxTime, curve.time.last ?? 0) }
    if !(maxTime > 0) { maxTime = 1 }
    let ticks = KaplanMeierPlot.automaticTicks(upTo: maxTime)
    let axisEnd = Swift.max(maxTime, ticks.last ?? maxTime)
    let left = 84.0
    let right = 690.0
    let plotTop = 50.0
    let bottom = 380.0
    func x(_ t: Double) -> Double {
      left + Swift.min(Swift.max(t / axisEnd, 0), 1) * (right - left)
    }
    func y(_ f: Double) -> Double {
      bottom - Swift.min(Swift.max(f / upper, 0), 1) * (bottom - plotTop)
    }
    let legendRows =
      (curves.count == 1 && curves[0].label == "all" ? 0 : curves.count)
      + fit.causes.count
    let height = 470 + 20 * Double(legendRows)
    var doc = SVGDocument(width: 720, height: height)
    doc.rect(x: 0, y: 0, width: 720, height: height, fill: "#FFFFFF")
    if !title.isEmpty { doc.text(title, x: 360, y: 28, size: 16, anchor: .middle, bold: true) }
    for step in 0...gridLines {
      let value = upper * Double(step) / Double(gridLines)
      doc.line(x1: left, y1: y(value), x2: right, y2: y(value), stroke: "#E3E3E3")
      doc.text(
        NumberFormatting.shortest((value * 1000).rounded() / 1000), x: left - 8, y: y(value) + 4,
        size: 12, anchor: .end)
    }
    for (g, curve) in curves.enumerated() {
      for (c, cause) in curve.causes.enumerated() {
        var path = SVGPath()
        path.move(x: x(0), y: y(0))
        var level = 0.0
        for j in curve.time.indices where cause.incidence[j] != level {
          path.horizontal(to: x(curve.time[j]))
          level = cause.incidence[j]
          path.vertical(to: y(level))
        }
        path.horizontal(to: x(curve.time.last ?? 0))
        var attributes = [
          ("d", path.data), ("fill", "none"), ("stroke", SVGDocument.colour(g)),
          ("stroke-width", "2"),
        ]
        if let dash = CumulativeIncidencePlot.dashes[c % CumulativeIncidencePlot.dashes.count] {
          attributes.append(("stroke-dasharray", dash))
        }
        doc.element("path", attributes)
      }
    }
    doc.line(x1: left, y1: plotTop, x2: left, y2: bottom, stroke: "#333333")
    doc.line(x1: left, y1: bottom, x2: right, y2: bottom, stroke: "#333333")
    for t in ticks {
      doc.line(x1: x(t), y1: bottom, x2: x(t), y2: bottom + 5, stroke: "#333333")
      doc.text(NumberFormatting.shortest(t), x: x(t), y: bottom + 20, size: 12, anchor: .middle)
    }
    doc.text(xLabel, x: (left + right) / 2, y: bottom + 44, size: 13, anchor: .middle)
    doc.text(
      "Cumulative incidence", x: 24, y: (plotTop + bottom) / 2, size: 13, anchor: .middle,
      rotation: -90)
    var row = bottom + 74
    if legendRows > fit.causes.count {
      for (g, curve) in curves.enumerated() {
        doc.line(
          x1: left, y1: row - 4, x2: left + 30, y2: row - 4, stroke: SVGDocument.colour(g), width: 2
        )
        doc.text(curve.label, x: left + 38, y: row, size: 12)
        row += 20
      }
    }
    for (c, cause) in fit.causes.enumerated() {
      doc.line(
        x1: left, y1: row - 4, x2: left + 30, y2: row - 4, stroke: "#333333", width: 2,
        dash: CumulativeIncidencePlot.dashes[c % CumulativeIncidencePlot.dashes.count])
      doc.text("cause \(cause)", x: left + 38, y: row, size: 12)
      row += 20
    }
    return doc.rendered
  }
}
