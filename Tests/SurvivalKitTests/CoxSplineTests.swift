import Foundation
import XCTest

@testable import SurvivalKit

/// `ns(x, df)` terms against R's `splines::ns` and `coxph` (fixtures from
/// `fixtures/R/cox_spline_fixtures.R`): the basis at chosen values (inside and outside the
/// boundary knots; exact arithmetic, 1e-10), the fit (1e-6) and the LR test of
/// non-linearity (1e-6), on four data sets.
final class CoxSplineFixtureTests: XCTestCase {
  func numbers(_ any: Any?) -> [Double] { (any as! [NSNumber]).map(\.doubleValue) }

  func testEveryFixture() throws {
    let folder = TestSupport.fixtures.appendingPathComponent("cox_spline")
    let files = try FileManager.default.contentsOfDirectory(
      at: folder, includingPropertiesForKeys: nil
    ).filter { $0.pathExtension == "json" }
    XCTAssertGreaterThanOrEqual(files.count, 5)
    for file in files {
      let json = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
      let name = json["case"] as! String
      let table = try CSVReader.read(path: TestSupport.dataset(json["dataset"] as! String))
      let formula = try Formula(json["formula"] as! String)
      var options = CoxOptions()
      options.ties = CoxTies(rawValue: json["ties"] as! String)!
      let fit = try CoxModel.fit(table: table, formula: formula, options: options)
      XCTAssertEqual(fit.coefficients.map(\.term), json["terms"] as! [String], name)
      for (c, (e, se)) in zip(fit.coefficients, zip(numbers(json["coef"]), numbers(json["se"]))) {
        assertClose(c.coef, e, tol: 1e-6, "\(name) \(c.term) coef")
        assertClose(c.standardError, se, tol: 1e-6, "\(name) \(c.term) se")
      }
      let loglik = numbers(json["loglik"])
      assertClose(fit.loglikNull, loglik[0], tol: 1e-6, "\(name) loglik null")
      assertClose(fit.loglik, loglik[1], tol: 1e-6, "\(name) loglik")
      // Basis.
      let spline = try XCTUnwrap(fit.state?.design.splines.values.first)
      for (k, knot) in numbers(json["knots"]).enumerated() {
        assertClose(spline.interior[k], knot, tol: 1e-12, "\(name) knot")
      }
      let basis = (json["basis"] as! [[NSNumber]]).map { $0.map(\.doubleValue) }
      for (i, x) in numbers(json["at"]).enumerated() {
        let ours = spline.basis(x)
        for j in 0..<ours.count {
          assertClose(ours[j], basis[j][i], tol: 1e-10, "\(name) basis[\(j)](\(x))")
        }
      }
      let terms = try CoxModel.splineTerms(
        table: table, formula: formula, fit: fit, options: options)
      XCTAssertEqual(terms.count, 1)
      let test = json["nonlinearity"] as! [String: NSNumber]
      assertClose(
        terms[0].loglikLinear, (json["loglik_linear"] as! NSNumber).doubleValue, tol: 1e-6, name)
      assertClose(terms[0].chisq, test["chisq"]!.doubleValue, tol: 1e-6, "\(name) chisq")
      XCTAssertEqual(terms[0].testDF, test["df"]!.doubleValue)
      assertClose(terms[0].p, test["p"]!.doubleValue, tol: 1e-6, "\(name) p")
      // The curve is 0 at the reference and inside its band.
      XCTAssertEqual(terms[0].x.count, 101)
      for k in 0..<101 {
        XCTAssertLessThanOrEqual(terms[0].lower[k], terms[0].logHazardRatio[k] + 1e-12)
        XCTAssertGreaterThanOrEqual(terms[0].upper[k], terms[0].logHazardRatio[k] - 1e-12)
      }
    }
  }

  func testSplineOfAFactorAndBadDF() throws {
    let table = try CSVReader.read(path: TestSupport.dataset("veteran.csv"))
    assertThrows(
      try CoxModel.fit(table: table, formula: Formula("Surv(time, status) ~ ns(celltype, df = 3)")),
      containing: ["ns() needs a numeric column", "celltype"])
    assertThrows(
      try Formula("Surv(time, status) ~ ns(karno, df = 0)"), containing: ["whole number"])
    assertThrows(
      try Formula("Surv(time, status) ~ ns(karno, df = 2.5)"), containing: ["whole number"])
    XCTAssertEqual(
      try Formula("Surv(time, status) ~ ns(karno, 4)").terms[0].description, "ns(karno, df = 4)")
  }

  /// Predicting a profile through an ns() term encodes x with the same basis.
  func testPredictionThroughSpline() throws {
    let table = try CSVReader.read(path: TestSupport.dataset("lung.csv"))
    let fit = try CoxModel.fit(
      table: table, formula: Formula("Surv(time, status) ~ ns(age, df = 3) + sex"))
    let prediction = try fit.predictSurvival(profiles: [CoxProfile(parsing: "age=62.5,sex=1")])
    // lp = Σ β_k (B_k(62.5) - centre_k) + β_sex (1 - centre_sex); R's basis at 62.5 from the
    // fixture, centre = the fitted columns' means.
    let state = try XCTUnwrap(fit.state)
    let basis = state.design.splines["ns(age, df = 3)"]!.basis(62.5)
    var lp = 0.0
    for k in 0..<3 { lp += fit.coefficients[k].coef! * (basis[k] - state.centre[k]) }
    lp += fit.coefficients[3].coef! * (1 - state.centre[3])
    assertClose(prediction.curves[0].linearPredictor, lp, tol: 1e-12, "lp")
  }
}
