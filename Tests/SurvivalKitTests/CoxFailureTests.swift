import Foundation
import XCTest

@testable import SurvivalKit

/// Each failure mode of a Cox fit gives a clear message, never a silent huge number or a crash.
final class CoxFailureTests: XCTestCase {
  func data(_ name: String) throws -> DataTable {
    try CSVReader.read(path: TestSupport.fixtures.appendingPathComponent("cox/data/\(name)").path)
  }

  func expected(_ name: String) throws -> [String: Any] {
    let url = TestSupport.fixtures.appendingPathComponent("cox/failures.json")
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    return (json["cases"] as! [[String: Any]]).first { $0["case"] as? String == name }!
  }

  /// R: "Loglik converged before variable 2; coefficient may be infinite."
  func testMonotoneLikelihoodIsReportedPerTerm() throws {
    let fit = try CoxModel.fit(
      table: data("monotone.csv"), formula: Formula("Surv(time, status) ~ age + group"))
    XCTAssertTrue(
      fit.warnings.contains { $0.contains("'group'") && $0.contains("may be infinite") },
      "\(fit.warnings)")
    XCTAssertFalse(fit.warnings.contains { $0.contains("'age'") })
    let r = try expected("monotone")
    XCTAssertEqual(fit.iterations, (r["iterations"] as! NSNumber).intValue)
    assertClose(
      fit.loglik, (r["loglik"] as! [String: NSNumber])["final"]!.doubleValue, tol: 1e-6, "loglik")
  }

  /// R gives age2 = 2 * age a coefficient of NA and fits the rest as age + sex.
  func testCollinearColumnIsDroppedAndNamed() throws {
    let fit = try CoxModel.fit(
      table: data("collinear.csv"), formula: Formula("Surv(time, status) ~ age + age2 + sex"))
    XCTAssertNil(fit.coefficients[1].coef)
    XCTAssertEqual(fit.coefficients[1].term, "age2")
    XCTAssertTrue(fit.warnings.contains { $0.contains("'age2' is aliased") })
    let r = try expected("collinear")
    let coefficients = r["coefficients"] as! [[String: Any]]
    for (c, e) in zip(fit.coefficients, coefficients) {
      assertClose(c.coef, (e["coef"] as? NSNumber)?.doubleValue, tol: 1e-6, c.term)
    }
    XCTAssertEqual(fit.likelihoodRatio.df, 2)
  }

  func testConstantColumnIsAliased() throws {
    let table = try TestSupport.table(
      "time,status,x,c\n1,1,0.5,3\n2,1,1.5,3\n3,0,0.2,3\n4,1,2.5,3\n5,1,0.1,3\n")
    let fit = try CoxModel.fit(table: table, formula: Formula("Surv(time, status) ~ x + c"))
    XCTAssertNil(fit.coefficients[1].coef)
    XCTAssertTrue(fit.warnings.contains { $0.contains("'c' is aliased") })
  }

  func testNoEventsOneLevelFactorAndNoCovariates() throws {
    let none = try TestSupport.table("time,status,x\n1,0,1\n2,0,2\n")
    assertThrows(
      try CoxModel.fit(table: none, formula: Formula("Surv(time, status) ~ x")),
      containing: ["no events"])
    let one = try TestSupport.table("time,status,g\n1,1,a\n2,0,a\n3,1,a\n")
    assertThrows(
      try CoxModel.fit(table: one, formula: Formula("Surv(time, status) ~ g")),
      containing: ["one level", "'g'"])
    let table = try TestSupport.table("time,status,x\n1,1,1\n2,0,2\n")
    assertThrows(
      try CoxModel.fit(table: table, formula: Formula("Surv(time, status) ~ 1")),
      containing: ["at least one covariate"])
  }

  func testNonConvergenceIsAWarning() throws {
    var options = CoxOptions()
    options.maxIterations = 1
    let fit = try CoxModel.fit(
      table: CSVReader.read(path: TestSupport.dataset("lung.csv")),
      formula: Formula("Surv(time, status) ~ age + sex"),
      options: options)
    XCTAssertFalse(fit.converged)
    XCTAssertTrue(fit.warnings.contains { $0.contains("did not converge in 1 iterations") })
  }

  func testBadReferenceAndWeights() throws {
    let veteran = try CSVReader.read(path: TestSupport.dataset("veteran.csv"))
    var options = CoxOptions()
    options.references = ["celltype": "huge"]
    assertThrows(
      try CoxModel.fit(
        table: veteran, formula: Formula("Surv(time, status) ~ celltype"), options: options),
      containing: ["'huge' is not a level of 'celltype'", "'adeno'"])
    options.references = ["trt": "1"]
    assertThrows(
      try CoxModel.fit(
        table: veteran, formula: Formula("Surv(time, status) ~ celltype + trt"), options: options),
      containing: ["'trt' is numeric"])
    let table = try TestSupport.table("time,status,x,w\n1,1,1,1\n2,1,2,0\n3,0,1,1\n")
    var weighted = CoxOptions()
    weighted.weights = "w"
    assertThrows(
      try CoxModel.fit(table: table, formula: Formula("Surv(time, status) ~ x"), options: weighted),
      containing: ["line 3", "'w'", "not positive"])
  }
}
