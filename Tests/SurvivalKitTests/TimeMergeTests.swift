import Foundation
import XCTest

@testable import SurvivalKit

/// `TimeMerge` against R's `tmerge` + `coxph` (fixtures from `fixtures/R/tmerge_fixtures.R`):
/// the counting-process rows exactly, the Cox fit and its score test (the Mantel–Byar test)
/// to 1e-6, and the landmark analysis, on three data sets (tdc with and without values, two
/// responses per patient, an event() variable).
final class TimeMergeFixtureTests: XCTestCase {
  func numbers(_ any: Any?) -> [Double?] { (any as! [Any]).map { ($0 as? NSNumber)?.doubleValue } }

  func testEveryFixture() throws {
    let folder = TestSupport.fixtures.appendingPathComponent("tmerge")
    let files = try FileManager.default.contentsOfDirectory(
      at: folder, includingPropertiesForKeys: nil
    ).filter { $0.pathExtension == "json" }
    XCTAssertGreaterThanOrEqual(files.count, 4)
    for file in files {
      let json = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
      let name = json["case"] as! String
      let base = try CSVReader.read(
        path: folder.appendingPathComponent(json["base"] as! String).path)
      let long = try CSVReader.read(
        path: folder.appendingPathComponent(json["long"] as! String).path)
      let kind = TimeMergeOperation.Kind(rawValue: json["kind"] as! String)!
      let op = TimeMergeOperation(
        kind: kind, name: "x", time: "day", value: (json["value"] as! Bool) ? "value" : nil)
      let merged = try TimeMerge.build(
        baseline: base, id: "id", time: "time", status: "status", long: long, operations: [op])
      let rows = json["rows"] as! [String: Any]
      func column(_ n: String) throws -> [Double?] {
        guard case .numeric(let v) = try merged.column(named: n).values else { return [] }
        return v.map { $0.isNaN ? nil : $0 }
      }
      XCTAssertEqual(try column("id"), numbers(rows["id"]), "\(name) id")
      XCTAssertEqual(try column("tstart"), numbers(rows["tstart"]), "\(name) tstart")
      XCTAssertEqual(try column("tstop"), numbers(rows["tstop"]), "\(name) tstop")
      XCTAssertEqual(try column("status"), numbers(rows["death"]), "\(name) status")
      XCTAssertEqual(try column("x"), numbers(rows["x"]), "\(name) x")
      let model =
        kind == .tdc ? "Surv(tstart, tstop, status) ~ x" : "Surv(tstart, tstop, x) ~ age"
      let fit = try CoxModel.fit(table: merged, formula: Formula(model))
      let cox = json["cox"] as! [String: Any]
      assertClose(
        fit.coefficients[0].coef, numbers(cox["coef"].map { [$0] })[0], tol: 1e-6, "\(name) coef")
      assertClose(
        fit.coefficients[0].standardError, (cox["se"] as! NSNumber).doubleValue, tol: 1e-6,
        "\(name) se")
      assertClose(fit.loglik, numbers(cox["loglik"])[1], tol: 1e-6, "\(name) loglik")
      assertClose(
        fit.score.statistic, (cox["score"] as! NSNumber).doubleValue, tol: 1e-6,
        "\(name) Mantel-Byar")
      assertClose(
        fit.score.p, (cox["score_p"] as! NSNumber).doubleValue, tol: 1e-6, "\(name) Mantel-Byar p")
      if let landmark = json["landmark"] as? [String: Any] {
        // First response day per patient as a baseline column.
        var first: [Double: Double] = [:]
        if case .numeric(let ids) = try long.column(named: "id").values,
          case .numeric(let days) = try long.column(named: "day").values
        {
          for (i, d) in zip(ids, days) { first[i] = min(first[i] ?? .infinity, d) }
        }
        guard case .numeric(let baseIDs) = try base.column(named: "id").values else { return }
        let withResponse = DataTable(
          columns: base.columns + [
            Column(name: "response", values: .numeric(baseIDs.map { first[$0] ?? .nan }))
          ], lineNumbers: base.lineNumbers)
        let L = (landmark["L"] as! NSNumber).doubleValue
        let subset = try TimeMerge.landmark(
          baseline: withResponse, time: "time", responseTime: "response", at: L)
        XCTAssertEqual(subset.rowCount, (landmark["n"] as! NSNumber).intValue, "\(name) landmark n")
        let lfit = try CoxModel.fit(
          table: subset, formula: Formula("Surv(time, status) ~ responded"))
        XCTAssertEqual(lfit.events, (landmark["events"] as! NSNumber).intValue)
        assertClose(
          lfit.coefficients[0].coef, (landmark["coef"] as! NSNumber).doubleValue, tol: 1e-6,
          "\(name) landmark coef")
        assertClose(
          lfit.coefficients[0].standardError, (landmark["se"] as! NSNumber).doubleValue, tol: 1e-6,
          "\(name) landmark se")
      }
    }
  }

