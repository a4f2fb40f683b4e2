import XCTest

@testable import SurvivalKit
@testable import SurvivalReport

/// The report's building blocks against known answers.
final class ReportBuildingBlockTests: XCTestCase {
  /// FIPS 180-4 test vectors (and `sha256sum` of 1000 × "a").
  func testSHA256() {
    XCTAssertEqual(
      ContentDigest.hex(Array("abc".utf8)),
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    XCTAssertEqual(
      ContentDigest.hex([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    XCTAssertEqual(
      ContentDigest.hex(Array(repeating: UInt8(ascii: "a"), count: 1000)),
      "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
  }

  /// Against R 4.2.2 `binom.test(x, n, conf.level)$conf.int`.
  func testClopperPearson() throws {
    let a = try Proportion(count: 26, total: 44)
    assertClose(a.lower, 0.43249642725217102, tol: 1e-10, "26/44 lower")
    assertClose(a.upper, 0.73662057491869626, tol: 1e-10, "26/44 upper")
    let zero = try Proportion(count: 0, total: 10)
    XCTAssertEqual(zero.lower, 0)
    assertClose(zero.upper, 0.30849710781876083, tol: 1e-10, "0/10 upper")
    let all = try Proportion(count: 10, total: 10)
    assertClose(all.lower, 0.69150289218123917, tol: 1e-10, "10/10 lower")
    XCTAssertEqual(all.upper, 1)
    let ninety = try Proportion(count: 1, total: 3, confLevel: 0.9)
    assertClose(ninety.lower, 0.016952427508441489, tol: 1e-10, "1/3 lower")
    assertClose(ninety.upper, 0.864649637828416195, tol: 1e-10, "1/3 upper")
    assertThrows(try Proportion(count: 5, total: 3), containing: ["not a proportion"])
  }

  /// The Lausen–Schumacher p-value is the formula written in the doc comment, evaluated here
  /// for the statistic found, and the statistic is the largest log-rank |Z| over the splits.
  func testMaximallySelectedLogRank() throws {
    let time: [Double] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    let status: [UInt8] = [1, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0]
    let marker: [Double] = [9, 8, 7, 3, 6, 5, 2, 4, 1, 2, 3, 1]
    let m = try MaximallySelectedLogRank(
      time: time, status: status, marker: marker, minProportion: 0.1)
    var best = 0.0
    for cut in Set(marker).sorted() {
      let below = Double(marker.filter { $0 <= cut }.count) / 12
      guard below >= 0.1 && below <= 0.9 else { continue }
      let grouping = Grouping(labels: ["low", "high"], codes: marker.map { $0 > cut ? 1 : 0 })
      let t = try LogRank.test(try SurvivalSample(time: time, status: status, grouping: grouping))
      best = max(best, t.chisq.squareRoot())
    }
    assertClose(m.statistic, best, tol: 1e-12, "max |Z|")
    let phi = exp(-best * best / 2) / (2 * Double.pi).squareRoot()
    let p = 4 * phi / best + phi * (best - 1 / best) * log(0.81 / 0.01)
    assertClose(m.adjustedP, min(1, max(0, p)), tol: 1e-12, "Lausen-Schumacher p")
    XCTAssertGreaterThan(m.adjustedP, m.naiveP)
  }

  /// Against R maxstat 0.7-25: maxstat:::pLausen92(b, minprop, 1 - minprop).
  func testLausenSchumacherPMatchesR() {
    assertClose(
      MaximallySelectedLogRank.lausenSchumacherP(2.5, minProportion: 0.1), 0.1898024538920039,
      tol: 1e-12, "2.5")
    assertClose(
      MaximallySelectedLogRank.lausenSchumacherP(3.1, minProportion: 0.1), 0.04408752225518555,
      tol: 1e-12, "3.1")
    assertClose(
      MaximallySelectedLogRank.lausenSchumacherP(2.0, minProportion: 0.2), 0.33252405031231247,
      tol: 1e-12, "2.0")
    XCTAssertEqual(MaximallySelectedLogRank.lausenSchumacherP(0.5, minProportion: 0.1), 1)
  }

  func testPlanFileErrorsNameTheLine() {
    assertThrows(try PlanFile(text: "a = 1\nb = [1, 2\n"), containing: ["line 2", "one line"])
    assertThrows(try PlanFile(text: "x = {a = 1}\n"), containing: ["line 1", "inline tables"])
    assertThrows(try PlanFile(text: "a = 1\na = 2\n"), containing: ["line 2", "set twice"])
    assertThrows(try PlanFile(text: "a = hello\n"), containing: ["quote text"])
    // Found by fuzzing: deeply nested arrays exhausted the stack.
    assertThrows(
      try PlanFile(text: "id = " + String(repeating: "[", count: 100_000) + "\n"),
      containing: ["line 1", "nested more than 8 deep"])
    XCTAssertNoThrow(try PlanFile(text: "a = [[1, 2], [3]]\n"))
    assertThrows(
      try StudyPlan(text: "[data]\nfile = \"x.csv\"\ncutoff = \"01.06.2025\"\ncutof = 1\n"),
      containing: ["line 4", "[data] has an unknown key 'cutof'"])
    assertThrows(
      try StudyPlan(text: "[data]\nfile = \"x.csv\"\nid = \"id\"\ncutoff = \"31.02.2025\"\n"),
      containing: ["line 4", "not a date"])
  }

  func testPlanFileValues() throws {
    let f = try PlanFile(
      text: """
        # comment
        title = "A \\"quoted\\" title"  # trailing comment
        [t.sub]
        n = 1_000
        list = ["a", 'b', ]
        "quoted key" = true
        """)
    XCTAssertEqual(try f.string("title"), "A \"quoted\" title")
    XCTAssertEqual(try f.number("t.sub.n"), 1000)
    XCTAssertEqual(try f.strings("t.sub.list"), ["a", "b"])
    XCTAssertEqual(f.values["t.sub.quoted key"]?.value, .bool(true))
  }
}
