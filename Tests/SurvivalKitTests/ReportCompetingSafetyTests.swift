import Foundation
import XCTest

@testable import SurvivalKit
@testable import SurvivalReport

/// The kinds cif, finegray, aft and safety: their results.json members through a plan equal
/// what the CLI prints for the same data (the CLI's own tests check those numbers against R's
/// survival and cmprsk and against the safety fixture), and a bad option names the plan's line.
final class ReportCompetingSafetyTests: XCTestCase {
  func cli(_ arguments: [String]) throws -> [String: Any] {
    let (status, out, err) = try TestSupport.runSurvkit(arguments + ["--format", "json"])
    XCTAssertEqual(status, 0, err)
    return try JSONSerialization.jsonObject(with: Data(out.utf8)) as! [String: Any]
  }

  func number(_ x: Any?) -> Double? { (x as? NSNumber)?.doubleValue }

  func results(_ folder: String, planText: String? = nil) throws -> [String: [String: Any]] {
    let (root, plan) = try ReportKindTests.scratch(folder, planText: planText)
    defer { try? FileManager.default.removeItem(at: root) }
    let (output, _, _) = try ReportWriter.run(planPath: plan)
    let json =
      try JSONSerialization.jsonObject(with: Data(output.results.serialized().utf8))
      as! [String: Any]
    return json["analyses"] as! [String: [String: Any]]
  }

  /// Every number (and every string but the formula and the group labels) of `a` equals `b`.
  func assertSame(_ a: Any?, _ b: Any?, _ path: String, skip: Set<String> = ["formula"]) {
    switch (a, b) {
    case (let x as [String: Any], let y as [String: Any]):
      XCTAssertEqual(Set(x.keys), Set(y.keys), path)
      for (k, v) in x where !skip.contains(k) { assertSame(v, y[k], "\(path).\(k)", skip: skip) }
    case (let x as [Any], let y as [Any]):
      XCTAssertEqual(x.count, y.count, path)
      for (k, (u, v)) in zip(x, y).enumerated() { assertSame(u, v, "\(path)[\(k)]", skip: skip) }
    case (let x as NSNumber, let y as NSNumber):
      XCTAssertEqual(x.doubleValue, y.doubleValue, path)
    case (let x as String, let y as String):
      XCTAssertEqual(x, y, path)
    case (is NSNull, is NSNull):
      break
    default:
      XCTFail("\(path): \(String(describing: a)) vs \(String(describing: b))")
    }
  }

  func testCIFAndAFTKindsEqualTheCLI() throws {
    let a = try results("veteran")
    // Cumulative incidence of death by treatment: the plan's trt labels standard/test are the
    // file's 1/2, in the same order; everything else is the CLI's output.
    let cif = a["death_incidence"]!["result"] as! [String: Any]
    let fromCLI = try cli(["cif", "datasets/veteran.csv", "Surv(time, status) ~ trt"])
    assertSame(cif, fromCLI, "cif", skip: ["formula", "label"])
    XCTAssertNotNil((cif["gray"] as? [String: Any])?["1"])
    // Landmarks: the step function of the CLI's table at 90, 180, 365 days.
    let strata = fromCLI["strata"] as! [[String: Any]]
    let landmarks = a["death_incidence"]!["landmarks"] as! [[String: Any]]
    XCTAssertEqual(landmarks.count, 2)
    for (curve, mine) in zip(strata, landmarks) {
      let table = curve["table"] as! [String: Any]
      let times = (table["time"] as! [NSNumber]).map(\.doubleValue)
      let c = (table["causes"] as! [String: Any])["1"] as! [String: Any]
      let at = mine["at"] as! [[String: Any]]
      for (k, t) in [90.0, 180, 365].enumerated() {
        let j = times.lastIndex { $0 <= t }!
        XCTAssertEqual(number(at[k]["time"]), t)
        for key in ["cif", "std_err", "lower", "upper"] {
          XCTAssertEqual(
            number(at[k][key]), number((c[key] as! [Any])[j]), "\(t) \(key)")
        }
      }
    }
    // Weibull AFT with the plan's reference (squamous).
    let aft = a["aft_weibull"]!["model"] as! [String: Any]
    let cliAFT = try cli([
      "aft", "datasets/veteran.csv", "Surv(time, status) ~ karno + age + celltype", "--dist",
      "weibull", "--reference", "celltype=squamous",
    ])
    assertSame(aft, cliAFT, "aft")
    XCTAssertEqual((aft["coefficients"] as! [Any]).count, 6)
  }

