import Foundation
import RealModule
import XCTest

@testable import SurvivalKit

/// Two-arm log-rank sample sizes (Schoenfeld 1983, Freedman 1982) and the one-sample log-rank
/// design and test (Finkelstein et al. 2003; Wu 2015), against published figures, closed forms
/// and independent numerical integration written here, and seeded simulations of the one-sample
/// test's type I error and of the design's power.
final class SurvivalDesignTests: XCTestCase {
  /// Hazard ratio 0.75, two-sided 5 %, power 80 %, 1:1: 380 events by Schoenfeld's formula and
  /// 385 by Freedman's (the classic figures, e.g. Collett, Modelling Survival Data, §10.2).
  func testPublishedEventCounts() throws {
    let s = try LogRankSampleSize(hazardRatio: 0.75)
    XCTAssertEqual(s.events, 380)
    let f = try LogRankSampleSize(hazardRatio: 0.75, method: .freedman)
    XCTAssertEqual(f.events, 385)
    // Closed forms: (z_.975 + z_.8)² = 7.848879734...
    let z = 1.959963984540054 + 0.8416212335729143
    assertClose(s.eventsExact, 4 * z * z / pow(log(0.75), 2), tol: 1e-12, "Schoenfeld")
    assertClose(f.eventsExact, z * z * 49, tol: 1e-12, "Freedman")
    // 2:1 allocation (π = 2/3): D = z² / (π(1 − π) log²θ).
    let unequal = try LogRankSampleSize(hazardRatio: 0.6, allocation: 2.0 / 3)
    assertClose(unequal.eventsExact, z * z / (2.0 / 9) / pow(log(0.6), 2), tol: 1e-12, "2:1")
    // Power at the exact event count is the target power.
    assertClose(
      LogRankSampleSize.power(events: s.eventsExact, hazardRatio: 0.75, alpha: 0.05), 0.8,
      tol: 1e-12, "power inverts")
    assertClose(
      LogRankSampleSize.power(
        events: f.eventsExact, hazardRatio: 0.75, alpha: 0.05, method: .freedman), 0.8,
      tol: 1e-12, "Freedman power inverts")
  }

  /// P(event) with uniform accrual and exponential dropout, against the defining integral
  /// (1/a) ∫₀^a (λ/μ)(1 − e^(−μ(a + f − u))) du by a 200 000-point midpoint rule.
  func testEventProbabilityWithAccrualAndDropout() throws {
    let (lambda, eta, a, f) = (log(2) / 14.0, 0.01, 24.0, 12.0)
    let mu = lambda + eta
    var sum = 0.0
    let m = 200_000
    for k in 0..<m {
      let u = a * (Double(k) + 0.5) / Double(m)
      sum += lambda / mu * (1 - exp(-mu * (a + f - u)))
    }
    assertClose(
      LogRankSampleSize.eventProbability(hazard: lambda, dropout: eta, accrual: a, followUp: f),
      sum / Double(m), tol: 1e-9, "P(event)")
    let design = try LogRankSampleSize(
      hazardRatio: 0.7, controlMedian: 14, accrual: 24, followUp: 12, dropoutRate: 0.01)
    let p = 0.5 * design.eventProbabilityControl! + 0.5 * design.eventProbabilityExperimental!
    assertClose(design.eventProbability, p, tol: 1e-15, "mixture")
    XCTAssertEqual(design.patients, Int((design.eventsExact / p).rounded(.up)))
  }

  /// Exponential reference: p₀ = p₁/θ and p₀₀ = p₀₁/θ, and each is an average over the
  /// censoring time C ~ U(f, a + f) of a closed form (∫₀^c λ₁e^(−λ₁t) dt = 1 − e^(−λ₁c),
  /// ∫₀^c λ₀ t λ₁ e^(−λ₁t) dt = λ₀ (1 − e^(−λ₁c)(1 + λ₁c)) / λ₁), averaged here by a
  /// 200 000-point midpoint rule.
  func testOneSampleDesignIntegralsExponential() throws {
    let reference = try ReferenceSurvival(survival: 0.4, at: 12)
    let theta = 0.6
    let (a, f) = (24.0, 12.0)
    let design = try OneSampleLogRankDesign(
      reference: reference, hazardRatio: theta, alpha: 0.05, power: 0.8, accrual: a, followUp: f)
    let l0 = reference.rate
    let l1 = theta * l0
    var p1 = 0.0
    var p01 = 0.0
    let m = 200_000
    for k in 0..<m {
      let c = f + a * (Double(k) + 0.5) / Double(m)
      p1 += 1 - exp(-l1 * c)
      p01 += l0 * (1 - exp(-l1 * c) * (1 + l1 * c)) / l1
    }
    p1 /= Double(m)
    p01 /= Double(m)
    assertClose(design.p1, p1, tol: 1e-9, "p1")
    assertClose(design.p0, p1 / theta, tol: 1e-9, "p0")
    assertClose(design.p01, p01, tol: 1e-9, "p01")
    assertClose(design.p00, p01 / theta, tol: 1e-9, "p00")
    let sigma2 = p1 - p1 * p1 + 2 * p01 / theta - pow(p1 / theta, 2) - 2 * p01 + 2 * p1 / theta * p1
    let z =
      Normal.quantile(0.95) * (p1 / theta).squareRoot() + Normal.quantile(0.8) * sigma2.squareRoot()
    assertClose(design.patientsExact, z * z / pow(p1 / theta - p1, 2), tol: 1e-8, "n")
  }

