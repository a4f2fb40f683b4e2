import Foundation
import XCTest

@testable import SurvivalKit

/// Adverse-event tables of the synthetic trial against the counts made independently by the
/// generator (`datasets/trial/generate_adverse_events.py` writes
/// `Fixtures/safety/trial_cut2_ae_summary.json` from its own events), the CLI on a
/// Windows-1251 copy, and the bad-input messages.
final class SafetyTests: XCTestCase {
  let aeFile = TestSupport.dataset("trial/adverse_events_cut2.csv")
  let trialFile = TestSupport.dataset("trial/trial_cut2.csv")

  func summary() throws -> SafetySummary {
    let population = try TreatedPopulation(table: CSVReader.read(path: trialFile))
    return SafetySummary(
      data: try AdverseEventData(table: CSVReader.read(path: aeFile), population: population))
  }

  func testAgainstTheGeneratorsCounts() throws {
    let url = TestSupport.fixtures.appendingPathComponent("safety/trial_cut2_ae_summary.json")
    let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    let s = try summary()
    XCTAssertEqual(s.treated, (expected["treated"] as! NSNumber).intValue)
    XCTAssertEqual(s.events, (expected["events"] as! NSNumber).intValue)
    let any = expected["any"] as! [String: NSNumber]
    XCTAssertEqual(s.overall.patients, any["any"]!.intValue)
    XCTAssertEqual(s.overall.patientsGrade3, any["grade3"]!.intValue)
    for (key, rows) in [("by_term", s.byTerm), ("by_soc", s.byOrganClass)] {
      let e = expected[key] as! [[String: Any]]
      XCTAssertEqual(Set(rows.map(\.label)), Set(e.map { $0["label"] as! String }), key)
      for row in e {
        let label = row["label"] as! String
        let mine = rows.first { $0.label == label }!
        XCTAssertEqual(mine.patients, (row["any"] as! NSNumber).intValue, "\(key) \(label)")
        XCTAssertEqual(mine.patientsGrade3, (row["grade3"] as! NSNumber).intValue, label)
        XCTAssertEqual(mine.worstGrade, (row["worst"] as! [NSNumber]).map(\.intValue), label)
      }
    }
    let cycles = expected["by_cycle"] as! [[String: NSNumber]]
    XCTAssertEqual(s.byCycle.count, cycles.count)
    for (mine, e) in zip(s.byCycle, cycles) {
      XCTAssertEqual(mine.cycle, e["cycle"]!.intValue)
      XCTAssertEqual(mine.treated, e["patients"]!.intValue, "cycle \(mine.cycle)")
      XCTAssertEqual(mine.events, e["events"]!.intValue, "cycle \(mine.cycle)")
      XCTAssertEqual(mine.patients, e["any"]!.intValue, "cycle \(mine.cycle)")
      XCTAssertEqual(mine.patientsGrade3, e["grade3"]!.intValue, "cycle \(mine.cycle)")
    }
    let exposure = expected["exposure"] as! [String: NSNumber]
    XCTAssertEqual(
      s.exposure.map { "\($0.cycles)=\($0.patients)" },
      exposure.keys.sorted { Int($0)! < Int($1)! }.map { "\($0)=\(exposure[$0]!)" })
    XCTAssertEqual(s.repeatCourse, (expected["repeat_course"] as! NSNumber).intValue)
  }

  /// The same tables from a Windows-1251 copy of both files (a Russian-locale export).
  func testCommandOnWindows1251Copies() throws {
    func cp1251(_ path: String) throws -> String {
      let text = try String(contentsOfFile: path, encoding: .utf8)
      return try TestSupport.temporaryFile(Array(text.data(using: .windowsCP1251)!))
    }
    let utf8 = try TestSupport.runSurvkit([
      "safety", aeFile, "--patients", trialFile, "--format", "json",
    ])
    XCTAssertEqual(utf8.status, 0, utf8.stderr)
    let legacy = try TestSupport.runSurvkit([
      "safety", cp1251(aeFile), "--patients", cp1251(trialFile), "--format", "json",
    ])
    XCTAssertEqual(legacy.status, 0, legacy.stderr)
    XCTAssertEqual(utf8.stdout, legacy.stdout)
    XCTAssertEqual(try summary().json().serialized(), utf8.stdout)
  }

  func testBadInput() throws {
    let trial = try TestSupport.table(
      "№;Дата включения;Циклы иммунотерапии\n1;01.03.2024;6\n2;15.03.2024;8\n")
    let population = try TreatedPopulation(table: trial)
    let header =
      "№;Курс;Цикл;Термин CTCAE;Системно-органный класс;Степень;Дата начала;Дата разрешения\n"
    func load(_ row: String) throws -> AdverseEventData {
      try AdverseEventData(table: TestSupport.table(header + row + "\n"), population: population)
    }
    XCTAssertEqual(try load("1;1;2;Fever;General;2;10.04.2024;12.04.2024").events.count, 1)
    assertThrows(
      try load("1;1;2;Fever;General;6;10.04.2024;12.04.2024"),
      containing: ["line 2", "column 'Степень'", "6 is not a CTCAE grade (1 to 5)"])
    assertThrows(
      try load("2;1;1;Fever;General;2;01.03.2024;"),
      containing: [
        "line 2", "column 'Дата начала'", "2024-03-01 is before the enrolment",
        "patient '2' (2024-03-15)",
      ])
    assertThrows(
      try load("3;1;1;Fever;General;2;01.04.2024;"),
      containing: ["patient '3' is not in the treated population"])
    assertThrows(
      try load("1;2;7;Fever;General;2;01.06.2024;"),
      containing: ["cycle 7, but patient '1' received 6 cycles"])
    assertThrows(
      try load("1;1;1;Fever;General;2;10.04.2024;01.04.2024"),
      containing: ["column 'Дата разрешения'", "before the onset"])
  }
}
