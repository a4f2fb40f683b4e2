import Foundation
import XCTest

@testable import SurvivalKit

/// The one event table: hand-derived counts, and the promise that every non-parametric method
/// reads it (log-rank weights equal the Kaplan–Meier curve values; the O(n log n) maximally
/// selected log-rank scan equals one log-rank test per cutpoint).
final class EventTableTests: XCTestCase {
  /// Two strata, two groups, a tie across groups, weights. Derivation (stratum a, rows sorted by
  /// time): times 1 (g0 event w2), 2 (g0 censored w1, g1 event w3), 2 (g1 event w1), 4 (g1
  /// censored w1). Pooled at risk: 5 before t=1, 4 before t=2, 1 before t=4. Events 1, 2, 0;
  /// censorings 0, 1, 1. Cells: t=1 {g0: risk 2 (weighted 3), d 1}; t=2 {g0: risk 1, c 1; g1: risk 3, d 2};
  /// t=4 {g1: risk 1, c 1}. Weighted at risk: 8, 6, 1; weighted events 2, 4, 0.
  /// Stratum b: one row of g1 at time 3, an event: risk 1.
  func testHandDerivedCounts() throws {
    let time: [Double] = [1, 2, 2, 2, 4, 3]
    let status: [UInt8] = [1, 0, 1, 1, 0, 1]
    let groups = Grouping(labels: ["g0", "g1"], codes: [0, 0, 1, 1, 1, 1])
    let strata = Grouping(labels: ["a", "b"], codes: [0, 0, 0, 0, 0, 1])
    let weights: [Double] = [2, 1, 3, 1, 1, 5]
    let table = try EventTable(
      time: time, status: status, strata: strata, groups: groups, weights: weights)
    XCTAssertEqual(table.stratumStart, [0, 3, 4])
    XCTAssertEqual(table.time, [1, 2, 4, 3])
    XCTAssertEqual(table.nRisk, [5, 4, 1, 1])
    XCTAssertEqual(table.nEvent, [1, 2, 0, 1])
    XCTAssertEqual(table.nCensor, [0, 1, 1, 0])
    XCTAssertEqual(table.cellStart, [0, 1, 3, 4, 5])
    XCTAssertEqual(table.cellGroup, [0, 0, 1, 1, 1])
    XCTAssertEqual(table.cellRisk, [2, 1, 3, 1, 1])
    XCTAssertEqual(table.cellEvent, [1, 0, 2, 0, 1])
    XCTAssertEqual(table.cellCensor, [0, 1, 0, 1, 0])
    XCTAssertEqual(table.size, [2, 3, 0, 1])
    XCTAssertEqual(table.timeIndex, [0, 1, 1, 1, 2, 3])
    XCTAssertEqual(table.weighted?.risk, [8, 6, 1, 5])
    XCTAssertEqual(table.weighted?.event, [2, 4, 0, 5])
    XCTAssertEqual(table.weighted?.cellRisk, [3, 1, 5, 1, 5])
    XCTAssertEqual(table.weighted?.cellEvent, [2, 0, 4, 0, 5])
    // One group's own series, and the pooled series of both groups.
    XCTAssertEqual(
      try table.series(stratum: 0, groups: [1]),
      EventTable.Series(time: [2, 4], nRisk: [3, 1], nEvent: [2, 0], nCensor: [0, 1], n: 3))
    XCTAssertEqual(try table.series(stratum: 0, groups: [0, 1]), table.pooled(stratum: 0))
  }

  /// Delayed entry: rows (entry, stop] = (0, 2], (1, 3], (2, 5], (4, 6]; at risk at t when
  /// entry < t <= stop: t=2: rows 1, 2 (row 3 enters at 2, not yet at risk) = 2; t=3: rows 2, 3
  /// = 2; t=5: rows 3, 4 = 2; t=6: row 4 = 1.
  func testDelayedEntry() throws {
    let table = try EventTable(
      time: [2, 3, 5, 6], status: [1, 1, 0, 1], entry: [0, 1, 2, 4])
    XCTAssertEqual(table.nRisk, [2, 2, 2, 1])
    XCTAssertEqual(table.cellRisk, [2, 2, 2, 1])
  }

  /// The log-rank family's weights are the values of the pooled Kaplan–Meier curve that
  /// `KaplanMeier.fit` reports for the same rows (S(t-) for G-rho and Fleming–Harrington),
  /// and Peto's S̃ follows its product formula.
  func testLogRankWeightsAreTheKaplanMeierCurve() throws {
    let table = try CSVReader.read(path: TestSupport.dataset("lung.csv"))
    let bySex = try SurvivalSample(table: table, formula: Formula("Surv(time, status) ~ sex"))
    let pooledFit = try KaplanMeier.fit(
      SurvivalSample(table: table, formula: Formula("Surv(time, status) ~ 1")))
    let curve = pooledFit.curves[0]
    let series = EventTable(bySex).pooled(stratum: 0)
    XCTAssertEqual(series.time, curve.time)
    XCTAssertEqual(series.nRisk, curve.nRisk)
    let before = [1.0] + curve.survival.dropLast()
    XCTAssertEqual(LogRankWeight.gRho(1).weights(series), before)
    XCTAssertEqual(
      LogRankWeight.gRho(0).weights(series), [Double](repeating: 1, count: before.count))
    let fh = LogRankWeight.flemingHarrington(p: 1, q: 1).weights(series)
    for j in before.indices { XCTAssertEqual(fh[j], before[j] * (1 - before[j])) }
    XCTAssertEqual(LogRankWeight.gehanBreslow.weights(series), curve.nRisk.map(Double.init))
    var peto = 1.0
    let petoWeights = LogRankWeight.petoPeto.weights(series)
    for j in curve.time.indices {
      if curve.nEvent[j] > 0 { peto *= 1 - Double(curve.nEvent[j]) / Double(curve.nRisk[j] + 1) }
      XCTAssertEqual(petoWeights[j], peto, accuracy: 1e-15)
    }
  }

