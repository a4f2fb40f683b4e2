import SurvivalSupport

/// The fixed words and number convention of the figures (`KaplanMeierPlot`, `ForestPlot`), so
/// that a report in another language prints its figures in that language. English with the
/// decimal point by default.
public struct PlotText: Sendable, Equatable {
  /// Title of the Kaplan–Meier number-at-risk table.
  public var numberAtRisk = "Number at risk"
  /// Row label of a single pooled curve.
  public var all = "All"
  /// Forest-plot column header; `%@` is replaced by the confidence level ("HR (95% CI)").
  public var hazardRatioHeader = "HR (%@% CI)"
  /// Forest-plot axis title.
  public var hazardRatioAxis = "Hazard ratio (log scale)"
  /// Text of a row without an estimate.
  public var notEstimable = "not estimable"
  /// Print numbers with a decimal comma (0,98) instead of a point.
  public var decimalComma = false

  /// English words, decimal point.
  public init() {}

  /// A number as text in this convention.
  func number(_ text: String) -> String { decimalComma ? text.replacing(".", with: ",") : text }
}