  func testBadInput() throws {
    let base = try TestSupport.table("id,time,status\n1,10,1\n2,20,0\n")
    let op = TimeMergeOperation(kind: .event, name: "progression", time: "day")
    assertThrows(
      try TimeMerge.build(
        baseline: base, id: "id", time: "time", status: "status",
        long: try TestSupport.table("id,day\n1,-2\n"), operations: [op]),
      containing: ["line 2", "not after the patient's entry", "progression"])
    assertThrows(
      try TimeMerge.build(
        baseline: base, id: "id", time: "time", status: "status",
        long: try TestSupport.table("id,day\n3,5\n"), operations: [op]),
      containing: ["patient '3' has no baseline row"])
    assertThrows(
      try TimeMerge.build(
        baseline: try TestSupport.table("id,time,status\n1,10,1\n1,20,0\n"), id: "id",
        time: "time", status: "status", long: try TestSupport.table("id,day\n1,5\n"),
        operations: [op]),
      containing: ["line 3", "already has a baseline row"])
    assertThrows(try TimeMergeOperation(parsing: "resp=tdc"), containing: ["name=tdc(time"])
    XCTAssertEqual(
      try TimeMergeOperation(parsing: "resp = tdc(day, value)"),
      TimeMergeOperation(kind: .tdc, name: "resp", time: "day", value: "value"))
  }
}

/// `survkit tmerge` end to end: the rows equal the library's (checked against R), then the
/// Cox fit on them gives R's Mantel–Byar score test; errors name the line.
final class TMergeCommandTests: XCTestCase {
  func testWritesCountingProcessRows() throws {
    let folder = TestSupport.fixtures.appendingPathComponent("tmerge")
    let out = FileManager.default.temporaryDirectory
      .appendingPathComponent("survkit-tmerge-\(UUID().uuidString).csv").path
    let r = try TestSupport.runSurvkit([
      "tmerge", folder.appendingPathComponent("data/veteran_response_base.csv").path,
      folder.appendingPathComponent("data/veteran_response_long.csv").path, "--id", "id",
      "--time", "time", "--status", "status", "--add", "x=tdc(day)", "--output", out,
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    let cox = try TestSupport.runSurvkit([
      "cox", out, "Surv(tstart, tstop, status) ~ x", "--format", "json",
    ])
    XCTAssertEqual(cox.status, 0, cox.stderr)
    let json = try JSONSerialization.jsonObject(with: Data(cox.stdout.utf8)) as! [String: Any]
    let tests = json["tests"] as! [String: Any]
    let score = (tests["score"] as! [String: Any])["statistic"] as! Double
    assertClose(score, 2.142622644388612, tol: 1e-6, "Mantel-Byar (R fixture)")
    try? FileManager.default.removeItem(atPath: out)
    let base = try TestSupport.temporaryFile(Array("id,time,status\n1,10,1\n".utf8))
    let long = try TestSupport.temporaryFile(Array("id,day\n1,0\n".utf8))
    let bad = try TestSupport.runSurvkit([
      "tmerge", base, long, "--id", "id", "--time", "time", "--status", "status", "--add",
      "prog=event(day)",
    ])
    XCTAssertNotEqual(bad.status, 0)
    XCTAssertTrue(bad.stderr.contains("not after the patient's entry"), bad.stderr)
  }
}

/// `survkit landmark`: the landmark data set whose Cox fit equals R's landmark fit
/// (`tmerge_fixtures.R`, veteran at L = 20).
final class LandmarkCommandTests: XCTestCase {
  func testLandmarkFitEqualsR() throws {
    let folder = TestSupport.fixtures.appendingPathComponent("tmerge")
    // The veteran baseline with each patient's first response day (empty = none).
    let base = try CSVReader.read(
      path: folder.appendingPathComponent("data/veteran_response_base.csv").path)
    let long = try CSVReader.read(
      path: folder.appendingPathComponent("data/veteran_response_long.csv").path)
    var first: [String: String] = [:]
    let longID = try long.column(named: "id")
    let day = try long.column(named: "day")
    for r in 0..<long.rowCount where first[longID.text(at: r)!] == nil {
      first[longID.text(at: r)!] = day.text(at: r)!
    }
    var csv = "id,time,status,response\n"
    let id = try base.column(named: "id")
    let time = try base.column(named: "time")
    let status = try base.column(named: "status")
    for r in 0..<base.rowCount {
      csv += "\(id.text(at: r)!),\(time.text(at: r)!),\(status.text(at: r)!),"
      csv += "\(first[id.text(at: r)!] ?? "")\n"
    }
    let input = try TestSupport.temporaryFile(Array(csv.utf8))
    let output = input + ".landmark.csv"
    let r = try TestSupport.runSurvkit([
      "landmark", input, "--time", "time", "--response-time", "response", "--at", "20",
      "--output", output,
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    let fit = try CoxModel.fit(
      table: try CSVReader.read(path: output),
      formula: Formula("Surv(time, status) ~ responded"))
    let fixture =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: folder.appendingPathComponent("veteran_response.json")))
      as! [String: Any]
    let landmark = fixture["landmark"] as! [String: Any]
    XCTAssertEqual(fit.n, (landmark["n"] as! NSNumber).intValue)
    assertClose(fit.coefficients[0].coef, landmark["coef"] as? Double, tol: 1e-6, "coef")
    try? FileManager.default.removeItem(atPath: output)
  }
}
