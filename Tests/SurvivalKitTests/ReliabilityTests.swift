import Foundation
import XCTest

@testable import SurvivalKit

/// Each reproduction of the reliability review (crashes, hangs, silent changes) as a test: the
/// input now gets a clear message naming the cell, term or count, or the documented result.
final class ReliabilityTests: XCTestCase {
  let lungPath = TestSupport.dataset("lung.csv")

  func lungLines() throws -> [String] {
    try String(contentsOfFile: lungPath, encoding: .utf8).split(separator: "\n").map(String.init)
  }

  /// lung.csv with the cell of `column` on file line `line` replaced.
  func lung(replacing column: String, onLine line: Int, with value: String) throws -> [UInt8] {
    var lines = try lungLines()
    let header = lines[0].split(separator: ",").map {
      $0.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }
    let c = header.firstIndex(of: column)!
    var cells = lines[line - 1].split(separator: ",", omittingEmptySubsequences: false).map(
      String.init)
    cells[c] = value
    lines[line - 1] = cells.joined(separator: ",")
    return Array((lines.joined(separator: "\n") + "\n").utf8)
  }

  func testStrataInAnInteractionIsRefusedWithAdvice() throws {
    let table = try CSVReader.read(path: lungPath)
    for formula in [
      "Surv(time, status) ~ strata(sex) * age", "Surv(time, status) ~ strata(sex):age",
      "Surv(time, status) ~ age * strata(sex)",
    ] {
      assertThrows(
        try CoxModel.fit(table: table, formula: Formula(formula)),
        containing: ["strata() cannot be part of an interaction"])
    }
    assertThrows(
      try Formula("Surv(time, status) ~ cluster(inst) * age"),
      containing: ["cluster() cannot be part of an interaction"])
  }

  /// 64 grouping variables (and 10 variables of 100 levels) once overflowed the group key.
  func testManyGroupingVariablesNeverOverflow() throws {
    let table = try CSVReader.read(path: lungPath)
    let many = Array(repeating: "sex", count: 64).joined(separator: ", ")
    let fit = try KaplanMeier.fit(
      SurvivalSample(table: table, formula: Formula("Surv(time, status) ~ strata(\(many))")))
    XCTAssertEqual(fit.curves.count, 2)
    XCTAssertEqual(fit.curves.map(\.n), [138, 90])
    // 10 variables with 100 levels each: 100^10 possible combinations, 500 present.
    var text = "time,status," + (0..<10).map { "v\($0)" }.joined(separator: ",") + "\n"
    var generator = SystemRandomNumberGenerator()
    for i in 0..<500 {
      let levels = (0..<10).map { _ in String(Int.random(in: 0..<100, using: &generator)) }
      text += "\(i + 1),\(i % 2)," + levels.joined(separator: ",") + "\n"
    }
    let wide = try TestSupport.table(text)
    let formula = "Surv(time, status) ~ " + (0..<10).map { "v\($0)" }.joined(separator: " + ")
    let sample = try SurvivalSample(table: wide, formula: Formula(formula))
    XCTAssertEqual(sample.grouping.codes.count, 500)
    XCTAssertLessThanOrEqual(sample.grouping.labels.count, 500)
    // Labels stay ordered with the first variable varying slowest.
    XCTAssertEqual(
      sample.grouping.labels,
      sample.grouping.labels.sorted { a, b in
        let x = a.split(separator: ",").map { Int($0.split(separator: "=")[1])! }
        let y = b.split(separator: ",").map { Int($0.split(separator: "=")[1])! }
        return x.lexicographicallyPrecedes(y)
      })
  }

  /// 18 factors crossed once took over a minute before any column was checked.
  func testCrossedFactorsAreBoundedBeforeExpansion() throws {
    let factors = (1...18).map { "x\($0)" }.joined(separator: " * ")
    let start = Date()
    assertThrows(
      try Formula("Surv(time, status) ~ \(factors)"),
      containing: ["18 factors crossed with '*' would make 262143 terms"])
    XCTAssertLessThan(Date().timeIntervalSince(start), 1)
    XCTAssertEqual(try Formula("Surv(t, s) ~ a * b * c").terms.count, 7)
  }

