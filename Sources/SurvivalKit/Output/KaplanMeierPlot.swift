import SurvivalSupport

/// A Kaplan–Meier figure as a standalone SVG document, ready to paste into a slide.
///
/// For each curve of a fit, in curve order and Okabe–Ito colours, it draws:
/// - the survival estimate as a right-continuous step function from (0, 100 %): horizontal to
///   each event time, then down to the new level, and on to the last (possibly censored) time;
/// - when `showConfidenceBands` is set, the pointwise confidence band as a translucent step
///   polygon in the curve colour, broken where the limits are undefined;
/// - censoring marks: short vertical ticks at each time with censorings, at the curve's level.
///
/// Around them: the title; a y axis from 0 % to 100 % with light grid lines every 20 %; an x
/// axis with ticks at `timeTicks` (time 0 to the later of the last tick and the last curve
/// time); axis labels; a legend inside the top-right corner (omitted for a single curve
/// labelled "all"); and under the x axis a "Number at risk" table, one row per curve, with
/// the number at risk at each tick as `KaplanMeierCurve.survival(at:)` reports it.
///
/// The document is 720 px wide and 480 + 22 px per curve high. The output is deterministic:
/// no ids, every coordinate with two decimals.
///
/// ```swift
/// let plot = KaplanMeierPlot(
///   title: "Trial A", xLabel: "Months since enrolment",
///   yLabel: "Progression-free survival", timeTicks: [0, 6, 12, 18, 24])
/// let svg = try plot.svg(try KaplanMeier.fit(sample))
/// ```
/// - Complexity: O(number of curve times + curves × ticks × log(curve times)).
public struct KaplanMeierPlot: Sendable {
  /// The title above the plot; empty for none.
  public var title: String
  /// The x-axis title, e.g. "Months since enrolment".
  public var xLabel: String
  /// The y-axis title, e.g. "Progression-free survival".
  public var yLabel: String
  /// The x-axis ticks, also the times of the number-at-risk table; finite and non-negative.
  /// When empty, ticks at a round step (1, 2 or 5 × 10^k) are chosen.
  public var timeTicks: [Double]
  /// Draw the pointwise confidence bands.
  public var showConfidenceBands: Bool = true

