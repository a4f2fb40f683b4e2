import Foundation
import XCTest

@testable import SurvivalKit

/// Firth's penalised Cox fit against PyPI's firthmodels 0.8.2 `FirthCoxPH` (validated by its
/// authors against R's coxphf; fixtures from `fixtures/python/firth_cox_fixtures.py`): estimates,
/// penalised log-likelihood, Wald SEs, profile penalised-likelihood limits and penalised LR
/// p-values on six data sets, one with a monotone likelihood and one where a group has no
/// events. Tolerance 1e-6 relative (both sides iterate).
final class CoxFirthFixtureTests: XCTestCase {
  let tol = 1e-6

  func testEveryFixture() throws {
    let folder = TestSupport.fixtures.appendingPathComponent("firth")
    let files = try FileManager.default.contentsOfDirectory(
      at: folder, includingPropertiesForKeys: nil
    ).filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
    XCTAssertGreaterThanOrEqual(files.count, 6)
    for file in files {
      let json = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
      let name = json["case"] as! String
      let dataset = json["dataset"] as! String
      let path =
        dataset.contains("/")
        ? folder.appendingPathComponent(dataset).path : TestSupport.dataset(dataset)
      var options = CoxOptions()
      options.firth = true
      let fit = try CoxModel.fit(
        table: try CSVReader.read(path: path), formula: Formula(json["formula"] as! String),
        options: options)
      XCTAssertTrue(fit.firth)
      XCTAssertTrue(fit.converged, name)
      XCTAssertEqual(fit.n, (json["n"] as! NSNumber).intValue, name)
      assertClose(fit.loglik, (json["loglik"] as! NSNumber).doubleValue, tol: tol, "\(name) loglik")
      let coefficients = json["coefficients"] as! [[String: Any]]
      XCTAssertEqual(fit.coefficients.map(\.term), coefficients.map { $0["term"] as! String })
      for (c, e) in zip(fit.coefficients, coefficients) {
        let w = "\(name) \(c.term)"
        func d(_ key: String) -> Double { (e[key] as! NSNumber).doubleValue }
        assertClose(c.coef, d("coef"), tol: tol, "\(w) coef")
        assertClose(c.standardError, d("se"), tol: tol, "\(w) se")
        assertClose(c.lower.map { Double.log($0) }, d("lower"), tol: tol, "\(w) lower")
        assertClose(c.upper.map { Double.log($0) }, d("upper"), tol: tol, "\(w) upper")
        assertClose(c.p, d("p"), tol: tol, "\(w) p")
      }
    }
  }

  /// The ordinary fit of the monotone data warns and names --firth; the Firth fit is finite.
  func testMonotoneWarningNamesFirth() throws {
    let path = TestSupport.fixtures.appendingPathComponent("cox/data/monotone.csv").path
    let table = try CSVReader.read(path: path)
    let formula = try Formula("Surv(time, status) ~ age + group")
    let ordinary = try CoxModel.fit(table: table, formula: formula)
    XCTAssertTrue(
      ordinary.warnings.contains { $0.contains("may be infinite") && $0.contains("--firth") })
    var options = CoxOptions()
    options.firth = true
    let firth = try CoxModel.fit(table: table, formula: formula, options: options)
    XCTAssertTrue(firth.warnings.isEmpty, "\(firth.warnings)")
    XCTAssertLessThan(firth.coefficients[1].coef!, 10)
  }

  /// The penalised score in closed form on a tiny data set (derivation below), checked against
  /// `evaluateFirth` and against a central difference of the penalised log-likelihood.
  ///
  /// One binary covariate x, no ties, times 1 < 2 < 3 < 4 with x = (1, 0, 1, 0) and all four
  /// events. With θ = e^β the risk sets are {1,2,3,4}, {2,3,4}, {3,4}, {4}; at a risk set with
  /// a members of x = 1 and b of x = 0, S0 = aθ + b, x̄ = aθ/S0 and the Breslow variance is
  /// V = x̄(1 - x̄) = abθ/S0². The last risk set ({4}) has V = 0. So
  ///   ℓ(β) = 2β - log(2θ+2) - log(θ+2) - log(θ+1),
  ///   U(β) = 2 - 2θ/(2θ+2) - θ/(θ+2) - θ/(θ+1),
  ///   I(β) = 4θ/(2θ+2)² + 2θ/(θ+2)² + θ/(θ+1)²,
  /// and for one covariate ½ tr(I⁻¹ ∂I/∂β) = ½ I'(β)/I(β), with (ab θ/(aθ+b)²)' =
  /// abθ(b - aθ)/(aθ+b)³:
  ///   I'(β) = 4θ(2 - 2θ)/(2θ+2)³ + 2θ(2 - θ)/(θ+2)³ + θ(1 - θ)/(θ+1)³.
  func testPenalisedScoreClosedForm() throws {
    let fit = try CoxModel.fit(
      time: [1, 2, 3, 4], status: [1, 1, 1, 1], covariates: [[1, 0, 1, 0]], names: ["x"],
      options: {
        var o = CoxOptions(); o.ties = .breslow; return o
      }())
    let problem = try XCTUnwrap(fit.state).problem
    let s = problem.scales[0]
    for beta in [-1.0, 0, 0.4, 2] {
      let theta = Double.exp(beta)
      let u = 2 - 2 * theta / (2 * theta + 2) - theta / (theta + 2) - theta / (theta + 1)
      let i =
        4 * theta / ((2 * theta + 2) * (2 * theta + 2)) + 2 * theta / ((theta + 2) * (theta + 2))
        + theta / ((theta + 1) * (theta + 1))
      let di =
        4 * theta * (2 - 2 * theta) / Double.pow(2 * theta + 2, 3)
        + 2 * theta * (2 - theta) / Double.pow(theta + 2, 3)
        + theta * (1 - theta) / Double.pow(theta + 1, 3)
      let expected = u + 0.5 * di / i
      // Scaled coordinates: β_s = β / s, U_s = U s (centring does not change U).
      let evaluation = try XCTUnwrap(problem.evaluateFirth(beta: [beta / s]))
      assertClose(evaluation.score[0] / s, expected, tol: 1e-12, "U*(\(beta))")
      assertClose(evaluation.information[0] / (s * s), i, tol: 1e-12, "I(\(beta))")
      // The score is the derivative of the penalised log-likelihood.
      let h = 1e-5
      let up = try XCTUnwrap(problem.evaluateFirth(beta: [(beta + h) / s])).loglik
      let down = try XCTUnwrap(problem.evaluateFirth(beta: [(beta - h) / s])).loglik
      XCTAssertEqual((up - down) / (2 * h), expected, accuracy: 1e-8)
    }
  }
}

