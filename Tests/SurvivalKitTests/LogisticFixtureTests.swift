import Foundation
import RealModule
import XCTest

@testable import SurvivalKit

/// Logistic regression against R's `glm(family = binomial)` (fixtures from
/// `fixtures/R/logistic_fixtures.R`, R 4.2.2: coefficients, SE, Wald z and p, deviance, AIC,
/// Wald limits, LR tests per coefficient and per term (drop1), profile limits solved by uniroot
/// to 1e-12) and Firth's penalised regression against firthmodels 0.8.2 (PyPI, logistf's
/// method; `fixtures/python/firth_logistic_fixtures.py`): estimates, SE, penalised LR p-values, profile
/// penalised-likelihood limits and the penalised log-likelihood, including a completely and a
/// quasi-completely separated table. Tolerance 1e-6 relative (converged iterations).
final class LogisticFixtureTests: XCTestCase {
  let tol = 1e-6

  func load(_ name: String) throws -> [String: Any] {
    let url = TestSupport.fixtures.appendingPathComponent("logistic/\(name).json")
    return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
  }

  func numbers(_ any: Any?) -> [Double] { (any as! [NSNumber]).map(\.doubleValue) }
  func d(_ any: Any?) -> Double? { (any as? NSNumber)?.doubleValue }

  func testMaximumLikelihoodAgainstGlm() throws {
    let cases = try load("glm")["cases"] as! [[String: Any]]
    XCTAssertGreaterThanOrEqual(cases.count, 3)
    for c in cases {
      let name = c["case"] as! String
      let table = try CSVReader.read(path: TestSupport.dataset(c["dataset"] as! String))
      let fit = try LogisticModel.fit(
        table: table, formula: ResponseFormula(c["formula"] as! String))
      XCTAssertTrue(fit.converged, name)
      XCTAssertTrue(fit.warnings.isEmpty, "\(name): \(fit.warnings)")
      XCTAssertEqual(fit.n, (c["n"] as! NSNumber).intValue, name)
      XCTAssertEqual(fit.events, (c["events"] as! NSNumber).intValue, name)
      XCTAssertEqual(fit.dropped, (c["dropped"] as! NSNumber).intValue, name)
      XCTAssertEqual(fit.coefficients.map(\.term), c["terms"] as! [String], name)
      for (key, values) in [
        ("coef", fit.coefficients.map(\.coef)), ("se", fit.coefficients.map(\.standardError)),
        ("z", fit.coefficients.map(\.z)), ("p", fit.coefficients.map(\.p)),
        ("wald_lower", fit.coefficients.map(\.waldLower)),
        ("wald_upper", fit.coefficients.map(\.waldUpper)),
        ("lower", fit.coefficients.map(\.lower)), ("upper", fit.coefficients.map(\.upper)),
        ("lr_chisq", fit.coefficients.map(\.lrStatistic)), ("lr_p", fit.coefficients.map(\.lrP)),
      ] {
        for (k, (a, e)) in zip(values, numbers(c[key])).enumerated() {
          assertClose(a, e, tol: tol, "\(name) \(key) \(fit.coefficients[k].term)")
        }
      }
      assertClose(fit.deviance, d(c["deviance"]), tol: tol, "\(name) deviance")
      assertClose(fit.nullDeviance, d(c["null_deviance"]), tol: tol, "\(name) null deviance")
      assertClose(fit.aic, d(c["aic"]), tol: tol, "\(name) aic")
      assertClose(fit.loglik, d(c["loglik"]), tol: tol, "\(name) loglik")
      let global = c["global"] as! [String: Any]
      assertClose(fit.likelihoodRatio.statistic, d(global["statistic"]), tol: tol, "\(name) LR")
      XCTAssertEqual(fit.likelihoodRatio.df, (global["df"] as! NSNumber).intValue)
      let terms = c["term_tests"] as! [[String: Any]]
      XCTAssertEqual(fit.termTests.map(\.term), terms.map { $0["term"] as! String }, name)
      for (t, e) in zip(fit.termTests, terms) {
        assertClose(t.statistic, d(e["statistic"]), tol: tol, "\(name) \(t.term) drop1")
        XCTAssertEqual(t.df, (e["df"] as! NSNumber).intValue)
        assertClose(t.p, d(e["p"]), tol: tol, "\(name) \(t.term) drop1 p")
      }
    }
  }

