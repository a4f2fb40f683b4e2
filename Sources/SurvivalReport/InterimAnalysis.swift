import SurvivalKit
import SurvivalSupport

/// The interim analysis a plan describes: response rates, follow-up, OS and PFS at landmarks,
/// PFS by nosology, Cox models on GD2 and nosology, GD2 thresholds and the maximally selected
/// cutpoint. Every number comes from the library's estimators; this type only assembles them
/// and says how each was obtained.
public struct InterimAnalysis: Sendable {
  public let plan: AnalysisPlan
  public let endpoints: TrialEndpoints
  public let dataSHA256: String
  public let planSHA256: String
  let table: DataTable

  public init(plan: AnalysisPlan, planText: [UInt8], dataBytes: [UInt8]) throws {
    var options = CSVOptions()
    options.delimiter = plan.delimiter
    options.encoding = plan.encoding
    if plan.encoding != .windows1251 {
      var body = dataBytes[...]
      if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
      if let bad = UTF8Check.firstInvalid(body) {
        throw SurvivalKitError.invalidData(
          line: bad.line, column: nil,
          message:
            "the data file '\(plan.dataFile)' is not UTF-8 (byte \(bad.byteInLine) of this line is 0x\(bad.hex)). If it is a Windows-1251 export, add encoding = \"cp1251\" to the plan's [data] table."
        )
      }
    }
    let raw = try CSVReader.read(bytes: dataBytes, options: options)
    self.plan = plan
    self.endpoints = try TrialEndpoints(table: raw, plan: plan)
    self.table = endpoints.table(thresholds: plan.gd2Thresholds)
    self.dataSHA256 = ContentDigest.hex(dataBytes)
    self.planSHA256 = ContentDigest.hex(planText)
  }

  // MARK: - Pieces

  func sample(_ endpoint: String, by group: String? = nil) throws -> SurvivalSample {
    let formula = try Formula("Surv(\(endpoint)_time, \(endpoint)_event) ~ \(group ?? "1")")
    return try SurvivalSample(table: table, formula: formula, timefix: true)
  }

  func km(_ endpoint: String, by group: String? = nil) throws -> KaplanMeierFit {
    try KaplanMeier.fit(
      sample(endpoint, by: group), confType: plan.confType, confLevel: plan.confLevel)
  }

  /// Curves ordered as the plan lists the nosologies, labelled by the nosology alone.
  func ordered(_ fit: KaplanMeierFit) -> KaplanMeierFit {
    let order = plan.nosologyLabels.map { "nosology=\($0.label)" }
    let curves = fit.curves.sorted { a, b in
      (order.firstIndex(of: a.label) ?? Int.max, a.label) < (
        order.firstIndex(of: b.label) ?? Int.max, b.label
      )
    }.map { $0.relabelled(String($0.label.dropFirst("nosology=".count))) }
    return KaplanMeierFit(
      curves: curves, confType: fit.confType, confLevel: fit.confLevel, dropped: fit.dropped)
  }

  /// "1-year" for 12 months, else "18-month".
  func landmarkName(_ t: Double) -> String {
    if plan.timeUnit == "months" && t.truncatingRemainder(dividingBy: 12) == 0 {
      return "\(NumberFormatting.shortest(t / 12))-year"
    }
    return "\(NumberFormatting.shortest(t))-\(plan.timeUnit.dropLast())"
  }

  func cox(_ endpoint: String, _ rhs: String) throws -> CoxFit {
    var options = CoxOptions()
    options.confLevel = plan.confLevel
    if let reference = plan.nosologyReference, rhs.contains("nosology") {
      options.references = ["nosology": reference]
    }
    return try CoxModel.fit(
      table: table, formula: Formula("Surv(\(endpoint)_time, \(endpoint)_event) ~ \(rhs)"),
      options: options)
  }

  func responses() throws -> (evaluable: Int, orr: Proportion, dcr: Proportion) {
    let codes = endpoints.response.compactMap { $0 }
    guard !codes.isEmpty else {
      throw SurvivalKitError.insufficientData(message: "no patient has a response assessment")
    }
    let objective = codes.filter { plan.objectiveResponse.contains($0) }.count
    let control = codes.filter { plan.diseaseControl.contains($0) }.count
    return (
      codes.count, try Proportion(count: objective, total: codes.count, confLevel: plan.confLevel),
      try Proportion(count: control, total: codes.count, confLevel: plan.confLevel)
    )
  }
}

/// Formatting shared by the report's texts: percentages as the study prints them.
enum ReportFormat {
  /// "56 ± 8 %" from S = 0.56, SE = 0.08.
  static func percentWithSE(_ s: Double, _ se: Double?) -> String {
    let estimate = NumberFormatting.fixed(s * 100, decimals: 0)
    guard let se else { return "\(estimate) %" }
    return "\(estimate) ± \(NumberFormatting.fixed(se * 100, decimals: 0)) %"
  }

  static func percent(_ x: Double?, decimals: Int = 0) -> String {
    guard let x else { return "NA" }
    return NumberFormatting.fixed(x * 100, decimals: decimals) + " %"
  }

  static func number(_ x: Double?, decimals: Int = 1) -> String {
    guard let x, x.isFinite else { return "NA" }
    return NumberFormatting.fixed(x, decimals: decimals)
  }

  static func p(_ x: Double?) -> String {
    guard let x else { return "NA" }
    if x < 0.001 { return "< 0.001" }
    return NumberFormatting.fixed(x, decimals: 3)
  }

  static func hazardRatio(_ c: CoxFit.Coefficient) -> String {
    guard let hr = c.hazardRatio else { return "not estimable" }
    return
      "\(number(hr, decimals: 2)) (\(number(c.lower, decimals: 2))–\(number(c.upper, decimals: 2)))"
  }
}