  /// A plan on the competing-risk file of cut 2 (0 censored, 1 grade >= 3 CLS/CRS,
  /// 2 progression, 3 death without progression).
  static let competingPlan = """
    title = "Competing risks"

    [data]
    file = "../../datasets/trial/trial_cut2_competing.csv"
    delimiter = ","

    [defaults]
    time_unit = "months"
    plot_step = 6

    [variables.time]
    column = "time"
    type = "number"
    required = true

    [variables.event]
    column = "event"
    type = "number"
    required = true

    [variables.gd2]
    column = "gd2"
    type = "number"

    [variables.nosology]
    column = "nosology"
    type = "category"
    levels = ["soft_tissue", "osteosarcoma", "ewing"]
    reference = "osteosarcoma"

    [populations.all]
    label = "All patients"

    [analyses.cif_nosology]
    kind = "cif"
    formula = "Surv(time, event) ~ nosology"
    times = [3, 6, 12]

    [analyses.fg_ae]
    kind = "finegray"
    formula = "Surv(time, event) ~ gd2 + nosology"
    cause = "1"

    [analyses.fg_progression]
    kind = "finegray"
    formula = "Surv(time, event) ~ gd2"
    cause = "2"
    """

  func testCompetingRiskKindsEqualTheCLI() throws {
    let a = try results("veteran", planText: ReportCompetingSafetyTests.competingPlan)
    let file = "datasets/trial/trial_cut2_competing.csv"
    let cif = a["cif_nosology"]!["result"] as! [String: Any]
    // The CLI orders the groups by code point (ewing, osteosarcoma, soft_tissue); so does
    // the engine for the plan, whatever the plan's level order.
    let fromCLI = try cli(["cif", file, "Surv(time, event) ~ nosology"])
    assertSame(cif, fromCLI, "cif")
    // Cut 2 has no death without progression before another event: causes 1 and 2 only.
    XCTAssertEqual((cif["causes"] as! [String]), ["1", "2"])
    XCTAssertEqual((cif["gray"] as! [String: Any]).count, 2)
    assertSame(
      a["fg_ae"]!["model"],
      try cli([
        "finegray", file, "Surv(time, event) ~ gd2 + nosology", "--cause", "1", "--reference",
        "nosology=osteosarcoma",
      ]), "finegray 1")
    assertSame(
      a["fg_progression"]!["model"],
      try cli(["finegray", file, "Surv(time, event) ~ gd2", "--cause", "2"]),
      "finegray 2")
  }

  func testSafetyKindEqualsTheCLI() throws {
    let a = try results("interim-cut2")
    let safety = a["safety"]!
    XCTAssertEqual(safety["file"] as? String, "../../datasets/trial/adverse_events_cut2.csv")
    let fromCLI = try cli([
      "safety", "datasets/trial/adverse_events_cut2.csv", "--patients",
      "datasets/trial/trial_cut2.csv",
    ])
    assertSame(safety["summary"], fromCLI, "safety")
    // The CLI's counts are checked against Tests/SurvivalKitTests/Fixtures/safety; spot-check
    // the headline numbers here from that fixture's derivation (every treated patient).
    let summary = safety["summary"] as! [String: Any]
    XCTAssertEqual(number(summary["treated"]), 54)
  }

  /// A safety analysis in a population reads only that population's events: every event
  /// of another patient stops the run with the plan's line.
  func testSafetyEventOfAPatientOutsideThePopulationNamesThePlanLine() throws {
    var text = try String(
      contentsOf: TestSupport.repositoryRoot.appendingPathComponent(
        "notebooks-data/interim-cut2/plan.toml"), encoding: .utf8)
    text = text.replacing(
      "kind = \"safety\"\n", with: "kind = \"safety\"\npopulation = \"evaluable\"\n")
    let line =
      text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex {
        $0.hasPrefix("file = \"../../datasets/trial/adverse_events_cut2.csv\"")
      }! + 1
    let (root, plan) = try ReportKindTests.scratch("interim-cut2", planText: text)
    defer { try? FileManager.default.removeItem(at: root) }
    assertThrows(
      try ReportWriter.run(planPath: plan),
      containing: ["line \(line)", "adverse-event file"])
  }

  /// The line of the first line of `text` starting with `prefix`.
  func line(_ text: String, _ prefix: String) -> Int {
    text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex {
      $0.hasPrefix(prefix)
    }! + 1
  }

  func assertPlanError(_ text: String, line: Int, _ fragment: String, testLine: UInt = #line) {
    do {
      _ = try StudyPlan(text: text)
      XCTFail("no error", line: testLine)
    } catch SurvivalKitError.invalidData(let l, _, let message) {
      XCTAssertEqual(l, line, message, line: testLine)
      XCTAssertTrue(message.contains(fragment), "'\(fragment)' not in: \(message)", line: testLine)
    } catch {
      XCTFail("\(error)", line: testLine)
    }
  }