  /// Log-rank with thousands of groups grew k² in memory and k³ in time.
  func testLogRankWithThousandsOfGroupsIsRefusedEarly() throws {
    var text = "time,status,id\n"
    for i in 0..<6_000 { text += "\(i + 1),1,\(i)\n" }
    let table = try TestSupport.table(text)
    let sample = try SurvivalSample(table: table, formula: Formula("Surv(time, status) ~ id"))
    let start = Date()
    assertThrows(
      try LogRank.test(sample), containing: ["6000 groups", "almost always a wrong column"])
    assertThrows(try LogRankPairwise(sample), containing: ["6000 groups", "fewer levels"])
    XCTAssertLessThan(Date().timeIntervalSince(start), 5)
    // Kaplan–Meier on the same groups is fine.
    XCTAssertEqual(try KaplanMeier.fit(sample).curves.count, 6_000)
  }

  /// A status 3 on line 25 was reported as "line 2 ... status 2 is not valid".
  func testStatusErrorsNameTheOffendingCell() throws {
    let formula = try Formula("Surv(time, status) ~ 1")
    for (value, fragment) in [
      ("3", "line 25, column 'status': status 3 is not valid"),
      ("yes", "line 25, column 'status': status 'yes' is not a number"),
      ("TRUE", "line 25, column 'status': status 'TRUE' is not a number"),
    ] {
      let table = try CSVReader.read(
        bytes: lung(replacing: "status", onLine: 25, with: value))
      assertThrows(try SurvivalSample(table: table, formula: formula), containing: [fragment])
    }
  }

  /// One non-numeric cell used to turn lung's age into a 60-level factor silently.
  func testANumericColumnWithABadCellIsAnError() throws {
    let formula = try Formula("Surv(time, status) ~ age + sex")
    for bad in ["Inf", "\"4O,5\""] {
      let table = try CSVReader.read(bytes: lung(replacing: "age", onLine: 31, with: bad))
      assertThrows(
        try CoxModel.fit(table: table, formula: formula),
        containing: ["column 'age'", "numeric except for 1 cell", "line 31", "--na"])
      // As a grouping variable too.
      assertThrows(
        try SurvivalSample(table: table, formula: Formula("Surv(time, status) ~ age")),
        containing: ["line 31"])
    }
    // Declared missing, the cell's row is dropped and counted, and the fit is R's on the rest.
    var options = CSVOptions()
    options.missingValues.insert("Inf")
    let table = try CSVReader.read(
      bytes: lung(replacing: "age", onLine: 31, with: "Inf"), options: options)
    let fit = try CoxModel.fit(table: table, formula: formula)
    XCTAssertEqual(fit.dropped, 1)
    XCTAssertEqual(fit.n, 227)
    // In a small file (8 rows, fewer than 10 distinct numbers) one typo is named too, as a
    // covariate and as a grouping, instead of making a factor whose fit is singular.
    var small = "time,status,age\n"
    for (i, age) in ["61", "58", "4O", "70", "66", "52", "49", "63"].enumerated() {
      small += "\(i + 3),\(i % 2),\(age)\n"
    }
    assertThrows(
      try CoxModel.fit(
        table: TestSupport.table(small), formula: Formula("Surv(time, status) ~ age")),
      containing: ["column 'age'", "numeric except for 1 cell", "line 4 '4O'"])
    assertThrows(
      try SurvivalSample(
        table: TestSupport.table(small), formula: Formula("Surv(time, status) ~ age")),
      containing: ["line 4"])
    // A genuine factor with numeric codes and an 'unknown' level is still a factor.
    var text = "time,status,grade\n"
    for i in 0..<40 { text += "\(i + 1),\(i % 2),\(["1", "2", "3", "unknown"][i % 4])\n" }
    let graded = try CoxModel.fit(
      table: TestSupport.table(text), formula: Formula("Surv(time, status) ~ grade"))
    XCTAssertEqual(graded.coefficients.count, 3)
  }

  /// One invalid byte in a UTF-8 file used to switch the whole file to Windows-1251.
  func testABadByteInAUTF8FileIsNamed() throws {
    var bytes = Array("name,time,status\nостеосаркома,5,1\nсаркома,7,0\n".utf8)
    bytes[bytes.count - 4] = 0xFF  // on line 3
    assertThrows(
      try CSVReader.read(bytes: bytes),
      containing: ["line 3, byte", "0xFF) is not UTF-8", "--encoding cp1251"])
    // An ASCII file with one stray byte is not taken for Cyrillic either.
    var ascii = Array("time,status\n5,1\n7,0\n".utf8)
    ascii[13] = 0xE9
    assertThrows(try CSVReader.read(bytes: ascii), containing: ["line 2, byte 2"])
    // UTF-16 is named as such.
    let utf16: [UInt8] = [0xFF, 0xFE] + Array("time,status\n".utf8).flatMap { [$0, 0] }
    assertThrows(try CSVReader.read(bytes: utf16), containing: ["UTF-16"])
  }

