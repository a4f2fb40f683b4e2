import Foundation
import XCTest

@testable import SurvivalKit
@testable import SurvivalReport

/// Estimability in plain words, on a small data set built so that each case happens:
/// arm B has no events (monotone likelihood in a Cox model, no events in a log-rank group),
/// every patient has stage "III" (a constant term), and the events per coefficient are few.
final class ReportEstimabilityTests: XCTestCase {
  let data = """
    id,time,status,arm,stage,age
    1,2,1,A,III,50
    2,3,1,A,III,61
    3,4,0,A,III,47
    4,5,1,A,III,58
    5,6,1,A,III,66
    6,3,0,B,III,52
    7,5,0,B,III,49
    8,7,0,B,III,63
    9,8,0,B,III,55
    10,9,0,B,III,60

    """

  let plan = """
    title = "Estimability"
    [data]
    file = "data.csv"
    id = "id"
    [defaults]
    time_unit = "months"
    plot_step = 3
    [variables.time]
    column = "time"
    type = "number"
    [variables.status]
    column = "status"
    type = "number"
    [variables.arm]
    column = "arm"
    type = "category"
    [variables.stage]
    column = "stage"
    type = "category"
    inclusion = "only stage III patients are eligible"
    [variables.age]
    column = "age"
    type = "number"
    unit = "year"
    [endpoints.os]
    time = "time"
    status = "status"
    [analyses.km]
    kind = "km"
    endpoint = "os"
    landmarks = [6, 12]
    figure = false
    [analyses.lr]
    kind = "logrank"
    endpoint = "os"
    by = "arm"
    [analyses.cox_arm]
    kind = "cox"
    endpoint = "os"
    formula = "arm + age"
    [analyses.cox_stage]
    kind = "cox"
    endpoint = "os"
    formula = "stage"

    """

  func testEachCaseIsExplained() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "survkit-estimability-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try data.write(to: folder.appendingPathComponent("data.csv"), atomically: true, encoding: .utf8)
    try plan.write(
      to: folder.appendingPathComponent("plan.toml"), atomically: true, encoding: .utf8)
    let (report, _, _) = try ReportWriter.run(
      planPath: folder.appendingPathComponent("plan.toml").path)
    let codes = Set(report.warnings.map { "\($0.analysis)/\($0.code.rawValue)/\($0.term ?? "")" })
    // Nobody is at risk at 12 (the last time is 9): the landmark is not reported as informative.
    XCTAssertTrue(codes.contains("km/nobody_at_risk_at_landmark/all"), "\(codes)")
    // Arm B has no events.
    XCTAssertTrue(codes.contains("lr/no_events_in_group/arm=B"), "\(codes)")
    XCTAssertTrue(codes.contains("cox_arm/no_events_in_group/armB"), "\(codes)")
    // The Cox coefficient of arm B runs to minus infinity (the engine's monotone-likelihood
    // check), and 4 events for 2 coefficients is 2 per variable.
    XCTAssertTrue(codes.contains("cox_arm/monotone_likelihood/armB"), "\(codes)")
    XCTAssertTrue(codes.contains("cox_arm/events_per_variable_below_10/"), "\(codes)")
    // Stage is III for everyone, by the inclusion criterion.
    XCTAssertTrue(codes.contains("cox_stage/constant_by_inclusion_criterion/stage"), "\(codes)")
    let text = report.document.markdown()
    XCTAssertTrue(
      text.contains(
        "cox_stage: stage cannot be estimated: it is 'III' for every patient in 'All enrolled patients', because the inclusion criteria require it (only stage III patients are eligible)."
      ), text)
    XCTAssertTrue(
      text.contains("4 events for 2 coefficients (2.0 events per variable, below 10)"), text)
    XCTAssertTrue(text.contains("A penalised (Firth) fit gives a finite estimate."), text)
    // The same warnings, structured, in results.json.
    let json =
      try JSONSerialization.jsonObject(with: Data(report.results.serialized().utf8))
      as! [String: Any]
    XCTAssertEqual((json["warnings"] as! [Any]).count, report.warnings.count)
  }
}
