import SurvivalKit
import SurvivalSupport

/// The report's language: its words (one table per language, `EnglishWords`, `RussianWords`)
/// and its number conventions (decimal point or comma).
package struct ReportLanguage: Sendable {
  package let code: String
  package let words: any Words
  package let format: ReportFormat
  /// The figures' fixed words and decimal separator.
  package let plotText: PlotText

  package init?(code: String) {
    var text = PlotText()
    switch code {
    case "en":
      self.code = code
      words = EnglishWords()
      format = ReportFormat(decimalComma: false, hazardRatioPrefix: "HR")
      plotText = text
    case "ru":
      self.code = code
      words = RussianWords()
      format = ReportFormat(decimalComma: true, hazardRatioPrefix: "ОР")
      text.numberAtRisk = "Число пациентов под риском"
      text.all = "Все"
      text.hazardRatioHeader = "ОР (%@ % ДИ)"
      text.hazardRatioAxis = "Отношение рисков (логарифмическая шкала)"
      text.notEstimable = "не оценивается"
      text.decimalComma = true
      plotText = text
    default:
      return nil
    }
  }
}

/// Numbers as the report prints them: `56 ± 8 %`, `p = 0.23` (or `p = 0,23` with the decimal
/// comma), hazard ratios `0.99 (0.98–1.01)`.
package struct ReportFormat: Sendable {
  package let decimalComma: Bool
  package let hazardRatioPrefix: String

  func localized(_ s: String) -> String {
    decimalComma ? s.replacing(".", with: ",") : s
  }

  package func shortest(_ x: Double) -> String { localized(NumberFormatting.shortest(x)) }

  /// "56 ± 8 %" from S = 0.56, SE = 0.08.
  package func percentWithSE(_ s: Double, _ se: Double?) -> String {
    let estimate = NumberFormatting.fixed(s * 100, decimals: 0)
    guard let se else { return "\(estimate) %" }
    return "\(estimate) ± \(NumberFormatting.fixed(se * 100, decimals: 0)) %"
  }

  package func percent(_ x: Double?, decimals: Int = 0) -> String {
    guard let x, x.isFinite else { return "NA" }
    return localized(NumberFormatting.fixed(x * 100, decimals: decimals)) + " %"
  }

  /// "38 %–70 %".
  package func percentRange(_ lower: Double?, _ upper: Double?) -> String {
    "\(percent(lower))–\(percent(upper))"
  }

  package func number(_ x: Double?, decimals: Int = 1) -> String {
    guard let x, x.isFinite else { return "NA" }
    return localized(NumberFormatting.fixed(x, decimals: decimals))
  }

  /// "0.231", "< 0.001".
  package func p(_ x: Double?) -> String {
    guard let x else { return "NA" }
    if x < 0.001 { return localized("< 0.001") }
    return localized(NumberFormatting.fixed(x, decimals: 3))
  }

  /// "p = 0.231", "p < 0.001".
  package func pEquals(_ x: Double?) -> String {
    guard let x else { return "p = NA" }
    return x < 0.001 ? "p \(p(x))" : "p = \(p(x))"
  }

  /// "0.99 (0.98–1.01)", or "not estimable" in the report's words.
  package func hazardRatio(_ c: CoxFit.Coefficient) -> String {
    guard let hr = c.hazardRatio else { return "NA" }
    return
      "\(number(hr, decimals: 2)) (\(number(c.lower, decimals: 2))–\(number(c.upper, decimals: 2)))"
  }
}

