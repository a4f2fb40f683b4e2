import Foundation
import XCTest

@testable import SurvivalKit

/// The large-data paths of the Cox fit, run on small data by lowering their thresholds:
///
/// - the backward pass split between two threads (`CoxProblem.splitThreshold`): every
///   right-censored fixture of `CoxFixtureTests` refitted down that path must match R's
///   `coxph` (fixtures from `fixtures/R/cox_fixtures.R`) at the same 1e-6, and the one-pass
///   fit to 1e-10 (the two differ by summation order only);
/// - the concordance's bucketed rank sweeps (`RankSweep`), with its buckets on two threads,
///   and its sweep in score order over trees of times (`ScoreOrderSweep`, right-censored
///   data), against the definition counted pair by pair (derivation below) on data with tied
///   times, tied scores, strata, case weights and delayed entry; and the time-order sweeps
///   against R on every fixture (the fixture tests check the score-order sweep).
final class CoxScaleTests: XCTestCase {

  func d(_ any: Any?) -> Double? { (any as? NSNumber)?.doubleValue }

  func testSplitBackwardPassMatchesROnEveryFixture() throws {
    var checked = 0
    for (name, json) in try CoxFixtures.all() where json["ties"] as? String != "exact" {
      let serial = try CoxProblem.$groupedPass.withValue(false) { try CoxFixtures.fit(json) }
      // Also the concordance by sweeps in time order (`RankSweep`), which these small data
      // would not otherwise take (the fixture tests check the sweep in score order).
      let split = try CoxProblem.$splitThreshold.withValue(2) {
        try CoxProblem.$groupedPass.withValue(false) {
          try Concordance.$timeTreeLimit.withValue(0) { try CoxFixtures.fit(json) }
        }
      }
      // Counting-process data keep one pass; everything else went down the split.
      if (json["formula"] as! String).contains("Surv(start") { continue }
      checked += 1
      assertMatches(split, r: json, reference: serial, name)
      let concordance = json["concordance"] as! [String: Any]
      assertClose(
        split.concordance?.estimate, d(concordance["estimate"]), tol: 1e-6, "\(name) C")
      assertClose(
        split.concordance?.standardError, d(concordance["std_err"]), tol: 1e-6, "\(name) C se")
    }
    XCTAssertGreaterThanOrEqual(checked, 15)
  }

  /// The grouped pass (sums per time, then a backward pass over the times), forced on every
  /// right-censored fixture, on one thread and on two: R's `coxph` values at 1e-6 with R's
  /// iteration count, and the row-by-row pass's at 1e-10 (they differ by summation order).
  func testGroupedPassMatchesROnEveryFixture() throws {
    var checked = 0
    for (name, json) in try CoxFixtures.all() where json["ties"] as? String != "exact" {
      if (json["formula"] as! String).contains("Surv(start") { continue }
      let rowByRow = try CoxProblem.$groupedPass.withValue(false) { try CoxFixtures.fit(json) }
      for threshold in [CoxProblem.splitThreshold, 2] {
        let grouped = try CoxProblem.$groupedPass.withValue(true) {
          try CoxProblem.$splitThreshold.withValue(threshold) { try CoxFixtures.fit(json) }
        }
        checked += 1
        assertMatches(grouped, r: json, reference: rowByRow, "\(name), threads from \(threshold)")
      }
    }
    XCTAssertGreaterThanOrEqual(checked, 30)
  }

  /// A refit down another path against R's `coxph` values in the fixture (1e-6, and R's
  /// iteration count) and against the default path's fit `reference` (1e-10: the paths differ
  /// by summation order only).
  func assertMatches(
    _ fit: CoxFit, r json: [String: Any], reference: CoxFit, _ label: String,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertEqual(
      fit.iterations, (json["iterations"] as! NSNumber).intValue, label, file: file, line: line)
    let loglik = json["loglik"] as! [String: Any]
    assertClose(fit.loglikNull, d(loglik["null"]), tol: 1e-6, "\(label) loglik null")
    assertClose(fit.loglik, d(loglik["final"]), tol: 1e-6, "\(label) loglik")
    assertClose(fit.loglik, reference.loglik, tol: 1e-10, "\(label) loglik vs default")
    let coefficients = json["coefficients"] as! [[String: Any]]
    for (k, (c, e)) in zip(fit.coefficients, coefficients).enumerated() {
      assertClose(c.coef, d(e["coef"]), tol: 1e-6, "\(label) \(c.term) coef")
      assertClose(c.standardError, d(e["se"]), tol: 1e-6, "\(label) \(c.term) se")
      assertClose(c.robustStandardError, d(e["robust_se"]), tol: 1e-6, "\(label) robust se")
      assertClose(
        c.coef, reference.coefficients[k].coef, tol: 1e-10, "\(label) \(c.term) vs default")
      assertClose(
        c.standardError, reference.coefficients[k].standardError, tol: 1e-10,
        "\(label) \(c.term) se vs default")
    }
    let tests = json["tests"] as! [String: Any]
    for (key, ours) in [
      ("likelihood_ratio", fit.likelihoodRatio), ("wald", fit.wald), ("score", fit.score),
    ] {
      let expected = tests[key] as! [String: Any]
      assertClose(ours.statistic, d(expected["statistic"]), tol: 1e-6, "\(label) \(key)")
    }
  }

