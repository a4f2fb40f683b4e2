import Foundation
import XCTest

@testable import SurvivalKit

/// `pspline(x, df)` terms against R's `coxph` (fixtures from
/// `fixtures/R/cox_pspline_fixtures.R`): coefficients, SEs from var and var2, the final θ
/// (R's df iteration reproduced step by step), effective df, log-likelihoods, penalty, the
/// linear and non-linear tests of `print.coxph.penal`, and the iteration counts, on four data
/// sets (Efron and Breslow, a model with one term). Tolerance 1e-6 relative.
final class CoxPsplineFixtureTests: XCTestCase {
  let tol = 1e-6

  func numbers(_ any: Any?) -> [Double] { (any as! [NSNumber]).map(\.doubleValue) }
  func number(_ any: Any?) -> Double { (any as! NSNumber).doubleValue }

  func testEveryFixture() throws {
    let folder = TestSupport.fixtures.appendingPathComponent("cox_pspline")
    let files = try FileManager.default.contentsOfDirectory(
      at: folder, includingPropertiesForKeys: nil
    ).filter { $0.pathExtension == "json" }
    XCTAssertGreaterThanOrEqual(files.count, 4)
    for file in files {
      let json = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
      let name = json["case"] as! String
      var options = CoxOptions()
      options.ties = CoxTies(rawValue: json["ties"] as! String)!
      let fit = try CoxModel.fit(
        table: try CSVReader.read(path: TestSupport.dataset(json["dataset"] as! String)),
        formula: Formula(json["formula"] as! String), options: options)
      let penalized = try XCTUnwrap(fit.penalized, name)
      XCTAssertEqual(fit.coefficients.map(\.term), json["terms"] as! [String], name)
      let se2 = numbers(json["se2"])
      for (k, (c, (e, se))) in zip(
        fit.coefficients, zip(numbers(json["coef"]), numbers(json["se"]))
      ).enumerated() {
        assertClose(c.coef, e, tol: tol, "\(name) \(c.term) coef")
        assertClose(c.standardError, se, tol: tol, "\(name) \(c.term) se")
        assertClose(penalized.standardErrors2[k], se2[k], tol: tol, "\(name) \(c.term) se2")
      }
      assertClose(penalized.theta, number(json["theta"]), tol: tol, "\(name) theta")
      for (a, e) in zip(penalized.termDF, numbers(json["df"])) {
        assertClose(a, e, tol: tol, "\(name) df")
      }
      let loglik = numbers(json["loglik"])
      assertClose(fit.loglikNull, loglik[0], tol: tol, "\(name) loglik0")
      assertClose(fit.loglik, loglik[1], tol: tol, "\(name) loglik")
      assertClose(penalized.penalty, numbers(json["penalty"])[1], tol: tol, "\(name) penalty")
      XCTAssertEqual(penalized.outerIterations, Int(numbers(json["iterations"])[0]), name)
      let linear = json["linear"] as! [String: Any]
      assertClose(penalized.linearCoef, number(linear["coef"]), tol: tol, "\(name) linear")
      assertClose(penalized.linearSE, number(linear["se"]), tol: tol, "\(name) linear se")
      assertClose(penalized.linearSE2, number(linear["se2"]), tol: tol, "\(name) linear se2")
      assertClose(penalized.linearChisq, number(linear["chisq"]), tol: tol, "\(name) lin chisq")
      assertClose(penalized.linearP, number(linear["p"]), tol: tol, "\(name) linear p")
      let nonlinear = json["nonlinear"] as! [String: Any]
      assertClose(
        penalized.nonlinearChisq, number(nonlinear["chisq"]), tol: tol, "\(name) nonlin chisq")
      assertClose(penalized.nonlinearDF, number(nonlinear["df"]), tol: tol, "\(name) nonlin df")
      assertClose(penalized.nonlinearP, number(nonlinear["p"]), tol: tol, "\(name) nonlin p")
    }
  }

  func testPsplineOfAFactor() throws {
    let table = try CSVReader.read(path: TestSupport.dataset("veteran.csv"))
    assertThrows(
      try CoxModel.fit(
        table: table, formula: Formula("Surv(time, status) ~ pspline(celltype, df = 3)")),
      containing: ["pspline() needs a numeric column", "celltype"])
    assertThrows(
      try Formula("Surv(time, status) ~ pspline(karno, df = 1)"), containing: ["above 1"])
  }
}

/// `survkit cox` with a pspline() term: JSON `pspline` equal to the R fixture, the table's
/// linear and non-linear rows, and predictions through the spline basis.
final class CoxPsplineCommandTests: XCTestCase {
  func testJSONAndTable() throws {
    let r = try TestSupport.runSurvkit([
      "cox", "datasets/lung.csv", "Surv(time, status) ~ pspline(age, df = 4) + sex", "--format",
      "json", "--predict", "age=60,sex=1",
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    let pspline = json["pspline"] as! [String: Any]
    let fixture =
      try JSONSerialization.jsonObject(
        with: Data(
          contentsOf: TestSupport.fixtures.appendingPathComponent(
            "cox_pspline/lung_ps_age4_sex.json"))) as! [String: Any]
    assertClose(
      (pspline["nonlinear"] as! [String: Any])["chisq"] as? Double,
      (fixture["nonlinear"] as! [String: Any])["chisq"] as? Double, tol: 1e-6, "nonlinear")
    XCTAssertEqual((json["predictions"] as! [Any]).count, 1)
    let table = try TestSupport.runSurvkit([
      "cox", "datasets/lung.csv", "Surv(time, status) ~ pspline(age, df = 4) + sex",
    ])
    XCTAssertTrue(table.stdout.contains("pspline(age, df = 4), nonlinear"), table.stdout)
  }
}

/// The pspline() curve for the figure: its non-linearity test is R's (the fixture), the log
/// hazard ratio is 0 at the reference (the median) and inside its band.
final class CoxPsplineCurveTests: XCTestCase {
  func testCurve() throws {
    let table = try CSVReader.read(path: TestSupport.dataset("lung.csv"))
    let formula = try Formula("Surv(time, status) ~ pspline(age, df = 4) + sex")
    let fit = try CoxModel.fit(table: table, formula: formula)
    let terms = try CoxModel.splineTerms(table: table, formula: formula, fit: fit)
    XCTAssertEqual(terms.count, 1)
    let fixture =
      try JSONSerialization.jsonObject(
        with: Data(
          contentsOf: TestSupport.fixtures.appendingPathComponent(
            "cox_pspline/lung_ps_age4_sex.json"))) as! [String: Any]
    let nonlinear = fixture["nonlinear"] as! [String: Any]
    assertClose(terms[0].chisq, nonlinear["chisq"] as? Double, tol: 1e-6, "nonlinear chisq")
    assertClose(terms[0].testDF, nonlinear["df"] as? Double, tol: 1e-6, "nonlinear df")
    XCTAssertEqual(terms[0].reference, 63)
    for k in 0..<terms[0].x.count {
      XCTAssertLessThanOrEqual(terms[0].lower[k], terms[0].logHazardRatio[k] + 1e-12)
      XCTAssertGreaterThanOrEqual(terms[0].upper[k], terms[0].logHazardRatio[k] - 1e-12)
    }
  }
}
