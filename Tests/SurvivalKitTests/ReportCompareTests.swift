import Foundation
import XCTest

@testable import SurvivalKit
@testable import SurvivalReport

/// `survkit compare`: the committed comparison of the two bundled cuts is reproduced byte for
/// byte, and known changes planted in a copy of cut 1 are each reported.
final class ReportCompareTests: XCTestCase {
  let repo = TestSupport.repositoryRoot

  func testTheBundledCutsComparisonIsReproduced() throws {
    let (root, newPlan) = try ReportKindTests.scratch("interim-cut2")
    defer { try? FileManager.default.removeItem(at: root) }
    let oldFolder = root.appendingPathComponent("notebooks-data/interim-cut1")
    try FileManager.default.createDirectory(at: oldFolder, withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      at: repo.appendingPathComponent("notebooks-data/interim-cut1/plan.toml"),
      to: oldFolder.appendingPathComponent("plan.toml"))
    try FileManager.default.copyItem(
      at: repo.appendingPathComponent("datasets/trial/trial_cut1.csv"),
      to: root.appendingPathComponent("datasets/trial/trial_cut1.csv"))
    try ReportWriter.compare(
      oldPlanPath: oldFolder.appendingPathComponent("plan.toml").path, newPlanPath: newPlan)
    for file in ["comparison.json", "comparison.md"] {
      let fresh = try Data(
        contentsOf: URL(fileURLWithPath: newPlan).deletingLastPathComponent()
          .appendingPathComponent("comparison/\(file)"))
      let committed = try Data(
        contentsOf: repo.appendingPathComponent("notebooks-data/interim-cut2/comparison/\(file)"))
      XCTAssertEqual(fresh, committed, "\(file) differs from the committed comparison")
    }
    // Cut 2 changes only follow-up (datasets/trial/README.md: everything cut 1 knew is
    // unchanged): 7 progressions and 6 deaths are new, and no landmark moves because of
    // changed records.
    let json =
      try JSONSerialization.jsonObject(
        with: Data(
          contentsOf: repo.appendingPathComponent(
            "notebooks-data/interim-cut2/comparison/comparison.json"))) as! [String: Any]
    let patients = json["patients"] as! [[String: Any]]
    let newEvents = patients.filter { $0["change"] as? String == "new_event" }
    XCTAssertEqual(newEvents.filter { $0["variable"] as? String == "progression" }.count, 7)
    XCTAssertEqual(newEvents.filter { $0["variable"] as? String == "death" }.count, 6)
    XCTAssertFalse(patients.contains { ["added", "missing"].contains($0["change"] as? String) })
    for l in json["landmarks"] as! [[String: Any]] {
      if let r = l["from_changed_records"] as? Double { XCTAssertEqual(r, 0, "\(l)") }
    }
  }

