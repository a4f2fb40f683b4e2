import Foundation
import XCTest

@testable import SurvivalKit

/// Response rates and exact tests against R (fixtures from `fixtures/R/response_fixtures.R`,
/// R 4.2.2): `fisher.test` on 2 × 2 and r × c tables (p-values for every alternative; the
/// conditional MLE of the odds ratio and its exact limits, solved to full precision beside R's
/// 1e-4 uniroot), `binom.test` / `prop.test(correct = FALSE)` / Agresti–Coull limits, and
/// `chisq.test(correct = FALSE)`. Tolerance 1e-8 relative for the exact sums and closed forms;
/// 1e-8 for the odds-ratio roots (both sides solve to the resolution of doubles).
final class ResponseFixtureTests: XCTestCase {
  let tol = 1e-8

  func d(_ any: Any?) -> Double? {
    if let s = any as? String, s == "Inf" { return .infinity }
    return (any as? NSNumber)?.doubleValue
  }

  func cases(_ file: String) throws -> [[String: Any]] {
    let url = TestSupport.fixtures.appendingPathComponent("response/\(file).json")
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    return json["cases"] as! [[String: Any]]
  }

  func counts(_ c: [String: Any]) -> [[Int]] {
    (c["counts"] as! [[NSNumber]]).map { $0.map(\.intValue) }
  }

  func testFisherAgainstR() throws {
    let all = try cases("fisher")
    XCTAssertGreaterThanOrEqual(all.filter { counts($0).count == 2 && counts($0)[0].count == 2 }.count, 3)
    XCTAssertGreaterThanOrEqual(all.filter { counts($0).count > 2 || counts($0)[0].count > 2 }.count, 3)
    for c in all {
      let name = c["case"] as! String
      let x = counts(c)
      let test = try FisherExactTest(counts: x)
      assertClose(test.p, d(c["p"]), tol: tol, "\(name) p")
      guard x.count == 2 && x[0].count == 2 else {
        XCTAssertNil(test.oddsRatio)
        continue
      }
      assertClose(test.oddsRatio, d(c["or"]), tol: tol, "\(name) or")
      assertClose(test.lower, d(c["lower"]), tol: tol, "\(name) lower")
      assertClose(test.upper, d(c["upper"]), tol: tol, "\(name) upper")
      let less = try FisherExactTest(counts: x, alternative: .less)
      assertClose(less.p, d(c["p_less"]), tol: tol, "\(name) p less")
      assertClose(less.upper, d(c["upper_less"]), tol: tol, "\(name) upper less")
      XCTAssertEqual(less.lower, 0)
      let greater = try FisherExactTest(counts: x, alternative: .greater)
      assertClose(greater.p, d(c["p_greater"]), tol: tol, "\(name) p greater")
      assertClose(greater.lower, d(c["lower_greater"]), tol: tol, "\(name) lower greater")
      XCTAssertEqual(greater.upper, .infinity)
    }
  }

  func testRatesAgainstR() throws {
    for c in try cases("rates") {
      let x = (c["x"] as! NSNumber).intValue
      let n = (c["n"] as! NSNumber).intValue
      for (key, method, level) in [
        ("clopper_pearson", BinomialInterval.clopperPearson, 0.95),
        ("wilson", .wilson, 0.95), ("agresti_coull", .agrestiCoull, 0.95),
        ("wilson_90", .wilson, 0.9),
      ] {
        let expected = (c[key] as! [NSNumber]).map(\.doubleValue)
        let rate = try ResponseRate(count: x, total: n, method: method, confLevel: level)
        assertClose(rate.estimate, Double(x) / Double(n), tol: 1e-15, "\(x)/\(n)")
        // Clopper–Pearson inverts the incomplete beta by bisection: 1e-8 is its accuracy.
        assertClose(rate.lower, expected[0], tol: tol, "\(key) \(x)/\(n) lower")
        assertClose(rate.upper, expected[1], tol: tol, "\(key) \(x)/\(n) upper")
      }
    }
  }

  func testPearsonChiSquareAgainstR() throws {
    for c in try cases("chisq") {
      let name = c["case"] as! String
      let test = try PearsonChiSquareTest(counts: counts(c))
      assertClose(test.statistic, d(c["statistic"]), tol: tol, "\(name) statistic")
      XCTAssertEqual(test.df, (c["df"] as! NSNumber).intValue, name)
      assertClose(test.p, d(c["p"]), tol: tol, "\(name) p")
    }
  }
}