  func testFirthAgainstFirthmodels() throws {
    let cases = try load("firth")["cases"] as! [[String: Any]]
    XCTAssertGreaterThanOrEqual(cases.count, 4)
    var options = LogisticOptions()
    options.firth = true
    for c in cases {
      let name = c["case"] as! String
      let fit: LogisticFit
      if let formula = c["formula"] as? String {
        let table = try CSVReader.read(path: TestSupport.dataset(c["dataset"] as! String))
        fit = try LogisticModel.fit(
          table: table, formula: ResponseFormula(formula), options: options)
      } else {
        let rows = (c["x"] as! [[NSNumber]]).map { $0.map(\.doubleValue) }
        let names = Array((c["names"] as! [String]).dropFirst())
        let columns = names.indices.map { j in rows.map { $0[j] } }
        fit = try LogisticModel.fit(
          response: (c["y"] as! [NSNumber]).map(\.intValue), covariates: columns, names: names,
          options: options)
      }
      XCTAssertTrue(fit.converged, name)
      XCTAssertEqual(fit.coefficients.map(\.term), c["names"] as! [String], name)
      for (key, values) in [
        ("coef", fit.coefficients.map(\.coef)), ("se", fit.coefficients.map(\.standardError)),
        ("lr_p", fit.coefficients.map(\.p)), ("lower", fit.coefficients.map(\.lower)),
        ("upper", fit.coefficients.map(\.upper)),
      ] {
        for (k, (a, e)) in zip(values, numbers(c[key])).enumerated() {
          // The saturated quasi-separated case's intercept is 0 exactly (see below); both
          // programs give it to rounding (1e-13 against 5e-17), so it is checked there.
          if name == "quasi_separated_groups" && key == "coef" && k == 0 { continue }
          assertClose(a, e, tol: tol, "\(name) \(key) \(fit.coefficients[k].term)")
        }
      }
      assertClose(fit.loglik, d(c["loglik"]), tol: tol, "\(name) penalised loglik")
      if name == "quasi_separated_groups" {
        // Derivation: the model is saturated (one parameter per group), so Firth's estimate of
        // each group's logit is logit((y + 1/2) / (n + 1)) (Firth 1993, the Jeffreys-prior
        // mode): group a 3/6 -> 0; b 0/6 -> log(0.5/6.5); c 5/6 -> log(5.5/1.5).
        XCTAssertLessThan(abs(fit.coefficients[0].coef), 1e-12)
        assertClose(fit.coefficients[1].coef, Double.log(0.5 / 6.5), tol: tol, "b closed form")
        assertClose(fit.coefficients[2].coef, Double.log(5.5 / 1.5), tol: tol, "c closed form")
      }
    }
  }

  /// Complete separation under maximum likelihood: the estimate runs off to infinity, so the
  /// fit says so per term and the profile limit on that side is infinite (derivation: with
  /// x = 1 always a response, l(β) increases towards 0 as β → ∞ and never attains it).
  func testSeparationIsReportedUnderMaximumLikelihood() throws {
    let fit = try LogisticModel.fit(
      response: [0, 1, 0, 1, 1, 1, 0, 1], covariates: [[0, 0, 0, 1, 1, 1, 0, 1]], names: ["x"])
    XCTAssertTrue(fit.warnings.contains { $0.contains("'x'") && $0.contains("may be infinite") })
    XCTAssertEqual(fit.coefficients[1].upper, .infinity)
    XCTAssertTrue(fit.table().contains("use --firth"))
    XCTAssertEqual(fit.json().serialized().contains("\"upper\": null"), true)
  }

  func testLogisticCommand() throws {
    let cases = try load("firth")["cases"] as! [[String: Any]]
    let trial = cases.first { $0["case"] as! String == "trial_orr_gd2_nosology" }!
    let run = try TestSupport.runSurvkit([
      "logistic", TestSupport.dataset("trial/trial_cut2.csv"), trial["formula"] as! String,
      "--firth", "--format", "json",
    ])
    XCTAssertEqual(run.status, 0, run.stderr)
    let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
    XCTAssertEqual(json["method"] as? String, "firth")
    let coefficients = json["coefficients"] as! [[String: Any]]
    XCTAssertEqual(
      coefficients.first!.keys.sorted(),
      [
        "coef", "lower", "lr_chisq", "lr_p", "or", "p", "se", "term", "upper", "wald_lower",
        "wald_p", "wald_upper", "z",
      ])
    for (k, e) in numbers(trial["coef"]).enumerated() {
      assertClose(d(coefficients[k]["coef"]), e, tol: tol, "CLI coef \(k)")
    }
    let text = try TestSupport.runSurvkit([
      "logistic", TestSupport.dataset("trial/trial_cut2.csv"), trial["formula"] as! String,
    ])
    XCTAssertTrue(text.stdout.contains("rows dropped for missing values: 32"), text.stdout)
  }

  func testBadResponse() throws {
    let path = try TestSupport.temporaryFile(Array("y,x\n1,2\n0,3\n2,4\n1,5\n".utf8))
    let run = try TestSupport.runSurvkit(["logistic", path, "y ~ x"])
    XCTAssertEqual(run.status, 1)
    XCTAssertTrue(
      run.stderr.contains("line 4, column 'y': response 2 is neither 0/1 nor TRUE/FALSE"),
      run.stderr)
    let text = try TestSupport.temporaryFile(Array("best,x\nCR,2\nPD,3\nSD,4\nPR,5\n".utf8))
    let bad = try TestSupport.runSurvkit(["logistic", text, "best ~ x"])
    XCTAssertTrue(bad.stderr.contains("line 2, column 'best': response 'CR'"), bad.stderr)
    XCTAssertTrue(bad.stderr.contains("best %in% c(\"CR\", \"PR\")"), bad.stderr)
    let constant = try TestSupport.table("y,x\n1,1\n0,1\n1,1\n0,1\n")
    assertThrows(
      try LogisticModel.fit(table: constant, formula: ResponseFormula("y ~ x")),
      containing: ["the design is singular", "collinear"])
    let allOnes = try TestSupport.table("y,x\n1,1\n1,2\n")
    assertThrows(
      try LogisticModel.fit(table: allOnes, formula: ResponseFormula("y ~ x")),
      containing: ["every row has the response"])
  }
}
