import Foundation
import XCTest

@testable import SurvivalKit

/// `survkit logrank` end to end.
final class LogRankCommandTests: XCTestCase {
  func testJSONSchemaAndOptions() throws {
    let r = try TestSupport.runSurvkit([
      "logrank", "datasets/lung.csv", "Surv(time, status) ~ ph.ecog", "--trend", "--pairwise",
      "--adjust", "bh", "--format", "json",
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    for key in [
      "test", "weight", "chisq", "df", "p", "groups", "variance", "trend", "pairwise", "dropped",
    ] {
      XCTAssertNotNil(json[key], key)
    }
    XCTAssertEqual(json["test"] as? String, "log-rank")
    XCTAssertEqual(json["dropped"] as? Int, 1)
    let groups = json["groups"] as! [[String: Any]]
    XCTAssertEqual(groups.count, 4)
    XCTAssertEqual(Set(groups[0].keys), ["label", "n", "events", "observed", "expected"])
    let pairwise = json["pairwise"] as! [String: Any]
    XCTAssertEqual(pairwise["adjust"] as? String, "bh")
    XCTAssertEqual((pairwise["pairs"] as! [Any]).count, 6)
  }

  func testTableReadsLikeSurvdiff() throws {
    let r = try TestSupport.runSurvkit(["logrank", "datasets/lung.csv", "Surv(time, status) ~ sex"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.contains("N Observed Expected (O-E)^2/E (O-E)^2/V"))
    XCTAssertTrue(r.stdout.contains("Chisq = 10.33 on 1 degree of freedom, p = 0.001311"))
  }

  func testWeightedTestsAreNamed() throws {
    for (arguments, name) in [
      (["--test", "gehan"], "Gehan-Breslow"), (["--test", "tarone-ware"], "Tarone-Ware"),
      (["--test", "peto-peto"], "Peto-Peto"), (["--rho", "1"], "G-rho (rho = 1)"),
      (["--test", "fh", "--rho", "0", "--gamma", "1"], "Fleming-Harrington (p = 0, q = 1)"),
    ] {
      let r = try TestSupport.runSurvkit(
        ["logrank", "datasets/lung.csv", "Surv(time, status) ~ sex", "--format", "json"] + arguments
      )
      XCTAssertEqual(r.status, 0, r.stderr)
      XCTAssertTrue(
        r.stdout.contains("\"test\": \"\(name)"), "\(arguments): \(r.stdout.prefix(200))")
    }
  }

  func testErrors() throws {
    let r = try TestSupport.runSurvkit(["logrank", "datasets/lung.csv", "Surv(time, status) ~ 1"])
    XCTAssertNotEqual(r.status, 0)
    XCTAssertTrue(r.stderr.contains("one group"), r.stderr)
    let g = try TestSupport.runSurvkit([
      "logrank", "datasets/lung.csv", "Surv(time, status) ~ sex", "--gamma", "1",
    ])
    XCTAssertNotEqual(g.status, 0)
    XCTAssertTrue(g.stderr.contains("--gamma applies to --test fh only"), g.stderr)
    let s = try TestSupport.runSurvkit([
      "logrank", "datasets/lung.csv", "Surv(time, status) ~ sex", "--trend", "--scores", "inst",
    ])
    XCTAssertNotEqual(s.status, 0)
    XCTAssertTrue(s.stderr.contains("constant within a group"), s.stderr)
  }
}
