import XCTest

@testable import SurvivalKit

final class FormulaTests: XCTestCase {
  func testSimpleAndGrouped() throws {
    let f = try Formula("Surv(time, status) ~ 1")
    XCTAssertEqual(f.response.stop, "time")
    XCTAssertEqual(f.response.status, .column("status"))
    XCTAssertTrue(f.terms.isEmpty)
    let g = try Formula("Surv(time, status) ~ sex + trt + strata(centre)")
    XCTAssertEqual(g.groupingVariables, ["sex", "trt", "centre"])
    XCTAssertEqual(g.strata, ["centre"])
  }

  func testStatusExpressionsAndCountingProcess() throws {
    XCTAssertEqual(
      try Formula("Surv(time, status == 2) ~ 1").response.status, .equalsNumber("status", 2))
    XCTAssertEqual(
      try Formula("Surv(time, outcome == \"dead\") ~ 1").response.status,
      .equalsText("outcome", "dead"))
    let cp = try Formula("Surv(start, stop, event) ~ x")
    XCTAssertEqual(cp.response.start, "start")
    XCTAssertEqual(cp.response.stop, "stop")
  }

  /// Terms are ordered by degree, main effects first, as R's terms() orders them.
  func testInteractionsLogClusterAndBackquotes() throws {
    let f = try Formula("Surv(t, s) ~ a*b + log(gd2) + cluster(id) + `нозология`")
    XCTAssertEqual(f.terms.map(\.description), ["a", "b", "log(gd2)", "нозология", "a:b"])
    XCTAssertEqual(f.cluster, "id")
  }

  func testErrorsShowACaret() {
    assertThrows(
      try Formula("Surv(time, status) sex"),
      containing: ["expected '~'", "\n" + String(repeating: " ", count: 2 + 19) + "^"])
    assertThrows(try Formula("Surv(time) ~ 1"), containing: ["(time, status)"])
    assertThrows(
      try Formula("time ~ sex"), containing: ["starts with Surv(time, status)", "\n  ^"])
    assertThrows(
      try Formula("Surv(time, status) ~ foo(x)"), containing: ["unknown function 'foo()'"])
    assertThrows(
      try Formula("Surv(time, status) ~ sex +"), containing: ["expected a variable name"])
  }
}

extension FormulaTests {
  /// x*x = x + x + x:x, and x:x is x (R's simplification).
  func testRepeatedVariableInATermIsTheVariable() throws {
    XCTAssertEqual(try Formula("Surv(t, s) ~ x*x").terms.map(\.description), ["x"])
    XCTAssertEqual(try Formula("Surv(t, s) ~ a:a + b").terms.map(\.description), ["a", "b"])
  }
}
