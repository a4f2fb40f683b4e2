import SurvivalSupport

/// The report's English words (the default language).
struct EnglishWords: Words {
  let allPatients = "All enrolled patients"
  let all = "all"
  let headlineHeading = "Headline figures"
  let populationsHeading = "Populations"
  let estimabilityHeading = "What cannot be estimated, and what needs care"
  let methodsHeading = "Methods"
  let flowHeading = "Patient flow"
  let comparisonHeading = "Comparison with the previous data cut"

  func dataParagraph(
    file: String, dataSHA: String, planSHA: String, cutoff: String, version: String, patients: Int,
    afterCutoff: Int
  ) -> String {
    "Data: \(file) (SHA-256 \(dataSHA)); plan SHA-256 \(planSHA); cut-off \(cutoff); "
      + "SurvivalKit \(version). \(patients) patients; \(afterCutoff) event date\(afterCutoff == 1 ? "" : "s") after the cut-off not counted (follow-up ends at the cut-off)."
  }
  let populationHeader = ["population", "id", "n", "definition"]
  func populationRow(_ label: String, _ name: String, _ n: Int, _ conditions: String) -> [String] {
    [label, name, "\(n)", conditions]
  }
  let everyone = "everyone in the data"
  let noEstimabilityIssues = "Every reported term could be estimated; no fit needs special care."
  func forestTitle(_ title: String?) -> String { title ?? "Hazard ratios" }
  let forestCaption =
    "Hazard ratios with their confidence limits; under each row, in grey, the model (endpoint ~ terms) it comes from."

  func unitName(_ unit: String) -> String { unit }
  func landmark(_ t: Double, _ unit: String) -> String {
    if unit == "months" && t.truncatingRemainder(dividingBy: 12) == 0 && t > 0 {
      return "\(NumberFormatting.shortest(t / 12))-year"
    }
    return "\(NumberFormatting.shortest(t))-\(unit.dropLast())"
  }
  func perUnit(_ label: String, _ unit: String?) -> String {
    guard let unit else { return "\(label), per unit" }
    return "\(label), per 1 \(unit)"
  }
  func versus(_ variable: String, _ level: String, _ reference: String) -> String {
    "\(variable): \(level) vs \(reference)"
  }
  let group = "group"
  let events = "events"
  let term = "term"
  let atRisk = "at risk"
  let standardErrorShort = "SE"
  let notInformative = "not informative (nobody at risk)"
  let notEstimableSeeNotes = "not estimable (see the notes)"
  let expectedEvents = "expected events"
  let below = "below"
  let atOrAbove = "at or above"
  let highLow = "n high / low"

  func medianIn(_ unit: String) -> String { "median, \(unit)" }
  func landmarkColumn(_ name: String, _ level: String) -> String {
    "\(name): estimate ± SE (\(level) % CI)"
  }
  func rmstColumn(_ tau: String, _ unit: String) -> String { "RMST to \(tau) \(unit)" }
  func byTitle(_ endpoint: String, _ by: String) -> String { "\(endpoint) by \(by)" }
  func timeSince(_ unit: String, _ origin: String) -> String {
    "\(unit.prefix(1).uppercased())\(unit.dropFirst()) since \(origin)"
  }
  func kmCaption(_ title: String, _ level: String, _ transform: String) -> String {
    "\(title): Kaplan–Meier estimate with \(level) % pointwise limits (\(transform) transform); + marks censoring; the table gives the number at risk."
  }
  func kmMethod(_ level: String, _ transform: String, _ followUp: Bool) -> String {
    "Kaplan–Meier estimates with Greenwood standard errors and \(level) % pointwise limits on the \(transform) scale; medians by R's rule with Brookmeyer–Crowley limits"
      + (followUp
        ? "; median follow-up by the reverse Kaplan–Meier method (Schemper & Smith 1996)." : ".")
  }
  func landmarkHeadline(_ landmark: String, _ name: String, _ value: String) -> String {
    "\(landmark) \(name): \(value)"
  }
  func medianFollowUp(_ value: String, _ unit: String) -> String {
    "Median follow-up \(value) \(unit) (reverse Kaplan–Meier)"
  }
  func nobodyAtRisk(
    _ id: String, _ name: String, _ landmark: String, _ last: String, _ unit: String
  ) -> String {
    "\(id): nobody is at risk any more at the \(landmark) landmark of \(name) (the last follow-up is at \(last) \(unit)); the estimate carried forward from there says nothing about that time and is not reported."
  }

