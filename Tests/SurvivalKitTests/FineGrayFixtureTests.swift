import Foundation
import XCTest

@testable import SurvivalKit

/// Fine–Gray regression against `cmprsk::crr` (coefficients, crr's sandwich SE, the
/// inverse-information SE, log pseudo-likelihoods) on mgus2 (both causes), pbc (both causes)
/// and transplant (a text cause and a four-level factor). Fixtures from
/// `fixtures/R/finegray_fixtures.R`; tolerance 1e-6 (iterative fit).
///
/// The fixtures also hold survival's finegray() + weighted coxph() fit. On untied data
/// (`untied_cause1`, continuous times) it gives crr's coefficients, checked at 1e-6; with
/// censorings tied to events it takes G at slightly different points, and the coefficients
/// agree to about 1e-2. Its robust SE treats G as known, so it is not compared.
final class FineGrayFixtureTests: XCTestCase {
  func number(_ any: Any?) -> Double? { (any as? NSNumber)?.doubleValue }

  func testEveryFixture() throws {
    let folder = TestSupport.fixtures.appendingPathComponent("finegray")
    let files = try FileManager.default.contentsOfDirectory(
      at: folder, includingPropertiesForKeys: nil
    ).filter { $0.pathExtension == "json" }
    XCTAssertGreaterThanOrEqual(files.count, 6)
    for url in files {
      let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
      let name = json["case"] as! String
      let table: DataTable
      if let path = json["data_path"] as? String {
        table = try CSVReader.read(
          path: TestSupport.fixtures.appendingPathComponent("finegray/\(path)").path)
      } else {
        table = try CSVReader.read(path: TestSupport.dataset(json["dataset"] as! String))
      }
      let untied = json["untied"] as? Bool ?? false
      var options = FineGrayOptions()
      options.cause = json["cause"] as? String
      options.censoring = json["censored"] as? String
      let fit = try FineGray.fit(
        table: table, formula: Formula(json["formula"] as! String), options: options)
      XCTAssertTrue(fit.converged, name)
      XCTAssertEqual(fit.n, (json["n"] as! NSNumber).intValue, name)
      let coefficients = json["coefficients"] as! [[String: Any]]
      XCTAssertEqual(fit.coefficients.map(\.term), coefficients.map { $0["term"] as! String })
      for (c, e) in zip(fit.coefficients, coefficients) {
        assertClose(c.coef, number(e["coef"]), tol: 1e-6, "\(name) \(c.term) coef")
        assertClose(c.standardError, number(e["se"]), tol: 1e-6, "\(name) \(c.term) se")
        assertClose(c.naiveStandardError, number(e["naive_se"]), tol: 1e-6, "\(name) naive se")
        // Without ties finegray() + coxph() gives crr's coefficients; with ties, close.
        assertClose(
          c.coef, number(e["finegray_coef"]), tol: untied ? 1e-6 : 5e-2, "\(name) finegray coef")
      }
      assertClose(fit.loglik, number(json["loglik"]), tol: 1e-6, "\(name) loglik")
      let prediction = json["prediction"] as! [String: Any]
      let x = (prediction["x"] as! [NSNumber]).map(\.doubleValue)
      let times = (prediction["times"] as! [NSNumber]).map(\.doubleValue)
      let cif = try fit.incidence(profile: x, at: times)
      for (got, want) in zip(cif, prediction["cif"] as! [NSNumber]) {
        assertClose(got, want.doubleValue, tol: 1e-6, "\(name) predicted cif")
      }
      assertClose(fit.loglikNull, number(json["loglik_null"]), tol: 1e-6, "\(name) loglik null")
    }
  }
}

/// `survkit finegray` end to end.
final class FineGrayCommandTests: XCTestCase {
  func testJSONSchemaAndMessages() throws {
    let r = try TestSupport.runSurvkit([
      "finegray", "datasets/transplant.csv", "Surv(futime, event) ~ age + sex + abo", "--cause",
      "ltx", "--format", "json",
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    let c = (json["coefficients"] as! [[String: Any]])[0]
    XCTAssertTrue(
      Set(["term", "coef", "hr", "se", "robust_se", "z", "p", "lower", "upper"]).isSubset(
        of: Set(c.keys)))
    let url = TestSupport.fixtures.appendingPathComponent("finegray/transplant_ltx.json")
    let fixture = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    let e = (fixture["coefficients"] as! [[String: Any]])[0]
    assertClose(c["coef"] as? Double, (e["coef"] as! NSNumber).doubleValue, tol: 1e-6, "coef")
    assertClose(c["se"] as? Double, (e["se"] as! NSNumber).doubleValue, tol: 1e-6, "se")
    var bad = try TestSupport.runSurvkit([
      "finegray", "datasets/transplant.csv", "Surv(futime, event) ~ age", "--cause", "relapse",
    ])
    XCTAssertTrue(bad.stderr.contains("'relapse' is not a cause"), bad.stderr)
    bad = try TestSupport.runSurvkit([
      "finegray", "datasets/transplant.csv", "Surv(futime, event) ~ age + strata(sex)",
    ])
    XCTAssertTrue(bad.stderr.contains("without strata()"), bad.stderr)
    let table = try TestSupport.runSurvkit([
      "finegray", "datasets/mgus2.csv", "Surv(etime, event) ~ age + sex", "--cause", "1",
    ])
    XCTAssertTrue(table.stdout.contains("Fine–Gray sandwich"), table.stdout)
    // Prediction for the first row of mgus2 (age 88, F, hgb 13.1) against predict.crr.
    let url2 = TestSupport.fixtures.appendingPathComponent("finegray/mgus2_pcm.json")
    let pcm = try JSONSerialization.jsonObject(with: Data(contentsOf: url2)) as! [String: Any]
    let want = (pcm["prediction"] as! [String: Any])["cif"] as! [NSNumber]
    let p = try TestSupport.runSurvkit([
      "finegray", "datasets/mgus2.csv", "Surv(etime, event) ~ age + sex + hgb", "--cause", "1",
      "--at", "age=88,sex=F,hgb=13.1", "--times", "12,81,190", "--format", "json",
    ])
    XCTAssertEqual(p.status, 0, p.stderr)
    let pj = try JSONSerialization.jsonObject(with: Data(p.stdout.utf8)) as! [String: Any]
    let got = (pj["prediction"] as! [String: Any])["cif"] as! [Double]
    for (g, w) in zip(got, want) { assertClose(g, w.doubleValue, tol: 1e-6, "predicted cif") }
    let badLevel = try TestSupport.runSurvkit([
      "finegray", "datasets/mgus2.csv", "Surv(etime, event) ~ age + sex", "--at", "age=60,sex=X",
    ])
    XCTAssertTrue(badLevel.stderr.contains("'X' is not a level of 'sex'"), badLevel.stderr)
  }
}
