import Foundation
import SurvivalSupport
import XCTest

@testable import SurvivalKit

/// Cox residuals against R's `residuals.coxph` (fixtures from
/// `fixtures/R/cox_residuals_fixtures.R`, R 4.2.2, survival 3.5-3): every type, Efron,
/// Breslow and exact ties, strata, counting-process data, case weights and `collapse` by
/// cluster, on six data sets. Tolerance 1e-6 relative (the fit is iterative; the residuals
/// are exact given it).
final class CoxResidualsFixtureTests: XCTestCase {
  let tol = 1e-6

  func numbers(_ any: Any?) -> [Double?] {
    (any as! [Any]).map { ($0 as? NSNumber)?.doubleValue }
  }

  func fixtures() throws -> [(String, [String: Any])] {
    let folder = TestSupport.fixtures.appendingPathComponent("cox_residuals")
    return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
      .filter { $0.pathExtension == "json" }
      .sorted { $0.lastPathComponent < $1.lastPathComponent }
      .map {
        (
          $0.deletingPathExtension().lastPathComponent,
          try JSONSerialization.jsonObject(with: Data(contentsOf: $0)) as! [String: Any]
        )
      }
  }

  func fit(_ json: [String: Any]) throws -> CoxFit {
    let table = try CSVReader.read(path: TestSupport.dataset(json["dataset"] as! String))
    var options = CoxOptions()
    options.ties = CoxTies(rawValue: json["ties"] as! String)!
    options.weights = json["weights"] as? String
    return try CoxModel.fit(
      table: table, formula: Formula(json["formula"] as! String), options: options)
  }

  func compare(
    _ ours: CoxResiduals, _ expected: [String: Any], _ name: String
  ) {
    if let values = expected["values"] {
      let e = numbers(values)
      XCTAssertEqual(ours.columns, ["residual"], name)
      XCTAssertEqual(ours.count, e.count, "\(name) rows")
      for (k, (a, b)) in zip(ours.values[0], e).enumerated() {
        assertClose(a.isNaN ? nil : a, b, tol: tol, "\(name)[\(k)]")
      }
    } else {
      let terms = expected["terms"] as! [String: Any]
      XCTAssertEqual(Set(ours.columns), Set(terms.keys), name)
      for (j, column) in ours.columns.enumerated() {
        let e = numbers(terms[column])
        XCTAssertEqual(ours.values[j].count, e.count, "\(name) \(column) rows")
        for (k, (a, b)) in zip(ours.values[j], e).enumerated() {
          assertClose(a, b, tol: tol, "\(name) \(column)[\(k)]")
        }
      }
    }
    if let time = expected["time"] {
      for (k, (a, b)) in zip(ours.times ?? [], numbers(time)).enumerated() {
        assertClose(a, b, tol: 1e-12, "\(name) time[\(k)]")
      }
    }
    if let line = expected["line"] {
      XCTAssertEqual(ours.lines, numbers(line).map { Int($0!) }, "\(name) lines")
    }
    if let cluster = expected["cluster"] {
      XCTAssertEqual(
        ours.clusters, numbers(cluster).map { NumberFormatting.shortest($0!) }, "\(name) clusters")
    }
  }

  func testEveryFixture() throws {
    let all = try fixtures()
    XCTAssertGreaterThanOrEqual(all.count, 12)
    var checked = 0
    for (name, json) in all {
      let fit = try fit(json)
      let residuals = json["residuals"] as! [String: Any]
      for (type, expected) in residuals {
        let kind = try XCTUnwrap(CoxResiduals.Kind(rawValue: type))
        var entry = expected as! [String: Any]
        if !kind.isPerEvent { entry["line"] = json["line"] }
        compare(try fit.residuals(kind), entry, "\(name) \(type)")
        checked += 1
      }
      if let collapsed = json["collapsed"] as? [String: Any] {
        for (type, expected) in collapsed {
          let kind = try XCTUnwrap(CoxResiduals.Kind(rawValue: type))
          compare(
            try fit.residuals(kind, collapse: true), expected as! [String: Any],
            "\(name) collapsed \(type)")
          checked += 1
        }
      }
    }
    XCTAssertGreaterThanOrEqual(checked, 80)
  }

  func testExactTiesHaveNoScoreResiduals() throws {
    let table = try CSVReader.read(path: TestSupport.dataset("lung.csv"))
    var options = CoxOptions()
    options.ties = .exact
    let fit = try CoxModel.fit(
      table: table, formula: Formula("Surv(time, status) ~ age + sex"), options: options)
    assertThrows(try fit.residuals(.dfbeta), containing: ["exact ties", "efron or breslow"])
    let plain = try CoxModel.fit(
      table: table, formula: Formula("Surv(time, status) ~ age + sex"))
    assertThrows(try plain.residuals(.score, collapse: true), containing: ["cluster("])
    assertThrows(try plain.residuals(.schoenfeld, collapse: true), containing: ["events"])
  }

  /// Identities that hold by construction: the weighted score residuals sum to the score
  /// vector U(β̂) of the partial likelihood, and the weighted martingale residuals to zero
  /// (each event time hands out exactly its event weight among the risk set).
  func testSumsAtTheEstimate() throws {
    let table = try CSVReader.read(path: TestSupport.dataset("rossi.csv"))
    var options = CoxOptions()
    options.weights = "age"
    let fit = try CoxModel.fit(
      table: table, formula: Formula("Surv(week, arrest) ~ fin + prio"), options: options)
    let score = try fit.residuals(.score, weighted: true)
    let state = try XCTUnwrap(fit.state)
    let u = state.problem.evaluate(beta: state.betaScaled, ties: .efron).score
    for (j, column) in score.values.enumerated() {
      // U(β̂) is near zero, a difference of terms of size Σ|r_i|: compare at rounding level
      // relative to that size.
      let size = column.reduce(0) { $0 + abs($1) }
      XCTAssertEqual(
        column.reduce(0, +), u[j] / state.problem.scales[j], accuracy: 1e-12 * size, "U[\(j)]")
    }
    let martingale = try fit.residuals(.martingale, weighted: true)
    XCTAssertEqual(martingale.values[0].reduce(0, +), 0, accuracy: 1e-8)
  }
}