  /// A copy of cut 1 with a moved progression date, a new death, a re-adjudicated response,
  /// a re-measured GD2 value and an added patient, compared with cut 1 under the same cut-off.
  func testPlantedChangesAreEachReported() throws {
    let (root, oldPlan) = try ReportKindTests.scratch("interim-cut1")
    defer { try? FileManager.default.removeItem(at: root) }
    let csv = try String(
      contentsOf: repo.appendingPathComponent("datasets/trial/trial_cut1.csv"), encoding: .utf8)
    var lines = csv.split(separator: "\n").map(String.init)
    func cells(_ k: Int) -> [String] {
      lines[k].split(separator: ";", omittingEmptySubsequences: false).map(String.init)
    }
    // Patient 1 (line 2): progression 27.02.2023 moved to 27.01.2023.
    var c = cells(1)
    XCTAssertEqual(c[8], "27.02.2023")
    c[8] = "27.01.2023"
    lines[1] = c.joined(separator: ";")
    // Patient 2 (line 3), alive at last contact 18.05.2025 in cut 1: a death on 10.05.2025
    // reported late (so the last contact becomes the death date).
    c = cells(2)
    XCTAssertEqual(c[9], "")
    XCTAssertEqual(c[10], "18.05.2025")
    c[9] = "10.05.2025"
    c[10] = "10.05.2025"
    lines[2] = c.joined(separator: ";")
    // The first patient with a best response of CR: re-adjudicated as PR.
    let cr = (1..<lines.count).first { cells($0)[7] == "CR" }!
    c = cells(cr)
    let crId = c[0]
    c[7] = "PR"
    lines[cr] = c.joined(separator: ";")
    // Patient 4 (line 5): GD2 re-measured.
    c = cells(4)
    let oldGD2 = c[5]
    c[5] = "12,5"
    lines[4] = c.joined(separator: ";")
    // An added patient 55, enrolled 01.03.2025, alive at 20.05.2025.
    c = cells(3)
    c[0] = "55"
    c[6] = "01.03.2025"
    c[7] = ""
    c[8] = ""
    c[9] = ""
    c[10] = "20.05.2025"
    lines.append(c.joined(separator: ";"))
    let planted = root.appendingPathComponent("datasets/trial/trial_cut1b.csv")
    try (lines.joined(separator: "\n") + "\n").write(to: planted, atomically: true, encoding: .utf8)
    let newFolder = root.appendingPathComponent("notebooks-data/interim-cut1b")
    try FileManager.default.createDirectory(at: newFolder, withIntermediateDirectories: true)
    let planText = try String(contentsOfFile: oldPlan, encoding: .utf8).replacing(
      "trial_cut1.csv", with: "trial_cut1b.csv")
    let newPlan = newFolder.appendingPathComponent("plan.toml").path
    try planText.write(toFile: newPlan, atomically: true, encoding: .utf8)

    let (comparison, _) = try ReportWriter.compare(oldPlanPath: oldPlan, newPlanPath: newPlan)
    let json =
      try JSONSerialization.jsonObject(with: Data(comparison.json.serialized().utf8))
      as! [String: Any]
    let patients = (json["patients"] as! [[String: Any]]).map {
      "\($0["id"]!)|\($0["change"]!)|\($0["variable"] as? String ?? "")|\($0["old"] as? String ?? "—")|\($0["new"] as? String ?? "—")"
    }
    XCTAssertEqual(
      Set(patients),
      [
        "1|date_moved|progression|27.02.2023|27.01.2023",
        "2|new_event|death|—|10.05.2025",
        "2|date_moved|last_contact|18.05.2025|10.05.2025",
        "\(crId)|value_changed|response|CR|PR",
        "4|value_remeasured|gd2|\(oldGD2.replacing(",", with: "."))|12.5",
        "55|added||—|—",
      ])
    // Per figure: ORR unchanged in count (CR -> PR are both responses), OS events up by one.
    let figures = json["figures"] as! [[String: Any]]
    let osEvents = figures.first { $0["figure"] as? String == "os / curves[all] / events" }!
    XCTAssertEqual(osEvents["old"] as? Double, 12)
    XCTAssertEqual(osEvents["new"] as? Double, 13)
    XCTAssertEqual(osEvents["difference"] as? Double, 1)
    XCTAssertFalse(figures.contains { ($0["figure"] as! String).hasPrefix("orr / count") })
    // Landmarks: the parts add up to the change; every planted change lies within the old
    // follow-up (or is an added patient), so nothing is due to new follow-up.
    for l in json["landmarks"] as! [[String: Any]] {
      guard let old = l["old"] as? Double, let new = l["new"] as? Double,
        let records = l["from_changed_records"] as? Double,
        let followUp = l["from_new_follow_up"] as? Double
      else { continue }
      XCTAssertEqual(old + records + followUp, new, accuracy: 1e-15)
      XCTAssertEqual(followUp, 0, "\(l)")
    }
    // The added patient (censored at 2.6 months) enlarges the early risk sets, where the PD
    // patients progressed: 1-year PFS moves, and only through changed records.
    let pfs12 = (json["landmarks"] as! [[String: Any]]).first {
      $0["analysis"] as? String == "pfs" && $0["time"] as? Double == 12
    }!
    XCTAssertNotEqual(pfs12["from_changed_records"] as? Double, 0)
  }

  /// A plan with `previous = "../interim-cut1/plan.toml"`: the report holds the same
  /// comparison as `survkit compare`.
  func testPreviousKeyPutsTheComparisonIntoTheReport() throws {
    let text = try String(
      contentsOf: repo.appendingPathComponent("notebooks-data/interim-cut2/plan.toml"),
      encoding: .utf8)
    let withPrevious = text.replacing(
      "title = \"Dinutuximab",
      with: "previous = \"../interim-cut1/plan.toml\"\ntitle = \"Dinutuximab")
    XCTAssertNotEqual(text, withPrevious)
    let (root, newPlan) = try ReportKindTests.scratch("interim-cut2", planText: withPrevious)
    defer { try? FileManager.default.removeItem(at: root) }
    // scratch() copied the previous plan; its data file is added here.
    try FileManager.default.copyItem(
      at: repo.appendingPathComponent("datasets/trial/trial_cut1.csv"),
      to: root.appendingPathComponent("datasets/trial/trial_cut1.csv"))
    let (_, _, files) = try ReportWriter.run(planPath: newPlan)
    XCTAssertTrue(files.contains("comparison.json"))
    let fresh = try Data(
      contentsOf: URL(fileURLWithPath: newPlan).deletingLastPathComponent()
        .appendingPathComponent("report/comparison.json"))
    let committed = try Data(
      contentsOf: repo.appendingPathComponent(
        "notebooks-data/interim-cut2/comparison/comparison.json"))
    XCTAssertEqual(fresh, committed)
  }
}
