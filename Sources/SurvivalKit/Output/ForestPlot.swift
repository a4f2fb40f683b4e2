import RealModule
import SurvivalSupport

/// A forest plot of hazard ratios as a standalone SVG document.
///
/// One line per row, top to bottom, on alternately shaded bands: the label on the left; a
/// square at the hazard ratio and a horizontal line over its confidence interval on a log
/// axis, with a dashed vertical reference line at HR = 1; and on the right the text columns
/// "HR (95% CI)", formatted `0.98 (0.95–1.01)` with two decimals (`NA` for a missing limit),
/// and "p", with three significant digits or `<0.001`. A row whose estimate is nil (or not
/// finite and positive) reads "not estimable" and draws nothing.
///
/// The axis covers 1 and every finite positive estimate and limit of the drawn rows (within
/// 10^-6 to 10^6), padded, and at least 0.8 to 1.25 wide; an infinite or zero limit runs to
/// the axis edge. Ticks sit at 1, 2 and 5 × 10^k (finer for narrow ranges), thinned so their
/// labels keep at least 36 px apart.
///
/// The document is 720 px wide and 134 + 26 px per row high; the output is deterministic.
///
/// ```swift
/// let plot = ForestPlot(title: "Overall survival", rows: [
///   .init(label: "Age (per year)", estimate: 1.02, lower: 1.00, upper: 1.04, p: 0.041),
///   .init(label: "ECOG 2 vs 0", estimate: nil, lower: nil, upper: nil, p: nil),
/// ])
/// let svg = plot.svg()
/// ```
/// - Complexity: O(rows).
public struct ForestPlot: Sendable {
  /// One line of the plot: a hazard ratio with its confidence limits and p-value.
  public struct Row: Sendable {
    /// The row label, truncated to 30 characters in the drawing.
    public var label: String
    /// The hazard ratio; nil (or not finite and positive) for "not estimable".
    public var estimate: Double?
    /// The lower confidence limit; nil prints `NA`, 0 runs to the axis edge.
    public var lower: Double?
    /// The upper confidence limit; nil prints `NA`, +∞ runs to the axis edge.
    public var upper: Double?
    /// The p-value; nil leaves the column empty.
    public var p: Double?

    /// A row from its values.
    ///
    /// - Parameters:
    ///   - label: The row label.
    ///   - estimate: The hazard ratio, or nil when it is not estimable.
    ///   - lower: The lower confidence limit, or nil.
    ///   - upper: The upper confidence limit, or nil.
    ///   - p: The p-value, or nil.
    public init(label: String, estimate: Double?, lower: Double?, upper: Double?, p: Double?) {
      self.label = label
      self.estimate = estimate
      self.lower = lower
      self.upper = upper
      self.p = p
    }
  }

  /// The title above the plot; empty for none.
  public var title: String
  /// The rows, drawn top to bottom.
  public var rows: [Row]
  /// The confidence level of the rows' limits, printed in the column header.
  public var confLevel: Double

  /// A plot of the given rows.
  ///
  /// - Parameters:
  ///   - title: The title above the plot; empty for none.
  ///   - rows: The rows, top to bottom.
  ///   - confLevel: The confidence level of the rows' limits, printed in the column header.
  public init(title: String, rows: [Row], confLevel: Double = 0.95) {
    self.title = title
    self.rows = rows
    self.confLevel = confLevel
  }

  /// Hazard ratios on a log axis with a vertical line at 1; columns of text "HR (95% CI)"
  /// and "p".
  public func svg() -> String {
    let width = 720.0
    let rowHeight = 26.0
    let rowsTop = 70.0
    let rowsBottom = rowsTop + rowHeight * Double(rows.count)
    let height = rowsBottom + 64
    let labels = rows.map { SVGDocument.truncated($0.label, maxCharacters: 30) }
    let longest = labels.map { SVGDocument.textWidth($0, size: 12) }.max() ?? 0
    let (logMin, logMax) = ForestPlot.logRange(rows)
    let axis = Axis(
      left: min(250, max(120, 12 + longest + 16)), right: 470, logMin: logMin, logMax: logMax)
    let hrX = 488.0
    let pX = 704.0

    var doc = SVGDocument(width: width, height: height)
    doc.rect(x: 0, y: 0, width: width, height: height, fill: "#FFFFFF")
    if !title.isEmpty {
      doc.text(title, x: width / 2, y: 28, size: 16, anchor: .middle, bold: true)
    }
    doc.text(
      "HR (\(NumberFormatting.shortest(confLevel * 100))% CI)", x: hrX, y: 58, size: 13, bold: true)
    doc.text("p", x: pX, y: 58, size: 13, anchor: .end, bold: true)
    for i in rows.indices where i % 2 == 0 {
      doc.rect(
        x: 8, y: rowsTop + rowHeight * Double(i), width: width - 16, height: rowHeight,
        fill: "#F2F2F2")
    }
    let one = axis.x(1)
    doc.line(
      x1: one, y1: rowsTop - 4, x2: one, y2: rowsBottom + 8, stroke: "#777777", dash: "4 3")

    for (i, row) in rows.enumerated() {
      let centre = rowsTop + rowHeight * Double(i) + rowHeight / 2
      let baseline = centre + 4
      doc.text(labels[i], x: 12, y: baseline, size: 12)
      doc.text(ForestPlot.hazardRatioText(row), x: hrX, y: baseline, size: 12)
      doc.text(ForestPlot.pText(row.p), x: pX, y: baseline, size: 12, anchor: .end)
      guard let estimate = ForestPlot.estimable(row) else { continue }
      let xe = axis.x(estimate)
      let xl = row.lower.flatMap { $0.isNaN ? nil : axis.x($0) } ?? xe
      let xu = row.upper.flatMap { $0.isNaN ? nil : axis.x($0) } ?? xe
      if xu > xl {
        doc.line(x1: xl, y1: centre, x2: xu, y2: centre, stroke: "#333333", width: 1.5)
      }
      doc.rect(x: xe - 4.5, y: centre - 4.5, width: 9, height: 9, fill: SVGDocument.colour(0))
    }

    // Log axis under the rows.
    let axisY = rowsBottom + 8
    doc.line(x1: axis.left, y1: axisY, x2: axis.right, y2: axisY, stroke: "#333333")
    for tick in ForestPlot.ticks(axis) {
      let x = axis.x(tick)
      doc.line(x1: x, y1: axisY, x2: x, y2: axisY + 5, stroke: "#333333")
      doc.text(
        NumberFormatting.significant(tick, digits: 3), x: x, y: axisY + 20, size: 12,
        anchor: .middle, fill: "#333333")
    }
    doc.text(
      "Hazard ratio (log scale)", x: (axis.left + axis.right) / 2, y: axisY + 42, size: 13,
      anchor: .middle)
    return doc.rendered
  }

