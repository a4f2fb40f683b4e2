import Foundation
import XCTest

@testable import SurvivalKit

/// The public entry point for a Swift script: a Cox model from arrays, printed like R.
/// Oracle: R 4.2.2, survival 3.5-3, `coxph(Surv(time, status) ~ x, data = aml)` (fixture
/// `Fixtures/cox/aml_x_efron.json` from `fixtures/R/cox_fixtures.R`).
final class CoxFromArraysTests: XCTestCase {
  /// The example target `CoxFromArrays` prints exactly this (numbers as R's
  /// `summary(coxph)`: coef 0.9155, se 0.5119, p 0.07371, concordance 0.619).
  static let expectedText = """
    Cox proportional hazards model: Surv(time, status) ~ xNonmaintained
    n = 23, events = 18, rows dropped for missing values: 0
    ties: efron; converged in 3 iterations

                     coef exp(coef) se(coef)     z Pr(>|z|)
    xNonmaintained 0.9155     2.498   0.5119 1.788  0.07371

                   exp(coef) exp(-coef) lower 0.95 upper 0.95
    xNonmaintained     2.498     0.4003     0.9159      6.813

    Concordance = 0.619 (se = 0.06318)
    Likelihood ratio test = 3.384 on 1 df, p = 0.06581
    Wald test             = 3.198 on 1 df, p = 0.07371
    Score (logrank) test  = 3.417 on 1 df, p = 0.06454
    Log partial likelihood: null -42.72, final -41.03
    """

  func testExampleScriptPrintsTheRLikeSummary() throws {
    let binary = URL(fileURLWithPath: TestSupport.survkitPath).deletingLastPathComponent()
      .appendingPathComponent("CoxFromArrays")
    let process = Process()
    process.executableURL = binary
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0, text)
    XCTAssertEqual(text, Self.expectedText + "\n")
  }

  /// The arrays give R's numbers, and the same fit as reading the CSV with a formula.
  func testArraysAgreeWithRAndWithTheTablePath() throws {
    let table = try CSVReader.read(path: TestSupport.dataset("aml.csv"))
    guard case .numeric(let time) = try table.column(named: "time").values,
      case .numeric(let status) = try table.column(named: "status").values,
      case .text(let levels, let codes) = try table.column(named: "x").values
    else { return XCTFail("aml columns") }
    let x = codes.map { levels[Int($0)] == "Nonmaintained" ? 1.0 : 0.0 }
    let fromArrays = try CoxModel.fit(
      time: time, status: status.map { Int($0) }, covariates: [x], names: ["xNonmaintained"])
    let fromTable = try CoxModel.fit(table: table, formula: Formula("Surv(time, status) ~ x"))
    XCTAssertEqual(fromArrays.coefficients.first?.coef, fromTable.coefficients.first?.coef)
    XCTAssertEqual(fromArrays.variance[0][0], fromTable.variance[0][0])
    XCTAssertEqual(fromArrays.loglik, fromTable.loglik)
    XCTAssertEqual(fromArrays.concordance?.estimate, fromTable.concordance?.estimate)
    // R: coef 0.9155325750147176, se 0.5119342751720054, loglik -41.02856 (fixture).
    let fixture =
      try JSONSerialization.jsonObject(
        with: Data(
          contentsOf: TestSupport.fixtures.appendingPathComponent("cox/aml_x_efron.json")))
      as! [String: Any]
    let coefficient = (fixture["coefficients"] as! [[String: Any]])[0]
    assertClose(
      fromArrays.coefficients[0].coef, (coefficient["coef"] as! NSNumber).doubleValue, tol: 1e-6,
      "coef")
    assertClose(
      fromArrays.coefficients[0].standardError, (coefficient["se"] as! NSNumber).doubleValue,
      tol: 1e-6, "se")
    XCTAssertEqual(fromArrays.description, Self.expectedText)
  }

  /// Strata, clusters, weights and start times from arrays; mismatched lengths are errors.
  func testArrayArgumentsAreChecked() throws {
    XCTAssertThrowsError(
      try CoxModel.fit(time: [1, 2, 3], status: [1, 0], covariates: [[1, 2, 3]], names: ["x"]))
    XCTAssertThrowsError(
      try CoxModel.fit(time: [1, 2, 3], status: [1, 0, 1], covariates: [[1, 2]], names: ["x"]))
    XCTAssertThrowsError(
      try CoxModel.fit(time: [1, 2, 3], status: [1, 2, 1], covariates: [[1, 2, 3]], names: ["x"]))
    XCTAssertThrowsError(
      try CoxModel.fit(
        time: [1, 2, 3], status: [1, 0, 1], covariates: [[1, .nan, 3]], names: ["x"]))
    XCTAssertThrowsError(
      try CoxModel.fit(
        time: [1, 2, 3], status: [1, 0, 1], covariates: [[1, 2, 3]], names: ["x"],
        weights: [1, 0, 1]))
    XCTAssertThrowsError(
      try CoxModel.fit(
        time: [2, 2, 3], status: [1, 0, 1], start: [0, 2, 1], covariates: [[1, 2, 3]],
        names: ["x"]))
  }

  /// Options that cannot apply are errors, not silently ignored.
  func testOptionsAreValidated() throws {
    var options = CoxOptions()
    options.maxIterations = -1
    XCTAssertThrowsError(
      try CoxModel.fit(
        time: [1, 2, 3], status: [1, 0, 1], covariates: [[1, 2, 4]], names: ["x"],
        options: options))
    options = CoxOptions()
    options.epsilon = 0
    XCTAssertThrowsError(
      try CoxModel.fit(
        time: [1, 2, 3], status: [1, 0, 1], covariates: [[1, 2, 4]], names: ["x"],
        options: options))
    options = CoxOptions()
    options.weights = "w"
    XCTAssertThrowsError(
      try CoxModel.fit(
        time: [1, 2, 3], status: [1, 0, 1], covariates: [[1, 2, 4]], names: ["x"],
        options: options))
  }
}
