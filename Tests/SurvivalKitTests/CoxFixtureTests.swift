import Foundation
import XCTest

@testable import SurvivalKit

/// Cox models against R's `coxph`, `summary.coxph`, `concordance` and `cox.zph`
/// (fixtures from `fixtures/R/cox_fixtures.R`, R 4.2.2, survival 3.5-3): every tie method,
/// strata, counting-process data, case weights, robust and cluster variances, factors with
/// default and chosen reference levels, interactions and log(x), on seven data sets.
/// Tolerance 1e-6 relative for converged quantities (the iteration follows R's scheme).
final class CoxFixtureTests: XCTestCase {
  let tol = 1e-6

  func d(_ any: Any?) -> Double? { (any as? NSNumber)?.doubleValue }

  func testEveryFixture() throws {
    let all = try CoxFixtures.all()
    XCTAssertGreaterThanOrEqual(all.count, 25)
    for (name, json) in all {
      let fit = try CoxFixtures.fit(json)
      XCTAssertEqual(fit.n, (json["n"] as! NSNumber).intValue, "\(name) n")
      XCTAssertEqual(fit.events, (json["events"] as! NSNumber).intValue, "\(name) events")
      XCTAssertEqual(fit.dropped, (json["dropped"] as! NSNumber).intValue, "\(name) dropped")
      XCTAssertEqual(
        fit.iterations, (json["iterations"] as! NSNumber).intValue, "\(name) iterations")
      XCTAssertTrue(fit.converged, name)
      let loglik = json["loglik"] as! [String: Any]
      assertClose(fit.loglikNull, d(loglik["null"]), tol: tol, "\(name) loglik null")
      assertClose(fit.loglik, d(loglik["final"]), tol: tol, "\(name) loglik")
      let coefficients = json["coefficients"] as! [[String: Any]]
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
      let variance = json["variance"] as! [[Any]]
      for a in 0..<variance.count {
        for b in 0..<variance.count {
          assertClose(fit.variance[a][b], d(variance[a][b]), tol: tol, "\(name) var[\(a),\(b)]")
        }
      }
      let tests = json["tests"] as! [String: Any]
      for (key, ours) in [
        ("likelihood_ratio", fit.likelihoodRatio), ("wald", fit.wald), ("score", fit.score),
      ] {
        let expected = tests[key] as! [String: Any]
        assertClose(ours.statistic, d(expected["statistic"]), tol: tol, "\(name) \(key)")
        XCTAssertEqual(ours.df, (expected["df"] as! NSNumber).intValue, "\(name) \(key) df")
        assertClose(ours.p, d(expected["p"]), tol: tol, "\(name) \(key) p")
      }
      if let expected = tests["robust_score"] as? [String: Any] {
        let ours = try XCTUnwrap(fit.robustScore, "\(name) robust score")
        assertClose(ours.statistic, d(expected["statistic"]), tol: tol, "\(name) robust score")
        assertClose(ours.p, d(expected["p"]), tol: tol, "\(name) robust score p")
      } else {
        XCTAssertNil(fit.robustScore, "\(name) robust score")
      }
      let concordance = json["concordance"] as! [String: Any]
      assertClose(
        fit.concordance?.estimate, d(concordance["estimate"]), tol: tol, "\(name) concordance")
      assertClose(
        fit.concordance?.standardError, d(concordance["std_err"]), tol: tol,
        "\(name) concordance se")
      for (key, transform) in [("zph", CoxZPH.Transform.km), ("zph_identity", .identity)] {
        guard let expected = json[key] as? [String: Any] else { continue }
        let zph = try CoxZPH.test(fit: fit, transform: transform)
        let terms = expected["terms"] as! [[String: Any]]
        XCTAssertEqual(
          zph.terms.map(\.term), terms.map { $0["term"] as! String }, "\(name) \(key) terms")
        for (t, e) in zip(zph.terms, terms) {
          assertClose(t.chisq, d(e["chisq"]), tol: tol, "\(name) \(key) \(t.term) chisq")
          XCTAssertEqual(t.df, (e["df"] as! NSNumber).intValue, "\(name) \(key) \(t.term) df")
          assertClose(t.p, d(e["p"]), tol: tol, "\(name) \(key) \(t.term) p")
        }
        let global = expected["global"] as! [String: Any]
        assertClose(zph.global.chisq, d(global["chisq"]), tol: tol, "\(name) \(key) global")
        assertClose(zph.global.p, d(global["p"]), tol: tol, "\(name) \(key) global p")
      }
      if let residuals = json["zph_residuals"] as? [String: Any] {
        let zph = try CoxZPH.test(fit: fit)
        let times = (residuals["time"] as! [NSNumber]).map(\.doubleValue)
        XCTAssertEqual(zph.residualTimes.count, times.count)
        for (a, e) in zip(zph.residualTimes, times) {
          assertClose(a, e, tol: tol, "\(name) zph time")
        }
        let y = residuals["y"] as! [String: [NSNumber]]
        for (column, values) in zip(zph.residualColumns, zph.scaledResiduals) {
          for (k, (a, e)) in zip(values, y[column]!.map(\.doubleValue)).enumerated() {
            assertClose(a, e, tol: tol, "\(name) zph resid \(column)[\(k)]")
          }
        }
      }
    }
  }
}
