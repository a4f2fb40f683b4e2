import Foundation
import XCTest

@testable import SurvivalKit

/// Aalen–Johansen cumulative incidence and Gray's test against R.
///
/// Fixtures in `Fixtures/competing/*.json` are written by `fixtures/R/competing_fixtures.R`
/// (survival's `survfit` with a factor status, and `cmprsk::cuminc`; each file records the
/// calls and versions). Data: mgus2 (numeric causes; also on the age scale with delayed
/// entry, and with case weights), pbc (with a stratum and missing groups), transplant (text
/// causes, four groups, many ties). Tolerance: 1e-8 relative, the arithmetic being exact.
final class CumulativeIncidenceFixtureTests: XCTestCase {
  let tol = 1e-8

  func doubles(_ any: Any?) -> [Double?] {
    (any as? [Any])?.map { ($0 as? NSNumber)?.doubleValue } ?? []
  }

  func testEveryFixture() throws {
    let folder = TestSupport.fixtures.appendingPathComponent("competing")
    let files = try FileManager.default.contentsOfDirectory(
      at: folder, includingPropertiesForKeys: nil
    ).filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    XCTAssertGreaterThanOrEqual(files.count, 11)
    for url in files {
      let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
      try check(json, name: url.deletingPathExtension().lastPathComponent)
    }
  }

  func check(_ json: [String: Any], name: String) throws {
    let dataset = json["dataset"] as! String
    let table = try CSVReader.read(
      path: dataset.hasPrefix("data/")
        ? TestSupport.fixtures.appendingPathComponent("competing/\(dataset)").path
        : TestSupport.dataset(dataset))
    let sample = try CompetingRiskSample(
      table: table, formula: Formula(json["formula"] as! String),
      censoring: json["censored"] as? String, weights: json["weights"] as? String)
    XCTAssertEqual(sample.count, (json["n"] as! NSNumber).intValue, name)
    XCTAssertEqual(sample.dropped, (json["dropped"] as! NSNumber).intValue, name)
    XCTAssertEqual(sample.causes, json["causes"] as! [String], name)
    let fit = try CumulativeIncidence.fit(sample)
    let strata = json["strata"] as! [[String: Any]]
    XCTAssertEqual(fit.curves.count, strata.count, name)
    for (curve, expected) in zip(fit.curves, strata) {
      // R labels a strata() variable `strata(sex)=f`; SurvivalKit writes `sex=f`.
      // R also pads labels to a common width.
      var label = (expected["label"] as! String).replacingOccurrences(of: " ,", with: ",")
      while label.hasSuffix(" ") { label.removeLast() }
      while let open = label.range(of: "strata("), let close = label.range(of: ")=") {
        let variable = label[open.upperBound..<close.lowerBound]
        label.replaceSubrange(open.lowerBound..<close.upperBound, with: "\(variable)=")
      }
      XCTAssertEqual(curve.label, label, name)
      let what = "\(name) \(label)"
      compare(curve.time.map { $0 }, doubles(expected["time"]), "\(what) time")
      compare(curve.nRisk.map { Double($0) }, doubles(expected["n_risk"]), "\(what) n_risk")
      for (c, e) in zip(curve.causes, expected["causes"] as! [[String: Any]]) {
        XCTAssertEqual(c.cause, e["cause"] as! String, what)
        compare(c.incidence.map { $0 }, doubles(e["cif"]), "\(what) cif \(c.cause)")
        compare(c.standardError.map { $0 }, doubles(e["std_err"]), "\(what) se \(c.cause)")
        compare(c.lower, doubles(e["lower"]), "\(what) lower \(c.cause)")
        compare(c.upper, doubles(e["upper"]), "\(what) upper \(c.cause)")
      }
    }
    if let gray = json["gray"] as? [[String: Any]] {
      let results = try GrayTest.test(sample, rho: (json["rho"] as? NSNumber)?.doubleValue ?? 0)
      XCTAssertEqual(results.count, gray.count, name)
      for (r, e) in zip(results, gray) {
        XCTAssertEqual(r.cause, e["cause"] as! String, name)
        assertClose(r.statistic, (e["statistic"] as? NSNumber)?.doubleValue, tol: tol, "\(name) X2")
        assertClose(r.p, (e["p"] as? NSNumber)?.doubleValue, tol: tol, "\(name) p")
        XCTAssertEqual(r.df, (e["df"] as! NSNumber).intValue, name)
      }
    }
  }

  func compare(
    _ actual: [Double?], _ expected: [Double?], _ what: String, file: StaticString = #filePath,
    line: UInt = #line
  ) {
    XCTAssertEqual(actual.count, expected.count, "\(what): length", file: file, line: line)
    var failures = 0
    for (k, (a, e)) in zip(actual, expected).enumerated() where failures < 3 {
      let before = testRun?.failureCount ?? 0
      assertClose(a, e, tol: tol, "\(what)[\(k)]", file: file, line: line)
      if (testRun?.failureCount ?? 0) > before { failures += 1 }
    }
  }
}
