import Foundation
import XCTest

@testable import SurvivalKit

/// Simon's two-stage designs against the published tables of Simon (1989), Controlled Clinical
/// Trials 10, 1–10 (Tables 1 and 2: r₁/n₁, r/n, EN(p₀), PET(p₀) for the optimal and minimax
/// designs), and every reported operating characteristic re-derived by exact binomial
/// enumeration written here (a double sum over both stages' outcomes, independent of the
/// library's code).
final class SimonTwoStageTests: XCTestCase {
  /// (p0, p1, alpha, beta, optimal r1, n1, r, n, EN, PET, minimax r1, n1, r, n, EN, PET), as
  /// printed (EN to 1 decimal, PET to 2).
  let published: [(Double, Double, Double, Double, [Int], Double, Double, [Int], Double, Double)] =
    [
      (0.05, 0.25, 0.10, 0.10, [0, 9, 2, 24], 14.5, 0.63, [0, 13, 2, 20], 16.4, 0.51),
      (0.05, 0.25, 0.05, 0.20, [0, 9, 2, 17], 12.0, 0.63, [0, 12, 2, 16], 13.8, 0.54),
      (0.05, 0.25, 0.05, 0.10, [0, 9, 3, 30], 16.8, 0.63, [0, 15, 3, 25], 20.4, 0.46),
      (0.10, 0.30, 0.05, 0.20, [1, 10, 5, 29], 15.0, 0.74, [1, 15, 5, 25], 19.5, 0.55),
      (0.10, 0.30, 0.05, 0.10, [2, 18, 6, 35], 22.5, 0.73, [2, 22, 6, 33], 26.2, 0.62),
      (0.20, 0.40, 0.05, 0.20, [3, 13, 12, 43], 20.6, 0.75, [4, 18, 10, 33], 22.3, 0.72),
      (0.20, 0.40, 0.05, 0.10, [4, 19, 15, 54], 30.4, 0.67, [5, 24, 13, 45], 31.2, 0.66),
      (0.30, 0.50, 0.05, 0.20, [5, 15, 18, 46], 23.6, 0.72, [6, 19, 16, 39], 25.7, 0.67),
      (0.30, 0.50, 0.05, 0.10, [8, 24, 24, 63], 34.7, 0.73, [7, 24, 21, 53], 36.6, 0.56),
      (0.40, 0.60, 0.05, 0.20, [7, 16, 23, 46], 24.5, 0.72, [17, 34, 20, 39], 34.4, 0.91),
      (0.05, 0.20, 0.05, 0.20, [0, 10, 3, 29], 17.6, 0.60, [0, 13, 3, 27], 19.8, 0.51),
      (0.10, 0.25, 0.05, 0.20, [2, 18, 7, 43], 24.7, 0.73, [2, 22, 7, 40], 28.8, 0.62),
    ]

  /// R(p), PET(p), EN(p) by summing P(X₁ = a) P(X₂ = b) over every (a, b).
  func enumerate(_ d: SimonTwoStage.Design, p: Double) -> (reject: Double, pet: Double, en: Double)
  {
    func choose(_ n: Int, _ k: Int) -> Double {
      var c = 1.0
      for i in 0..<k { c = c * Double(n - i) / Double(i + 1) }
      return c
    }
    func b(_ k: Int, _ n: Int) -> Double {
      choose(n, k) * pow(p, Double(k)) * pow(1 - p, Double(n - k))
    }
    var reject = 0.0
    var pet = 0.0
    for a in 0...d.n1 {
      if a <= d.r1 {
        pet += b(a, d.n1)
        continue
      }
      for c in 0...(d.n - d.n1) where a + c > d.r { reject += b(a, d.n1) * b(c, d.n - d.n1) }
    }
    return (reject, pet, Double(d.n1) + (1 - pet) * Double(d.n - d.n1))
  }

