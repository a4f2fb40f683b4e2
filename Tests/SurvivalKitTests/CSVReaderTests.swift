import XCTest

@testable import SurvivalKit

final class CSVReaderTests: XCTestCase {
  /// The cell parser against Swift's own correctly rounded `Double(_:)` (the oracle): digit
  /// runs of every length from 0 to 25 on both sides of the point (the exact fast path up to
  /// 19 digits and 10^±22, the strtod fallback beyond), signs, exponents, cells that end where
  /// the buffer ends or before other bytes, read as a cell (`parseDouble`) and from its start
  /// to wherever the number ends (`scanDouble`); and text that is not a number (nil), as
  /// Swift's parser says.
  func testNumberParsingMatchesSwiftsParser() {
    var generator = SeededGenerator(seed: 41)
    func digits(_ n: Int) -> String {
      String((0..<n).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
    }
    var cells: [String] = [
      "0", "-0", "+1", ".5", "5.", "1e5", "1E-5", "9007199254740993",
      "12345678", "123456789", "1234567.1234567", "0.000000001", "1e400", "1e-400",
    ]
    for _ in 0..<4000 {
      var cell = ["", "-", "+"][Int.random(in: 0..<3, using: &generator)]
      let whole = Int.random(in: 0...25, using: &generator)
      let fraction = Int.random(in: 0...25, using: &generator)
      cell += digits(whole)
      if fraction > 0 || Bool.random(using: &generator) { cell += "." + digits(fraction) }
      if Int.random(in: 0..<4, using: &generator) == 0 {
        cell += ["e", "E"][Int.random(in: 0..<2, using: &generator)]
        cell += ["", "-", "+"][Int.random(in: 0..<3, using: &generator)]
        cell += String(Int.random(in: 0...330, using: &generator))
      }
      cells.append(cell)
    }
    cells += ["", "-", ".", "e5", "1e", "1e+", "1.2.3", "12a", "a12", "1 ", "--1", "1e5x"]
    for cell in cells {
      let expected = Double(cell)
      for trailer in ["", ",7", "\n", "xxxxxxxxxx"] {
        let bytes = Array((cell + trailer).utf8)
        let cellEnd = cell.utf8.count
        let parsed = bytes.withUnsafeBufferPointer { b -> Double? in
          guard let base = b.baseAddress else { return nil }
          return NumberParsing.parseDouble(base, 0, cellEnd, decimalComma: false)
        }
        XCTAssertEqual(parsed?.bitPattern, expected?.bitPattern, "'\(cell)' before '\(trailer)'")
        // Scanning from the cell's start stops at its end when a separator follows.
        if trailer == ",7" || trailer == "\n", let expected {
          let (value, stop) = bytes.withUnsafeBufferPointer { b in
            NumberParsing.scanDouble(b.baseAddress!, 0, b.count, decimalComma: false)
          }
          XCTAssertEqual(value?.bitPattern, expected.bitPattern, "scan '\(cell)\(trailer)'")
          XCTAssertEqual(stop, cellEnd, "scan '\(cell)\(trailer)'")
        }
      }
    }
  }

  func numbers(_ t: DataTable, _ name: String) throws -> [Double] {
    guard case .numeric(let v) = try t.column(named: name).values else {
      XCTFail("\(name) is not numeric")
      return []
    }
    return v
  }

  func testQuotedFieldsHoldDelimitersNewlinesAndQuotes() throws {
    let t = try TestSupport.table(
      "id,note,time\n1,\"a, b\",5\n2,\"line1\nline2\",6\n3,\"say \"\"hi\"\"\",7\n")
    XCTAssertEqual(t.rowCount, 3)
    XCTAssertEqual(try t.column(named: "note").text(at: 0), "a, b")
    XCTAssertEqual(try t.column(named: "note").text(at: 1), "line1\nline2")
    XCTAssertEqual(try t.column(named: "note").text(at: 2), "say \"hi\"")
    XCTAssertEqual(t.lineNumbers, [2, 3, 5])  // row 2 spans lines 3-4
    XCTAssertEqual(try numbers(t, "time"), [5, 6, 7])
  }

  func testBOMAndCRLF() throws {
    let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("time,status\r\n1.5,1\r\n2,0\r\n".utf8)
    let t = try CSVReader.read(bytes: bytes)
    XCTAssertEqual(t.columnNames, ["time", "status"])
    XCTAssertEqual(try numbers(t, "time"), [1.5, 2])
    XCTAssertEqual(t.encoding, .utf8)
  }

  func testSemicolonDecimalCommaAndDates() throws {
    let t = try TestSupport.table(
      "пациент;gd2;дата\n1;12,5;09.12.2021\n2;7;2022-01-31\n3;;\n")
    XCTAssertEqual(t.delimiter, ";")
    XCTAssertTrue(t.decimalComma)
    let gd2 = try numbers(t, "gd2")
    XCTAssertEqual(gd2[0], 12.5)
    XCTAssertEqual(gd2[1], 7)
    XCTAssertTrue(gd2[2].isNaN)
    guard case .date(let d) = try t.column(named: "дата").values else {
      return XCTFail("not a date column")
    }
    XCTAssertEqual(d[0], Double(DateParsing.daysFromCivil(year: 2021, month: 12, day: 9)))
    XCTAssertEqual(d[1] - d[0], 53)  // 9 Dec 2021 to 31 Jan 2022
    XCTAssertTrue(d[2].isNaN)
  }

  func testDaysFromCivilKnownValues() {
    XCTAssertEqual(DateParsing.daysFromCivil(year: 1970, month: 1, day: 1), 0)
    XCTAssertEqual(DateParsing.daysFromCivil(year: 2000, month: 3, day: 1), 11017)
    XCTAssertEqual(DateParsing.daysFromCivil(year: 2024, month: 2, day: 29), 19782)
    XCTAssertEqual(DateParsing.civilFromDays(19782).month, 2)
    XCTAssertNil(DateParsing.parseDays("31.02.2022"))
    XCTAssertNil(DateParsing.parseDays("2023-02-29"))
  }

  func testWindows1251DetectedAndRequested() throws {
    // "нозология;time\nостеосаркома;5\n" in Windows-1251.
    let text = "нозология;time\nостеосаркома;5\n"
    var bytes: [UInt8] = []
    for scalar in text.unicodeScalars {
      if scalar.value < 0x80 {
        bytes.append(UInt8(scalar.value))
      } else {
        bytes.append(UInt8(scalar.value - 0x0410 + 0xC0))  // а..я, А..Я only
      }
    }
    let detected = try CSVReader.read(bytes: bytes)
    XCTAssertEqual(detected.encoding, .windows1251)
    XCTAssertEqual(try detected.column(named: "нозология").text(at: 0), "остеосаркома")
    let asked = try CSVReader.read(bytes: bytes, options: CSVOptions(encoding: .windows1251))
    XCTAssertEqual(try asked.column(named: "нозология").text(at: 0), "остеосаркома")
    assertThrows(
      try CSVReader.read(bytes: bytes, options: CSVOptions(encoding: .utf8)),
      containing: ["is not UTF-8", "cp1251"])
  }

  func testWindows1251TableMatchesUnicodeForCyrillicLetters() {
    XCTAssertEqual(TextDecoding.windows1251High[0xA8 - 0x80], 0x0401)  // Ё
    XCTAssertEqual(TextDecoding.windows1251High[0xB8 - 0x80], 0x0451)  // ё
    XCTAssertEqual(TextDecoding.windows1251High[0xC0 - 0x80], 0x0410)  // А
    XCTAssertEqual(TextDecoding.windows1251High[0xFF - 0x80], 0x044F)  // я
    XCTAssertEqual(TextDecoding.windows1251High.count, 128)
  }

  func testTabDelimiterDetectedAndMissingSpellings() throws {
    let t = try TestSupport.table("a\tb\n1\tNA\n2\tNaN\n.\tNULL\n4\t5\n")
    XCTAssertEqual(t.delimiter, "\t")
    let a = try numbers(t, "a")
    XCTAssertTrue(a[2].isNaN)
    XCTAssertEqual(a[3], 4)
    let b = try numbers(t, "b")
    XCTAssertEqual(b.filter(\.isNaN).count, 3)
  }

  func testCustomMissingValues() throws {
    var options = CSVOptions()
    options.missingValues = ["", "-999"]
    let t = try TestSupport.table("a\n1\n-999\n", options: options)
    XCTAssertTrue(try numbers(t, "a")[1].isNaN)
  }

  func testNumberParsingIsCorrectlyRounded() throws {
    let cases = [
      "0.1", "1e-300", "2.2250738585072014e-308", "123456789012345678901234",
      "3.14159265358979323846",
      "-0", "9007199254740993", "1.7976931348623157e308", "4.9e-324", "0.30000000000000004",
    ]
    let t = try TestSupport.table("x\n" + cases.joined(separator: "\n") + "\n")
    let parsed = try numbers(t, "x")
    for (text, value) in zip(cases, parsed) {
      XCTAssertEqual(value, Double(text)!, text)
    }
  }

  func testTypeInference() throws {
    let t = try TestSupport.table("n,d,s,mixed\n1,2022-01-01,a,1\n2,2022-01-02,b,x\n")
    XCTAssertEqual(try t.column(named: "n").typeName, "numeric")
    XCTAssertEqual(try t.column(named: "d").typeName, "date")
    XCTAssertEqual(try t.column(named: "s").typeName, "text")
    XCTAssertEqual(try t.column(named: "mixed").typeName, "text")
  }

  func testBlankLinesAreSkippedAndLinesCounted() throws {
    let t = try TestSupport.table("a,b\n\n1,2\n\n3,4\n")
    XCTAssertEqual(t.rowCount, 2)
    XCTAssertEqual(t.lineNumbers, [3, 5])
  }

  func testErrorsNameTheLine() {
    assertThrows(
      try TestSupport.table("a,b\n1,2\n3\n"), containing: ["line 3", "1 field", "header has 2"])
    assertThrows(try TestSupport.table("a,b\n1,2,3\n"), containing: ["line 2", "more than"])
    assertThrows(
      try TestSupport.table("a,b\n1,\"x\n2,3\n"), containing: ["line 2", "never closed"])
    assertThrows(try TestSupport.table("a,b\n1,x\"y\n"), containing: ["line 2", "quote"])
    assertThrows(try TestSupport.table("a,a\n1,2\n"), containing: ["line 1", "twice"])
    assertThrows(try TestSupport.table(""), containing: ["empty"])
    assertThrows(try TestSupport.table("a,;b\n"), containing: ["delimiter"])
  }

  func testUnknownColumnListsWhatExists() throws {
    let t = try TestSupport.table("time,status\n1,1\n")
    assertThrows(
      try t.column(named: "tme"), containing: ["unknown column 'tme'", "'time'", "'status'"])
  }

  func testMissingFileIsAClearError() {
    assertThrows(
      try CSVReader.read(path: "/nonexistent/file.csv"),
      containing: ["cannot read '/nonexistent/file.csv'", "No such file"])
  }
}