  /// A seeded simulation (xorshift64*, 4 000 trials): under the reference curve the one-sided
  /// 5 % one-sample log-rank test rejects about 5 % of the time; under the alternative with
  /// the design's n it rejects about its target power (80 %). Bounds: 4 binomial standard
  /// errors of the simulated rate.
  func testSimulatedTypeIErrorAndPower() throws {
    let reference = try ReferenceSurvival(survival: 0.5, at: 12, shape: 1.3)
    let design = try OneSampleLogRankDesign(
      reference: reference, hazardRatio: 0.6, alpha: 0.05, power: 0.8, accrual: 24, followUp: 12)
    var state: UInt64 = 20_251_126
    func uniform() -> Double {
      state ^= state >> 12
      state ^= state << 25
      state ^= state >> 27
      return (Double((state &* 2_685_821_657_736_338_717) >> 11) + 0.5) / 9_007_199_254_740_992
    }
    func rejectionRate(theta: Double, trials: Int) throws -> Double {
      var rejected = 0
      for _ in 0..<trials {
        var time = [Double](repeating: 0, count: design.patients)
        var status = [Int](repeating: 0, count: design.patients)
        for i in 0..<design.patients {
          // T with S(t) = S0(t)^θ: Λ0(T) = −log(U)/θ.
          let h = -log(uniform()) / theta
          let t = pow(h, 1 / reference.shape) / reference.rate
          let c = 12 + 24 * uniform()
          time[i] = min(t, c)
          status[i] = t <= c ? 1 : 0
        }
        let test = try OneSampleLogRankTest(time: time, status: status, reference: reference)
        if test.pBetter < 0.05 { rejected += 1 }
      }
      return Double(rejected) / Double(trials)
    }
    let trials = 4000
    let typeI = try rejectionRate(theta: 1, trials: trials)
    XCTAssertLessThan(
      abs(typeI - 0.05), 4 * (0.05 * 0.95 / Double(trials)).squareRoot(), "\(typeI)")
    let power = try rejectionRate(theta: 0.6, trials: trials)
    XCTAssertLessThan(abs(power - 0.8), 4 * (0.8 * 0.2 / Double(trials)).squareRoot(), "\(power)")
  }

  /// A published example of Wu's (2015) formula: reference median 9, Weibull shape 1.22,
  /// hazard ratio 1/1.75, accrual 5, follow-up 3, one-sided 5 %, power 80 %: n = 88, and
  /// power 0.803 with 88 patients (the documented examples of `SampleSize()` and `power()` in
  /// the R package logRank1s, an implementation of Wu 2015; not packaged for Debian).
  func testWuWorkedExample() throws {
    let design = try OneSampleLogRankDesign(
      reference: ReferenceSurvival(survival: 0.5, at: 9, shape: 1.22), hazardRatio: 1 / 1.75,
      alpha: 0.05, power: 0.8, accrual: 5, followUp: 3)
    XCTAssertEqual(design.patients, 88)
    XCTAssertEqual((design.power(patients: 88) * 1000).rounded() / 1000, 0.803)
    // Under proportional hazards E Δ = θ E Λ₀(X) and E ΔΛ₀(X) = θ E Λ₀(X)²/2 (the counting
    // process martingale), which the separately integrated p's must satisfy.
    assertClose(design.p1, design.p0 / 1.75, tol: 1e-9, "p1 = θ p0")
    assertClose(design.p01, design.p00 / 1.75, tol: 1e-9, "p01 = θ p00")
  }

  /// The test statistic by hand: O = 2, E = Σ λt = 0.1 (2 + 3 + 5) = 1, Z = (1 − 2)/1.
  func testOneSampleTestByHand() throws {
    let test = try OneSampleLogRankTest(
      time: [2, 3, 5], status: [1, 0, 1], reference: ReferenceSurvival(rate: 0.1))
    XCTAssertEqual(test.observed, 2)
    assertClose(test.expected, 1, tol: 1e-15, "E")
    assertClose(test.z, -1, tol: 1e-15, "Z")
    assertClose(test.pBetter, Normal.upperTail(-1), tol: 1e-15, "p")
  }

  func testBadInput() {
    assertThrows(try LogRankSampleSize(hazardRatio: 1), containing: ["hazard ratio"])
    assertThrows(try LogRankSampleSize(hazardRatio: 0.7, alpha: 0), containing: ["alpha"])
    assertThrows(
      try OneSampleLogRankDesign(
        reference: ReferenceSurvival(rate: 0.1), hazardRatio: 1.2, accrual: 1, followUp: 1),
      containing: ["(0, 1)"])
    assertThrows(try ReferenceSurvival(survival: 1.2, at: 12), containing: ["reference survival"])
  }
}
