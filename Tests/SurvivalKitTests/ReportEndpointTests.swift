import XCTest

@testable import SurvivalKit
@testable import SurvivalReport

/// Endpoint derivation from dates: the first of several event dates, the cut-off rule, the
/// time units and recoded (merged) levels, against day counts worked out by hand below.
final class ReportEndpointTests: XCTestCase {
  // Day counts (2024 is a leap year):
  // P1: 01.01.2024 -> 15.03.2024 = 31 (Jan) + 29 (Feb) + 14 = 74 days (progression);
  //     01.01.2024 -> 01.06.2024 = 31 + 29 + 31 + 30 + 31 = 152 days (death).
  // P2: 01.02.2024 -> 01.11.2024 = 29 + 31 + 30 + 31 + 30 + 31 + 31 + 30 + 31 = 274 days, no
  //     event (censored at the last contact).
  // P3: 10.01.2024 -> cut-off 01.12.2024 = 22 + 29 + 31 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 30
  //     = 326 days: its progression (20.12.2024) is after the cut-off, so it is not counted and
  //     follow-up ends at the cut-off (its last contact, 20.12.2024, too).
  // P4: 01.03.2024 -> 11.03.2024 = 10 days: death without progression ends PFS, cause death.
  let data = """
    id;group;enrol;prog;death;last
    1;a1;01.01.2024;15.03.2024;01.06.2024;01.06.2024
    2;a2;01.02.2024;;;01.11.2024
    3;b;10.01.2024;20.12.2024;;20.12.2024
    4;b;01.03.2024;;11.03.2024;11.03.2024

    """

  func plan(unit: String) -> String {
    """
    [data]
    file = "x.csv"
    id = "id"
    cutoff = "01.12.2024"
    date_order = ["enrol", "prog", "death", "last"]
    [defaults]
    time_unit = "\(unit)"
    [variables.group]
    column = "group"
    levels = ["a1", "a2", "b"]
    labels = ["A", "A", "B"]
    [variables.enrol]
    column = "enrol"
    type = "date"
    [variables.prog]
    column = "prog"
    type = "date"
    [variables.death]
    column = "death"
    type = "date"
    [variables.last]
    column = "last"
    type = "date"
    [endpoints.pfs]
    origin = "enrol"
    events = ["prog", "death"]
    censor = "last"
    [endpoints.os]
    origin = "enrol"
    events = ["death"]
    censor = "last"
    [analyses.km]
    kind = "km"
    endpoint = "pfs"
    """
  }

  func column(_ study: StudyData, _ name: String) throws -> [Double] {
    guard case .numeric(let v) = try study.table.column(named: name).values else {
      throw SurvivalKitError.insufficientData(message: "not numeric")
    }
    return v
  }

  func testEndpointsUnitsCutoffAndRecoding() throws {
    for (unit, days) in [("days", 1.0), ("weeks", 7.0), ("months", 30.4375), ("years", 365.25)] {
      let plan = try StudyPlan(text: plan(unit: unit))
      let study = try StudyData(plan: plan, dataBytes: Array(data.utf8))
      XCTAssertEqual(try column(study, "pfs_time"), [74, 274, 326, 10].map { $0 / days }, unit)
      XCTAssertEqual(try column(study, "pfs_event"), [1, 0, 0, 1], unit)
      XCTAssertEqual(try column(study, "os_time"), [152, 274, 326, 10].map { $0 / days }, unit)
      XCTAssertEqual(try column(study, "os_event"), [1, 0, 0, 1], unit)
      XCTAssertEqual(study.eventsAfterCutoff, 1)
      let cause = try study.table.column(named: "pfs_cause")
      XCTAssertEqual((0..<4).map { cause.text(at: $0) }, ["prog", nil, nil, "death"])
      // a1 and a2 are both labelled A: merged.
      let group = try study.table.column(named: "group")
      XCTAssertEqual((0..<4).map { group.text(at: $0) }, ["A", "A", "B", "B"])
    }
    // With after_cutoff = "error" the progression after the cut-off stops the run.
    let strict = plan(unit: "days").replacing(
      "cutoff = \"01.12.2024\"", with: "cutoff = \"01.12.2024\"\nafter_cutoff = \"error\"")
    assertThrows(
      try StudyData(plan: try StudyPlan(text: strict), dataBytes: Array(data.utf8)),
      containing: ["line 4, patient 3: prog on 20.12.2024 is after the cut-off 01.12.2024"])
    // Dates out of the declared order are named per patient.
    let swapped = data.replacing("15.03.2024;01.06.2024", with: "15.07.2024;01.06.2024")
    assertThrows(
      try StudyData(plan: try StudyPlan(text: plan(unit: "days")), dataBytes: Array(swapped.utf8)),
      containing: ["line 2, patient 1: death (01.06.2024) before prog (15.07.2024)"])
  }
}
