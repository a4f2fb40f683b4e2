import Foundation
import XCTest

@testable import SurvivalKit

/// `survkit cif` end to end: JSON schema and values (against the R fixture), the figure, and
/// the messages for degenerate input.
final class CIFCommandTests: XCTestCase {
  func fixture(_ name: String) throws -> [String: Any] {
    let url = TestSupport.fixtures.appendingPathComponent("competing/\(name).json")
    return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
  }

  func testJSONSchemaAndValues() throws {
    let r = try TestSupport.runSurvkit([
      "cif", "datasets/mgus2.csv", "Surv(etime, event) ~ sex", "--format", "json",
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    XCTAssertEqual(json["causes"] as? [String], ["1", "2"])
    let strata = json["strata"] as! [[String: Any]]
    XCTAssertEqual(strata.map { $0["label"] as! String }, ["sex=F", "sex=M"])
    let table = strata[1]["table"] as! [String: Any]
    let causes = table["causes"] as! [String: [String: Any]]
    XCTAssertEqual(Set(causes["2"]!.keys), ["cif", "std_err", "lower", "upper"])
    let expected = try fixture("mgus2_sex")
    let eStrata = expected["strata"] as! [[String: Any]]
    let eCause = (eStrata[1]["causes"] as! [[String: Any]])[1]
    let got = causes["2"]!["cif"] as! [Double]
    let want = (eCause["cif"] as! [NSNumber]).map(\.doubleValue)
    XCTAssertEqual(got.count, want.count)
    assertClose(got.last, want.last, tol: 1e-8, "final cif")
    let se = causes["2"]!["std_err"] as! [Double]
    assertClose(se.last, (eCause["std_err"] as! [NSNumber]).last?.doubleValue, tol: 1e-8, "se")
    let gray = json["gray"] as! [String: [String: Any]]
    let eGray = expected["gray"] as! [[String: Any]]
    for (k, cause) in ["1", "2"].enumerated() {
      assertClose(
        gray[cause]!["statistic"] as? Double, (eGray[k]["statistic"] as? NSNumber)?.doubleValue,
        tol: 1e-8, "gray \(cause)")
      XCTAssertEqual(gray[cause]!["df"] as? Int, 1)
    }
  }

  func testTableCSVAndFigure() throws {
    let svg = FileManager.default.temporaryDirectory.appendingPathComponent(
      "survkit-cif-\(UUID().uuidString).svg"
    ).path
    let r = try TestSupport.runSurvkit([
      "cif", "datasets/transplant.csv", "Surv(futime, event) ~ abo", "--times", "30,365",
      "--svg", svg,
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.contains("censored = 'censored'; causes: death, ltx, withdraw"))
    XCTAssertTrue(r.stdout.contains("Gray's test"), r.stdout)
    let figure = try String(contentsOfFile: svg, encoding: .utf8)
    XCTAssertTrue(figure.hasPrefix("<?xml"))
    XCTAssertTrue(figure.contains("cause withdraw"))
    try? FileManager.default.removeItem(atPath: svg)
    let csv = try TestSupport.runSurvkit([
      "cif", "datasets/transplant.csv", "Surv(futime, event) ~ abo", "--format", "csv",
    ])
    XCTAssertTrue(csv.stdout.hasPrefix("group,time,n_risk,cause,cif,std_err,lower,upper\n"))
  }

  func testWeightsAndDelayedEntrySkipGrayWithNull() throws {
    let r = try TestSupport.runSurvkit([
      "cif", "datasets/mgus2.csv", "Surv(age, ageout, event) ~ sex", "--format", "json",
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    XCTAssertTrue(json["gray"] is NSNull)
  }

  func testDegenerateInput() throws {
    let csv = "time,cause,g\n1,0,a\n2,0,b\n3,0,a\n"
    let path = try TestSupport.temporaryFile(Array(csv.utf8))
    var r = try TestSupport.runSurvkit(["cif", path, "Surv(time, cause) ~ g"])
    XCTAssertEqual(r.status, 1)
    XCTAssertTrue(r.stderr.contains("no row has an event"), r.stderr)
    r = try TestSupport.runSurvkit(["cif", path, "Surv(time, cause == 1) ~ g"])
    XCTAssertTrue(r.stderr.contains("read the cause column itself"), r.stderr)
    r = try TestSupport.runSurvkit([
      "cif", "datasets/transplant.csv", "Surv(futime, event) ~ abo", "--censored", "alive",
    ])
    XCTAssertTrue(r.stderr.contains("no row has the censoring level 'alive'"), r.stderr)
    r = try TestSupport.runSurvkit([
      "cif", "datasets/mgus2.csv", "Surv(etime, event) ~ sex + cluster(id)",
    ])
    XCTAssertTrue(r.stderr.contains("cluster() is not supported here"), r.stderr)
  }

  /// A group absent from one stratum contributes nothing there (cuminc's rule), and a cause
  /// that never occurs in a group leaves that group's curve at 0.
  func testGroupAbsentFromAStratum() throws {
    let sample = try CompetingRiskSample(
      time: [1, 2, 3, 4, 5, 6, 7, 8], cause: [1, 2, 1, 0, 1, 2, 0, 1], causes: ["a", "b"],
      grouping: Grouping(labels: ["x", "y"], codes: [0, 0, 0, 0, 1, 1, 1, 1]),
      strata: Grouping(labels: ["s1", "s2"], codes: [0, 0, 1, 1, 1, 1, 0, 0]))
    // Stratum s1 holds x at 1, 2 and y at 7, 8; s2 holds x at 3, 4 and y at 5, 6: every
    // group appears in both. Moving y out of s1 must still give finite results.
    let results = try GrayTest.test(sample)
    XCTAssertEqual(results.count, 2)
    for r in results { XCTAssertNotNil(r.statistic) }
    let sparse = try CompetingRiskSample(
      time: [1, 2, 3, 4, 5, 6], cause: [1, 2, 1, 0, 1, 0], causes: ["a", "b"],
      grouping: Grouping(labels: ["x", "y"], codes: [0, 0, 0, 1, 1, 1]),
      strata: Grouping(labels: ["s1", "s2"], codes: [0, 0, 1, 1, 1, 1]))
    let fit = try CumulativeIncidence.fit(sparse)
    XCTAssertEqual(fit.curves[1].causes[1].incidence, [0, 0, 0])
    XCTAssertNoThrow(try GrayTest.test(sparse))
  }
}
