import Foundation
import XCTest

@testable import SurvivalKit

/// Every Kaplan–Meier quantity against R's survival, on the bundled data sets.
///
/// Fixtures in `Fixtures/km/*.json` are written by `fixtures/R/km_fixtures.R` (each file
/// records the R call and the R and survival versions). Tolerance: 1e-8 relative, the
/// arithmetic being exact (no iteration).
final class KaplanMeierFixtureTests: XCTestCase {
  let tol = 1e-8

  func fixtureFiles() throws -> [URL] {
    let folder = TestSupport.fixtures.appendingPathComponent("km")
    let files = try FileManager.default.contentsOfDirectory(
      at: folder, includingPropertiesForKeys: nil
    )
    .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    XCTAssertGreaterThanOrEqual(files.count, 20, "expected the R fixtures in \(folder.path)")
    return files
  }

  func doubles(_ any: Any?) -> [Double?] {
    guard let array = any as? [Any] else {
      if let single = any as? NSNumber { return [single.doubleValue] }
      return []
    }
    return array.map { ($0 as? NSNumber)?.doubleValue }
  }

  func double(_ any: Any?) -> Double? { (any as? NSNumber)?.doubleValue }

  func compare(
    _ actual: [Double?], _ expected: [Double?], _ what: String, file: StaticString = #filePath,
    line: UInt = #line
  ) {
    XCTAssertEqual(actual.count, expected.count, "\(what): length", file: file, line: line)
    for (k, (a, e)) in zip(actual, expected).enumerated() {
      assertClose(a, e, tol: tol, "\(what)[\(k)]", file: file, line: line)
    }
  }

  func testEveryFixture() throws {
    for url in try fixtureFiles() {
      let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
      let name = url.deletingPathExtension().lastPathComponent
      try check(json, name: name)
    }
  }

  func check(_ json: [String: Any], name: String) throws {
    let table = try CSVReader.read(path: TestSupport.dataset(json["dataset"] as! String))
    let formula = try Formula(json["formula"] as! String)
    let sample = try SurvivalSample(table: table, formula: formula)
    let conf = ConfidenceTransform(name: json["conf_type"] as! String)!
    let level = double(json["conf_level"])!
    let reverse = (json["reverse"] as? Bool) ?? false
    let fit =
      reverse
      ? try KaplanMeier.reverse(sample, confType: conf, confLevel: level)
      : try KaplanMeier.fit(sample, confType: conf, confLevel: level)
    XCTAssertEqual(fit.n, (json["n"] as! NSNumber).intValue, "\(name): n")
    XCTAssertEqual(fit.dropped, (json["dropped"] as! NSNumber).intValue, "\(name): dropped")
    let strata = json["strata"] as! [[String: Any]]
    XCTAssertEqual(
      fit.curves.map(\.label), strata.map { $0["label"] as! String }, "\(name): labels")
    let times = doubles(json["times"]).compactMap { $0 }
    let probs = doubles(json["quantile_probs"]).compactMap { $0 }
    let tau = double(json["rmst_tau"])
    for (curve, s) in zip(fit.curves, strata) {
      let w = "\(name) \(curve.label)"
      XCTAssertEqual(curve.n, (s["n"] as! NSNumber).intValue, "\(w): n")
      XCTAssertEqual(curve.events, (s["events"] as! NSNumber).intValue, "\(w): events")
      compare(curve.time, doubles(s["time"]), "\(w) time")
      compare(curve.nRisk.map(Double.init), doubles(s["n_risk"]), "\(w) n_risk")
      compare(curve.nEvent.map(Double.init), doubles(s["n_event"]), "\(w) n_event")
      compare(curve.nCensor.map(Double.init), doubles(s["n_censor"]), "\(w) n_censor")
      compare(curve.survival, doubles(s["surv"]), "\(w) surv")
      compare(curve.standardError, doubles(s["std_err"]), "\(w) std_err")
      compare(curve.lower, doubles(s["lower"]), "\(w) lower")
      compare(curve.upper, doubles(s["upper"]), "\(w) upper")
      compare(curve.cumulativeHazard, doubles(s["cumhaz"]), "\(w) cumhaz")
      compare(curve.cumulativeHazardStandardError, doubles(s["std_chaz"]), "\(w) std_chaz")
      if let m = s["median"] as? [String: Any] {
        let median = curve.median
        assertClose(median.estimate, double(m["estimate"]), tol: tol, "\(w) median")
        assertClose(median.lower, double(m["lower"]), tol: tol, "\(w) median lower")
        assertClose(median.upper, double(m["upper"]), tol: tol, "\(w) median upper")
      }
      if let q = s["quantiles"] as? [String: Any], !probs.isEmpty {
        let quantiles = try probs.map { try curve.quantile($0) }
        compare(quantiles.map(\.estimate), doubles(q["estimate"]), "\(w) quantile")
        compare(quantiles.map(\.lower), doubles(q["lower"]), "\(w) quantile lower")
        compare(quantiles.map(\.upper), doubles(q["upper"]), "\(w) quantile upper")
      }
      if let at = s["at"] as? [String: Any], !times.isEmpty {
        let ours = try curve.survival(at: doubles(at["time"]).compactMap { $0 })
        compare(ours.map(\.time), doubles(at["time"]), "\(w) at.time")
        compare(ours.map { Double($0.nRisk) }, doubles(at["n_risk"]), "\(w) at.n_risk")
        compare(ours.map(\.survival), doubles(at["surv"]), "\(w) at.surv")
        compare(ours.map(\.standardError), doubles(at["std_err"]), "\(w) at.std_err")
        compare(ours.map(\.lower), doubles(at["lower"]), "\(w) at.lower")
        compare(ours.map(\.upper), doubles(at["upper"]), "\(w) at.upper")
      }
      if let tau, let r = s["rmst"] as? [String: Any] {
        let ours = try curve.restrictedMean(tau: tau)
        assertClose(ours.estimate, double(r["estimate"]), tol: tol, "\(w) rmst")
        assertClose(ours.standardError, double(r["std_err"]), tol: tol, "\(w) rmst se")
      }
    }
  }
}