  func testPublishedTable() throws {
    XCTAssertGreaterThanOrEqual(published.count, 10)
    for (p0, p1, alpha, beta, opt, en, pet, mm, enM, petM) in published {
      let s = try SimonTwoStage(p0: p0, p1: p1, alpha: alpha, power: 1 - beta)
      let label = "p0 \(p0) p1 \(p1) alpha \(alpha) beta \(beta)"
      XCTAssertEqual([s.optimal.r1, s.optimal.n1, s.optimal.r, s.optimal.n], opt, "\(label) optimal")
      XCTAssertEqual([s.minimax.r1, s.minimax.n1, s.minimax.r, s.minimax.n], mm, "\(label) minimax")
      XCTAssertEqual((s.optimal.expectedSize * 10).rounded() / 10, en, "\(label) EN")
      XCTAssertEqual((s.optimal.earlyTermination * 100).rounded() / 100, pet, "\(label) PET")
      XCTAssertEqual((s.minimax.expectedSize * 10).rounded() / 10, enM, "\(label) EN minimax")
      XCTAssertEqual((s.minimax.earlyTermination * 100).rounded() / 100, petM, "\(label) PET mm")
      for d in [s.optimal, s.minimax] {
        let e0 = enumerate(d, p: p0)
        let e1 = enumerate(d, p: p1)
        assertClose(d.alpha, e0.reject, tol: 1e-10, "\(label) alpha")
        assertClose(d.power, e1.reject, tol: 1e-10, "\(label) power")
        assertClose(d.earlyTermination, e0.pet, tol: 1e-10, "\(label) PET")
        assertClose(d.expectedSize, e0.en, tol: 1e-10, "\(label) EN")
        assertClose(d.expectedSizeAlternative, e1.en, tol: 1e-10, "\(label) EN(p1)")
        XCTAssertLessThanOrEqual(d.alpha, alpha)
        XCTAssertGreaterThanOrEqual(d.power, 1 - beta)
      }
    }
  }

  /// Brute force over every (r1, n1, r, n) with n <= 20 (four nested loops, enumeration of
  /// both stages) finds the same optimal and minimax designs.
  func testBruteForceSmallCase() throws {
    let (p0, p1, alpha, power) = (0.1, 0.4, 0.05, 0.8)
    let s = try SimonTwoStage(p0: p0, p1: p1, alpha: alpha, power: power, maxN: 20)
    var bestEN = Double.infinity
    var bestN = Int.max
    var bestNEN = Double.infinity
    for n in 2...20 {
      for n1 in 1..<n {
        for r1 in 0..<n1 {
          for r in r1...n {
            let d = SimonTwoStage.Design(
              r1: r1, n1: n1, r: r, n: n, alpha: 0, power: 0, earlyTermination: 0,
              expectedSize: 0, earlyTerminationAlternative: 0, expectedSizeAlternative: 0)
            let e0 = enumerate(d, p: p0)
            guard e0.reject <= alpha, enumerate(d, p: p1).reject >= power else { continue }
            bestEN = min(bestEN, e0.en)
            if n < bestN || (n == bestN && e0.en < bestNEN) {
              bestN = n
              bestNEN = e0.en
            }
          }
        }
      }
    }
    assertClose(s.optimal.expectedSize, bestEN, tol: 1e-10, "optimal EN")
    XCTAssertEqual(s.minimax.n, bestN)
    assertClose(s.minimax.expectedSize, bestNEN, tol: 1e-10, "minimax EN")
  }

  func testBadInput() {
    assertThrows(try SimonTwoStage(p0: 0.3, p1: 0.2), containing: ["p1", "must be above"])
    assertThrows(try SimonTwoStage(p0: 0.1, p1: 0.3, alpha: 1.5), containing: ["alpha", "(0, 1)"])
    assertThrows(try SimonTwoStage(p0: 0.1, p1: 0.3, power: 0), containing: ["power"])
  }
}
