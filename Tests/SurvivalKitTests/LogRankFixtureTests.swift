import Foundation
import XCTest

@testable import SurvivalKit

/// Log-rank tests against R's `survdiff` (fixtures from `fixtures/R/logrank_fixtures.R`,
/// R 4.2.2, survival 3.5-3): observed, expected, variance, chi-square, df and p, stratified and
/// G-rho cases, trend (from survdiff's O - E and variance) and pairwise tests with
/// `p.adjust` Holm and BH. Tolerance 1e-8 relative (no iteration).
final class LogRankFixtureTests: XCTestCase {
  let tol = 1e-8

  func d(_ any: Any?) -> Double? { (any as? NSNumber)?.doubleValue }

  func testEveryFixture() throws {
    let folder = TestSupport.fixtures.appendingPathComponent("logrank")
    let files = try FileManager.default.contentsOfDirectory(
      at: folder, includingPropertiesForKeys: nil
    )
    .filter { $0.pathExtension == "json" && !$0.lastPathComponent.hasPrefix("lifelines") }
    .sorted { $0.lastPathComponent < $1.lastPathComponent }
    XCTAssertGreaterThanOrEqual(files.count, 15)
    for url in files {
      let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
      try check(json, name: url.deletingPathExtension().lastPathComponent)
    }
  }

  func check(_ json: [String: Any], name: String) throws {
    let table = try CSVReader.read(path: TestSupport.dataset(json["dataset"] as! String))
    let formula = try Formula(json["formula"] as! String)
    let sample = try SurvivalSample(table: table, formula: formula)
    let rho = d(json["rho"])!
    let weight: LogRankWeight = rho == 0 ? .logRank : .gRho(rho)
    let test = try LogRank.test(sample, weight: weight)
    XCTAssertEqual(sample.count, (json["n"] as! NSNumber).intValue, "\(name) n")
    XCTAssertEqual(sample.dropped, (json["dropped"] as! NSNumber).intValue, "\(name) dropped")
    let groups = json["groups"] as! [[String: Any]]
    XCTAssertEqual(
      test.groups.map(\.label), groups.map { $0["label"] as! String }, "\(name) labels")
    for (g, e) in zip(test.groups, groups) {
      XCTAssertEqual(g.n, (e["n"] as! NSNumber).intValue, "\(name) \(g.label) n")
      assertClose(g.observed, d(e["observed"]), tol: tol, "\(name) \(g.label) observed")
      assertClose(g.expected, d(e["expected"]), tol: tol, "\(name) \(g.label) expected")
    }
    let variance = json["variance"] as! [[Any]]
    for a in 0..<variance.count {
      for b in 0..<variance.count {
        assertClose(test.variance[a][b], d(variance[a][b]), tol: tol, "\(name) var[\(a),\(b)]")
      }
    }
    assertClose(test.chisq, d(json["chisq"]), tol: tol, "\(name) chisq")
    XCTAssertEqual(test.df, (json["df"] as! NSNumber).intValue, "\(name) df")
    assertClose(test.p, d(json["p"]), tol: tol, "\(name) p")
    if let trend = json["trend"] as? [String: Any] {
      let scores = (trend["scores"] as! [NSNumber]).map(\.doubleValue)
      let ours = try LogRankTrend(test: test, scores: scores)
      assertClose(ours.statistic, d(trend["statistic"]), tol: tol, "\(name) trend")
      assertClose(ours.p, d(trend["p"]), tol: tol, "\(name) trend p")
    }
    if let pairwise = json["pairwise"] as? [String: Any] {
      let pairs = pairwise["pairs"] as! [[String: Any]]
      let holm = try LogRankPairwise(sample, weight: weight, adjustment: .holm)
      let bh = try LogRankPairwise(sample, weight: weight, adjustment: .bh)
      XCTAssertEqual(holm.pairs.count, pairs.count)
      for (k, e) in pairs.enumerated() {
        XCTAssertEqual(holm.pairs[k].group1, e["group1"] as? String)
        XCTAssertEqual(holm.pairs[k].group2, e["group2"] as? String)
        assertClose(holm.pairs[k].chisq, d(e["chisq"]), tol: tol, "\(name) pair \(k) chisq")
        assertClose(holm.pairs[k].p, d(e["p"]), tol: tol, "\(name) pair \(k) p")
        assertClose(holm.pairs[k].pAdjusted, d(e["p_adjusted"]), tol: tol, "\(name) pair \(k) holm")
        assertClose(bh.pairs[k].pAdjusted, d(e["p_adjusted_bh"]), tol: tol, "\(name) pair \(k) BH")
      }
    }
  }

  /// The weights R's survdiff lacks, on lung ~ sex, against lifelines 0.30.3's
  /// `logrank_test(weightings=...)` (a peer, agreeing with R where both exist: its plain and
  /// FH(1, 0) statistics equal survdiff's rho = 0 and rho = 1 to 15 digits). The weights
  /// themselves are checked by the hand derivation in `LogRankDerivedTests`.
  func testOtherWeightsAgreeWithLifelines() throws {
    let url = TestSupport.fixtures.appendingPathComponent("logrank/lifelines_lung_sex_weights.json")
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    let table = try CSVReader.read(path: TestSupport.dataset("lung.csv"))
    let sample = try SurvivalSample(table: table, formula: Formula("Surv(time, status) ~ sex"))
    let cases: [(String, LogRankWeight)] = [
      ("logrank", .logRank), ("wilcoxon", .gehanBreslow), ("tarone-ware", .taroneWare),
      ("peto", .petoPeto), ("fleming-harrington_p1_q0", .flemingHarrington(p: 1, q: 0)),
      ("fleming-harrington_p0_q1", .flemingHarrington(p: 0, q: 1)),
    ]
    for (key, weight) in cases {
      let test = try LogRank.test(sample, weight: weight)
      let expected = json[key] as! [String: Any]
      assertClose(test.chisq, d(expected["statistic"]), tol: tol, "\(key) statistic")
      assertClose(test.p, d(expected["p"]), tol: tol, "\(key) p")
    }
  }
}
