import Foundation
import XCTest

@testable import SurvivalKit
@testable import SurvivalReport

/// The declarative plan: bad plans stop before any data are read with the plan's line, and the
/// rewritten cut plans reproduce every value of the previous (hand-coded) report exactly.
final class ReportPlanTests: XCTestCase {
  func plan(_ cut: Int = 1) throws -> String {
    try String(
      contentsOf: TestSupport.repositoryRoot.appendingPathComponent(
        "notebooks-data/interim-cut\(cut)/plan.toml"), encoding: .utf8)
  }

  /// The 1-based line of the first line containing `fragment` (after `after`, if given).
  func line(_ text: String, _ fragment: String, after: String? = nil) -> Int {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let start = after.map { a in lines.firstIndex { $0.contains(a) }! } ?? 0
    return lines[start...].firstIndex { $0.contains(fragment) }! + 1
  }

  /// Replaces the first occurrence of `old` at or after the line containing `after`.
  func edit(_ text: String, _ old: String, _ new: String, after: String? = nil) -> String {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let k = line(text, old, after: after) - 1
    lines[k] = lines[k].replacing(old, with: new)
    return lines.joined(separator: "\n")
  }

  /// Writes the plan into an empty folder whose data file does not exist: a plan error must
  /// come before any data are read, and nothing may be written.
  func assertPlanError(
    _ text: String, line: Int?, _ fragments: [String], file: StaticString = #filePath,
    testLine: UInt = #line
  ) throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "survkit-plan-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("plan.toml")
    try text.write(to: path, atomically: true, encoding: .utf8)
    do {
      try ReportWriter.run(planPath: path.path)
      XCTFail("no error", file: file, line: testLine)
    } catch {
      let message = "\(error)"
      XCTAssertFalse(
        message.contains("not found"), "the data were read first: \(message)", file: file,
        line: testLine)
      if let line {
        XCTAssertTrue(
          message.hasPrefix("line \(line):"), "expected line \(line): \(message)", file: file,
          line: testLine)
      }
      for f in fragments {
        XCTAssertTrue(message.contains(f), "'\(f)' not in: \(message)", file: file, line: testLine)
      }
    }
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: folder.path), ["plan.toml"],
      "something was written", file: file, line: testLine)
  }

  /// Seventeen kinds of mistake, each named with its line, none reading data or writing.
  func testBadPlansNameTheLineBeforeReadingData() throws {
    let p = try plan()
    // 1. An unknown top-level key.
    try assertPlanError("titel = \"x\"\n" + p, line: 1, ["unknown key 'titel'"])
    // 2. An unknown key inside an analysis.
    try assertPlanError(
      edit(p, "landmarks = [12, 24]", "landmark = [12, 24]", after: "[analyses.pfs]"),
      line: line(p, "landmarks = [12, 24]", after: "[analyses.pfs]"),
      ["[analyses.pfs] has an unknown key 'landmark'", "landmarks"])
    // 3. An unknown kind.
    try assertPlanError(
      edit(p, "kind = \"maxstat\"", "kind = \"maxstats\""), line: line(p, "kind = \"maxstat\""),
      ["kind \"maxstats\" is not known", "km, logrank, cox, thresholds, maxstat, proportion"])
    // 4. A kind's missing option (km without an endpoint): the table's header line.
    try assertPlanError(
      edit(p, "endpoint = \"os\"", "# no endpoint", after: "[analyses.os]"),
      line: line(p, "[analyses.os]"), ["[analyses.os] needs endpoint"])
    // 5. An undefined population.
    try assertPlanError(
      edit(p, "population = \"evaluable\"", "population = \"evaluabel\""),
      line: line(p, "population = \"evaluable\""), ["population 'evaluabel' is not defined"])
    // 6. An undefined endpoint.
    try assertPlanError(
      edit(p, "endpoint = \"pfs\"", "endpoint = \"efs\"", after: "[analyses.pfs]"),
      line: line(p, "endpoint = \"pfs\"", after: "[analyses.pfs]"),
      ["endpoint 'efs' is not defined", "os, pfs"])
    // 7. A Cox formula over an undeclared variable.
    try assertPlanError(
      edit(p, "formula = \"gd2 + nosology\"", "formula = \"gd2 + age\""),
      line: line(p, "formula = \"gd2 + nosology\""), ["uses 'age', which is not a variable"])
    // 8. A population filter on an undeclared variable.
    try assertPlanError(
      edit(p, "where = [\"response is present\"]", "where = [\"resp is present\"]"),
      line: line(p, "where = [\"response is present\"]"), ["uses 'resp', which is not a variable"])
    // 9. Malformed TOML: an unclosed string.
    try assertPlanError(
      edit(p, "label = \"ORR\"", "label = \"ORR"), line: line(p, "label = \"ORR\""),
      ["unclosed string"])
    // 10. A key set twice.
    try assertPlanError(
      edit(p, "label = \"ORR\"", "label = \"ORR\"\nlabel = \"ORR2\""),
      line: line(p, "label = \"ORR\"") + 1, ["'analyses.orr.label' is set twice"])
    // 11. A negative landmark.
    try assertPlanError(
      edit(p, "landmarks = [12, 24]", "landmarks = [-1]"), line: line(p, "landmarks = [12, 24]"),
      ["landmarks: -1 is out of range"])
    // 12. plot_step 0.
    try assertPlanError(
      edit(p, "plot_step = 6", "plot_step = 0"), line: line(p, "plot_step = 6"),
      ["plot_step = 0 is out of range"])
    // 13. A forest plot of a Kaplan–Meier analysis.
    try assertPlanError(
      edit(p, "analyses = [\"cox_pfs_gd2_nosology\", \"gd2_thresholds\"]", "analyses = [\"pfs\"]"),
      line: line(p, "analyses = [\"cox_pfs_gd2_nosology\""),
      ["analysis 'pfs' is a km analysis; a forest plot takes cox or thresholds"])
    // 14. A cut-off that is not a date.
    try assertPlanError(
      edit(p, "cutoff = \"01.06.2025\"", "cutoff = \"2025-13-01\""),
      line: line(p, "cutoff = \"01.06.2025\""), ["cutoff '2025-13-01' is not a date"])
    // 15. Labels and levels of different lengths.
    try assertPlanError(
      edit(p, "\"Ewing sarcoma\"]", "]"), line: line(p, "labels = [\"soft-tissue"),
      ["labels needs levels = [...] of the same length"])
    // 16. An endpoint whose event is not a date variable.
    try assertPlanError(
      edit(p, "events = [\"death\"]", "events = [\"gd2\"]"), line: line(p, "events = [\"death\"]"),
      ["events refers to 'gd2', which is a number, not a date"])
    // 17. A proportion's success level that the variable does not have.
    try assertPlanError(
      edit(p, "success = [\"CR\", \"PR\"]", "success = [\"CR\", \"PR \"]"),
      line: line(p, "success = [\"CR\", \"PR\"]"), ["'PR ' is not a level of 'response'"])
    // 18. A derived category from an undeclared variable.
    try assertPlanError(
      p + "\n[variables.gd2_band]\nfrom = \"gd3\"\ncutpoints = [5]\n",
      line: p.split(separator: "\n", omittingEmptySubsequences: false).count + 2,
      ["from refers to 'gd3', which is not a variable declared above it"])
  }

  /// The rewritten cut plans give the values of the previous hand-coded report (its
  /// results.json, committed as a fixture before the rewrite), at their new places: the same
  /// structure, strings and integers, and every other number equal to 1e-12 relative. (They
  /// were equal to the last digit when the fixture was taken; the engine's sums have since
  /// been reordered, which moves the last digits only; see CHANGELOG. A plan that computed
  /// something else would differ by far more.)
  func testRewrittenCutPlansReproduceThePreviousValues() throws {
    for cut in [1, 2] {
      let old =
        try JSONSerialization.jsonObject(
          with: Data(
            contentsOf: TestSupport.fixtures.appendingPathComponent(
              "report/legacy-cut\(cut)-results.json"))) as! [String: Any]
      let fresh =
        try JSONSerialization.jsonObject(
          with: Data(
            contentsOf: TestSupport.repositoryRoot.appendingPathComponent(
              "notebooks-data/interim-cut\(cut)/report/results.json"))) as! [String: Any]
      let a = fresh["analyses"] as! [String: [String: Any]]
      func same(_ x: Any?, _ y: Any?, _ what: String) {
        XCTAssertTrue(
          ReportPlanTests.equalJSON(x!, y!, relative: 1e-12),
          "cut \(cut): \(what): \(x!) versus \(y!)")
      }
      func pick(_ d: [String: Any], _ keys: [String]) -> [String: Any] {
        Dictionary(uniqueKeysWithValues: keys.map { ($0, d[$0]!) })
      }
      let response = old["response"] as! [String: Any]
      let pKeys = ["count", "total", "estimate", "lower", "upper"]
      same(response["orr"], pick(a["orr"]!, pKeys), "ORR")
      same(response["dcr"], pick(a["dcr"]!, pKeys), "DCR")
      same(response["evaluable"], a["orr"]!["n"], "evaluable")
      same(old["follow_up"], a["os"]!["follow_up"], "follow-up")
      same(old["os"], (a["os"]!["curves"] as! [Any])[0], "OS")
      same(old["pfs"], (a["pfs"]!["curves"] as! [Any])[0], "PFS")
      let byNosology = old["pfs_by_nosology"] as! [String: Any]
      same(byNosology["groups"], a["pfs_by_nosology"]!["curves"], "PFS by nosology")
      let logrank = a["pfs_nosology_logrank"]!["result"] as! [String: Any]
      same(byNosology["logrank"], pick(logrank, ["chisq", "df", "p"]), "log-rank")
      let cox = old["cox"] as! [String: [String: [String: Any]]]
      for endpoint in ["pfs", "os"] {
        for model in ["gd2", "nosology", "gd2_nosology"] {
          let o = cox[endpoint]![model]!
          same(o, pick(a["cox_\(endpoint)_\(model)"]!, Array(o.keys)), "Cox \(endpoint) \(model)")
        }
      }
      let splits = a["gd2_thresholds"]!["splits"] as! [[String: Any]]
      for (o, n) in zip(old["gd2_thresholds"] as! [[String: Any]], splits) {
        let keys = ["threshold", "high", "low", "logrank_p", "hr", "lower", "upper", "cox_p"]
        same(pick(o, keys), pick(n, keys), "threshold \(o["threshold"]!)")
      }
      let maxstat = old["gd2_maxstat"] as! [String: Any]
      same(maxstat, pick(a["gd2_maxstat"]!, Array(maxstat.keys)), "maxstat")
    }
  }

  /// "GD2 >= 1 % vs <" is not estimable because every enrolled patient is GD2-positive by the
  /// inclusion criterion: the report and results.json say so.
  func testEstimabilityIsExplainedInWords() throws {
    let results =
      try JSONSerialization.jsonObject(
        with: Data(
          contentsOf: TestSupport.repositoryRoot.appendingPathComponent(
            "notebooks-data/interim-cut1/report/results.json"))) as! [String: Any]
    let warnings = results["warnings"] as! [[String: Any]]
    let codes = warnings.map { "\($0["analysis"]!)/\($0["code"]!)" }
    XCTAssertTrue(codes.contains("gd2_thresholds/constant_by_inclusion_criterion"), "\(codes)")
    XCTAssertTrue(codes.contains("cox_os_gd2_nosology/events_per_variable_below_10"), "\(codes)")
    XCTAssertTrue(codes.contains("pfs_by_nosology/nobody_at_risk_at_landmark"), "\(codes)")
    let report = try String(
      contentsOf: TestSupport.repositoryRoot.appendingPathComponent(
        "notebooks-data/interim-cut1/report/report.md"), encoding: .utf8)
    XCTAssertTrue(
      report.contains(
        "GD2 ≥ 1 % vs < cannot be estimated: nobody in 'All enrolled patients' is below the cutpoint, because the inclusion criteria exclude such patients"
      ), report)
    // 12 OS events for 3 coefficients: 4.0 events per variable.
    XCTAssertTrue(report.contains("12 events for 3 coefficients (4.0 events per variable"), report)
  }

  /// The CONSORT flow of cut 1 from the synthetic screening log: 164 screened, 110 not
  /// included (by reason, counted from the log here), 54 enrolled, by nosology, analysed.
  func testConsortFlowFromTheScreeningLog() throws {
    let results =
      try JSONSerialization.jsonObject(
        with: Data(
          contentsOf: TestSupport.repositoryRoot.appendingPathComponent(
            "notebooks-data/interim-cut1/report/results.json"))) as! [String: Any]
    let flow = results["flow"] as! [String: Any]
    XCTAssertEqual(flow["screened"] as? Int, 164)
    XCTAssertEqual(flow["not_included"] as? Int, 110)
    XCTAssertEqual(flow["enrolled"] as? Int, 54)
    let log = try String(
      contentsOfFile: TestSupport.dataset("trial/screening_log.csv"), encoding: .utf8)
    var counts: [String: Int] = [:]
    for line in log.split(separator: "\n").dropFirst() {
      let cells = line.split(separator: ";", omittingEmptySubsequences: false)
      if !cells[2].isEmpty { counts[String(cells[2]), default: 0] += 1 }
    }
    let reasons = flow["reasons"] as! [[String: Any]]
    XCTAssertEqual(reasons.count, counts.count)
    for r in reasons { XCTAssertEqual(r["n"] as? Int, counts[r["reason"] as! String]) }
    let arms = (flow["arms"] as! [[String: Any]]).map { "\($0["label"]!)=\($0["n"]!)" }
    XCTAssertEqual(arms, ["soft-tissue sarcoma=24", "osteosarcoma=24", "Ewing sarcoma=6"])
    let analysed = (flow["analysed"] as! [[String: Any]]).map { "\($0["label"]!)=\($0["n"]!)" }
    XCTAssertEqual(
      analysed,
      ["Overall survival=54", "Progression-free survival=54", "Evaluable for response=22"])
    // A log that misses an enrolled patient of the data stops the run.
    let (root, plan) = try ReportKindTests.scratch("interim-cut1")
    defer { try? FileManager.default.removeItem(at: root) }
    let logPath = root.appendingPathComponent("datasets/trial/screening_log.csv")
    let edited = log.replacing("С-004;1;\n", with: "С-004;;другие причины\n")
    try edited.write(to: logPath, atomically: true, encoding: .utf8)
    assertThrows(
      try ReportWriter.run(planPath: plan),
      containing: ["screening log", "patient 1 of the data is not enrolled in the log"])
  }

  /// notebooks-data/README.md documents every registered kind and each of its keys.
  func testReadmeDocumentsEveryKindAndKey() throws {
    let readme = try String(
      contentsOf: TestSupport.repositoryRoot.appendingPathComponent("notebooks-data/README.md"),
      encoding: .utf8)
    for kind in AnalysisKinds.all {
      guard
        let row = readme.split(separator: "\n").first(where: { $0.hasPrefix("| `\(kind.name)` |") })
      else {
        XCTFail("kind \(kind.name) is not documented")
        continue
      }
      for key in kind.keys {
        XCTAssertTrue(row.contains("`\(key)`"), "\(kind.name): key \(key) is not documented")
      }
    }
  }

  /// Whether two JSON values have the same structure, strings, booleans and integers, and
  /// numbers with a fraction within `relative` of each other.
  static func equalJSON(_ a: Any, _ b: Any, relative: Double) -> Bool {
    switch (a, b) {
    case (let x as [String: Any], let y as [String: Any]):
      return x.keys.sorted() == y.keys.sorted()
        && x.keys.allSatisfy { equalJSON(x[$0]!, y[$0]!, relative: relative) }
    case (let x as [Any], let y as [Any]):
      return x.count == y.count
        && zip(x, y).allSatisfy { equalJSON($0, $1, relative: relative) }
    case (let x as String, let y as String):
      return x == y
    case (let x as NSNumber, let y as NSNumber):
      let (u, v) = (x.doubleValue, y.doubleValue)
      if u == v { return true }
      if u.rounded() == u && v.rounded() == v { return false }
      return abs(u - v) <= relative * max(abs(u), abs(v))
    case (is NSNull, is NSNull):
      return true
    default:
      return false
    }
  }
}
