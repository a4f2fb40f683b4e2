import Foundation
import XCTest

@testable import SurvivalKit

/// Non-integer case weights switch the robust (sandwich) variance on by default, as in R:
/// "If there are any non-integer weights, the code also defaults robust=TRUE" (survival 3.5
/// `?coxph`; the code tests `any(weights != floor(weights))`).
///
/// Fixtures from `fixtures/R/cox_weights_fixtures.R` (R 4.2.2 Patched r83330, survival 3.5-3,
/// jsonlite 1.8.4). Each case holds two fits of the same model:
/// - `default`: R's call without a `robust` argument, e.g.
///   `coxph(Surv(futime, fustat) ~ rx + ecog.ps, data = ovarian, weights = age, ties = "efron")`.
///   R reports the per-row sandwich variance in `fit$var` and keeps the model-based one in
///   `fit$naive.var`; z, p, the hazard-ratio limits and the Wald test use the robust variance,
///   and the robust score test is added.
/// - `robust_false`: the same call with `robust = FALSE`: the model-based variance only.
///
/// Cases, each with Efron and Breslow ties: ovarian `Surv(futime, fustat) ~ rx + ecog.ps`,
/// weights = age (all 26 weights non-integer); heart `Surv(start, stop, event) ~ age + surgery`,
/// weights = year, on `data/heart_year_positive.csv` (heart.csv without patient 103, whose year
/// is negative); heart, same model, weights = stop (integers except one row, stop = 4.5).
/// Tolerance 1e-6 relative, as in `CoxFixtureTests`.
final class CoxWeightsFixtureTests: XCTestCase {
  let tol = 1e-6
  let folder = TestSupport.fixtures.appendingPathComponent("cox_weights")

  func d(_ any: Any?) -> Double? { (any as? NSNumber)?.doubleValue }
  func int(_ any: Any?) -> Int { (any as! NSNumber).intValue }

  func fixtures() throws -> [(String, [String: Any])] {
    try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
      .filter { $0.pathExtension == "json" && $0.lastPathComponent != "failures.json" }
      .sorted { $0.lastPathComponent < $1.lastPathComponent }
      .map {
        (
          $0.deletingPathExtension().lastPathComponent,
          try JSONSerialization.jsonObject(with: Data(contentsOf: $0)) as! [String: Any]
        )
      }
  }

  /// `dataset` names a file in `datasets/`, or one under `Fixtures/cox_weights/` when it
  /// starts with `data/`.
  func table(_ dataset: String) throws -> DataTable {
    let path =
      dataset.hasPrefix("data/")
      ? folder.appendingPathComponent(dataset).path : TestSupport.dataset(dataset)
    return try CSVReader.read(path: path)
  }

  /// The fixture's model; `robust` is left at its default when nil.
  func fit(_ json: [String: Any], robust: Bool? = nil) throws -> CoxFit {
    var options = CoxOptions()
    options.ties = CoxTies(rawValue: json["ties"] as! String)!
    options.weights = (json["weights"] as! String)
    if let robust = robust { options.robust = robust }
    return try CoxModel.fit(
      table: table(json["dataset"] as! String), formula: Formula(json["formula"] as! String),
      options: options)
  }