  func testBadOptionsNameThePlanLine() throws {
    let base = ReportCompetingSafetyTests.competingPlan
    // A formula column that is not a variable.
    var text = base.replacing(
      "formula = \"Surv(time, event) ~ nosology\"",
      with: "formula = \"Surv(time, cause) ~ nosology\"")
    assertPlanError(text, line: line(text, "formula = \"Surv(time, cause)"), "'cause'")
    // A comparison as the status.
    text = base.replacing(
      "formula = \"Surv(time, event) ~ nosology\"",
      with: "formula = \"Surv(time, event == 1) ~ nosology\"")
    assertPlanError(text, line: line(text, "formula = \"Surv(time, event == 1)"), "cause column")
    // Negative times.
    text = base.replacing("times = [3, 6, 12]", with: "times = [3, -6]")
    assertPlanError(text, line: line(text, "times = [3, -6]"), "out of range")
    // A missing formula: the table's header line.
    text = base.replacing(
      "formula = \"Surv(time, event) ~ gd2 + nosology\"\n", with: "")
    assertPlanError(text, line: line(text, "[analyses.fg_ae]"), "needs formula")
    // Fine–Gray without covariates, or with strata().
    text = base.replacing(
      "formula = \"Surv(time, event) ~ gd2\"", with: "formula = \"Surv(time, event) ~ 1\"")
    assertPlanError(text, line: line(text, "formula = \"Surv(time, event) ~ 1\""), "no covariate")
    // An unknown key.
    text = base.replacing("cause = \"2\"", with: "causes = \"2\"")
    assertPlanError(text, line: line(text, "causes = "), "unknown key 'causes'")
    // AFT: a distribution that does not exist, and a missing endpoint.
    let veteran = try String(
      contentsOf: TestSupport.repositoryRoot.appendingPathComponent(
        "notebooks-data/veteran/plan.toml"), encoding: .utf8)
    text = veteran.replacing("dist = \"weibull\"", with: "dist = \"gamma\"")
    assertPlanError(text, line: line(text, "dist = \"gamma\""), "not allowed")
    text = veteran.replacing(
      "title = \"Weibull accelerated failure time model\"\nendpoint = \"os\"\n",
      with: "title = \"Weibull accelerated failure time model\"\n")
    assertPlanError(text, line: line(text, "[analyses.aft_weibull]"), "needs endpoint")
    // Safety: a cycles variable that is not a number, and no file.
    let cut2 = try String(
      contentsOf: TestSupport.repositoryRoot.appendingPathComponent(
        "notebooks-data/interim-cut2/plan.toml"), encoding: .utf8)
    text = cut2.replacing("cycles = \"cycles\"", with: "cycles = \"nosology\"")
    assertPlanError(text, line: line(text, "cycles = \"nosology\""), "must be a number")
    text = cut2.replacing("file = \"../../datasets/trial/adverse_events_cut2.csv\"\n", with: "")
    assertPlanError(text, line: line(text, "[analyses.safety]"), "needs file")
  }

  /// A cause the data do not have stops the run with the analysis's line.
  func testUnknownCauseNamesTheAnalysis() throws {
    let text = ReportCompetingSafetyTests.competingPlan.replacing(
      "cause = \"2\"", with: "cause = \"7\"")
    let (root, plan) = try ReportKindTests.scratch("veteran", planText: text)
    defer { try? FileManager.default.removeItem(at: root) }
    assertThrows(
      try ReportWriter.run(planPath: plan),
      containing: [
        "line \(line(text, "[analyses.fg_progression]"))", "fg_progression", "'7' is not a cause",
      ])
  }

  /// The Russian word table has every sentence of the new kinds: a Russian run of the
  /// competing-risk plan and of the cut-2 safety section prints them, with the same numbers.
  func testRussianReportOfTheNewKinds() throws {
    let text = "language = \"ru\"\n" + ReportCompetingSafetyTests.competingPlan
    let (root, plan) = try ReportKindTests.scratch("veteran", planText: text)
    defer { try? FileManager.default.removeItem(at: root) }
    let (output, _, _) = try ReportWriter.run(planPath: plan)
    let markdown = output.document.markdown()
    for fragment in [
      "Тест Грея, причина 1", "Модель Файна–Грея для причины 1", "ОР субраспределения",
    ] {
      XCTAssertTrue(markdown.contains(fragment), fragment)
    }
    let english = try results("veteran", planText: ReportCompetingSafetyTests.competingPlan)
    let russian =
      (try JSONSerialization.jsonObject(with: Data(output.results.serialized().utf8))
      as! [String: Any])["analyses"] as! [String: [String: Any]]
    assertSame(russian["fg_ae"]!["model"], english["fg_ae"]!["model"], "ru finegray")
    var cut2 = try String(
      contentsOf: TestSupport.repositoryRoot.appendingPathComponent(
        "notebooks-data/interim-cut2/plan.toml"), encoding: .utf8)
    cut2 = "language = \"ru\"\n" + cut2
    let (root2, plan2) = try ReportKindTests.scratch("interim-cut2", planText: cut2)
    defer { try? FileManager.default.removeItem(at: root2) }
    let (output2, _, _) = try ReportWriter.run(planPath: plan2)
    XCTAssertTrue(
      output2.document.markdown().contains("Безопасность: пролечено пациентов 54"),
      "safety in Russian")
  }
}
