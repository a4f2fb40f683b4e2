import Foundation
import XCTest

@testable import SurvivalKit

/// `survkit km` end to end: output formats and clear, non-zero-exit errors for bad input.
final class KMCommandTests: XCTestCase {
  func csv(_ text: String) throws -> String { try TestSupport.temporaryFile(Array(text.utf8)) }

  func testJSONSchema() throws {
    let file = try csv("time,status,arm\n1,1,b\n2,0,a\n3,1,a\n4,1,b\n5,0,a\n,1,a\n")
    let r = try TestSupport.runSurvkit([
      "km", file, "Surv(time, status) ~ arm", "--times", "2,10", "--rmst", "4", "--format", "json",
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    XCTAssertEqual(json["n"] as? Int, 5)
    XCTAssertEqual(json["events"] as? Int, 3)
    XCTAssertEqual(json["dropped"] as? Int, 1)
    XCTAssertEqual(json["conf_type"] as? String, "log")
    XCTAssertEqual(json["conf_level"] as? Double, 0.95)
    let strata = json["strata"] as! [[String: Any]]
    XCTAssertEqual(strata.map { $0["label"] as! String }, ["arm=a", "arm=b"])
    let a = strata[0]
    let table = a["table"] as! [String: Any]
    XCTAssertEqual(
      Set(table.keys),
      [
        "time", "n_risk", "n_event", "n_censor", "survival", "std_err", "lower", "upper", "cumhaz",
        "cumhaz_std_err",
      ])
    // arm=a: times 2 (censored), 3 (event, n=2), 5 (censored): S = 1, 0.5, 0.5.
    XCTAssertEqual(table["survival"] as! [Double], [1, 0.5, 0.5])
    let median = a["median"] as! [String: Any]
    // S reaches 0.5 at t = 3 and stays there to the last time, 5: R's rule gives (3 + 5) / 2.
    XCTAssertEqual(median["estimate"] as? Double, 4)
    let at = a["at"] as! [[String: Any]]
    XCTAssertEqual(at.count, 2)
    XCTAssertEqual(at[1]["n_risk"] as? Int, 0)
    XCTAssertNotNil(a["rmst"] as? [String: Any])
  }

  func testOutputIsByteIdenticalAcrossRuns() throws {
    let file = try csv("time,status\n3,1\n1,0\n2,1\n")
    let first = try TestSupport.runSurvkit([
      "km", file, "Surv(time, status) ~ 1", "--format", "json",
    ])
    let second = try TestSupport.runSurvkit([
      "km", file, "Surv(time, status) ~ 1", "--format", "json",
    ])
    XCTAssertEqual(first.stdout, second.stdout)
    XCTAssertFalse(first.stdout.isEmpty)
  }

  func testCSVAndTableFormats() throws {
    let file = try csv("time,status\n1,1\n2,0\n3,1\n")
    let c = try TestSupport.runSurvkit(["km", file, "Surv(time, status) ~ 1", "--format", "csv"])
    XCTAssertEqual(c.status, 0)
    XCTAssertTrue(c.stdout.hasPrefix("strata,time,n_risk,n_event,n_censor,survival,std_err"))
    XCTAssertTrue(c.stdout.contains("all,3,1,1,0,0,NA,NA,NA"))
    let t = try TestSupport.runSurvkit(["km", file, "Surv(time, status) ~ 1"])
    XCTAssertTrue(t.stdout.contains("n = 3, events = 2"))
    XCTAssertTrue(t.stdout.contains("median"))
  }

  func testSemicolonDecimalCommaExport() throws {
    let file = try csv("время;статус;группа\n1,5;1;А\n2,25;0;Б\n3;1;А\n")
    let r = try TestSupport.runSurvkit([
      "km", file, "Surv(`время`, `статус`) ~ `группа`", "--format", "json",
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.contains("\"label\": \"группа=А\""))
    XCTAssertTrue(r.stdout.contains("1.5"))
  }

  func assertFails(
    _ arguments: [String], _ fragments: [String], file: StaticString = #filePath, line: UInt = #line
  ) throws {
    let r = try TestSupport.runSurvkit(arguments)
    XCTAssertNotEqual(r.status, 0, "expected failure", file: file, line: line)
    XCTAssertTrue(r.stdout.isEmpty, "no partial output: \(r.stdout)", file: file, line: line)
    for f in fragments {
      XCTAssertTrue(r.stderr.contains(f), "'\(r.stderr)' lacks '\(f)'", file: file, line: line)
    }
  }

  func testBadInputGivesClearErrors() throws {
    let good = try csv("time,status,grp\n1,1,a\n2,0,b\n")
    try assertFails(
      ["km", "/no/such.csv", "Surv(time, status) ~ 1"], ["cannot read '/no/such.csv'"])
    try assertFails(["km", good, "Surv(time, stat) ~ 1"], ["unknown column 'stat'", "'status'"])
    try assertFails(["km", good, "Surv(time, status) ~ grp +"], ["cannot parse formula", "^"])
    try assertFails(["km", good, "Surv(time, status) ~ 1", "--conf-type", "wide"], ["--conf-type"])
    try assertFails(["km", good, "Surv(time, status) ~ 1", "--conf-level", "95"], ["--conf-level"])
    try assertFails(["km", good, "Surv(time, status) ~ 1", "--times", "1,x"], ["--times"])
    let negative = try csv("time,status\n1,1\n-2,0\n")
    try assertFails(["km", negative, "Surv(time, status) ~ 1"], ["line 3", "'time'", "negative"])
    let badStatus = try csv("time,status\n1,1\n2,3\n")
    try assertFails(
      ["km", badStatus, "Surv(time, status) ~ 1"], ["line 3", "'status'", "not valid"])
    let text = try csv("time,status\n1,1\nabc,0\n")
    try assertFails(
      ["km", text, "Surv(time, status) ~ 1"], ["line 3", "'time'", "'abc'", "not a number"])
    let ragged = try csv("time,status\n1,1\n2\n")
    try assertFails(["km", ragged, "Surv(time, status) ~ 1"], ["line 3", "header has 2"])
    let headerOnly = try csv("time,status\n")
    try assertFails(["km", headerOnly, "Surv(time, status) ~ 1"], ["header but no data rows"])
    let allMissing = try csv("time,status\nNA,1\n,0\n")
    try assertFails(["km", allMissing, "Surv(time, status) ~ 1"], ["no usable rows", "2 dropped"])
    let words = try csv("time,status\n1,dead\n2,alive\n")
    try assertFails(["km", words, "Surv(time, status) ~ 1"], ["line 2", "status == \"dead\""])
  }

  func testStatusCodings() throws {
    let coded12 = try csv("time,status\n1,2\n2,1\n3,2\n")
    let a = try TestSupport.runSurvkit([
      "km", coded12, "Surv(time, status) ~ 1", "--format", "json",
    ])
    let logical = try csv("time,status\n1,TRUE\n2,FALSE\n3,TRUE\n")
    let b = try TestSupport.runSurvkit([
      "km", logical, "Surv(time, status) ~ 1", "--format", "json",
    ])
    let words = try csv("time,status\n1,dead\n2,alive\n3,dead\n")
    let c = try TestSupport.runSurvkit([
      "km", words, "Surv(time, status == \"dead\") ~ 1", "--format", "json",
    ])
    XCTAssertEqual(a.status, 0, a.stderr)
    XCTAssertEqual(a.stdout, b.stdout)
    XCTAssertEqual(a.stdout, c.stdout)
  }
}

extension KMCommandTests {
  /// `--quantiles` reports each requested quantile with its limits; the values are those the
  /// library computes (checked against R's quantile.survfit in the fixture tests).
  func testQuantilesOption() throws {
    let r = try TestSupport.runSurvkit([
      "km", "datasets/lung.csv", "Surv(time, status) ~ sex", "--quantiles", "0.25,0.75", "--format",
      "json",
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    let first = (json["strata"] as! [[String: Any]])[0]
    let quantiles = first["quantiles"] as! [[String: Any]]
    XCTAssertEqual(quantiles.map { $0["p"] as! Double }, [0.25, 0.75])
    let table = try CSVReader.read(path: TestSupport.dataset("lung.csv"))
    let fit = try KaplanMeier.fit(
      SurvivalSample(table: table, formula: Formula("Surv(time, status) ~ sex")))
    let q = try fit.curves[0].quantile(0.75)
    XCTAssertEqual(quantiles[1]["estimate"] as? Double, q.estimate)
    XCTAssertEqual(quantiles[1]["upper"] as? Double, q.upper)
    let bad = try TestSupport.runSurvkit([
      "km", "datasets/lung.csv", "Surv(time, status) ~ 1", "--quantiles", "1.5",
    ])
    XCTAssertNotEqual(bad.status, 0)
    XCTAssertTrue(bad.stderr.contains("--quantiles"), bad.stderr)
  }
}
