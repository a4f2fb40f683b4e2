import XCTest

@testable import SurvivalKit

/// Hand-derived Kaplan–Meier cases: every expected value is worked out in the comment beside it
/// from S = Π(1 - d/n), σ² = Σ d/(n(n-d)), H = Σ d/n, Var H = Σ d/n².
final class KaplanMeierDerivedTests: XCTestCase {
  let tol = 1e-12

  func fit(
    _ time: [Double], _ status: [UInt8], groups: [Int32]? = nil, labels: [String]? = nil,
    conf: ConfidenceTransform = .log
  ) throws -> KaplanMeierFit {
    let grouping = groups.map { Grouping(labels: labels!, codes: $0) }
    let sample = try SurvivalSample(time: time, status: status, grouping: grouping)
    return try KaplanMeier.fit(sample, confType: conf)
  }

  /// Ties, and a censoring at an event time (time 2 and 4): censored subjects are at risk.
  /// t=1: n=8 d=1; t=2: n=7 d=2 c=1; t=3: n=4 d=1; t=4: n=3 d=1 c=1; t=5: n=1 c=1.
  func testTiesAndCensoringAtEventTimes() throws {
    let c = try fit([1, 2, 2, 2, 3, 4, 4, 5], [1, 1, 1, 0, 1, 0, 1, 0]).curves[0]
    XCTAssertEqual(c.time, [1, 2, 3, 4, 5])
    XCTAssertEqual(c.nRisk, [8, 7, 4, 3, 1])
    XCTAssertEqual(c.nEvent, [1, 2, 1, 1, 0])
    XCTAssertEqual(c.nCensor, [0, 1, 0, 1, 1])
    let s = [7.0 / 8, 7.0 / 8 * 5 / 7, 7.0 / 8 * 5 / 7 * 3 / 4, 7.0 / 8 * 5 / 7 * 3 / 4 * 2 / 3]
    let g = [
      1.0 / 56, 1.0 / 56 + 2.0 / 35, 1.0 / 56 + 2.0 / 35 + 1.0 / 12,
      1.0 / 56 + 2.0 / 35 + 1.0 / 12 + 1.0 / 6,
    ]
    let h = [
      1.0 / 8, 1.0 / 8 + 2.0 / 7, 1.0 / 8 + 2.0 / 7 + 1.0 / 4,
      1.0 / 8 + 2.0 / 7 + 1.0 / 4 + 1.0 / 3,
    ]
    let hv = [
      1.0 / 64, 1.0 / 64 + 2.0 / 49, 1.0 / 64 + 2.0 / 49 + 1.0 / 16,
      1.0 / 64 + 2.0 / 49 + 1.0 / 16 + 1.0 / 9,
    ]
    let z = Normal.quantile(0.975)
    for j in 0..<4 {
      assertClose(c.survival[j], s[j], tol: tol, "S[\(j)]")
      assertClose(c.standardError[j], s[j] * g[j].squareRoot(), tol: tol, "SE[\(j)]")
      assertClose(c.lower[j], s[j] * exp(-z * g[j].squareRoot()), tol: tol, "lower[\(j)]")
      assertClose(c.upper[j], min(1, s[j] * exp(z * g[j].squareRoot())), tol: tol, "upper[\(j)]")
      assertClose(c.cumulativeHazard[j], h[j], tol: tol, "H[\(j)]")
      assertClose(c.cumulativeHazardStandardError[j], hv[j].squareRoot(), tol: tol, "SE H[\(j)]")
    }
    assertClose(c.survival[4], s[3], tol: tol, "S flat after the last event")
    // S crosses 0.5 at t = 3 (0.625 -> 0.46875).
    XCTAssertEqual(c.median.estimate, 3)
    // RMST to 5: 1*1 + 1*0.875 + 1*0.625 + 1*0.46875 + 1*0.3125.
    let r = try c.restrictedMean(tau: 5)
    assertClose(r.estimate, 3.28125, tol: tol, "RMST")
    // Var: A_j = area from t_j to 5: A1 = 2.28125, A2 = 1.40625, A3 = 0.78125, A4 = 0.3125.
    let v =
      2.28125 * 2.28125 / 56 + 1.40625 * 1.40625 * 2 / 35 + 0.78125 * 0.78125 / 12
      + 0.3125 * 0.3125 / 6
    assertClose(r.standardError, v.squareRoot(), tol: tol, "SE RMST")
  }

  /// The 0.95 z is R's qnorm(0.975) = 1.959963984540054.
  func testNormalQuantileMatchesR() {
    XCTAssertEqual(Normal.quantile(0.975), 1.959963984540054, accuracy: 1e-15)
    XCTAssertEqual(Normal.quantile(0.95), 1.6448536269514722, accuracy: 1e-15)
    XCTAssertEqual(Normal.quantile(1e-10), -6.361340902404056, accuracy: 1e-13)
    XCTAssertEqual(Normal.quantile(0.5), 0)
  }

  /// An all-censored group stays at S = 1 with SE 0; it has no median.
  func testAllCensoredGroup() throws {
    let f = try fit([1, 2, 3, 4], [1, 1, 0, 0], groups: [0, 0, 1, 1], labels: ["g=a", "g=b"])
    let c = f.curves[1]
    XCTAssertEqual(c.survival, [1, 1])
    XCTAssertEqual(c.standardError, [0, 0])
    XCTAssertEqual(c.lower.map { $0! }, [1, 1])
    XCTAssertEqual(c.upper.map { $0! }, [1, 1])
    XCTAssertNil(c.median.estimate)
    XCTAssertEqual(try c.restrictedMean(tau: 10).estimate, 10)
  }

