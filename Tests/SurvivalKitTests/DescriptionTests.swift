import Foundation
import XCTest

@testable import SurvivalKit

/// `print(result)` in a Swift script shows exactly what the CLI's `table` format prints.
final class DescriptionTests: XCTestCase {
  func cli(_ arguments: [String]) throws -> String {
    let run = try TestSupport.runSurvkit(arguments)
    XCTAssertEqual(run.status, 0, run.stderr)
    return run.stdout
  }

  func testKaplanMeierPrintsAsTheCLI() throws {
    let path = TestSupport.dataset("lung.csv")
    let formula = "Surv(time, status) ~ sex"
    let fit = try KaplanMeier.fit(
      SurvivalSample(table: CSVReader.read(path: path), formula: Formula(formula)))
    XCTAssertEqual(fit.description + "\n", try cli(["km", path, formula]))
  }

  func testLogRankPrintsAsTheCLI() throws {
    let path = TestSupport.dataset("veteran.csv")
    let formula = "Surv(time, status) ~ celltype"
    let test = try LogRank.test(
      SurvivalSample(table: CSVReader.read(path: path), formula: Formula(formula)))
    XCTAssertEqual(test.description + "\n", try cli(["logrank", path, formula]))
  }

  func testCoxAndZPHPrintAsTheCLI() throws {
    let path = TestSupport.dataset("lung.csv")
    let formula = "Surv(time, status) ~ age + sex"
    let fit = try CoxModel.fit(table: CSVReader.read(path: path), formula: Formula(formula))
    XCTAssertEqual(fit.description + "\n", try cli(["cox", path, formula]))
    let zph = try CoxZPH.test(fit: fit)
    let withZPH = try cli(["cox", path, formula, "--zph"])
    XCTAssertTrue(withZPH.contains(zph.description + "\n"), withZPH)
    XCTAssertTrue(withZPH.contains(fit.concordance!.description + "\n"), withZPH)
  }
}
