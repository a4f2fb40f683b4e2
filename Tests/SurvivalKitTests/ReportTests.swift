import Foundation
import SurvivalSupport
import XCTest

@testable import SurvivalKit
@testable import SurvivalReport

/// `survkit report`: the committed outputs of both data cuts are reproduced byte for byte, and
/// bad input stops the run with a clear message and no report.
final class ReportTests: XCTestCase {
  /// Copies a plan and its data into a scratch tree with the repository's layout.
  func scratch(cut: Int, planText: String? = nil, data: [UInt8]? = nil) throws -> (
    root: URL, plan: String
  ) {
    let fm = FileManager.default
    let root = fm.temporaryDirectory.appendingPathComponent("survkit-report-\(UUID().uuidString)")
    let planFolder = root.appendingPathComponent("notebooks-data/interim-cut\(cut)")
    let dataFolder = root.appendingPathComponent("datasets/trial")
    try fm.createDirectory(at: planFolder, withIntermediateDirectories: true)
    try fm.createDirectory(at: dataFolder, withIntermediateDirectories: true)
    let repo = TestSupport.repositoryRoot
    let plan =
      try planText
      ?? String(
        contentsOf: repo.appendingPathComponent("notebooks-data/interim-cut\(cut)/plan.toml"),
        encoding: .utf8)
    try plan.write(
      to: planFolder.appendingPathComponent("plan.toml"), atomically: true, encoding: .utf8)
    let bytes =
      try data
      ?? [UInt8](
        Data(contentsOf: repo.appendingPathComponent("datasets/trial/trial_cut\(cut).csv")))
    try Data(bytes).write(to: dataFolder.appendingPathComponent("trial_cut\(cut).csv"))
    try FileManager.default.copyItem(
      at: repo.appendingPathComponent("datasets/trial/screening_log.csv"),
      to: dataFolder.appendingPathComponent("screening_log.csv"))
    // The adverse-event export of the cut-2 safety section.
    try FileManager.default.copyItem(
      at: repo.appendingPathComponent("datasets/trial/adverse_events_cut2.csv"),
      to: dataFolder.appendingPathComponent("adverse_events_cut2.csv"))
    return (root, planFolder.appendingPathComponent("plan.toml").path)
  }

  func testBothCutsReproduceTheCommittedOutputsByteForByte() throws {
    for cut in [1, 2] {
      let (root, plan) = try scratch(cut: cut)
      defer { try? FileManager.default.removeItem(at: root) }
      let (_, folder, files) = try ReportWriter.run(planPath: plan)
      XCTAssertEqual(folder, "report")
      XCTAssertTrue(files.contains("results.json"))
      XCTAssertTrue(files.contains("figures/pfs_by_nosology.svg"))
      for file in files {
        let fresh = try Data(
          contentsOf: URL(fileURLWithPath: plan).deletingLastPathComponent().appendingPathComponent(
            "report/" + file))
        let committed = try Data(
          contentsOf: TestSupport.repositoryRoot.appendingPathComponent(
            "notebooks-data/interim-cut\(cut)/report/\(file)"))
        XCTAssertEqual(
          fresh, committed,
          "cut \(cut): \(file) differs from the committed output; rerun `survkit report` and review"
        )
      }
    }
  }