  /// One subject with an event: S drops to 0, where SE and limits are undefined (nil).
  /// Median: 1 - S reaches 0.5 at t = 3 and is not exactly 0.5, so the median is 3.
  func testSingleSubjectGroup() throws {
    let c = try fit([3], [1]).curves[0]
    XCTAssertEqual(c.survival, [0])
    XCTAssertNil(c.standardError[0])
    XCTAssertNil(c.lower[0])
    XCTAssertNil(c.upper[0])
    XCTAssertEqual(c.greenwoodSigma[0], .infinity)
    XCTAssertEqual(c.median.estimate, 3)
  }

  /// Events at time 0 count: t=0: n=4 d=1 c=1 -> S=3/4; t=1: n=2 d=1 -> 3/8; t=2: n=1 d=1 -> 0.
  func testEventsAtTimeZero() throws {
    let c = try fit([0, 0, 1, 2], [1, 0, 1, 1]).curves[0]
    XCTAssertEqual(c.time, [0, 1, 2])
    XCTAssertEqual(c.nRisk, [4, 2, 1])
    XCTAssertEqual(c.survival, [0.75, 0.375, 0])
    XCTAssertEqual(c.median.estimate, 1)
    let at = try c.survival(at: [0, 0.5])
    XCTAssertEqual(at[0].survival, 0.75)
    XCTAssertEqual(at[0].nRisk, 4)
    XCTAssertEqual(at[1].nRisk, 2)
  }

  /// S sits exactly at 0.5 from t = 2 to t = 3: R's rule takes the midpoint, 2.5.
  /// The 0.75 quantile is reached exactly at 0.25 from t = 3 to 4: midpoint 3.5.
  /// p = 1 with S ending at 0: reached at t = 4, the last time: (4 + 4) / 2.
  func testMedianOnAFlatStretchIsTheMidpoint() throws {
    let c = try fit([1, 2, 3, 4], [1, 1, 1, 1]).curves[0]
    XCTAssertEqual(c.median.estimate, 2.5)
    XCTAssertEqual(try c.quantile(0.75).estimate, 3.5)
    XCTAssertEqual(try c.quantile(1).estimate, 4)
    XCTAssertEqual(try c.quantile(0).estimate, 0)
  }

  /// Times equal up to floating-point noise are one time (R's timefix).
  func testNearTiedTimesAreMerged() throws {
    let c = try fit([1, 1 + 1e-12, 2], [1, 1, 0]).curves[0]
    XCTAssertEqual(c.time, [1, 2])
    XCTAssertEqual(c.nEvent, [2, 0])
  }

  /// Plain limits are clipped to [0, 1]; log-log is undefined at S = 1.
  func testTransformsAtTheBoundaries() throws {
    let plain = try fit([1, 2], [1, 1], conf: .plain).curves[0]
    XCTAssertEqual(plain.upper[0], 1)  // 0.5 + 1.96 * 0.5 > 1
    XCTAssertEqual(plain.lower[0], 0)
    let ll = try fit([1, 2, 3], [0, 1, 1], conf: .logLog).curves[0]
    XCTAssertNil(ll.lower[0])
    XCTAssertNotNil(ll.lower[1])
  }

  func testReverseKaplanMeierSwapsEventsAndCensorings() throws {
    let sample = try SurvivalSample(time: [1, 2, 3, 4], status: [1, 0, 1, 0])
    let r = try KaplanMeier.reverse(sample).curves[0]
    XCTAssertEqual(r.nEvent, [0, 1, 0, 1])
  }

  func testBadArguments() throws {
    let sample = try SurvivalSample(time: [1, 2], status: [1, 0])
    assertThrows(try KaplanMeier.fit(sample, confLevel: 1.5), containing: ["between 0 and 1"])
    let c = try KaplanMeier.fit(sample).curves[0]
    assertThrows(try c.quantile(1.2), containing: ["outside [0, 1]"])
    assertThrows(try c.restrictedMean(tau: -1), containing: [">= 0"])
    assertThrows(try SurvivalSample(time: [-1], status: [1]), containing: ["negative"])
    assertThrows(try SurvivalSample(time: [1], status: [2]), containing: ["not 0 or 1"])
  }
}

extension KaplanMeierDerivedTests {
  /// Delayed entry: rows (0,2] event, (1,3] censored, (2,4] event, (0,5] censored.
  /// t=2: at risk rows with start < 2 <= stop: 1, 2, 4 -> n=3, d=1, S = 2/3;
  /// t=3: rows 2, 3, 4 (row 3 entered at 2 < 3) -> n=3, censored 1; t=4: rows 3, 4 -> n=2,
  /// d=1, S = 2/3 · 1/2 = 1/3; t=5: row 4 -> n=1, censored.
  func testDelayedEntry() throws {
    let sample = try SurvivalSample(
      time: [2, 3, 4, 5], status: [1, 0, 1, 0], entry: [0, 1, 2, 0])
    let c = try KaplanMeier.fit(sample).curves[0]
    XCTAssertEqual(c.time, [2, 3, 4, 5])
    XCTAssertEqual(c.nRisk, [3, 3, 2, 1])
    assertClose(c.survival[0], 2.0 / 3, tol: tol, "S(2)")
    assertClose(c.survival[2], 1.0 / 3, tol: tol, "S(4)")
  }
}