  /// The scan equals, to 1e-12, the statistic computed the direct way: a two-group log-rank
  /// test at every admissible cutpoint (the algorithm this scan replaced).
  func testMaximallySelectedScanEqualsOneTestPerCutpoint() throws {
    let cases: [(String, String, String, String)] = [
      ("lung.csv", "time", "status", "age"),
      ("lung.csv", "time", "status", "ph.karno"),
      ("veteran.csv", "time", "status", "karno"),
      ("rossi.csv", "week", "arrest", "prio"),
      ("ovarian.csv", "futime", "fustat", "age"),
    ]
    for (file, timeName, statusName, markerName) in cases {
      let table = try CSVReader.read(path: TestSupport.dataset(file))
      let sample = try SurvivalSample(
        table: table, formula: Formula("Surv(\(timeName), \(statusName)) ~ 1"))
      guard case .numeric(let all) = try table.column(named: markerName).values else {
        return XCTFail("\(markerName) not numeric")
      }
      let keep = sample.rows.indices.filter { !all[sample.rows[$0]].isNaN }
      let time = keep.map { sample.time[$0] }
      let status = keep.map { sample.status[$0] }
      let marker = keep.map { all[sample.rows[$0]] }
      for epsilon in [0.1, 0.25] {
        let scan = try MaximallySelectedLogRank(
          time: time, status: status, marker: marker, minProportion: epsilon)
        let direct = try directScan(time: time, status: status, marker: marker, epsilon: epsilon)
        XCTAssertEqual(scan.cutpoint, direct.cut, "\(file) \(markerName)")
        XCTAssertEqual(scan.candidates, direct.candidates, "\(file) \(markerName)")
        XCTAssertEqual(
          scan.statistic, direct.z, accuracy: 1e-12 * direct.z, "\(file) \(markerName)")
      }
    }
  }

  /// One log-rank test per cutpoint: M = max |O - E| / √V of the high group.
  func directScan(time: [Double], status: [UInt8], marker: [Double], epsilon: Double) throws
    -> (cut: Double, z: Double, candidates: Int)
  {
    let n = Double(marker.count)
    var best = (cut: 0.0, z: -1.0)
    var count = 0
    for value in Set(marker).sorted() {
      let fraction = Double(marker.filter { $0 <= value }.count) / n
      guard fraction >= epsilon && fraction <= 1 - epsilon else { continue }
      count += 1
      let grouping = Grouping(labels: ["low", "high"], codes: marker.map { $0 > value ? 1 : 0 })
      let test = try LogRank.test(SurvivalSample(time: time, status: status, grouping: grouping))
      let v = test.variance[1][1]
      guard v > 0 else { continue }
      let z = abs(test.groups[1].observed - test.groups[1].expected) / v.squareRoot()
      if z > best.z { best = (value, z) }
    }
    return (best.cut, best.z, count)
  }

  /// Bad raw input is an error naming the argument, never a crash.
  func testBadInputIsAnError() throws {
    func message(_ body: () throws -> Any) -> String {
      do {
        _ = try body()
        return "no error"
      } catch { return "\(error)" }
    }
    XCTAssertTrue(message { try EventTable(time: [1, 2], status: [1]) }.contains("status"))
    XCTAssertTrue(
      message { try EventTable(time: [1, 2], status: [1, 0], weights: [1]) }.contains("weights"))
    XCTAssertTrue(
      message {
        try EventTable(
          time: [1, 2], status: [1, 0], groups: Grouping(labels: ["a"], codes: [0, 3]))
      }.contains("has no label"))
    XCTAssertTrue(
      message { try EventTable(time: [1, 2], status: [1, 0], entry: [0, 2]) }.contains("entry"))
    XCTAssertTrue(
      message { try EventTable(time: [1, 2], status: [1, 0], ascendingOrder: [1, 0]) }
        .contains("ascendingOrder"))
    let delayed = try EventTable(
      time: [2, 3], status: [1, 1], entry: [0, 1],
      groups: Grouping(labels: ["a", "b"], codes: [0, 1]))
    XCTAssertTrue(message { try delayed.series(stratum: 0, groups: [0, 1]) }.contains("delayed"))
    XCTAssertTrue(message { try delayed.series(stratum: 2, groups: [0]) }.contains("not exist"))
    // The maximally selected statistic needs a cutpoint with positive variance.
    XCTAssertTrue(
      message {
        try MaximallySelectedLogRank(
          time: [1, 2, 3, 4], status: [0, 0, 0, 0], marker: [1, 2, 3, 4], minProportion: 0.25)
      }.contains("positive variance"))
    XCTAssertTrue(
      message {
        try MaximallySelectedLogRank(
          time: [1, 2], status: [1, 0], marker: [1, 2], minProportion: 0.6)
      }.contains("between 0 and 0.5"))
  }
}