  /// A plot with these titles and ticks; confidence bands are shown.
  ///
  /// - Parameters:
  ///   - title: The title above the plot.
  ///   - xLabel: The x-axis title.
  ///   - yLabel: The y-axis title.
  ///   - timeTicks: The x-axis ticks and at-risk times; empty for automatic ticks.
  public init(title: String, xLabel: String, yLabel: String, timeTicks: [Double]) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.timeTicks = timeTicks
  }

  /// A complete standalone SVG document (width 720, height 480 + 22 px per curve for the
  /// at-risk table).
  ///
  /// - Throws: `SurvivalKitError.invalidArgument` when a tick is not finite or is negative.
  ///
  /// - Parameter fit: The curves to draw.
  /// - Returns: The SVG document as text.
  public func svg(_ fit: KaplanMeierFit) throws -> String {
    for t in timeTicks where !(t.isFinite && t >= 0) {
      throw SurvivalKitError.invalidArgument(
        name: "time ticks",
        message: "\(NumberFormatting.shortest(t)) is not a finite, non-negative time; "
          + "give ticks such as 0, 6, 12, 18, 24")
    }
    let curves = fit.curves
    let single = curves.count == 1 && curves[0].label == "all"
    let rowLabels = curves.map {
      single ? "All" : SVGDocument.truncated($0.label, maxCharacters: 26)
    }
    let longest = rowLabels.map { SVGDocument.textWidth($0, size: 12) }.max() ?? 0

    var maxTime = timeTicks.max() ?? 0
    for curve in curves {
      if let last = curve.time.last, last.isFinite { maxTime = max(maxTime, last) }
    }
    if !(maxTime > 0) { maxTime = 1 }
    let ticks = timeTicks.isEmpty ? KaplanMeierPlot.automaticTicks(upTo: maxTime) : timeTicks

    let frame = Frame(
      left: min(240, max(84, 12 + longest + 24)), right: 690, top: 50, bottom: 380,
      maxTime: maxTime)
    let width = 720.0
    let height = 480 + 22 * Double(curves.count)
    var doc = SVGDocument(width: width, height: height)
    doc.rect(x: 0, y: 0, width: width, height: height, fill: "#FFFFFF")
    if !title.isEmpty {
      doc.text(title, x: width / 2, y: 28, size: 16, anchor: .middle, bold: true)
    }
    drawGrid(&doc, frame: frame)

    if showConfidenceBands {
      for (i, curve) in curves.enumerated() {
        for band in KaplanMeierPlot.bandPaths(curve, frame: frame) {
          doc.path(band, stroke: nil, fill: SVGDocument.colour(i), fillOpacity: 0.15)
        }
      }
    }
    for (i, curve) in curves.enumerated() {
      let colour = SVGDocument.colour(i)
      let step = KaplanMeierPlot.stepPath(curve, frame: frame)
      doc.path(step, stroke: colour, fill: nil, strokeWidth: 2)
      let marks = KaplanMeierPlot.censorMarks(curve, frame: frame)
      if !marks.isEmpty {
        doc.path(marks, stroke: colour, fill: nil, strokeWidth: 1.5)
      }
    }

    drawAxes(&doc, frame: frame, ticks: ticks)
    if !single && !curves.isEmpty {
      drawLegend(&doc, frame: frame, labels: curves.map { $0.label })
    }

    // Number-at-risk table under the x axis.
    let tableTop = frame.bottom + 72
    doc.text("Number at risk", x: 12, y: tableTop, size: 13, bold: true)
    for (i, curve) in curves.enumerated() {
      let y = tableTop + 22 * Double(i + 1)
      doc.text(rowLabels[i], x: 12, y: y, size: 12, fill: SVGDocument.colour(i), bold: true)
      for point in try curve.survival(at: ticks) {
        doc.text(String(point.nRisk), x: frame.x(point.time), y: y, size: 12, anchor: .middle)
      }
    }
    return doc.rendered
  }

  /// The plotting area in pixels and the maps from time and survival onto it; values outside
  /// [0, maxTime] and [0, 1] are clamped to the edges.
  private struct Frame {
    let left: Double
    let right: Double
    let top: Double
    let bottom: Double
    let maxTime: Double

    func x(_ t: Double) -> Double {
      let f = t / maxTime
      return left + (f.isNaN ? 0 : min(max(f, 0), 1)) * (right - left)
    }

    func y(_ s: Double) -> Double {
      bottom - (s.isNaN ? 0 : min(max(s, 0), 1)) * (bottom - top)
    }
  }

  /// A point where the curve or its limits can change: the start (time 0, S = 1, both limits
  /// 1, as R's `survfit0`) and each event time, with the values that hold from it on.
  private struct Knot {
    let time: Double
    let survival: Double
    let lower: Double?
    let upper: Double?
  }

  private static func knots(_ curve: KaplanMeierCurve) -> [Knot] {
    var result = [Knot(time: 0, survival: 1, lower: 1, upper: 1)]
    for j in curve.time.indices where curve.nEvent[j] > 0 {
      result.append(
        Knot(
          time: curve.time[j], survival: curve.survival[j], lower: curve.lower[j],
          upper: curve.upper[j]))
    }
    return result
  }

  /// The last time the curve is drawn to: its last time, event or censoring.
  private static func endTime(_ curve: KaplanMeierCurve) -> Double {
    max(curve.time.last ?? 0, 0)
  }

  /// The survival step function: from (0, 1) horizontal to each event time, then vertical to
  /// the new level; finally horizontal to the last time.
  private static func stepPath(_ curve: KaplanMeierCurve, frame: Frame) -> SVGPath {
    var path = SVGPath()
    path.move(x: frame.x(0), y: frame.y(1))
    for knot in knots(curve).dropFirst() {
      path.horizontal(to: frame.x(knot.time))
      path.vertical(to: frame.y(knot.survival))
    }
    path.horizontal(to: frame.x(endTime(curve)))
    return path
  }

  /// One closed step polygon per run of knots with both limits defined: the upper limit left
  /// to right, then the lower limit right to left. Each knot's limits hold until the next
  /// knot (or the last time), so a run ends where the limits become undefined.
  private static func bandPaths(_ curve: KaplanMeierCurve, frame: Frame) -> [SVGPath] {
    let all = knots(curve)
    let end = endTime(curve)
    var runs: [[(start: Double, stop: Double, lower: Double, upper: Double)]] = []
    var current: [(start: Double, stop: Double, lower: Double, upper: Double)] = []
    for (i, knot) in all.enumerated() {
      let stop = i + 1 < all.count ? all[i + 1].time : end
      if let lower = knot.lower, let upper = knot.upper, lower.isFinite, upper.isFinite {
        current.append((start: knot.time, stop: max(stop, knot.time), lower: lower, upper: upper))
      } else if !current.isEmpty {
        runs.append(current)
        current = []
      }
    }
    if !current.isEmpty { runs.append(current) }

    return runs.map { steps in
      var path = SVGPath()
      path.move(x: frame.x(steps[0].start), y: frame.y(steps[0].upper))
      for step in steps {
        path.vertical(to: frame.y(step.upper))
        path.horizontal(to: frame.x(step.stop))
      }
      for step in steps.reversed() {
        path.vertical(to: frame.y(step.lower))
        path.horizontal(to: frame.x(step.start))
      }
      path.close()
      return path
    }
  }

  /// An 8 px vertical tick at each time with censorings, centred on the curve's level there.
  private static func censorMarks(_ curve: KaplanMeierCurve, frame: Frame) -> SVGPath {
    var path = SVGPath()
    for j in curve.time.indices where curve.nCensor[j] > 0 {
      let x = frame.x(curve.time[j])
      let y = frame.y(curve.survival[j])
      path.move(x: x, y: y - 4)
      path.vertical(to: y + 4)
    }
    return path
  }

  /// Light horizontal grid lines at 0 %, 20 %, …, 100 % with their labels left of the axis.
  private func drawGrid(_ doc: inout SVGDocument, frame: Frame) {
    for step in 0...5 {
      let y = frame.y(Double(step) / 5)
      doc.line(x1: frame.left, y1: y, x2: frame.right, y2: y, stroke: "#E3E3E3")
      doc.line(x1: frame.left - 5, y1: y, x2: frame.left, y2: y, stroke: "#333333")
      doc.text(
        String(step * 20) + " %", x: frame.left - 8, y: y + 4, size: 12, anchor: .end,
        fill: "#333333")
    }
  }

  /// The axis lines, x ticks with their labels, and both axis titles.
  private func drawAxes(_ doc: inout SVGDocument, frame: Frame, ticks: [Double]) {
    doc.line(x1: frame.left, y1: frame.top, x2: frame.left, y2: frame.bottom, stroke: "#333333")
    doc.line(
      x1: frame.left, y1: frame.bottom, x2: frame.right, y2: frame.bottom, stroke: "#333333")
    for t in ticks {
      let x = frame.x(t)
      doc.line(x1: x, y1: frame.bottom, x2: x, y2: frame.bottom + 5, stroke: "#333333")
      doc.text(
        NumberFormatting.significant(t, digits: 6), x: x, y: frame.bottom + 20, size: 12,
        anchor: .middle, fill: "#333333")
    }
    let midX = (frame.left + frame.right) / 2
    let midY = (frame.top + frame.bottom) / 2
    doc.text(xLabel, x: midX, y: frame.bottom + 44, size: 14, anchor: .middle)
    doc.text(yLabel, x: 22, y: midY, size: 14, anchor: .middle, rotation: -90)
  }

  /// The legend box in the top-right corner of the plot: a colour swatch and label per curve.
  private func drawLegend(_ doc: inout SVGDocument, frame: Frame, labels: [String]) {
    let shown = labels.map { SVGDocument.truncated($0, maxCharacters: 40) }
    let textWidth = shown.map { SVGDocument.textWidth($0, size: 12) }.max() ?? 0
    let boxWidth = textWidth + 46
    let boxHeight = 20 * Double(shown.count) + 8
    let boxX = frame.right - 10 - boxWidth
    let boxY = frame.top + 10
    doc.rect(
      x: boxX, y: boxY, width: boxWidth, height: boxHeight, fill: "#FFFFFF", stroke: "#CCCCCC",
      fillOpacity: 0.85)
    for (i, label) in shown.enumerated() {
      let baseline = boxY + 18 + 20 * Double(i)
      doc.line(
        x1: boxX + 10, y1: baseline - 4, x2: boxX + 30, y2: baseline - 4,
        stroke: SVGDocument.colour(i), width: 2.5)
      doc.text(label, x: boxX + 36, y: baseline, size: 12)
    }
  }

  /// Ticks 0, step, 2 step, … up to `maxTime`, with step 1, 2 or 5 × 10^k giving about six.
  static func automaticTicks(upTo maxTime: Double) -> [Double] {
    let rough = maxTime / 6
    let magnitude = NumberFormatting.pow10(Int(rough.log10Floor))
    var step = 10 * magnitude
    for m in [1.0, 2, 5] where m * magnitude >= rough {
      step = m * magnitude
      break
    }
    var ticks: [Double] = []
    var k = 0
    while Double(k) * step <= maxTime * (1 + 1e-9) {
      ticks.append(Double(k) * step)
      k += 1
    }
    return ticks
  }
}
