import XCTest

@testable import SurvivalKit

/// Hand-derived weighted log-rank statistics on six subjects:
/// group A: 1 (event), 3 (event), 5 (censored); group B: 2, 4, 6 (events).
///
/// Event times and risk sets (n, n_A): t=1 (6, 3) A dies; t=2 (5, 2) B; t=3 (4, 2) A;
/// t=4 (3, 1) B; t=6 (1, 0) B. With one death per time, U_A = Σ w (d_A - n_A/n) and
/// V = Σ w² (n_A/n)(1 - n_A/n) (the t=6 term is 0 in both):
/// per-time (d_A - n_A/n) = 1/2, -2/5, 1/2, -1/3 and (n_A/n)(1 - n_A/n) = 1/4, 6/25, 1/4, 2/9.
final class LogRankDerivedTests: XCTestCase {
  let tol = 1e-12

  func sample() throws -> SurvivalSample {
    try SurvivalSample(
      time: [1, 3, 5, 2, 4, 6], status: [1, 1, 0, 1, 1, 1],
      grouping: Grouping(labels: ["g=A", "g=B"], codes: [0, 0, 0, 1, 1, 1]))
  }

  func chisq(_ w: [Double]) -> Double {
    let du = [0.5, -0.4, 0.5, -1.0 / 3]
    let v = [0.25, 6.0 / 25, 0.25, 2.0 / 9]
    var u = 0.0
    var variance = 0.0
    for k in 0..<4 {
      u += w[k] * du[k]
      variance += w[k] * w[k] * v[k]
    }
    return u * u / variance
  }

  func testWeights() throws {
    let s = try sample()
    // Log-rank, w = 1: U = 4/15, V = 866/900, χ² = 32/433.
    assertClose(try LogRank.test(s).chisq, 32.0 / 433, tol: tol, "log-rank")
    // Gehan-Breslow, w = n = 6, 5, 4, 3: U = 2, V = 21, χ² = 4/21.
    assertClose(try LogRank.test(s, weight: .gehanBreslow).chisq, 4.0 / 21, tol: tol, "Gehan")
    // Tarone-Ware, w = √n.
    let tw = chisq([6, 5, 4, 3].map { $0.squareRoot() })
    assertClose(try LogRank.test(s, weight: .taroneWare).chisq, tw, tol: tol, "Tarone-Ware")
    // Peto-Peto, w = Π (1 - d/(n+1)) up to and including t: 6/7, 5/7, 4/7, 3/7.
    let pp = chisq([6.0 / 7, 5.0 / 7, 4.0 / 7, 3.0 / 7])
    assertClose(try LogRank.test(s, weight: .petoPeto).chisq, pp, tol: tol, "Peto-Peto")
    // G-rho with rho = 1 = FH(1, 0), w = KM S(t-): 1, 5/6, 2/3, 1/2; U = 1/3, V = 7/12.
    assertClose(try LogRank.test(s, weight: .gRho(1)).chisq, 4.0 / 21, tol: tol, "rho 1")
    assertClose(
      try LogRank.test(s, weight: .flemingHarrington(p: 1, q: 0)).chisq, 4.0 / 21, tol: tol,
      "FH(1,0)")
    // FH(0, 1), w = 1 - S(t-): 0, 1/6, 1/3, 1/2; U = -1/15, V = 9/100, χ² = 4/81.
    assertClose(
      try LogRank.test(s, weight: .flemingHarrington(p: 0, q: 1)).chisq, 4.0 / 81, tol: tol,
      "FH(0,1)")
    XCTAssertEqual(try LogRank.test(s).df, 1)
  }

  /// Holm and BH against hand computation: p = (0.01, 0.04, 0.03), m = 3.
  /// Holm: sorted 0.01, 0.03, 0.04 -> 0.03, 0.06, max(0.06, 0.04) = 0.06.
  /// BH: 0.04 * 3/3 = 0.04, 0.03 * 3/2 = 0.045 -> min with 0.04 = 0.04, 0.01 * 3 = 0.03.
  func testAdjustments() {
    let p = [0.01, 0.04, 0.03]
    let holm = PValueAdjustment.holm.adjust(p)
    let bh = PValueAdjustment.bh.adjust(p)
    for (a, e) in zip(holm, [0.03, 0.06, 0.06]) { assertClose(a, e, tol: tol, "holm") }
    for (a, e) in zip(bh, [0.03, 0.04, 0.04]) { assertClose(a, e, tol: tol, "bh") }
  }

  /// Chi-square upper tail against R's pchisq(x, df, lower.tail = FALSE).
  func testChiSquareTail() {
    assertClose(ChiSquare.upperTail(3.841458820694124, df: 1), 0.05, tol: 1e-12, "df 1")
    assertClose(ChiSquare.upperTail(10, df: 3), 0.01856613546304325, tol: 1e-12, "df 3")
    assertClose(ChiSquare.upperTail(1, df: 5), 0.9625657732472964, tol: 1e-12, "df 5")
    assertClose(ChiSquare.upperTail(600, df: 4), 2.9086770307128e-128, tol: 1e-10, "far tail")
  }

  func testEdgeCasesAreExplained() throws {
    // A group with nobody at risk at any event time is left out, with a note.
    let s = try SurvivalSample(
      time: [5, 6, 7, 1, 2], status: [1, 1, 0, 0, 0],
      grouping: Grouping(labels: ["g=a", "g=b"], codes: [0, 0, 0, 1, 1]))
    let t = try LogRank.test(s)
    XCTAssertEqual(t.df, 0)
    XCTAssertNil(t.p)
    XCTAssertTrue(t.notes.contains { $0.contains("'g=b' has no events") })
    XCTAssertTrue(t.notes.contains { $0.contains("left out") })
    // One group: a clear error.
    let one = try SurvivalSample(time: [1, 2], status: [1, 0])
    assertThrows(try LogRank.test(one), containing: ["one group"])
    // A stratum without one of the groups is noted.
    let strata = try SurvivalSample(
      time: [1, 2, 3, 4, 5, 6], status: [1, 1, 1, 0, 1, 1],
      grouping: Grouping(labels: ["g=a", "g=b"], codes: [0, 1, 0, 1, 0, 0]),
      strata: Grouping(labels: ["c=1", "c=2"], codes: [0, 0, 0, 0, 1, 1]))
    let st = try LogRank.test(strata)
    XCTAssertTrue(st.notes.contains { $0.contains("stratum 'c=2' has no subjects of group 'g=b'") })
    XCTAssertNotNil(st.p)
  }
}