  func assertFailsWithoutReport(
    cut: Int = 1, planText: String? = nil, data: [UInt8]? = nil, _ fragments: [String],
    line: UInt = #line
  ) throws {
    let (root, plan) = try scratch(cut: cut, planText: planText, data: data)
    defer { try? FileManager.default.removeItem(at: root) }
    assertThrows(try ReportWriter.run(planPath: plan), containing: fragments, line: line)
    let folder = URL(fileURLWithPath: plan).deletingLastPathComponent()
    let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
    XCTAssertEqual(left, ["plan.toml"], "files were left behind", line: line)
    for file in ReportWriter.outputs {
      XCTAssertFalse(
        FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path),
        "\(file) was left behind", line: line)
    }
  }

  func committedPlan() throws -> String {
    try String(
      contentsOf: TestSupport.repositoryRoot.appendingPathComponent(
        "notebooks-data/interim-cut1/plan.toml"), encoding: .utf8)
  }

  func committedData() throws -> String {
    try String(
      contentsOf: TestSupport.repositoryRoot.appendingPathComponent(
        "datasets/trial/trial_cut1.csv"), encoding: .utf8)
  }

  func testBadInputStopsBeforeAnyReport() throws {
    let plan = try committedPlan()
    try assertFailsWithoutReport(
      planText: plan.replacing("trial_cut1.csv", with: "no_such.csv"), ["no_such.csv", "not found"])
    try assertFailsWithoutReport(
      planText: plan.replacing("column = \"GD2, %\"", with: "column = \"GD2\""),
      ["unknown column 'GD2'"])
    var lines = try committedData().split(separator: "\n", omittingEmptySubsequences: false).map(
      String.init)
    // A response code outside the list, on data line 3 (file line 3).
    var cells = lines[2].split(separator: ";", omittingEmptySubsequences: false).map(String.init)
    cells[7] = "MR"
    lines[2] = cells.joined(separator: ";")
    try assertFailsWithoutReport(
      data: Array(lines.joined(separator: "\n").utf8),
      ["line 3", "'MR' is not one of the plan's levels"])
    // A date in an unknown format.
    lines = try committedData().split(separator: "\n", omittingEmptySubsequences: false).map(
      String.init)
    cells = lines[4].split(separator: ";", omittingEmptySubsequences: false).map(String.init)
    cells[6] = "2022/03/15"
    lines[4] = cells.joined(separator: ";")
    try assertFailsWithoutReport(
      data: Array(lines.joined(separator: "\n").utf8), ["line 5", "'2022/03/15' is not a date"])
    // Death before enrolment.
    lines = try committedData().split(separator: "\n", omittingEmptySubsequences: false).map(
      String.init)
    cells = lines[1].split(separator: ";", omittingEmptySubsequences: false).map(String.init)
    cells[9] = "01.01.2020"
    cells[10] = "01.01.2020"
    lines[1] = cells.joined(separator: ";")
    try assertFailsWithoutReport(
      data: Array(lines.joined(separator: "\n").utf8),
      ["line 2", "death (01.01.2020) before enrolment"])
    // With after_cutoff = "error", dates after the cut-off stop the run.
    try assertFailsWithoutReport(
      planText: plan.replacing("cutoff = \"01.06.2025\"", with: "cutoff = \"01.06.2023\"")
        .replacing("after_cutoff = \"censor\"", with: "after_cutoff = \"error\""),
      ["after the cut-off 01.06.2023"])
  }

  func testTheExampleScriptRuns() throws {
    let binary = URL(fileURLWithPath: TestSupport.survkitPath).deletingLastPathComponent()
      .appendingPathComponent("HeadlineFigures")
    let process = Process()
    process.executableURL = binary
    process.arguments = ["datasets/trial/trial_cut1.csv", "01.06.2025"]
    process.currentDirectoryURL = TestSupport.repositoryRoot
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0, text)
    // The same figure the report states for the whole group.
    let results =
      try JSONSerialization.jsonObject(
        with: Data(
          contentsOf: TestSupport.repositoryRoot.appendingPathComponent(
            "notebooks-data/interim-cut1/report/results.json"))) as! [String: Any]
    let analyses = results["analyses"] as! [String: Any]
    let curves = (analyses["pfs"] as! [String: Any])["curves"] as! [[String: Any]]
    let pfs = curves[0]["landmarks"] as! [[String: Any]]
    let s = pfs[0]["survival"] as! Double
    let se = pfs[0]["std_err"] as! Double
    XCTAssertTrue(
      text.contains(
        "1-year PFS: \(NumberFormatting.fixed(s * 100, decimals: 0)) ± \(NumberFormatting.fixed(se * 100, decimals: 0)) %"
      ), text)
    XCTAssertTrue(text.contains("Cox, PFS on GD2"), text)
  }
}

extension ReportTests {
  /// The same export saved as Windows-1251 (as Russian-locale spreadsheets do) gives the same
  /// figures when the plan says `encoding = "cp1251"`.
  func testWindows1251ExportGivesTheSameFigures() throws {
    let text = try committedData()
    var inverse: [UInt32: UInt8] = [:]
    for (k, scalar) in TextDecoding.windows1251High.enumerated() {
      inverse[UInt32(scalar)] = UInt8(0x80 + k)
    }
    var bytes: [UInt8] = []
    for scalar in text.unicodeScalars {
      if scalar.value < 0x80 {
        bytes.append(UInt8(scalar.value))
      } else {
        bytes.append(try XCTUnwrap(inverse[scalar.value], "no cp1251 byte for \(scalar)"))
      }
    }
    let plan = try committedPlan().replacing("encoding = \"utf-8\"", with: "encoding = \"cp1251\"")
    let (root, planPath) = try scratch(cut: 1, planText: plan, data: bytes)
    defer { try? FileManager.default.removeItem(at: root) }
    let (output, _, _) = try ReportWriter.run(planPath: planPath)
    let committed =
      try JSONSerialization.jsonObject(
        with: Data(
          contentsOf: TestSupport.repositoryRoot.appendingPathComponent(
            "notebooks-data/interim-cut1/report/results.json")))
      as! [String: Any]
    let fresh =
      try JSONSerialization.jsonObject(with: Data(output.results.serialized().utf8))
      as! [String: Any]
    for key in ["analyses", "populations", "study"] {
      XCTAssertEqual(
        try JSONSerialization.data(withJSONObject: fresh[key]!, options: [.sortedKeys]),
        try JSONSerialization.data(withJSONObject: committed[key]!, options: [.sortedKeys]), key)
    }
  }
}