  /// A byte-order mark or NUL inside a column name is shown, not printed invisibly.
  func testInvisibleCharactersAreShownInMessages() throws {
    let table = try TestSupport.table("time,\u{FEFF}status\n1,1\n")
    assertThrows(
      try SurvivalSample(table: table, formula: Formula("Surv(time, status) ~ 1")),
      containing: ["'<U+FEFF>status'"])
  }

  /// Covariates near 1e±160: R fits them; SurvivalKit gave a false "collinear" error (1e160)
  /// or se = null, p = 1 and a false "may be infinite" warning (1e-160). The z statistics,
  /// p-values and tests equal those of the unscaled fit (a linear rescaling of a covariate
  /// leaves them unchanged).
  func testExtremeCovariateScales() throws {
    let table = try CSVReader.read(path: lungPath)
    let formula = try Formula("Surv(time, status) ~ age + sex")
    let reference = try CoxModel.fit(table: table, formula: formula)
    guard case .numeric(let age) = try table.column(named: "age").values else {
      return XCTFail("age")
    }
    for scale in [1e160, 1e-160] {
      let columns = table.columns.map { c in
        c.name == "age" ? Column(name: "age", values: .numeric(age.map { $0 * scale })) : c
      }
      let scaled = DataTable(columns: columns, lineNumbers: table.lineNumbers)
      let fit = try CoxModel.fit(table: scaled, formula: formula)
      XCTAssertEqual(fit.warnings, [], "\(scale)")
      for (a, b) in zip(fit.coefficients, reference.coefficients) {
        assertClose(a.z, b.z, tol: 1e-8, "\(scale) \(a.term) z")
        assertClose(a.p, b.p, tol: 1e-8, "\(scale) \(a.term) p")
        assertClose(a.coef, b.coef.map { a.term == "age" ? $0 / scale : $0 }, tol: 1e-8)
        assertClose(
          a.standardError, b.standardError.map { a.term == "age" ? $0 / scale : $0 }, tol: 1e-8)
      }
      assertClose(fit.wald.statistic, reference.wald.statistic, tol: 1e-8, "\(scale) wald")
      assertClose(fit.likelihoodRatio.statistic, reference.likelihoodRatio.statistic, tol: 1e-8)
    }
  }

  /// Where R disagrees with itself, SurvivalKit follows `quantile.survfit`. R 4.2.2, survival
  /// 3.5-3: `f <- survfit(Surv(time, status) ~ 1, data.frame(time = c(10, 20, 30, 40),
  /// status = c(1, 1, 0, 0)))`; `quantile(f, 0.5)` gives 30 (lower 10, upper NA), while
  /// `print(f)` shows median 20.
  func testMedianOnAFlatStretchEndingInACensoringFollowsQuantileSurvfit() throws {
    let fit = try KaplanMeier.fit(
      SurvivalSample(time: [10, 20, 30, 40], status: [1, 1, 0, 0]))
    let median = fit.curves[0].median
    XCTAssertEqual(median.estimate, 30)
    XCTAssertEqual(median.lower, 10)
    XCTAssertNil(median.upper)
  }

  /// A 9,990-column Cox model once used 2.3 GB before its error: the width is counted first.
  func testDesignWidthIsBoundedBeforeAnyColumnIsBuilt() throws {
    var text = "time,status,id,site\n"
    for i in 0..<3_000 { text += "\(i + 1),\(i % 2),p\(i),s\(i % 5)\n" }
    let table = try TestSupport.table(text)
    assertThrows(
      try CoxModel.fit(table: table, formula: Formula("Surv(time, status) ~ id")),
      containing: ["2999 design columns", "'id' alone 2999", "an id"])
    assertThrows(
      try CoxModel.fit(table: table, formula: Formula("Surv(time, status) ~ id * site")),
      containing: ["design columns", "'id:site' alone 11996"])
  }

  /// A semicolon export with decimal commas and three complete rows: the coefficients run to
  /// infinity (R: "Ran out of iterations and did not converge"). The message says so in the
  /// user's terms, not LAPACK's, and names the missing value's row as dropped.
  func testDivergingFitOnATinyExportHasAClearMessage() throws {
    let table = try TestSupport.table(
      "time;status;age;grp\n5,5;1;61,2;a\n8;0;;b\n12,25;1;70;a\n20;1;48;b\n")
    assertThrows(
      try CoxModel.fit(table: table, formula: Formula("Surv(time, status) ~ age + grp")),
      containing: ["coefficient is infinite", "--firth"])
  }
}
