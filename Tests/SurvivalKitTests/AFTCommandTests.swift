import Foundation
import XCTest

@testable import SurvivalKit

/// `survkit aft` end to end (schema, profile predictions against the R fixture), the Weibull
/// proportional-hazards scale (delta-method derivation written here) and degenerate input.
final class AFTCommandTests: XCTestCase {
  func testJSONSchemaAndPrediction() throws {
    let r = try TestSupport.runSurvkit([
      "aft", "datasets/veteran.csv", "Surv(time, status) ~ trt + celltype + karno", "--dist",
      "loglogistic", "--at", "trt=1,celltype=large,karno=60", "--quantiles", "0.25,0.5,0.75",
      "--times", "30,90,180", "--format", "json",
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    for key in [
      "coefficients", "scale", "log_scale", "loglik", "chisq", "df", "p", "iterations",
      "converged", "aic",
    ] {
      XCTAssertNotNil(json[key], key)
    }
    let c = (json["coefficients"] as! [[String: Any]])[0]
    XCTAssertTrue(Set(["term", "coef", "se", "z", "p"]).isSubset(of: Set(c.keys)))
    let url = TestSupport.fixtures.appendingPathComponent("aft/veteran_loglogistic_celltype.json")
    let fixture = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    let expected = (fixture["predictions"] as! [String: Any])
    let eq = expected["quantiles"] as! [[String: Any]]
    let got = (json["prediction"] as! [String: Any])["quantiles"] as! [[String: Any]]
    for (g, e) in zip(got, eq) {
      assertClose(g["time"] as? Double, (e["time"] as! NSNumber).doubleValue, tol: 1e-6, "time")
      assertClose(g["se"] as? Double, (e["se"] as! NSNumber).doubleValue, tol: 1e-6, "se")
    }
    let survival = (json["prediction"] as! [String: Any])["survival"] as! [Double]
    for (g, e) in zip(survival, expected["survival"] as! [NSNumber]) {
      assertClose(g, e.doubleValue, tol: 1e-6, "survival")
    }
  }

  /// Weibull on the PH scale: β_PH = -β/σ; by the delta method with g = (-1/σ, β/σ) in
  /// (β, log σ), Var β_PH = (V_ββ - 2β V_βτ + β² V_ττ)/σ². The exponential (σ = 1) gives
  /// β_PH = -β with the same SE.
  func testWeibullProportionalHazardsScale() throws {
    let table = try CSVReader.read(path: TestSupport.dataset("lung.csv"))
    let fit = try AFTModel.fit(table: table, formula: Formula("Surv(time, status) ~ age + sex"))
    let sigma = fit.scales[0].scale
    for (j, hr) in fit.hazardRatios.enumerated() {
      let beta = fit.coefficients[j + 1].coef
      let v = fit.variance
      let s = fit.coefficients.count
      let variance =
        (v[j + 1][j + 1] - 2 * beta * v[j + 1][s] + beta * beta * v[s][s]) / (sigma * sigma)
      assertClose(hr.coef, -beta / sigma, tol: 1e-12, "coef")
      assertClose(hr.standardError, variance.squareRoot(), tol: 1e-12, "se")
      assertClose(hr.hazardRatio, Foundation.exp(-beta / sigma), tol: 1e-12, "hr")
    }
    var options = AFTOptions()
    options.distribution = .exponential
    let exp = try AFTModel.fit(
      table: table, formula: Formula("Surv(time, status) ~ age + sex"), options: options)
    for (j, hr) in exp.hazardRatios.enumerated() {
      assertClose(hr.coef, -exp.coefficients[j + 1].coef, tol: 1e-12, "exp coef")
      assertClose(hr.standardError, exp.coefficients[j + 1].standardError, tol: 1e-12, "exp se")
    }
  }

  func testDegenerateInput() throws {
    let zero = try TestSupport.temporaryFile(Array("time,status,x\n0,1,1\n2,1,2\n3,0,3\n".utf8))
    var r = try TestSupport.runSurvkit(["aft", zero, "Surv(time, status) ~ x"])
    XCTAssertEqual(r.status, 1)
    XCTAssertTrue(r.stderr.contains("line 2"), r.stderr)
    XCTAssertTrue(r.stderr.contains("log(time)"), r.stderr)
    let equal = try TestSupport.temporaryFile(Array("time,status,x\n5,1,1\n5,1,2\n5,1,3\n".utf8))
    r = try TestSupport.runSurvkit(["aft", equal, "Surv(time, status) ~ x"])
    XCTAssertTrue(r.stderr.contains("all times are equal"), r.stderr)
    r = try TestSupport.runSurvkit([
      "aft", equal, "Surv(time, status) ~ 1", "--dist", "exponential",
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    let censored = try TestSupport.temporaryFile(Array("time,status,x\n5,0,1\n6,0,2\n7,0,3\n".utf8))
    r = try TestSupport.runSurvkit(["aft", censored, "Surv(time, status) ~ x"])
    XCTAssertTrue(r.stderr.contains("right-censored"), r.stderr)
    r = try TestSupport.runSurvkit([
      "aft", "datasets/lung.csv", "Surv(time, status) ~ age", "--dist", "gamma",
    ])
    XCTAssertTrue(r.stderr.contains("--dist must be"), r.stderr)
    r = try TestSupport.runSurvkit([
      "aft", "datasets/lung.csv", "Surv(time, status) ~ age + sex", "--at", "age=60",
    ])
    XCTAssertTrue(r.stderr.contains("no value for 'sex'"), r.stderr)
    r = try TestSupport.runSurvkit([
      "aft", "datasets/lung.csv", "Surv(time, status) ~ age + strata(sex)", "--dist",
      "exponential",
    ])
    XCTAssertTrue(r.stderr.contains("scale fixed at 1"), r.stderr)
    let left = try TestSupport.temporaryFile(Array("l,r,x\n,3,1\n,4,2\n,5,3\n".utf8))
    r = try TestSupport.runSurvkit(["aft", left, "Surv(l, r) ~ x", "--interval"])
    XCTAssertTrue(r.stderr.contains("every row is left-censored"), r.stderr)
  }

  func testExponentialInterceptOnlyIsEventsOverExposure() throws {
    // Intercept-only exponential: the MLE of the rate is d / Σt, so exp(β0) = Σt / d.
    let table = try TestSupport.table("time,status\n2,1\n3,0\n5,1\n7,1\n11,0\n")
    var options = AFTOptions()
    options.distribution = .exponential
    let fit = try AFTModel.fit(
      table: table, formula: Formula("Surv(time, status) ~ 1"), options: options)
    assertClose(Foundation.exp(fit.coefficients[0].coef), 28.0 / 3.0, tol: 1e-10, "mean")
    // Var(β0) = 1/d.
    assertClose(fit.coefficients[0].standardError, (1.0 / 3.0).squareRoot(), tol: 1e-8, "se")
  }
}