  /// Every number of one R fit (`default` or `robust_false`).
  func compare(_ fit: CoxFit, _ expected: [String: Any], _ name: String) {
    XCTAssertEqual(fit.robust, expected["robust"] as? Bool, "\(name) robust")
    XCTAssertEqual(fit.n, int(expected["n"]), "\(name) n")
    XCTAssertEqual(fit.events, int(expected["events"]), "\(name) events")
    XCTAssertEqual(fit.dropped, int(expected["dropped"]), "\(name) dropped")
    XCTAssertEqual(fit.iterations, int(expected["iterations"]), "\(name) iterations")
    XCTAssertTrue(fit.converged, name)
    let loglik = expected["loglik"] as! [String: Any]
    assertClose(fit.loglikNull, d(loglik["null"]), tol: tol, "\(name) loglik null")
    assertClose(fit.loglik, d(loglik["final"]), tol: tol, "\(name) loglik")

    let coefficients = expected["coefficients"] as! [[String: Any]]
    XCTAssertEqual(
      fit.coefficients.map(\.term), coefficients.map { $0["term"] as! String }, "\(name) terms")
    for (c, e) in zip(fit.coefficients, coefficients) {
      let w = "\(name) \(c.term)"
      assertClose(c.coef, d(e["coef"]), tol: tol, "\(w) coef")
      assertClose(c.hazardRatio, d(e["hr"]), tol: tol, "\(w) hr")
      assertClose(c.standardError, d(e["se"]), tol: tol, "\(w) se")
      assertClose(c.robustStandardError, d(e["robust_se"]), tol: tol, "\(w) robust se")
      assertClose(c.z, d(e["z"]), tol: tol, "\(w) z")
      assertClose(c.p, d(e["p"]), tol: tol, "\(w) p")
      assertClose(c.lower, d(e["lower"]), tol: tol, "\(w) lower")
      assertClose(c.upper, d(e["upper"]), tol: tol, "\(w) upper")
    }

    let variance = expected["variance"] as! [[Any]]
    XCTAssertEqual(fit.variance.count, variance.count, "\(name) variance size")
    for a in 0..<min(variance.count, fit.variance.count) {
      for b in 0..<variance.count {
        assertClose(fit.variance[a][b], d(variance[a][b]), tol: tol, "\(name) var[\(a),\(b)]")
      }
    }
    if let naive = expected["naive_variance"] as? [[Any]] {
      let ours = fit.naiveVariance ?? []
      XCTAssertEqual(ours.count, naive.count, "\(name) naive variance size")
      for a in 0..<min(naive.count, ours.count) {
        for b in 0..<naive.count {
          assertClose(ours[a][b], d(naive[a][b]), tol: tol, "\(name) naive var[\(a),\(b)]")
        }
      }
    } else {
      XCTAssertNil(fit.naiveVariance, "\(name) naive variance")
    }

    let tests = expected["tests"] as! [String: Any]
    for (key, ours) in [
      ("likelihood_ratio", fit.likelihoodRatio), ("wald", fit.wald), ("score", fit.score),
    ] {
      let e = tests[key] as! [String: Any]
      assertClose(ours.statistic, d(e["statistic"]), tol: tol, "\(name) \(key)")
      XCTAssertEqual(ours.df, int(e["df"]), "\(name) \(key) df")
      assertClose(ours.p, d(e["p"]), tol: tol, "\(name) \(key) p")
    }
    if let e = tests["robust_score"] as? [String: Any] {
      XCTAssertNotNil(fit.robustScore, "\(name) robust score")
      if let ours = fit.robustScore {
        assertClose(ours.statistic, d(e["statistic"]), tol: tol, "\(name) robust score")
        XCTAssertEqual(ours.df, int(e["df"]), "\(name) robust score df")
        assertClose(ours.p, d(e["p"]), tol: tol, "\(name) robust score p")
      }
    } else {
      XCTAssertNil(fit.robustScore, "\(name) robust score")
    }
  }

  /// (a) No `robust` given: non-integer weights turn the sandwich variance on, as R's default
  /// call does, and the fit says why.
  func testNonIntegerWeightsMakeTheDefaultFitRobust() throws {
    XCTAssertNil(CoxOptions().robust, "the default is R's rule, not an explicit choice")
    let all = try fixtures()
    XCTAssertEqual(all.count, 6)
    for (name, json) in all {
      XCTAssertEqual(json["robust_by_default"] as? Bool, true, name)
      let fit = try fit(json)
      XCTAssertTrue(fit.robust, "\(name) robust")
      XCTAssertTrue(fit.robustByDefault, "\(name) robustByDefault")
      XCTAssertTrue(
        fit.description.contains("non-integer case weights"),
        "\(name) summary does not mention the non-integer case weights:\n\(fit.description)")
      compare(fit, json["default"] as! [String: Any], "\(name) default")
    }
  }

  /// (b) `robust = false` given explicitly: the model-based variance, as R's
  /// `coxph(..., robust = FALSE)`. Coefficients and log-likelihoods are those of the default fit.
  func testExplicitRobustFalseGivesTheNaiveFit() throws {
    for (name, json) in try fixtures() {
      let fit = try fit(json, robust: false)
      XCTAssertFalse(fit.robust, "\(name) robust")
      XCTAssertFalse(fit.robustByDefault, "\(name) robustByDefault")
      XCTAssertTrue(
        fit.coefficients.allSatisfy { $0.robustStandardError == nil }, "\(name) robust se")
      compare(fit, json["robust_false"] as! [String: Any], "\(name) robust=FALSE")
    }
  }