/// Firth's penalised score on counting-process and stratified data (which firthmodels does
/// not fit) equals the central difference of the penalised log-likelihood, so the one-pass
/// trace formula holds there too.
final class CoxFirthDerivativeTests: XCTestCase {
  func testScoreIsTheGradientOnCountingProcessAndStrata() throws {
    for (file, formula) in [
      ("heart.csv", "Surv(start, stop, event) ~ age + surgery + transplant"),
      ("lung.csv", "Surv(time, status) ~ age + sex + strata(ph.ecog)"),
    ] {
      let fit = try CoxModel.fit(
        table: try CSVReader.read(path: TestSupport.dataset(file)), formula: Formula(formula))
      let problem = try XCTUnwrap(fit.state).problem
      let beta = (0..<problem.p).map { 0.3 - 0.2 * Double($0) }
      let at = try XCTUnwrap(problem.evaluateFirth(beta: beta))
      for j in 0..<problem.p {
        let h = 1e-5
        var up = beta
        var down = beta
        up[j] += h
        down[j] -= h
        let difference =
          (try XCTUnwrap(problem.evaluateFirth(beta: up)).loglik
            - XCTUnwrap(problem.evaluateFirth(beta: down)).loglik) / (2 * h)
        XCTAssertEqual(
          at.score[j], difference, accuracy: 1e-6 * max(1, abs(difference)), "\(file) \(j)")
      }
    }
  }
}

/// Profile-likelihood limits of ordinary Cox fits against R (`fixtures/R/cox_profile_fixtures.R`:
/// coxph with the coefficient held by an offset, roots by uniroot), Efron and Breslow, strata,
/// four data sets. Tolerance 1e-6 relative.
final class CoxProfileLimitTests: XCTestCase {
  func testEveryFixture() throws {
    let folder = TestSupport.fixtures.appendingPathComponent("cox_profile")
    let files = try FileManager.default.contentsOfDirectory(
      at: folder, includingPropertiesForKeys: nil
    ).filter { $0.pathExtension == "json" }
    XCTAssertGreaterThanOrEqual(files.count, 4)
    for file in files {
      let json = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
      var options = CoxOptions()
      options.ties = CoxTies(rawValue: json["ties"] as! String)!
      options.intervals = .profile
      let fit = try CoxModel.fit(
        table: try CSVReader.read(path: TestSupport.dataset(json["dataset"] as! String)),
        formula: Formula(json["formula"] as! String), options: options)
      XCTAssertEqual(fit.intervals, .profile)
      for (c, e) in zip(fit.coefficients, json["coefficients"] as! [[String: Any]]) {
        let w = "\(json["case"]!) \(c.term)"
        XCTAssertEqual(c.term, e["term"] as? String)
        assertClose(
          c.lower.map { Double.log($0) }, (e["lower"] as! NSNumber).doubleValue, tol: 1e-6,
          "\(w) lower")
        assertClose(
          c.upper.map { Double.log($0) }, (e["upper"] as! NSNumber).doubleValue, tol: 1e-6,
          "\(w) upper")
      }
    }
  }

  /// Under a monotone likelihood the profile limit on the diverging side is infinite (nil).
  func testMonotoneLimitIsInfinite() throws {
    let path = TestSupport.fixtures.appendingPathComponent("cox/data/monotone.csv").path
    var options = CoxOptions()
    options.intervals = .profile
    let fit = try CoxModel.fit(
      table: try CSVReader.read(path: path),
      formula: Formula("Surv(time, status) ~ age + group"), options: options)
    XCTAssertNotNil(fit.coefficients[1].lower)
    XCTAssertNil(fit.coefficients[1].upper)
  }
}