  func logrankHeadline(_ endpoint: String, _ by: String, _ chisq: String, _ df: Int, _ p: String)
    -> String
  {
    "\(endpoint) by \(by): log-rank χ² = \(chisq) on \(df) df, \(p)"
  }
  func trendSentence(_ statistic: String, _ p: String) -> String {
    "Test for trend across the groups in their order: χ² = \(statistic) on 1 df, \(p)."
  }
  func adjustedP(_ method: String) -> String { "p (\(method))" }
  func logrankMethod(_ weight: String) -> String {
    "Groups compared by the \(weight) test (χ² on groups − 1 df)."
  }
  func noEventsInGroup(_ id: String, _ group: String, _ endpoint: String) -> String {
    "\(id): no \(endpoint) events in '\(group)'; a hazard ratio against this group is 0 or infinite and its test says little."
  }

  func coxHeadline(_ endpoint: String, _ term: String, _ hr: String, _ p: String) -> String {
    "Cox regression of \(endpoint) on \(term): HR \(hr), \(p)"
  }
  func coxSentence(_ model: String, _ n: Int, _ events: Int, _ zph: String?, _ c: String?)
    -> String
  {
    var s = "\(model): \(n) patients, \(events) events"
    if let c { s += "; concordance \(c)" }
    if let zph { s += "; proportional hazards (global cox.zph) \(zph)" }
    return s + "."
  }
  func hrColumn(_ level: String) -> String { "HR (\(level) % CI)" }
  func coxMethod(_ level: String, _ ties: String) -> String {
    "Cox proportional hazards models (\(ties) ties), hazard ratios with Wald \(level) % limits; proportional hazards checked by cox.zph score tests with the Kaplan–Meier time transform."
  }
  func constantByInclusion(
    _ id: String, _ variable: String, _ value: String, _ population: String, _ criterion: String
  ) -> String {
    "\(id): \(variable) cannot be estimated: it is '\(value)' for every patient in '\(population)', because the inclusion criteria require it (\(criterion)). There is nobody to compare with."
  }
  func constantTerm(_ id: String, _ variable: String, _ value: String, _ population: String)
    -> String
  {
    "\(id): \(variable) cannot be estimated: it is '\(value)' for every patient in '\(population)', so there is nobody to compare with."
  }
  func aliased(_ id: String, _ term: String) -> String {
    "\(id): \(term) cannot be estimated: it is a linear combination of the terms before it (collinear), so the data cannot separate its effect."
  }
  func monotone(_ id: String, _ term: String) -> String {
    "\(id): the likelihood keeps increasing as the coefficient of \(term) runs to infinity (monotone likelihood, typically no events in one group); its hazard ratio and limits are not informative. A penalised (Firth) fit gives a finite estimate."
  }
  func eventsPerVariable(_ id: String, _ events: Int, _ coefficients: Int, _ epv: String) -> String
  {
    "\(id): \(events) events for \(coefficients) coefficient\(coefficients == 1 ? "" : "s") (\(epv) events per variable, below 10): the estimates may be biased and their limits too narrow; read them as exploratory."
  }

  func splitLabel(_ marker: String, _ cut: String, _ unit: String?) -> String {
    "\(marker) ≥ \(cut)\(unit.map { " \($0)" } ?? "") vs <"
  }
  func splitEmpty(_ id: String, _ split: String, _ side: String, _ population: String) -> String {
    "\(id): \(split) cannot be estimated: nobody in '\(population)' is \(side) the cutpoint, so there is nobody to compare with."
  }
  func splitEmptyByInclusion(
    _ id: String, _ split: String, _ side: String, _ population: String, _ criterion: String
  ) -> String {
    "\(id): \(split) cannot be estimated: nobody in '\(population)' is \(side) the cutpoint, because the inclusion criteria exclude such patients (\(criterion))."
  }
  func splitModel(_ endpoint: String, _ marker: String, _ cut: String, _ unit: String?) -> String {
    "\(endpoint) ~ \(marker) split at \(cut)\(unit.map { " \($0)" } ?? "")"
  }
  func thresholdNotEstimable(_ id: String, _ split: String, _ warnings: String) -> String {
    "\(id): the hazard ratio of \(split) is not informative: \(warnings)."
  }
  func splitAt(_ marker: String) -> String { "\(marker) at or above" }
  func logrankP(_ endpoint: String) -> String { "log-rank p (\(endpoint))" }
  func hrHighLow(_ level: String) -> String { "HR high vs low (\(level) % CI)" }
  func thresholdsMethod(_ marker: String) -> String {
    "For each \(marker) threshold, patients at or above it versus below: log-rank p and Cox hazard ratio."
  }
  func maxstatSentence(
    _ marker: String, _ candidates: Int, _ low: String, _ high: String, _ cut: String,
    _ unit: String?, _ statistic: String, _ adjusted: String, _ naive: String
  ) -> String {
    "Maximally selected log-rank statistic over \(marker) cutpoints (\(candidates) candidates between the \(low) % and \(high) % quantiles): best cutpoint \(cut)\(unit.map { " \($0)" } ?? ""), |Z| = \(statistic), selection-adjusted \(adjusted) (Lausen & Schumacher 1992). The naive p of that split, \(naive), ignores the search and must not be reported."
  }
  func maxstatMethod(_ marker: String) -> String {
    "The maximally selected log-rank statistic over \(marker) cutpoints with the Lausen–Schumacher (1992) selection-adjusted p-value, so that a best cutpoint is never reported with a naive p-value."
  }

