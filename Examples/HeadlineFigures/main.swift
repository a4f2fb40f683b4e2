import SurvivalKit
// HeadlineFigures: the interim analysis's headline figures computed through SurvivalKit's
// public API, as a biostatistician would write their own analysis script.
//
//   swift run HeadlineFigures [datasets/trial/trial_cut1.csv] [01.06.2025]
//
// It reads the centres' export (semicolon-separated, decimal commas, DD.MM.YYYY dates, Russian
// text), derives PFS in months from the dates, and prints 1-year PFS overall and by nosology,
// the log-rank test between nosologies and the Cox model of PFS on GD2 expression.
import SurvivalSupport

#if canImport(Glibc)
  import Glibc
#endif

let arguments = Array(CommandLine.arguments.dropFirst())
let path = arguments.first ?? "datasets/trial/trial_cut1.csv"
let cutoff = DateParsing.parseDays(arguments.count > 1 ? arguments[1] : "01.06.2025")!

do {
  let table = try CSVReader.read(path: path)  // delimiter, decimal comma and dates detected

  func dates(_ name: String) throws -> [Double] {
    guard case .date(let values) = try table.column(named: name).values else {
      throw SurvivalKitError.invalidData(line: nil, column: name, message: "expected dates")
    }
    return values
  }
  let enrolment = try dates("Дата включения")
  let progression = try dates("Дата прогрессирования")
  let death = try dates("Дата смерти")
  let lastContact = try dates("Дата последнего контакта")
  let daysPerMonth = 365.25 / 12

  // PFS: enrolment to progression or death (whichever first), else censored at last contact;
  // nothing after the cut-off counts.
  var time: [Double] = []
  var status: [UInt8] = []
  for i in 0..<table.rowCount {
    let events = [progression[i], death[i]].filter { !$0.isNaN && $0 <= Double(cutoff) }
    let end = events.min() ?? min(lastContact[i], Double(cutoff))
    time.append((end - enrolment[i]) / daysPerMonth)
    status.append(events.isEmpty ? 0 : 1)
  }

  let overall = try KaplanMeier.fit(try SurvivalSample(time: time, status: status))
  let oneYear = try overall.curves[0].survival(at: [12])[0]
  print("1-year PFS: \(percent(oneYear.survival)) ± \(percent(oneYear.standardError ?? .nan)) %")

  // By nosology: group codes from the text column, labelled as R labels strata.
  let nosology = try table.column(named: "Нозология")
  guard case .text(let levels, let codes) = nosology.values else { fatalError("nosology is text") }
  let grouping = Grouping(labels: levels.map { "nosology=\($0)" }, codes: codes)
  let byGroup = try SurvivalSample(time: time, status: status, grouping: grouping)
  for curve in try KaplanMeier.fit(byGroup).curves {
    let s = try curve.survival(at: [12])[0]
    print(
      "1-year PFS, \(curve.label): \(percent(s.survival)) ± \(percent(s.standardError ?? .nan)) %")
  }
  let logrank = try LogRank.test(byGroup)
  print(
    "log-rank between nosologies: chisq = \(fixed(logrank.chisq, 3)) on \(logrank.df) df, p = \(fixed(logrank.p ?? .nan, 3))"
  )

  // Cox model of PFS on GD2: build a small table and use the formula interface.
  let endpoints = DataTable(
    columns: [
      Column(name: "pfs_time", values: .numeric(time)),
      Column(name: "pfs_event", values: .numeric(status.map(Double.init))),
      try table.column(named: "GD2, %"),
    ],
    lineNumbers: table.lineNumbers)
  let cox = try CoxModel.fit(
    table: endpoints, formula: Formula("Surv(pfs_time, pfs_event) ~ `GD2, %`"))
  let gd2 = cox.coefficients[0]
  print(
    "Cox, PFS on GD2 (per 1 %): HR \(fixed(gd2.hazardRatio!, 3)) (\(fixed(gd2.lower!, 3))–\(fixed(gd2.upper!, 3))), p = \(fixed(gd2.p!, 3))"
  )
} catch {
  print("HeadlineFigures: \(error)")
  exit(1)
}

func percent(_ x: Double) -> String { NumberFormatting.fixed(x * 100, decimals: 0) }
func fixed(_ x: Double, _ decimals: Int) -> String { NumberFormatting.fixed(x, decimals: decimals) }
