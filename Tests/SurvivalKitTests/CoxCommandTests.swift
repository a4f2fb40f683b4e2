import Foundation
import XCTest

@testable import SurvivalKit

/// `survkit cox` end to end: the JSON schema, options and error messages.
final class CoxCommandTests: XCTestCase {
  func testJSONSchema() throws {
    let r = try TestSupport.runSurvkit([
      "cox", "datasets/veteran.csv", "Surv(time, status) ~ trt + celltype", "--reference",
      "celltype=squamous", "--zph", "--robust", "--format", "json",
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    for key in [
      "n", "events", "dropped", "ties", "iterations", "converged", "warnings", "loglik",
      "coefficients",
      "variance", "tests", "concordance", "zph", "references",
    ] {
      XCTAssertNotNil(json[key], key)
    }
    XCTAssertEqual((json["references"] as! [String: String])["celltype"], "squamous")
    let coefficients = json["coefficients"] as! [[String: Any]]
    XCTAssertEqual(
      coefficients.map { $0["term"] as! String },
      ["trt", "celltypeadeno", "celltypelarge", "celltypesmallcell"])
    XCTAssertEqual(
      Set(coefficients[0].keys),
      ["term", "coef", "hr", "se", "robust_se", "z", "p", "lower", "upper"])
    XCTAssertNotNil(coefficients[0]["robust_se"] as? Double)
    let tests = json["tests"] as! [String: [String: Any]]
    XCTAssertEqual(Set(tests.keys), ["likelihood_ratio", "wald", "score", "robust_score"])
    let zph = json["zph"] as! [String: Any]
    let terms = zph["terms"] as! [[String: Any]]
    XCTAssertEqual(terms.map { $0["term"] as! String }, ["trt", "celltype"])
    XCTAssertEqual(terms[1]["df"] as? Int, 3)
  }

  func testTableReadsLikeSummaryCoxph() throws {
    let r = try TestSupport.runSurvkit([
      "cox", "datasets/lung.csv", "Surv(time, status) ~ age + sex",
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.contains("coef exp(coef) se(coef)      z Pr(>|z|)"), r.stdout)
    XCTAssertTrue(
      r.stdout.contains("Likelihood ratio test = 14.12 on 2 df, p = 0.0008574"), r.stdout)
    XCTAssertTrue(r.stdout.contains("Concordance = 0.6029"), r.stdout)
  }

  func testWarningsAreShown() throws {
    let file = TestSupport.fixtures.appendingPathComponent("cox/data/collinear.csv").path
    let r = try TestSupport.runSurvkit([
      "cox", file, "Surv(time, status) ~ age + age2 + sex", "--format", "json",
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.contains("'age2' is aliased"))
    XCTAssertTrue(r.stdout.contains("\"coef\": null"))
  }

  func testErrors() throws {
    for (arguments, fragment) in [
      (["--ties", "fast"], "--ties must be efron, breslow or exact"),
      (["--reference", "sex"], "--reference takes var=level"),
      (["--reference", "sex=1"], "'sex' is numeric"),
      (["--weights", "nosuch"], "unknown column 'nosuch'"),
    ] {
      let r = try TestSupport.runSurvkit(
        ["cox", "datasets/lung.csv", "Surv(time, status) ~ age + sex"] + arguments)
      XCTAssertNotEqual(r.status, 0, "\(arguments)")
      XCTAssertTrue(r.stderr.contains(fragment), "\(arguments): \(r.stderr)")
    }
  }
}