  func proportionHeadline(
    _ label: String, _ percent: String, _ count: Int, _ total: Int, _ level: String,
    _ range: String
  ) -> String {
    "\(label) \(percent) (\(count)/\(total); \(level) % CI \(range))"
  }
  func ciColumn(_ level: String) -> String { "\(level) % CI" }
  func proportionMethod(_ label: String, _ success: String, _ level: String) -> String {
    "\(label) = \(success) among patients with an assessment, with exact Clopper–Pearson \(level) % intervals."
  }

  let cause = "cause"
  let cifTitle = "Cumulative incidence"
  func graySentence(_ cause: String, _ statistic: String, _ df: Int, _ p: String) -> String {
    "Gray's test, cause \(cause): χ² = \(statistic) on \(df) df, \(p)."
  }
  func cifCaption(_ title: String) -> String {
    "\(title): Aalen–Johansen cumulative incidence of each cause (one line style per cause)."
  }
  func cifMethod(_ level: String) -> String {
    "Cumulative incidence of competing events by the Aalen–Johansen estimator, infinitesimal-jackknife standard errors and \(level) % limits on the log scale; groups compared by Gray's test."
  }
  func fineGraySentence(_ cause: String, _ n: Int, _ events: Int, _ competing: Int, _ censored: Int)
    -> String
  {
    "Fine–Gray model of cause \(cause): \(n) patients, \(events) events of that cause, \(competing) competing events, \(censored) censored."
  }
  func shrColumn(_ level: String) -> String { "subdistribution HR (\(level) % CI)" }
  func fineGrayMethod(_ level: String) -> String {
    "Fine–Gray proportional subdistribution hazards models (cmprsk::crr), robust standard errors and Wald \(level) % limits."
  }
  func notConverged(_ id: String, _ iterations: Int) -> String {
    "Analysis \(id): the fit did not converge in \(iterations) iterations; its estimates are not reliable."
  }
  func aftSentence(_ model: String, _ dist: String, _ n: Int, _ events: Int, _ loglik: String)
    -> String
  {
    "Accelerated failure time model \(model), \(dist) distribution: \(n) patients, \(events) events, log-likelihood \(loglik)."
  }
  func timeRatioColumn(_ level: String) -> String { "time ratio (\(level) % CI)" }
  func aftMethod(_ level: String, _ dist: String) -> String {
    "Parametric accelerated failure time models (R's survreg, \(dist)), time ratios exp(β) with Wald \(level) % limits."
  }

  func safetySentence(_ treated: Int, _ events: Int, _ any: String, _ grade3: String) -> String {
    "Safety: \(treated) treated patients, \(events) adverse events; patients with at least one adverse event \(any), with one of grade 3 or higher \(grade3)."
  }
  let anyGrade = "any grade, patients (% of treated)"
  let grade3OrMore = "grade >= 3, patients (% of treated)"
  let organClass = "system organ class"
  let aeTerm = "CTCAE term"
  let worstGrade = "worst grade"
  let patients = "patients (% of treated)"
  let safetyMethod =
    "Adverse events (CTCAE v5) counted per patient: patients with at least one event by term and by system organ class, any grade and grade 3 or higher, each patient once at the worst grade, as a percentage of the treated patients."

  let screened = "Screened"
  let notIncluded = "Not included"
  let enrolled = "Enrolled"
  let analysed = "Analysed"
  let flowHeader = ["step", "patients"]
  func flowCaption(_ screened: Int, _ enrolled: Int) -> String {
    "Patient flow: \(screened) screened, \(enrolled) enrolled."
  }
}