  /// Deterministic pseudo-random numbers in [0, 1).
  struct Generator {
    var state: UInt64
    mutating func next() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / Double(1 << 53)
    }
  }

  /// A problem with heavy ties in time and score, three strata, non-integer weights and,
  /// optionally, entry times; its scores in sorted order.
  func synthetic(n: Int, entry: Bool, seed: UInt64) -> (CoxProblem, [Double], [Int32]) {
    var g = Generator(state: seed)
    var time = [Double](repeating: 0, count: n)
    var start = [Double](repeating: 0, count: n)
    var status = [UInt8](repeating: 0, count: n)
    var weights = [Double](repeating: 0, count: n)
    var strata = [Int32](repeating: 0, count: n)
    var x = [Double](repeating: 0, count: n)
    var score = [Double](repeating: 0, count: n)
    for i in 0..<n {
      time[i] = Double(1 + Int(g.next() * 40))
      start[i] = entry ? Double(Int(g.next() * time[i])) : 0
      status[i] = g.next() < 0.6 ? 1 : 0
      weights[i] = 0.5 + Double(Int(g.next() * 4)) * 0.25
      strata[i] = Int32(g.next() * 3)
      x[i] = g.next()
      score[i] = Double(Int(g.next() * 25)) / 4
    }
    let problem = CoxProblem(
      columns: [x], time: time, entry: entry ? start : nil, status: status, weights: weights,
      strata: strata)
    return (problem, problem.order.map { score[Int($0)] }, strata)
  }

  /// The concordance counted pair by pair. For an event i at t_i and a subject j of its stratum
  /// still at risk (t_j > t_i, or censored at t_i; with entry times also entered before t_i),
  /// the pair weighs w_i w_j and is concordant when η_i > η_j, discordant when η_i < η_j, tied
  /// otherwise; each subject's c_i, d_i, t_i sum its partners' weights over its pairs, and
  /// dfbeta_i = w_i ((c_i - d_i)/N - (C - D)/N² (c_i + d_i + t_i)), Var = Σ dfbeta_i² / 4
  /// (the infinitesimal jackknife of R's `concordance`). Events at the same time are tied in
  /// time: Σ w_i w_j over such pairs.
  func bruteForce(_ problem: CoxProblem, _ eta: [Double], strata: [Int32]) -> (
    c: Double, d: Double, t: Double, tiedTime: Double, se: Double
  ) {
    let n = problem.n
    var c = [Double](repeating: 0, count: n)
    var dd = [Double](repeating: 0, count: n)
    var tt = [Double](repeating: 0, count: n)
    var total = (c: 0.0, d: 0.0, t: 0.0, tiedTime: 0.0)
    let stratum = problem.order.map { strata[Int($0)] }
    for i in 0..<n where problem.status[i] == 1 {
      let ti = problem.stop[i]
      for j in 0..<n where j != i && stratum[j] == stratum[i] {
        let tj = problem.stop[j]
        if problem.status[j] == 1 && tj == ti {
          if j > i { total.tiedTime += problem.weight[i] * problem.weight[j] }
          continue
        }
        guard tj > ti || (tj == ti && problem.status[j] == 0) else { continue }
        if let start = problem.start, !(start[j] < ti) { continue }
        let w = problem.weight[i] * problem.weight[j]
        if eta[i] > eta[j] {
          total.c += w
          c[i] += problem.weight[j]
          c[j] += problem.weight[i]
        } else if eta[i] < eta[j] {
          total.d += w
          dd[i] += problem.weight[j]
          dd[j] += problem.weight[i]
        } else {
          total.t += w
          tt[i] += problem.weight[j]
          tt[j] += problem.weight[i]
        }
      }
    }
    let pairs = total.c + total.d + total.t
    let somers = (total.c - total.d) / pairs
    var variance = 0.0
    for i in 0..<n {
      let dfbeta =
        problem.weight[i] * ((c[i] - dd[i]) / pairs - somers / pairs * (c[i] + dd[i] + tt[i]))
      variance += dfbeta * dfbeta
    }
    return (total.c, total.d, total.t, total.tiedTime, (variance / 4).squareRoot())
  }

  func testConcordanceSweepsMatchPairByPairCount() throws {
    for entry in [false, true] {
      let (problem, eta, strata) = synthetic(n: 1500, entry: entry, seed: entry ? 7 : 3)
      let expected = bruteForce(problem, eta, strata: strata)
      // Sweeps in time order (one and two threads), and for right-censored data the sweep in
      // score order (limit 1 << 15; with entry times it is not taken).
      for (threshold, limit) in [(1 << 16, 0), (0, 0), (1 << 16, 1 << 15)] {
        let ours = try XCTUnwrap(
          RankSweep.$parallelOperations.withValue(threshold) {
            Concordance.$timeTreeLimit.withValue(limit) {
              Concordance.compute(problem: problem, eta: eta)
            }
          })
        let w = "entry \(entry), threshold \(threshold), limit \(limit)"
        assertClose(ours.concordant, expected.c, tol: 1e-12, "\(w) concordant")
        assertClose(ours.discordant, expected.d, tol: 1e-12, "\(w) discordant")
        assertClose(ours.tiedRisk, expected.t, tol: 1e-12, "\(w) tied risk")
        assertClose(ours.tiedTime, expected.tiedTime, tol: 1e-12, "\(w) tied time")
        assertClose(
          ours.estimate, (expected.c + expected.t / 2) / (expected.c + expected.d + expected.t),
          tol: 1e-12, "\(w) estimate")
        assertClose(ours.standardError, expected.se, tol: 1e-10, "\(w) standard error")
      }
    }
  }

  /// Many distinct scores, so that the ranks fill several buckets of several blocks each.
  func testConcordanceWithManyDistinctScores() throws {
    let (problem, scores, strata) = synthetic(n: 1200, entry: false, seed: 11)
    var g = Generator(state: 5)
    let eta = scores.map { $0 + g.next() }
    let expected = bruteForce(problem, eta, strata: strata)
    for limit in [0, 1 << 15] {
      let ours = try XCTUnwrap(
        RankSweep.$parallelOperations.withValue(0) {
          Concordance.$timeTreeLimit.withValue(limit) {
            Concordance.compute(problem: problem, eta: eta)
          }
        })
      assertClose(ours.concordant, expected.c, tol: 1e-12, "limit \(limit) concordant")
      assertClose(ours.discordant, expected.d, tol: 1e-12, "limit \(limit) discordant")
      assertClose(ours.tiedRisk, expected.t, tol: 1e-12, "limit \(limit) tied risk")
      assertClose(ours.standardError, expected.se, tol: 1e-10, "limit \(limit) standard error")
    }
  }

  func testSplitEvaluationMatchesOnePass() {
    let (problem, _, _) = synthetic(n: 2000, entry: false, seed: 9)
    for ties in [CoxTies.efron, .breslow] {
      for beta in [[0.0], [0.7], [-1.3]] {
        let one = problem.evaluate(beta: beta, ties: ties)
        let split = CoxProblem.$splitThreshold.withValue(2) {
          problem.evaluate(beta: beta, ties: ties)
        }
        XCTAssertLessThan(
          CoxProblem.$splitThreshold.withValue(2) { problem.splitPoint().mid }, 2000)
        assertClose(split.loglik, one.loglik, tol: 1e-12, "\(ties) \(beta) loglik")
        assertClose(split.score[0], one.score[0], tol: 1e-10, "\(ties) \(beta) score")
        assertClose(split.information[0], one.information[0], tol: 1e-12, "\(ties) \(beta) info")
      }
    }
  }

  /// The concordance's dense ranks (single-precision keys, runs put in exact order) against
  /// ranks by definition (the index of each value among the sorted distinct values, -0 equal
  /// to +0): ties, values a single cannot tell apart, runs of more than 32 such values (all
  /// below the smallest single), and a count large enough for the two-thread passes.
  func testDenseRanksMatchDistinctSortedValues() {
    var generator = SeededGenerator(seed: 17)
    var cases: [[Double]] = [[0], [-0.0, 0, -0.0, 1], [3, 3, 3]]
    cases.append((0..<2000).map { _ in Double(Int.random(in: -50...50, using: &generator)) / 8 })
    cases.append(
      (0..<3000).map { _ in 1 + Double(Int.random(in: 0..<200, using: &generator)) * 0x1p-40 })
    cases.append(
      (0..<500).map { _ in Double(Int.random(in: -9...9, using: &generator)) * 1e-300 })
    cases.append(
      (0..<150_000).map { _ in
        Double.random(in: -3...3, using: &generator).rounded(
          toPlaces: Int.random(in: 2...9, using: &generator))
      })
    for values in cases {
      let distinct = Array(Set(values.map { $0 == 0 ? 0 : $0 })).sorted()
      var position: [Double: Int32] = [:]
      for (k, v) in distinct.enumerated() { position[v] = Int32(k) }
      let expected = values.map { v in position[v == 0 ? 0 : v]! }
      let scratch = RankSweep.Scratch(capacity: 2 * values.count)
      var rank = [Int32](repeating: -1, count: values.count)
      let size = values.withUnsafeBufferPointer { v in
        rank.withUnsafeMutableBufferPointer { r in
          scratch.denseRanks(v.baseAddress!, count: v.count, into: r.baseAddress!)
        }
      }
      XCTAssertEqual(size, distinct.count, "\(values.count) values")
      XCTAssertEqual(rank, expected, "\(values.count) values")
    }
  }
}

extension Double {
  fileprivate func rounded(toPlaces places: Int) -> Double {
    let scale = Foundation.pow(10.0, Double(places))
    return (self * scale).rounded() / scale
  }
}
