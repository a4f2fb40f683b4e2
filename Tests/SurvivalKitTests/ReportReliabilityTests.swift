import Foundation
import XCTest

@testable import SurvivalKit
@testable import SurvivalReport

/// Whole-or-nothing report writes, one run per plan, numeric plan keys in range, patient ids,
/// encodings (issue 9, report side).
extension ReportTests {
  /// Runs the built survkit with extra environment variables; returns its exit status and
  /// standard error.
  func survkit(_ arguments: [String], environment: [String: String] = [:]) throws -> (
    status: Int32, stderr: String
  ) {
    let process = try startSurvkit(arguments, environment: environment)
    process.waitUntilExit()
    let err = (process.standardError as! Pipe).fileHandleForReading.readDataToEndOfFile()
    return (process.terminationStatus, String(decoding: err, as: UTF8.self))
  }

  func startSurvkit(_ arguments: [String], environment: [String: String] = [:]) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: TestSupport.survkitPath)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardOutput = FileHandle.nullDevice
    process.standardError = Pipe()
    try process.run()
    return process
  }

  /// Every file under a folder (relative path -> bytes).
  func snapshot(_ folder: URL) throws -> [String: Data] {
    var files: [String: Data] = [:]
    guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return files }
    while let name = walker.nextObject() as? String {
      var isDirectory: ObjCBool = false
      let path = folder.appendingPathComponent(name).path
      if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
        !isDirectory.boolValue
      {
        files[name] = try Data(contentsOf: URL(fileURLWithPath: path))
      }
    }
    return files
  }

  /// A run killed at any point leaves the report folder holding the complete old set or the
  /// complete new set; the next run removes what the killed one staged.
  func testKilledRunsLeaveTheOldOrTheNewSet() throws {
    let (root, plan) = try scratch(cut: 1)
    defer { try? FileManager.default.removeItem(at: root) }
    let folder = URL(fileURLWithPath: plan).deletingLastPathComponent()
    let report = folder.appendingPathComponent("report")
    let planA = try committedPlan()
    let planB = planA.replacing("data cut 1\"", with: "data cut 1 (rerun)\"")
    XCTAssertNotEqual(planA, planB)
    func setPlan(_ text: String) throws {
      try text.write(to: URL(fileURLWithPath: plan), atomically: true, encoding: .utf8)
    }
    // The two complete sets.
    try setPlan(planB)
    XCTAssertEqual(try survkit(["report", plan]).status, 0)
    let setB = try snapshot(report)
    try setPlan(planA)
    XCTAssertEqual(try survkit(["report", plan]).status, 0)
    let setA = try snapshot(report)
    XCTAssertEqual(setA.count, 8)
    XCTAssertNotEqual(setA["report.md"], setB["report.md"])
    XCTAssertEqual(Set(setA.keys), Set(setB.keys))

    // A seeded generator (splitmix64), so a failure can be replayed.
    var state: UInt64 = 20_251_126
    func next(_ bound: Int) -> Int {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return Int((z ^ (z >> 31)) % UInt64(bound))
    }
    var current = setA
    var useB = true
    var sawOld = 0
    var sawNew = 0
    for iteration in 0..<15 {
      try setPlan(useB ? planB : planA)
      let wanted = useB ? setB : setA
      // Most runs die at a chosen step of the write phase (1...15: every file, the syncs, the
      // swap, the clean-up); some are killed from outside at a random moment.
      if iteration % 3 == 2 {
        let process = try startSurvkit(["report", plan])
        usleep(UInt32(next(300_000)))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
      } else {
        let step = 1 + next(15)
        _ = try survkit(
          ["report", plan], environment: ["SURVKIT_TEST_KILL_AFTER_STEP": "\(step)"])
      }
      let seen = try snapshot(report)
      if seen == wanted && wanted != current {
        sawNew += 1
        current = wanted
        useB.toggle()
      } else {
        XCTAssertEqual(seen, current, "iteration \(iteration): neither the old nor the new set")
        sawOld += 1
      }
    }
    XCTAssertGreaterThan(sawOld, 0)
    XCTAssertGreaterThan(sawNew, 0)
    // A complete run afterwards leaves nothing but the plan and the report.
    XCTAssertEqual(try survkit(["report", plan]).status, 0)
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(),
      ["plan.toml", "report"])
  }

  /// Concurrent runs on one plan: each either completes or stops at once saying another run
  /// is writing; the result is one complete set and no temporary file.
  func testConcurrentRunsOnOnePlan() throws {
    let (root, plan) = try scratch(cut: 1)
    defer { try? FileManager.default.removeItem(at: root) }
    let folder = URL(fileURLWithPath: plan).deletingLastPathComponent()
    XCTAssertEqual(try survkit(["report", plan]).status, 0)
    let expected = try snapshot(folder.appendingPathComponent("report"))
    var refused = 0
    for _ in 0..<3 {
      let processes = try (0..<4).map { _ in try startSurvkit(["report", plan]) }
      for p in processes {
        p.waitUntilExit()
        let err = String(
          decoding: (p.standardError as! Pipe).fileHandleForReading.readDataToEndOfFile(),
          as: UTF8.self)
        if p.terminationStatus != 0 {
          XCTAssertTrue(err.contains("another `survkit report` is running"), err)
          XCTAssertTrue(err.contains("nothing was written"), err)
          refused += 1
        }
      }
      XCTAssertEqual(try snapshot(folder.appendingPathComponent("report")), expected)
      XCTAssertEqual(
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(),
        ["plan.toml", "report"])
    }
    // In-process: a held lock refuses a second run with the same message.
    let lock = try FolderLock(folder: folder.path, plan: plan)
    assertThrows(
      try ReportWriter.run(planPath: plan), containing: ["another `survkit report` is running"])
    lock.release()
    XCTAssertNoThrow(try ReportWriter.run(planPath: plan))
    _ = refused
  }

  /// Numeric plan keys out of range stop the run with the plan's line (issue 9).
  func testNumericPlanKeysAreValidated() throws {
    let plan = try committedPlan()
    let lineOf = { (fragment: String) -> String in
      let lines = plan.split(separator: "\n", omittingEmptySubsequences: false)
      return "line \(lines.firstIndex { $0.contains(fragment) }! + 1)"
    }
    let step = lineOf("plot_step = 6")
    for bad in ["0", "-6"] {
      try assertFailsWithoutReport(
        planText: plan.replacing("plot_step = 6", with: "plot_step = \(bad)"),
        [step, "plot_step = \(bad) is out of range: a positive time"])
    }
    try assertFailsWithoutReport(
      planText: plan.replacing("plot_step = 6", with: "plot_step = 0.000001"),
      [step, "plot_step 1e-06 would draw", "at most 100 ticks"])
    // The first landmarks line (analysis os) with a negative landmark.
    let landmarks = lineOf("landmarks = [12, 24]")
    var lines = plan.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let k = Int(landmarks.dropFirst(5))! - 1
    lines[k] = "landmarks = [-1, 24]"
    try assertFailsWithoutReport(
      planText: lines.joined(separator: "\n"),
      [landmarks, "[analyses.os] landmarks: -1 is out of range: times since the origin, 0 or more"])
    try assertFailsWithoutReport(
      planText: plan.replacing("cutpoints = [1, 5, 20]", with: "cutpoints = [1, 5, 200]"),
      [lineOf("cutpoints = [1, 5, 20]"), "cutpoint 200 is outside the marker's range [0, 100]"])
    try assertFailsWithoutReport(
      planText: plan.replacing("conf_level = 0.95", with: "conf_level = 95"),
      [lineOf("conf_level = 0.95"), "conf_level = 95 is out of range: between 0 and 1"])
    try assertFailsWithoutReport(
      planText: plan.replacing("min_proportion = 0.1", with: "min_proportion = 0.5"),
      [lineOf("min_proportion = 0.1"), "min_proportion = 0.5 is out of range"])
  }

  /// A repeated patient or an empty id stops the run naming the lines (issue 9: one repeated
  /// row turned ORR 13/22 into 14/23).
  func testDuplicateAndEmptyPatientIdsStopTheRun() throws {
    var lines = try committedData().split(separator: "\n", omittingEmptySubsequences: false).map(
      String.init)
    // Line 6 repeated as a new last line (file line 56).
    lines.insert(lines[5], at: 55)
    try assertFailsWithoutReport(
      data: Array(lines.joined(separator: "\n").utf8),
      ["line 56: patient id 5 is also on line 6"])
    lines = try committedData().split(separator: "\n", omittingEmptySubsequences: false).map(
      String.init)
    var cells = lines[9].split(separator: ";", omittingEmptySubsequences: false).map(String.init)
    cells[0] = ""
    lines[9] = cells.joined(separator: ";")
    try assertFailsWithoutReport(
      data: Array(lines.joined(separator: "\n").utf8), ["line 10: the patient id '№' is empty"])
  }

  /// A plan saved as Windows-1251 is named as such, with its line; data that are not UTF-8
  /// point at the plan's encoding key, not at a command-line flag.
  func testEncodingsOfPlanAndData() throws {
    let plan = try committedPlan()
    var inverse: [UInt32: UInt8] = [:]
    for (k, scalar) in TextDecoding.windows1251High.enumerated() {
      inverse[UInt32(scalar)] = UInt8(0x80 + k)
    }
    func cp1251(_ text: String) -> [UInt8] {
      text.unicodeScalars.map { $0.value < 0x80 ? UInt8($0.value) : inverse[$0.value] ?? 0x3F }
    }
    let (root, planPath) = try scratch(cut: 1)
    defer { try? FileManager.default.removeItem(at: root) }
    try Data(cp1251(plan)).write(to: URL(fileURLWithPath: planPath))
    let firstCyrillic = plan.split(separator: "\n", omittingEmptySubsequences: false)
      .firstIndex { $0.unicodeScalars.contains { $0.value >= 0x400 } }!
    assertThrows(
      try ReportWriter.run(planPath: planPath),
      containing: ["line \(firstCyrillic + 1)", "is not UTF-8", "looks like Windows-1251"])
    // Data in Windows-1251 with the plan's encoding key removed.
    try assertFailsWithoutReport(
      planText: plan.replacing("encoding = \"utf-8\"", with: ""),
      data: cp1251(try committedData()),
      ["line 1", "is not UTF-8", "encoding = \"cp1251\"", "[data] table"])
    let (root2, planPath2) = try scratch(
      cut: 1, planText: plan.replacing("encoding = \"utf-8\"", with: ""),
      data: cp1251(try committedData()))
    defer { try? FileManager.default.removeItem(at: root2) }
    do {
      try ReportWriter.run(planPath: planPath2)
      XCTFail("no error")
    } catch {
      XCTAssertFalse("\(error)".contains("--encoding"), "\(error)")
    }
  }
}