  /// The horizontal log scale: log(HR) in [logMin, logMax] onto [left, right] pixels; 0 and
  /// below map to the left edge, +∞ to the right edge.
  private struct Axis {
    let left: Double
    let right: Double
    let logMin: Double
    let logMax: Double

    func x(_ hr: Double) -> Double {
      if hr.isNaN || hr <= 0 { return left }
      if hr.isInfinite { return right }
      let f = (Double.log(hr) - logMin) / (logMax - logMin)
      return left + min(max(f, 0), 1) * (right - left)
    }
  }

  /// The estimate of a row that can be drawn: finite and positive.
  private static func estimable(_ row: Row) -> Double? {
    guard let estimate = row.estimate, estimate.isFinite, estimate > 0 else { return nil }
    return estimate
  }

  /// "0.98 (0.95–1.01)", or "not estimable".
  static func hazardRatioText(_ row: Row) -> String {
    guard let estimate = estimable(row) else { return "not estimable" }
    let lower = twoDecimals(row.lower)
    let upper = twoDecimals(row.upper)
    return "\(twoDecimals(estimate)) (\(lower)–\(upper))"
  }

  /// Three significant digits, "<0.001" below 0.001, empty when missing.
  static func pText(_ p: Double?) -> String {
    guard let p, !p.isNaN else { return "" }
    if p < 0.001 { return "<0.001" }
    return NumberFormatting.significant(p, digits: 3)
  }

  private static func twoDecimals(_ x: Double?) -> String {
    guard let x, !x.isNaN else { return "NA" }
    return NumberFormatting.fixed(x, decimals: 2)
  }

  /// The axis range in log(HR): 1 and every finite positive value of the drawable rows,
  /// clamped to 10^±6, widened to at least log(1.6) and padded by 6 % on each side.
  private static func logRange(_ rows: [Row]) -> (Double, Double) {
    let bound = 6 * Double.log(10.0)
    var lo = 0.0
    var hi = 0.0
    for row in rows where estimable(row) != nil {
      for value in [row.estimate, row.lower, row.upper] {
        if let value, value.isFinite, value > 0 {
          let v = min(max(Double.log(value), -bound), bound)
          lo = min(lo, v)
          hi = max(hi, v)
        }
      }
    }
    let minSpan = Double.log(1.6)
    if hi - lo < minSpan {
      let mid = (lo + hi) / 2
      lo = mid - minSpan / 2
      hi = mid + minSpan / 2
    }
    let pad = 0.06 * (hi - lo)
    return (lo - pad, hi + pad)
  }

  /// Ticks at 1, 2, 5 × 10^k; when fewer than four fit, the finer set if it gives more.
  private static func ticks(_ axis: Axis) -> [Double] {
    let coarse = spaced([1, 2, 5], axis)
    if coarse.count >= 4 { return coarse }
    let fine = spaced([1, 1.1, 1.2, 1.5, 2, 3, 5, 7, 8, 9], axis)
    return fine.count > coarse.count ? fine : coarse
  }

  /// The values m × 10^k inside the axis, kept outward from 1 (always kept) when at least
  /// 36 px from the last kept tick on that side, so labels do not collide.
  private static func spaced(_ mantissas: [Double], _ axis: Axis) -> [Double] {
    let ln10 = Double.log(10.0)
    let kLow = Int((axis.logMin / ln10).rounded(.down)) - 1
    let kHigh = Int((axis.logMax / ln10).rounded(.up)) + 1
    var candidates: [Double] = []
    for k in kLow...kHigh {
      let scale = NumberFormatting.pow10(k)
      for m in mantissas {
        let v = Double.log(m * scale)
        if v >= axis.logMin - 1e-9 && v <= axis.logMax + 1e-9 { candidates.append(m * scale) }
      }
    }
    candidates.sort()
    let minGap = 36.0
    var kept = [1.0]
    var last = axis.x(1)
    for value in candidates where value > 1 + 1e-9 {
      let x = axis.x(value)
      if x - last >= minGap {
        kept.append(value)
        last = x
      }
    }
    last = axis.x(1)
    for value in candidates.reversed() where value < 1 - 1e-9 {
      let x = axis.x(value)
      if last - x >= minGap {
        kept.append(value)
        last = x
      }
    }
    return kept.sorted()
  }
}
