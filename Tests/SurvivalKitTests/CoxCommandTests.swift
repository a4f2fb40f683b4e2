import Foundation
import XCTest

@testable import SurvivalKit

/// `survkit cox` end to end: the JSON schema, options and error messages.
final class CoxCommandTests: XCTestCase {
  /// The CLI's heap policy (`MemoryPolicy`: large blocks from the heap, reused between phases)
  /// changes where memory comes from, never a result: the output equals glibc's defaults' byte
  /// for byte.
  func testHeapPolicyDoesNotChangeOutput() throws {
    let arguments = [
      "cox", "datasets/lung.csv", "Surv(time, status) ~ age + sex + ph.ecog", "--robust",
      "--format", "json",
    ]
    let policy = try TestSupport.runSurvkit(arguments)
    let defaults = try TestSupport.runSurvkit(arguments, environment: ["SURVKIT_MALLOC": "default"])
    XCTAssertEqual(policy.status, 0, policy.stderr)
    XCTAssertEqual(policy.stdout, defaults.stdout)
    XCTAssertFalse(policy.stdout.isEmpty)
  }

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

/// `survkit cox --residuals`: CSV and JSON layouts, values equal to the library's (which the
/// R fixtures check).
final class CoxResidualsCommandTests: XCTestCase {
  func testCSVHasOneRowPerInputRowWithItsLine() throws {
    let r = try TestSupport.runSurvkit([
      "cox", "datasets/lung.csv", "Surv(time, status) ~ age + sex + ph.ecog", "--residuals",
      "dfbeta", "--format", "csv",
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    let rows = r.stdout.split(separator: "\n")
    XCTAssertEqual(rows.first, "line,age,sex,ph.ecog")
    XCTAssertEqual(rows.count, 1 + 227)  // one row dropped for a missing ph.ecog
    let table = try CSVReader.read(path: TestSupport.dataset("lung.csv"))
    let fit = try CoxModel.fit(
      table: table, formula: Formula("Surv(time, status) ~ age + sex + ph.ecog"))
    let expected = try fit.residuals(.dfbeta)
    let fields = rows[5].split(separator: ",").map { Double($0)! }
    XCTAssertEqual(Int(fields[0]), expected.lines![4])
    for j in 0..<3 { XCTAssertEqual(fields[j + 1], expected.values[j][4]) }
  }

  func testSchoenfeldCSVHasTimeAndJSONHasResiduals() throws {
    let csv = try TestSupport.runSurvkit([
      "cox", "datasets/veteran.csv", "Surv(time, status) ~ trt + karno", "--residuals",
      "schoenfeld", "--format", "csv",
    ])
    XCTAssertEqual(csv.status, 0, csv.stderr)
    let rows = csv.stdout.split(separator: "\n")
    XCTAssertEqual(rows.first, "line,time,trt,karno")
    XCTAssertEqual(rows.count, 1 + 128)  // 128 events
    let json = try TestSupport.runSurvkit([
      "cox", "datasets/lung.csv", "Surv(time, status) ~ age + sex + cluster(inst)",
      "--residuals", "martingale", "--collapse", "--format", "json",
    ])
    XCTAssertEqual(json.status, 0, json.stderr)
    let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
    let residuals = object["residuals"] as! [String: Any]
    XCTAssertEqual(residuals["type"] as? String, "martingale")
    XCTAssertEqual((residuals["cluster"] as! [String]).count, 18)
    XCTAssertEqual((residuals["values"] as! [Any]).count, 18)
    XCTAssertNil(residuals["line"])
  }

  func testErrors() throws {
    for (arguments, fragment) in [
      (["--residuals", "pearson"], "--residuals must be one of martingale"),
      (["--collapse"], "give --residuals TYPE"),
      (["--residuals", "score", "--collapse"], "no cluster() term"),
      (["--residuals", "dfbeta", "--ties", "exact"], "not available for exact ties"),
    ] {
      let r = try TestSupport.runSurvkit(
        ["cox", "datasets/lung.csv", "Surv(time, status) ~ age + sex"] + arguments)
      XCTAssertNotEqual(r.status, 0, "\(arguments)")
      XCTAssertTrue(r.stderr.contains(fragment), "\(arguments): \(r.stderr)")
    }
  }
}

/// `survkit cox --predict`: the JSON `predictions` schema, the values of the library (which
/// the R fixtures check), the SVG and the errors.
final class CoxPredictCommandTests: XCTestCase {
  func testJSONPredictionsAndFigure() throws {
    let svg = FileManager.default.temporaryDirectory
      .appendingPathComponent("survkit-predict-\(UUID().uuidString).svg").path
    let r = try TestSupport.runSurvkit([
      "cox", "datasets/veteran.csv", "Surv(time, status) ~ trt + celltype + karno", "--predict",
      "trt=1,celltype=large,karno=60", "--predict", "trt=2,celltype=squamous,karno=90",
      "--times", "30,90,365", "--plot", svg, "--format", "json",
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    let predictions = json["predictions"] as! [[String: Any]]
    XCTAssertEqual(predictions.count, 2)
    for key in [
      "profile", "time", "n_risk", "n_event", "survival", "std_err", "lower", "upper", "cumhaz",
      "at",
    ] {
      XCTAssertNotNil(predictions[0][key], key)
    }
    XCTAssertEqual(
      predictions[0]["profile"] as? [String: String],
      ["trt": "1", "celltype": "large", "karno": "60"])
    let at = predictions[1]["at"] as! [String: Any]
    let fixture =
      try JSONSerialization.jsonObject(
        with: Data(
          contentsOf: TestSupport.fixtures.appendingPathComponent(
            "cox_predict/veteran_full_efron.json"))) as! [String: Any]
    let expected =
      (((fixture["predictions"] as! [[String: Any]])[1]["curves"] as! [[String: Any]])[0]["at"]
      as! [String: Any])["survival"] as! [Double]
    for (a, e) in zip(at["survival"] as! [Double], expected) {
      assertClose(a, e, tol: 1e-6, "survival at")
    }
    let figure = try String(contentsOfFile: svg, encoding: .utf8)
    XCTAssertTrue(figure.hasPrefix("<?xml"))
    XCTAssertTrue(figure.contains("trt=2, celltype=squamous, karno=90"))
    try? FileManager.default.removeItem(atPath: svg)
  }

  func testErrors() throws {
    for (arguments, fragment) in [
      (["--predict", "age=60,sex=1,gd2=40"], "'gd2' is not a covariate"),
      (["--predict", "age=60"], "no value for 'sex'"),
      (["--predict", "age=60,sex=1", "--times", "1,x"], "'x' is not one"),
      (["--times", "100"], "give --predict too"),
      (["--predict", "age=60,sex=1", "--conf-type", "wide"], "--conf-type must be"),
    ] {
      let r = try TestSupport.runSurvkit(
        ["cox", "datasets/lung.csv", "Surv(time, status) ~ age + sex"] + arguments)
      XCTAssertNotEqual(r.status, 0, "\(arguments)")
      XCTAssertTrue(r.stderr.contains(fragment), "\(arguments): \(r.stderr)")
    }
  }
}

/// `survkit cox --firth` and `--ci profile`: JSON method, limits and p equal to the library's
/// (which the firthmodels and R fixtures check), the table's method line, errors.
final class CoxFirthCommandTests: XCTestCase {
  func testFirthJSONAndTable() throws {
    let file = TestSupport.fixtures.appendingPathComponent("cox/data/monotone.csv").path
    let r = try TestSupport.runSurvkit([
      "cox", file, "Surv(time, status) ~ age + group", "--firth", "--format", "json",
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    XCTAssertEqual(json["method"] as? String, "firth")
    XCTAssertEqual(json["intervals"] as? String, "profile")
    XCTAssertEqual(json["ties"] as? String, "breslow")
    let fixture =
      try JSONSerialization.jsonObject(
        with: Data(
          contentsOf: TestSupport.fixtures.appendingPathComponent(
            "firth/monotone_age_group.json"))) as! [String: Any]
    for (c, e) in zip(
      json["coefficients"] as! [[String: Any]], fixture["coefficients"] as! [[String: Any]])
    {
      assertClose(c["coef"] as? Double, e["coef"] as? Double, tol: 1e-6, "coef")
      assertClose(
        (c["lower"] as? Double).map { Double.log($0) }, e["lower"] as? Double, tol: 1e-6, "lower")
      assertClose(c["p"] as? Double, e["p"] as? Double, tol: 1e-6, "p")
    }
    let table = try TestSupport.runSurvkit(["cox", file, "Surv(time, status) ~ age + group"])
    XCTAssertTrue(table.stdout.contains("(--firth)"), table.stdout)
    let firth = try TestSupport.runSurvkit([
      "cox", file, "Surv(time, status) ~ age + group", "--firth",
    ])
    XCTAssertTrue(firth.stdout.contains("method: Firth's penalised likelihood"), firth.stdout)
  }

  func testProfileAndErrors() throws {
    let r = try TestSupport.runSurvkit([
      "cox", "datasets/lung.csv", "Surv(time, status) ~ age + sex", "--ci", "profile",
      "--format", "json",
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    XCTAssertEqual(json["intervals"] as? String, "profile")
    let lower = (json["coefficients"] as! [[String: Any]])[1]["lower"] as! Double
    assertClose(Double.log(lower), -0.8484945177445709, tol: 1e-6, "sex lower (R fixture)")
    for (arguments, fragment) in [
      (["--ci", "exact"], "--ci must be wald or profile"),
      (["--firth", "--ci", "wald"], "drop --ci wald"),
      (["--firth", "--weights", "age"], "does not take case weights"),
    ] {
      let bad = try TestSupport.runSurvkit(
        ["cox", "datasets/lung.csv", "Surv(time, status) ~ age + sex"] + arguments)
      XCTAssertNotEqual(bad.status, 0, "\(arguments)")
      XCTAssertTrue(bad.stderr.contains(fragment), "\(arguments): \(bad.stderr)")
    }
  }
}

/// `survkit cox` with an ns() term: the non-linearity test in JSON (equal to the R fixture)
/// and the table, and the spline figure.
final class CoxSplineCommandTests: XCTestCase {
  func testNonlinearityAndFigure() throws {
    let svg = FileManager.default.temporaryDirectory
      .appendingPathComponent("survkit-spline-\(UUID().uuidString).svg").path
    let r = try TestSupport.runSurvkit([
      "cox", "datasets/lung.csv", "Surv(time, status) ~ ns(age, df = 3) + sex", "--format",
      "json", "--spline-plot", svg,
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    let spline = (json["splines"] as! [[String: Any]])[0]
    let test = spline["nonlinearity"] as! [String: Any]
    assertClose(test["chisq"] as? Double, 1.9244056163151981, tol: 1e-6, "chisq (R fixture)")
    XCTAssertTrue(try String(contentsOfFile: svg, encoding: .utf8).contains("non-linearity"))
    try? FileManager.default.removeItem(atPath: svg)
    let table = try TestSupport.runSurvkit([
      "cox", "datasets/lung.csv", "Surv(time, status) ~ ns(age, df = 3) + sex",
    ])
    XCTAssertTrue(table.stdout.contains("Non-linearity of ns(age, df = 3)"), table.stdout)
    let bad = try TestSupport.runSurvkit([
      "cox", "datasets/lung.csv", "Surv(time, status) ~ age + sex", "--spline-plot", svg,
    ])
    XCTAssertNotEqual(bad.status, 0)
    XCTAssertTrue(bad.stderr.contains("no ns() or pspline() term"), bad.stderr)
  }
}
