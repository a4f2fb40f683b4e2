import XCTest

@testable import SurvivalKit

/// Closed forms at β = 0 for tiny data sets (one covariate, unscaled), where every risk set
/// is an average: ℓ(0) = -Σ log(risk-set terms), U(0) = Σ (x_event - x̄), I(0) = Σ var(x).
final class CoxDerivedTests: XCTestCase {
  let tol = 1e-12

  func problem(_ time: [Double], _ status: [UInt8], _ x: [Double]) -> CoxProblem {
    CoxProblem(
      columns: [x], time: time, entry: nil, status: status,
      weights: [Double](repeating: 1, count: time.count),
      strata: [Int32](repeating: 0, count: time.count), scale: false)
  }

  /// Times 1, 2, 3, 4; status 1, 1, 0, 1; x = 1, 0, 1, 0.
  /// t=1: risk set {1,0,1,0}, x̄ = 1/2, var 1/4; t=2: {0,1,0}, x̄ = 1/3, var 2/9; t=4: {0}.
  /// ℓ(0) = -log 4 - log 3 - log 1; U(0) = 1/2 - 1/3 + 0 = 1/6; I(0) = 1/4 + 2/9 = 17/36.
  func testNoTies() {
    let p = problem([1, 2, 3, 4], [1, 1, 0, 1], [1, 0, 1, 0])
    for ties in CoxTies.allCases {
      let e = ties == .exact ? p.evaluateExact(beta: [0]) : p.evaluate(beta: [0], ties: ties)
      assertClose(e.loglik, -log(12), tol: tol, "\(ties) loglik")
      assertClose(e.score[0], 1.0 / 6, tol: tol, "\(ties) score")
      assertClose(e.information[0], 17.0 / 36, tol: tol, "\(ties) information")
    }
  }

  /// Times 1, 1, 2, 3; status 1, 1, 1, 0; x = 1, 0, 1, 0 (two tied events at t = 1).
  /// Efron at t=1: parts with S0 = 4 and 4 - 2/2 = 3, both x̄ = 1/2, var 1/4; t=2: {1, 0}.
  ///   ℓ = -log(4·3·2), U = (1 + 0) - 2·(1/2) + (1 - 1/2) = 1/2, I = 3/4.
  /// Breslow at t=1: 2 × (log 4, x̄ = 1/2, var 1/4): ℓ = -2 log 4 - log 2, U = 1/2, I = 3/4.
  /// Exact at t=1: C(4,2) = 6 pairs with x-sums 2 (1 pair), 1 (4), 0 (1): mean 1,
  ///   variance 8/6 - 1 = 1/3: ℓ = -log 6 - log 2, U = 0 + 1/2, I = 1/3 + 1/4 = 7/12.
  func testTiedEvents() {
    let p = problem([1, 1, 2, 3], [1, 1, 1, 0], [1, 0, 1, 0])
    let efron = p.evaluate(beta: [0], ties: .efron)
    assertClose(efron.loglik, -log(24), tol: tol, "efron loglik")
    assertClose(efron.score[0], 0.5, tol: tol, "efron score")
    assertClose(efron.information[0], 0.75, tol: tol, "efron information")
    let breslow = p.evaluate(beta: [0], ties: .breslow)
    assertClose(breslow.loglik, -log(32), tol: tol, "breslow loglik")
    assertClose(breslow.score[0], 0.5, tol: tol, "breslow score")
    assertClose(breslow.information[0], 0.75, tol: tol, "breslow information")
    let exact = p.evaluateExact(beta: [0])
    assertClose(exact.loglik, -log(12), tol: tol, "exact loglik")
    assertClose(exact.score[0], 0.5, tol: tol, "exact score")
    assertClose(exact.information[0], 7.0 / 12, tol: tol, "exact information")
  }

  /// Counting process: (0,2] x=1 event; (0,3] x=0 censored; (1,4] x=1 event; (3,5] x=0 event.
  /// t=2: at risk rows 1, 2, 3 (start < 2 <= stop): x̄ = 2/3, var 2/9;
  /// t=4: rows 3, 4: x̄ = 1/2, var 1/4; t=5: row 4 only.
  /// ℓ = -log 3 - log 2 - log 1; U = (1 - 2/3) + (1 - 1/2) + 0 = 5/6; I = 2/9 + 1/4 = 17/36.
  func testCountingProcess() {
    let p = CoxProblem(
      columns: [[1, 0, 1, 0]], time: [2, 3, 4, 5], entry: [0, 0, 1, 3], status: [1, 0, 1, 1],
      weights: [1, 1, 1, 1], strata: [0, 0, 0, 0], scale: false)
    let e = p.evaluate(beta: [0], ties: .efron)
    assertClose(e.loglik, -log(6), tol: tol, "loglik")
    assertClose(e.score[0], 5.0 / 6, tol: tol, "score")
    assertClose(e.information[0], 17.0 / 36, tol: tol, "information")
  }
}
