import Foundation
import XCTest

@testable import SurvivalKit

/// `survkit design`: the CLI prints what the library computes (the numbers themselves are
/// checked in SimonTwoStageTests and SurvivalDesignTests), writes the power curve whole, and
/// stops bad input with a clear message.
final class DesignCommandTests: XCTestCase {
  func json(_ text: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
  }

  func testSimonCommand() throws {
    let run = try TestSupport.runSurvkit([
      "design", "simon", "--p0", "0.1", "--p1", "0.3", "--format", "json",
    ])
    XCTAssertEqual(run.status, 0, run.stderr)
    let optimal = try json(run.stdout)["optimal"] as! [String: Any]
    // Simon (1989), p0 0.10, p1 0.30, alpha 0.05, beta 0.20: optimal 1/10, 5/29.
    XCTAssertEqual(
      ["r1", "n1", "r", "n"].map { (optimal[$0] as! NSNumber).intValue }, [1, 10, 5, 29])
    let table = try TestSupport.runSurvkit(["design", "simon", "--p0", "0.1", "--p1", "0.3"])
    XCTAssertTrue(table.stdout.contains("optimal  1/10 5/29"), table.stdout)
  }

  func testLogRankCommandWritesThePowerCurve() throws {
    let svg = FileManager.default.temporaryDirectory.appendingPathComponent(
      "survkit-power-\(UUID().uuidString).svg"
    ).path
    let run = try TestSupport.runSurvkit([
      "design", "logrank", "--hr", "0.75", "--median", "14", "--accrual", "24", "--follow-up",
      "12", "--svg", svg, "--format", "json",
    ])
    XCTAssertEqual(run.status, 0, run.stderr)
    let result = try json(run.stdout)
    XCTAssertEqual(result["events"] as? NSNumber, 380)
    let library = try LogRankSampleSize(
      hazardRatio: 0.75, controlMedian: 14, accrual: 24, followUp: 12)
    XCTAssertEqual((result["patients"] as! NSNumber).intValue, library.patients)
    let text = try String(contentsOfFile: svg, encoding: .utf8)
    XCTAssertTrue(text.hasPrefix("<?xml") && text.hasSuffix("</svg>\n"))
    XCTAssertTrue(text.contains("380 events for power 0.8"))
  }

  func testOneSampleCommand() throws {
    let run = try TestSupport.runSurvkit([
      "design", "one-sample-logrank", "--survival", "0.4", "--at", "12", "--hr", "0.6",
      "--accrual", "24", "--follow-up", "12", "--format", "json",
    ])
    XCTAssertEqual(run.status, 0, run.stderr)
    let library = try OneSampleLogRankDesign(
      reference: ReferenceSurvival(survival: 0.4, at: 12), hazardRatio: 0.6, accrual: 24,
      followUp: 12)
    XCTAssertEqual((try json(run.stdout)["patients"] as! NSNumber).intValue, library.patients)
  }

  func testBadInput() throws {
    let p = try TestSupport.runSurvkit(["design", "simon", "--p0", "0.3", "--p1", "0.2"])
    XCTAssertEqual(p.status, 1)
    XCTAssertTrue(p.stderr.contains("invalid p1: the alternative response rate 0.2 must be above"))
    let a = try TestSupport.runSurvkit([
      "design", "simon", "--p0", "0.1", "--p1", "0.3", "--alpha", "1.2",
    ])
    XCTAssertTrue(a.stderr.contains("invalid alpha: 1.2 is outside (0, 1)"), a.stderr)
  }
}

extension DesignCommandTests {
  /// `survkit one-sample` on aml against S₀(24) = 0.4 (exponential): O and E by hand from the
  /// file (E = Σ λ tᵢ with λ = −log(0.4)/24), Z = (E − O)/√E.
  func testOneSampleTestCommand() throws {
    let table = try CSVReader.read(path: TestSupport.dataset("aml.csv"))
    guard case .numeric(let time) = try table.column(named: "time").values,
      case .numeric(let status) = try table.column(named: "status").values
    else { return XCTFail("aml columns") }
    let rate = -log(0.4) / 24
    let expected = time.reduce(0) { $0 + rate * $1 }
    let observed = status.reduce(0, +)
    let run = try TestSupport.runSurvkit([
      "one-sample", TestSupport.dataset("aml.csv"), "Surv(time, status) ~ 1", "--survival", "0.4",
      "--at", "24", "--format", "json",
    ])
    XCTAssertEqual(run.status, 0, run.stderr)
    let result = try json(run.stdout)
    XCTAssertEqual((result["observed"] as! NSNumber).doubleValue, observed)
    assertClose((result["expected"] as! NSNumber).doubleValue, expected, tol: 1e-12, "E")
    assertClose(
      (result["z"] as! NSNumber).doubleValue, (expected - observed) / expected.squareRoot(),
      tol: 1e-12, "Z")
  }
}