/// Every sentence and label of a report, as one table per language.
package protocol Words: Sendable {
  // Report frame.
  var allPatients: String { get }
  var all: String { get }
  var headlineHeading: String { get }
  var populationsHeading: String { get }
  var estimabilityHeading: String { get }
  var methodsHeading: String { get }
  var flowHeading: String { get }
  var comparisonHeading: String { get }
  func dataParagraph(
    file: String, dataSHA: String, planSHA: String, cutoff: String, version: String, patients: Int,
    afterCutoff: Int
  ) -> String
  func populationRow(_ label: String, _ name: String, _ n: Int, _ conditions: String) -> [String]
  var populationHeader: [String] { get }
  var everyone: String { get }
  var noEstimabilityIssues: String { get }
  func forestTitle(_ title: String?) -> String
  var forestCaption: String { get }

  // Units and labels.
  func unitName(_ unit: String) -> String
  func landmark(_ t: Double, _ unit: String) -> String
  func perUnit(_ label: String, _ unit: String?) -> String
  /// "prior therapy: yes vs no".
  func versus(_ variable: String, _ level: String, _ reference: String) -> String
  var group: String { get }
  var events: String { get }
  var term: String { get }
  var atRisk: String { get }
  var standardErrorShort: String { get }
  var notInformative: String { get }
  var notEstimableSeeNotes: String { get }
  var expectedEvents: String { get }
  var below: String { get }
  var atOrAbove: String { get }
  var highLow: String { get }

  // Kaplan–Meier.
  func medianIn(_ unit: String) -> String
  func landmarkColumn(_ name: String, _ level: String) -> String
  func rmstColumn(_ tau: String, _ unit: String) -> String
  func byTitle(_ endpoint: String, _ by: String) -> String
  func timeSince(_ unit: String, _ origin: String) -> String
  func kmCaption(_ title: String, _ level: String, _ transform: String) -> String
  func kmMethod(_ level: String, _ transform: String, _ followUp: Bool) -> String
  func landmarkHeadline(_ landmark: String, _ name: String, _ value: String) -> String
  func medianFollowUp(_ value: String, _ unit: String) -> String
  func nobodyAtRisk(
    _ id: String, _ name: String, _ landmark: String, _ last: String, _ unit: String
  ) -> String

  // Log-rank.
  func logrankHeadline(_ endpoint: String, _ by: String, _ chisq: String, _ df: Int, _ p: String)
    -> String
  func trendSentence(_ statistic: String, _ p: String) -> String
  func adjustedP(_ method: String) -> String
  func logrankMethod(_ weight: String) -> String
  func noEventsInGroup(_ id: String, _ group: String, _ endpoint: String) -> String

  // Cox.
  func coxHeadline(_ endpoint: String, _ term: String, _ hr: String, _ p: String) -> String
  func coxSentence(_ model: String, _ n: Int, _ events: Int, _ zph: String?, _ c: String?)
    -> String
  func hrColumn(_ level: String) -> String
  func coxMethod(_ level: String, _ ties: String) -> String
  func constantByInclusion(
    _ id: String, _ variable: String, _ value: String, _ population: String, _ criterion: String
  ) -> String
  func constantTerm(_ id: String, _ variable: String, _ value: String, _ population: String)
    -> String
  func aliased(_ id: String, _ term: String) -> String
  func monotone(_ id: String, _ term: String) -> String
  func eventsPerVariable(_ id: String, _ events: Int, _ coefficients: Int, _ epv: String) -> String

  // Thresholds and maxstat.
  func splitLabel(_ marker: String, _ cut: String, _ unit: String?) -> String
  func splitEmpty(_ id: String, _ split: String, _ side: String, _ population: String) -> String
  func splitEmptyByInclusion(
    _ id: String, _ split: String, _ side: String, _ population: String, _ criterion: String
  ) -> String
  func splitModel(_ endpoint: String, _ marker: String, _ cut: String, _ unit: String?) -> String
  func thresholdNotEstimable(_ id: String, _ split: String, _ warnings: String) -> String
  func splitAt(_ marker: String) -> String
  func logrankP(_ endpoint: String) -> String
  func hrHighLow(_ level: String) -> String
  func thresholdsMethod(_ marker: String) -> String
  func maxstatSentence(
    _ marker: String, _ candidates: Int, _ low: String, _ high: String, _ cut: String,
    _ unit: String?, _ statistic: String, _ adjusted: String, _ naive: String
  ) -> String
  func maxstatMethod(_ marker: String) -> String

  // Proportions.
  func proportionHeadline(
    _ label: String, _ percent: String, _ count: Int, _ total: Int, _ level: String,
    _ range: String
  ) -> String
  func ciColumn(_ level: String) -> String
  func proportionMethod(_ label: String, _ success: String, _ level: String) -> String

  // Competing risks and parametric models.
  var cause: String { get }
  var cifTitle: String { get }
  func graySentence(_ cause: String, _ statistic: String, _ df: Int, _ p: String) -> String
  func cifCaption(_ title: String) -> String
  func cifMethod(_ level: String) -> String
  func fineGraySentence(_ cause: String, _ n: Int, _ events: Int, _ competing: Int, _ censored: Int)
    -> String
  func shrColumn(_ level: String) -> String
  func fineGrayMethod(_ level: String) -> String
  func notConverged(_ id: String, _ iterations: Int) -> String
  func aftSentence(_ model: String, _ dist: String, _ n: Int, _ events: Int, _ loglik: String)
    -> String
  func timeRatioColumn(_ level: String) -> String
  func aftMethod(_ level: String, _ dist: String) -> String

  // Safety.
  func safetySentence(_ treated: Int, _ events: Int, _ any: String, _ grade3: String) -> String
  var anyGrade: String { get }
  var grade3OrMore: String { get }
  var organClass: String { get }
  var aeTerm: String { get }
  var worstGrade: String { get }
  var patients: String { get }
  var safetyMethod: String { get }

  // CONSORT flow.
  var screened: String { get }
  var notIncluded: String { get }
  var enrolled: String { get }
  var analysed: String { get }
  var flowHeader: [String] { get }
  func flowCaption(_ screened: Int, _ enrolled: Int) -> String
}
