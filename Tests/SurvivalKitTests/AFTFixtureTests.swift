import Foundation
import XCTest

@testable import SurvivalKit

/// Parametric survival regression against R's `survreg`.
///
/// Fixtures in `Fixtures/aft/*.json` are written by `fixtures/R/aft_fixtures.R`: lung (all
/// four distributions, per-stratum scales, cluster-robust variance, integer weights, and an
/// interval-censored version of the data), veteran (a four-level factor), ovarian (robust
/// variance, exponential) and mgus2 (non-integer weights). Tolerance 1e-6 relative: the fit is
/// iterative (R stops at a relative log-likelihood change of 1e-9).
final class AFTFixtureTests: XCTestCase {
  let tol = 1e-6

  func number(_ any: Any?) -> Double? { (any as? NSNumber)?.doubleValue }

  func testEveryFixture() throws {
    let folder = TestSupport.fixtures.appendingPathComponent("aft")
    let files = try FileManager.default.contentsOfDirectory(
      at: folder, includingPropertiesForKeys: nil
    ).filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    XCTAssertGreaterThanOrEqual(files.count, 15)
    for url in files {
      let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
      try check(json, name: url.deletingPathExtension().lastPathComponent)
    }
  }

  func check(_ json: [String: Any], name: String) throws {
    var options = AFTOptions()
    options.distribution = AFTDistribution(rawValue: json["distribution"] as! String)!
    options.weights = json["weights"] as? String
    if json["robust"] as? Bool == true { options.robust = true }
    let table: DataTable
    var formulaText = json["formula"] as! String
    if let path = json["data_path"] as? String {
      table = try CSVReader.read(
        path: TestSupport.fixtures.appendingPathComponent("aft/\(path)").path)
      formulaText = formulaText.replacingOccurrences(of: ", type = \"interval2\")", with: ")")
      options.interval = true
    } else {
      table = try CSVReader.read(path: TestSupport.dataset(json["dataset"] as! String))
    }
    let fit = try AFTModel.fit(table: table, formula: Formula(formulaText), options: options)
    XCTAssertTrue(fit.converged, name)
    XCTAssertEqual(fit.n, (json["n"] as! NSNumber).intValue, name)
    let coefficients = json["coefficients"] as! [[String: Any]]
    XCTAssertEqual(fit.coefficients.map(\.term), coefficients.map { $0["term"] as! String }, name)
    for (c, e) in zip(fit.coefficients, coefficients) {
      assertClose(c.coef, number(e["coef"]), tol: tol, "\(name) \(c.term) coef")
      assertClose(
        c.robustStandardError ?? c.standardError, number(e["se"]), tol: tol, "\(name) \(c.term) se")
      assertClose(c.standardError, number(e["naive_se"]), tol: tol, "\(name) \(c.term) naive se")
    }
    let scales = json["scales"] as! [[String: Any]]
    XCTAssertEqual(fit.scales.count, scales.count, name)
    for (s, e) in zip(fit.scales, scales) {
      XCTAssertEqual(s.stratum, e["stratum"] as? String, name)
      assertClose(s.scale, number(e["scale"]), tol: tol, "\(name) scale")
      assertClose(s.standardError, number(e["se"]), tol: tol, "\(name) log-scale se")
    }
    let loglik = json["loglik"] as! [String: Any]
    assertClose(fit.loglikNull, number(loglik["null"]), tol: tol, "\(name) loglik null")
    assertClose(fit.loglik, number(loglik["final"]), tol: tol, "\(name) loglik")
    assertClose(fit.chisq, number(json["chisq"]), tol: tol, "\(name) chisq")
    XCTAssertEqual(fit.df, (json["df"] as! NSNumber).intValue, name)
    assertClose(fit.p, number(json["p"]), tol: tol, "\(name) p")
    assertClose(fit.aic, number(json["aic"]), tol: tol, "\(name) aic")

    let prediction = json["predictions"] as! [String: Any]
    let x = (prediction["x"] as! [NSNumber]).map(\.doubleValue)
    let stratum = (prediction["stratum"] as! NSNumber).intValue
    let quantiles = prediction["quantiles"] as! [[String: Any]]
    let got = try fit.quantiles(
      profile: x, stratum: stratum, probabilities: quantiles.map { number($0["p"])! })
    for (q, e) in zip(got, quantiles) {
      assertClose(q.time, number(e["time"]), tol: tol, "\(name) quantile \(q.probability)")
      assertClose(q.standardError, number(e["se"]), tol: tol, "\(name) quantile se")
    }
    let times = (prediction["times"] as! [NSNumber]).map(\.doubleValue)
    let survival = try fit.survival(profile: x, stratum: stratum, at: times)
    for (s, e) in zip(survival, prediction["survival"] as! [NSNumber]) {
      assertClose(s, e.doubleValue, tol: tol, "\(name) survival")
    }
  }
}
