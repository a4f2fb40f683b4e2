import Foundation
import SurvivalSupport
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
    XCTAssertGreaterThanOrEqual(
      all.filter { counts($0).count == 2 && counts($0)[0].count == 2 }.count, 3)
    XCTAssertGreaterThanOrEqual(
      all.filter { counts($0).count > 2 || counts($0)[0].count > 2 }.count, 3)
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

extension ResponseFixtureTests {
  /// Exact Cochran–Armitage against brute-force enumeration in R (a different algorithm: every
  /// table listed, no dynamic programming) and `prop.trend.test` for the asymptotic statistic.
  func testCochranArmitageAgainstR() throws {
    let all = try cases("trend")
    XCTAssertGreaterThanOrEqual(all.count, 3)
    for c in all {
      let name = c["case"] as! String
      let x = (c["x"] as! [NSNumber]).map(\.intValue)
      let n = (c["n"] as! [NSNumber]).map(\.intValue)
      let score = (c["score"] as! [NSNumber]).map(\.doubleValue)
      let test = try CochranArmitageTest(responders: x, totals: n, scores: score)
      assertClose(test.statistic, d(c["statistic"]), tol: tol, "\(name) T")
      assertClose(test.expected, d(c["expected"]), tol: tol, "\(name) E")
      assertClose(test.p, d(c["p"]), tol: tol, "\(name) p")
      assertClose(test.pIncreasing, d(c["p_increasing"]), tol: tol, "\(name) p up")
      assertClose(test.pDecreasing, d(c["p_decreasing"]), tol: tol, "\(name) p down")
      assertClose(test.chiSquare, d(c["chisq"]), tol: tol, "\(name) chisq")
      assertClose(test.chiSquareP, d(c["chisq_p"]), tol: tol, "\(name) chisq p")
    }
  }

  /// `survkit table` on the synthetic trial: the counts and p-values are R's (fixture cases
  /// trial_orr_by_nosology and trial_best_by_nosology, same rows as R's table()).
  func testTableCommandOnTheTrial() throws {
    let fisher = Dictionary(
      uniqueKeysWithValues: try cases("fisher").map { ($0["case"] as! String, $0) })
    let file = TestSupport.dataset("trial/trial_cut2.csv")
    let run = try TestSupport.runSurvkit([
      "table", file, "`Лучший ответ` %in% c(\"CR\", \"PR\") ~ `Нозология`", "--exact",
      "--trend", "1,2,3", "--format", "json",
    ])
    XCTAssertEqual(run.status, 0, run.stderr)
    let json =
      try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
    let rows = json["rows"] as! [[String: Any]]
    let expected = fisher["trial_orr_by_nosology"]!
    XCTAssertEqual(rows.map { ($0["counts"] as! [NSNumber]).map(\.intValue) }, counts(expected))
    XCTAssertEqual(json["dropped"] as? NSNumber, 32)
    let tests = json["tests"] as! [String: Any]
    assertClose(d((tests["fisher"] as! [String: Any])["p"]), d(expected["p"]), tol: tol, "fisher")
    let trend = try cases("trend").first { $0["case"] as! String == "trial_orr_by_nosology" }!
    assertClose(d((tests["trend"] as! [String: Any])["p"]), d(trend["p"]), tol: tol, "trend")
    let chisq = try cases("chisq").first { $0["case"] as! String == "trial_orr_by_nosology" }!
    assertClose(
      d((tests["chisq"] as! [String: Any])["statistic"]), d(chisq["statistic"]), tol: tol, "chisq")

    let best = try TestSupport.runSurvkit([
      "table", file, "`Лучший ответ` ~ `Нозология`", "--exact",
    ])
    XCTAssertEqual(best.status, 0, best.stderr)
    let p = fisher["trial_best_by_nosology"]!["p"] as! NSNumber
    XCTAssertTrue(
      best.stdout.contains("Fisher's exact test (Freeman-Halton, 3 x 4): p = 0.9467"), best.stdout)
    XCTAssertEqual(NumberFormatting.significant(p.doubleValue), "0.9467")
  }

  func testTableBadInput() throws {
    let csv = "id,response,group\n1,1,a\n2,0,a\n3,2,b\n4,1,b\n"
    let data = try TestSupport.table(csv)
    assertThrows(
      try ResponseCoding.binary(.column("response"), table: data),
      containing: ["line 4", "column 'response'", "response 2 is neither 0/1 nor TRUE/FALSE"])
    let text = try TestSupport.table("best,g\nCR,a\nPD,b\nSD,a\n")
    assertThrows(
      try ContingencyTable(
        table: text, formula: ResponseFormula("best %in% c(\"CR\", \"XR\") ~ g")),
      containing: ["column 'best'", "no row has the value 'XR'", "'CR', 'PD', 'SD'"])
    assertThrows(
      try ResponseFormula("best ~ g + strata(c)"), containing: ["strata() and cluster()"])
    assertThrows(try ResponseFormula("best %in% CR ~ g"), containing: ["expected c(...)"])
    assertThrows(try ResponseFormula("best %of% c(1) ~ g"), containing: ["%in%"])
    let run = try TestSupport.runSurvkit([
      "table", TestSupport.temporaryFile(Array(csv.utf8)), "group ~ response", "--trend", "1",
    ])
    XCTAssertEqual(run.status, 1)
    XCTAssertTrue(run.stderr.contains("1 scores for 3 groups (0, 1, 2)"), run.stderr)
    assertThrows(try ResponseRate(count: 3, total: 2), containing: ["3 of 2"])
    assertThrows(
      try FisherExactTest(counts: [[1, 2], [3, -1]]), containing: ["cell (2, 2) is -1"])
    assertThrows(
      try FisherExactTest(counts: [[1, 2], [0, 0]]), containing: ["at least 2 non-empty rows"])
  }

  func testResponseFormulaParses() throws {
    let f = try ResponseFormula("best %in% c(\"CR\", 'PR') ~ gd2 + nosology")
    XCTAssertEqual(f.response, .isIn("best", [.text("CR"), .text("PR")]))
    XCTAssertEqual(f.response.description, "best %in% c(\"CR\", \"PR\")")
    XCTAssertEqual(f.terms.map(\.description), ["gd2", "nosology"])
    XCTAssertEqual(try ResponseFormula("y == 1 ~ 1").response, .equals("y", .number(1)))
    XCTAssertEqual(try ResponseFormula("y ~ 1").terms, [])
    XCTAssertEqual(try ResponseFormula("y != -2 ~ x").response, .notEquals("y", .number(-2)))
  }
}