  /// `robust = true` given explicitly on right-censored data: the same numbers as R's default
  /// call (R gives identical `var`, `rscore` and `wald.test`), but it was asked for, so
  /// `robustByDefault` is false. (On counting-process data R refuses an explicit
  /// `robust = TRUE` without `cluster()` or `id`; see `failures.json`. Not tested here.)
  func testExplicitRobustTrueIsNotRobustByDefault() throws {
    for (name, json) in try fixtures() where name.hasPrefix("ovarian_") {
      let fit = try fit(json, robust: true)
      XCTAssertTrue(fit.robust, "\(name) robust")
      XCTAssertFalse(fit.robustByDefault, "\(name) robustByDefault")
      compare(fit, json["default"] as! [String: Any], "\(name) robust=TRUE")
    }
  }

  /// (c) Whole-number weights (rossi `age`) leave the default fit model-based, as in R; the
  /// numbers are those of `Fixtures/cox/rossi_fin_prio_weights_<ties>.json`, which R fitted
  /// without a `robust` argument (its `naive_variance` is null).
  func testIntegerWeightsKeepTheDefaultFitNaive() throws {
    for ties in ["efron", "breslow"] {
      let name = "rossi_fin_prio_weights_\(ties)"
      let url = TestSupport.fixtures.appendingPathComponent("cox/\(name).json")
      let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
      XCTAssertEqual(json["weights"] as? String, "age")
      XCTAssertTrue(json["naive_variance"] is NSNull, "\(name): R's default fit is not robust")
      var options = CoxOptions()
      options.ties = CoxTies(rawValue: ties)!
      options.weights = "age"
      let fit = try CoxModel.fit(
        table: try CSVReader.read(path: TestSupport.dataset("rossi.csv")),
        formula: Formula("Surv(week, arrest) ~ fin + prio"), options: options)
      XCTAssertFalse(fit.robust, "\(name) robust")
      XCTAssertFalse(fit.robustByDefault, "\(name) robustByDefault")
      XCTAssertNil(fit.naiveVariance, "\(name) naive variance")
      XCTAssertNil(fit.robustScore, "\(name) robust score")
      XCTAssertFalse(fit.description.contains("non-integer case weights"), name)
      let coefficients = json["coefficients"] as! [[String: Any]]
      XCTAssertEqual(fit.coefficients.count, coefficients.count, name)
      for (c, e) in zip(fit.coefficients, coefficients) {
        XCTAssertNil(c.robustStandardError, "\(name) \(c.term) robust se")
        assertClose(c.standardError, d(e["se"]), tol: tol, "\(name) \(c.term) se")
        assertClose(c.z, d(e["z"]), tol: tol, "\(name) \(c.term) z")
      }
      let wald = (json["tests"] as! [String: Any])["wald"] as! [String: Any]
      assertClose(fit.wald.statistic, d(wald["statistic"]), tol: tol, "\(name) wald")

      options.robust = true
      let forced = try CoxModel.fit(
        table: try CSVReader.read(path: TestSupport.dataset("rossi.csv")),
        formula: Formula("Surv(week, arrest) ~ fin + prio"), options: options)
      XCTAssertTrue(forced.robust, "\(name) robust = true")
      XCTAssertFalse(forced.robustByDefault, "\(name) robust = true is asked for")
    }
  }

  /// heart.csv `year` is negative on its last row (patient 103); R stops with "Invalid weights,
  /// must be >0" (`failures.json`), and so do we.
  func testNonPositiveWeightIsRefusedAsInR() throws {
    let url = folder.appendingPathComponent("failures.json")
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    let r = (json["cases"] as! [[String: Any]]).first {
      $0["case"] as? String == "heart_year_nonpositive"
    }!
    XCTAssertEqual(r["error"] as? String, "Invalid weights, must be >0")
    var options = CoxOptions()
    options.weights = (r["weights"] as! String)
    assertThrows(
      try CoxModel.fit(
        table: try table(r["dataset"] as! String), formula: Formula(r["formula"] as! String),
        options: options),
      containing: ["line 173", "'year'", "not positive"])
  }
}
