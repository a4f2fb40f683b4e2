import Foundation
import XCTest

@testable import SurvivalKit

/// The scale paths give the same results as the straightforward ones: the CSV reader read in
/// blocks (down to one byte per block) gives the table of one block, the event table built by
/// counting equals the one built by sorting, and distinct-value ranks give the stable order
/// the radix sort gives.
final class StreamingIntakeTests: XCTestCase {
  /// Columns equal cell by cell (NaN equal to NaN), with the same type and levels.
  func assertSameTable(
    _ a: DataTable, _ b: DataTable, _ context: String, file: StaticString = #filePath,
    line: UInt = #line
  ) {
    XCTAssertEqual(a.columnNames, b.columnNames, context, file: file, line: line)
    XCTAssertEqual(a.lineNumbers, b.lineNumbers, context, file: file, line: line)
    XCTAssertEqual(a.encoding, b.encoding, context, file: file, line: line)
    XCTAssertEqual(a.delimiter, b.delimiter, context, file: file, line: line)
    for (x, y) in zip(a.columns, b.columns) {
      switch (x.values, y.values) {
      case (.numeric(let u), .numeric(let v)), (.date(let u), .date(let v)):
        XCTAssertEqual(
          u.map(\.bitPattern), v.map(\.bitPattern), "\(context) \(x.name)", file: file, line: line)
      case (.text(let l1, let c1), .text(let l2, let c2)):
        XCTAssertEqual(l1, l2, "\(context) \(x.name)", file: file, line: line)
        XCTAssertEqual(c1, c2, "\(context) \(x.name)", file: file, line: line)
      default:
        XCTFail("\(context) \(x.name): \(x.typeName) vs \(y.typeName)", file: file, line: line)
      }
    }
  }

  func read(_ text: String, blockSize: Int, options: CSVOptions = CSVOptions()) throws
    -> DataTable
  {
    try CSVReader.read(bytes: Array(text.utf8), options: options, blockSize: blockSize)
  }

  /// Every bundled data set, read in blocks of 1, 7, 64 and 1000 bytes, equals the table read
  /// in one block.
  func testBundledDatasetsReadInSmallBlocks() throws {
    let root = TestSupport.repositoryRoot.appendingPathComponent("datasets")
    let files = FileManager.default.enumerator(atPath: root.path)!.compactMap { $0 as? String }
      .filter { $0.hasSuffix(".csv") }.sorted()
    XCTAssertGreaterThan(files.count, 8)
    for name in files {
      let bytes = try CSVReader.readFile(root.appendingPathComponent(name).path)
      let whole = try CSVReader.read(bytes: bytes, options: CSVOptions(), blockSize: 1 << 30)
      XCTAssertEqual(whole.rowCount, try CSVReader.read(path: root.path + "/" + name).rowCount)
      for size in [1, 7, 64, 1000] {
        let blocks = try CSVReader.read(bytes: bytes, options: CSVOptions(), blockSize: size)
        assertSameTable(blocks, whole, "\(name) in blocks of \(size)")
      }
    }
  }

  /// Quoted fields with line breaks and delimiters, CR LF and lone CR line ends, blank lines,
  /// a last row without a line end: the same rows and lines in any block size.
  func testQuotesLineEndsAndBlankLinesAcrossBlocks() throws {
    let text =
      "id,note,time\r\n1,\"a, b\",5\r\n\r\n2,\"line1\nline2\",6\r3,\"say \"\"hi\"\"\",7\n\n4,plain,8"
    for size in [1, 2, 3, 5, 8, 13, 1 << 20] {
      let t = try read(text, blockSize: size)
      XCTAssertEqual(t.rowCount, 4, "block \(size)")
      XCTAssertEqual(t.lineNumbers, [2, 4, 6, 8], "block \(size)")
      XCTAssertEqual(try t.column(named: "note").text(at: 1), "line1\nline2")
      XCTAssertEqual(try t.column(named: "note").text(at: 2), "say \"hi\"")
      guard case .numeric(let v) = try t.column(named: "time").values else {
        return XCTFail("time is not numeric")
      }
      XCTAssertEqual(v, [5, 6, 7, 8])
    }
  }

  /// The type rule is the whole column's, whatever the blocks saw: numbers in early blocks and a
  /// word in a late one make a text column (levels in order of first appearance, numbers
  /// included); a missing prefix does not decide the type; an all-missing column is numeric.
  func testTypesAreDecidedForTheWholeColumn() throws {
    var rows = ["n,late,d,empty,s"]
    for i in 1...40 {
      let late = i == 37 ? "x" : "\(i % 5)"
      let date = i < 30 ? "" : "2022-01-\(String(format: "%02d", i - 29))"
      let s = i < 20 ? "NA" : (i % 2 == 0 ? "b" : "a")
      rows.append("\(i),\(late),\(date),,\(s)")
    }
    let text = rows.joined(separator: "\n") + "\n"
    let whole = try read(text, blockSize: 1 << 20)
    XCTAssertEqual(try whole.column(named: "n").typeName, "numeric")
    XCTAssertEqual(try whole.column(named: "late").typeName, "text")
    XCTAssertEqual(try whole.column(named: "d").typeName, "date")
    XCTAssertEqual(try whole.column(named: "empty").typeName, "numeric")
    XCTAssertEqual(try whole.column(named: "s").typeName, "text")
    guard case .text(let levels, _) = try whole.column(named: "late").values,
      case .text(let sLevels, let sCodes) = try whole.column(named: "s").values
    else { return XCTFail("not text") }
    XCTAssertEqual(levels, ["1", "2", "3", "4", "0", "x"])
    XCTAssertEqual(sLevels, ["b", "a"])
    XCTAssertEqual(Array(sCodes.prefix(20)), [Int32](repeating: -1, count: 19) + [0])
    for size in [1, 9, 40, 100] {
      assertSameTable(try read(text, blockSize: size), whole, "block \(size)")
    }
    // Only some columns kept: the others are neither typed nor checked for type.
    let only = try read(text, blockSize: 16, options: CSVOptions().only(["late", "s"]))
    XCTAssertEqual(only.columnNames, ["late", "s"])
    assertSameTable(
      only,
      DataTable(
        columns: [try whole.column(named: "late"), try whole.column(named: "s")],
        lineNumbers: whole.lineNumbers), "projection")
  }

  /// Fields after the last kept column are skipped but counted: the kept values equal those of
  /// a full read, a row with a field too many or too few among the skipped ones is named, with
  /// LF and CR LF line ends, and with skipped parts longer than 4080 bytes.
  func testSkippedFieldsAreStillCounted() throws {
    for lineEnd in ["\n", "\r\n"] {
      var rows = ["a,b," + (1...20).map { "c\($0)" }.joined(separator: ",")]
      for i in 1...200 {
        let wide = i == 77 ? String(repeating: "x", count: 5000) : "\(i * 7)"
        rows.append("\(i),\(i % 3),\(wide)," + (2...20).map { "\($0 * i)" }.joined(separator: ","))
      }
      let text = rows.joined(separator: lineEnd) + lineEnd
      let options = CSVOptions().only(["a", "b"])
      let full = try read(text, blockSize: 1 << 20)
      for size in [64, 1000, 1 << 20] {
        let narrow = try read(text, blockSize: size, options: options)
        assertSameTable(
          narrow,
          DataTable(
            columns: [try full.column(named: "a"), try full.column(named: "b")],
            lineNumbers: full.lineNumbers), "skipped fields, block \(size)")
      }
      var ragged = rows
      ragged[120] += ",extra"
      assertThrows(
        try read(ragged.joined(separator: lineEnd) + lineEnd, blockSize: 256, options: options),
        containing: ["line 121", "more than"])
      ragged = rows
      ragged[150] = ragged[150].split(separator: ",").dropLast().joined(separator: ",")
      assertThrows(
        try read(ragged.joined(separator: lineEnd) + lineEnd, blockSize: 256, options: options),
        containing: ["line 151", "21 fields", "header has 22"])
    }
  }

  /// Missing-value spellings of any length are recognised (spellings longer than eight bytes
  /// used to be ignored and became text levels).
  func testLongMissingSpellings() throws {
    let options = CSVOptions(missingValues: ["", "NA", "not available", "-999999999"])
    let t = try read(
      "x,g\n1,a\nnot available,not available\n-999999999,b\n4,NA\n", blockSize: 8,
      options: options)
    guard case .numeric(let x) = try t.column(named: "x").values,
      case .text(let levels, let codes) = try t.column(named: "g").values
    else { return XCTFail("types") }
    XCTAssertEqual(x[0], 1)
    XCTAssertTrue(x[1].isNaN && x[2].isNaN)
    XCTAssertEqual(x[3], 4)
    XCTAssertEqual(levels, ["a", "b"])
    XCTAssertEqual(codes, [0, -1, 1, -1])
  }

  /// Errors in a late block name their line of the file.
  func testErrorsInLaterBlocksNameTheirLine() {
    var rows = ["a,b"] + (1...60).map { "\($0),\($0)" }
    rows[50] = "7"
    let ragged = rows.joined(separator: "\n") + "\n"
    for size in [4, 16, 1 << 20] {
      assertThrows(
        try read(ragged, blockSize: size), containing: ["line 51", "1 field", "header has 2"])
    }
    rows[50] = "7,8,9"
    let long = rows.joined(separator: "\n") + "\n"
    for size in [4, 16, 1 << 20] {
      assertThrows(try read(long, blockSize: size), containing: ["line 51", "more than"])
    }
    rows[50] = "7,\"8"
    let unclosed = rows.joined(separator: "\n") + "\n"
    for size in [4, 16, 1 << 20] {
      assertThrows(try read(unclosed, blockSize: size), containing: ["line 51", "never closed"])
    }
  }

  /// A file larger than the reader's block (several blocks, read from disk) equals the same
  /// bytes read whole; a bad UTF-8 byte far into it is named by line; a Windows-1251 file is
  /// still recognised.
  /// Blocks of plain numbers read in one pass (`CSVReader.plainNumbers`) give the table the
  /// general path (tokenize, then type each column) gives, and anything that pass does not
  /// take falls back to it: signs, exponents, long significands and extreme exponents (the
  /// strtod path), decimal commas, skipped text columns, a last row without a line end, and
  /// blocks with blank lines, CR LF, spaces, missing or text cells, wrong field counts, and a
  /// UTF-8 letter or a byte that is not UTF-8 in a skipped column; in blocks of several sizes
  /// and with a column selection.
  func testPlainNumberBlocksEqualTheGeneralPath() throws {
    var generator = SeededGenerator(seed: 29)
    func number() -> String {
      switch Int.random(in: 0..<8, using: &generator) {
      case 0: return String(Int.random(in: -1000...1000, using: &generator))
      case 1:
        return
          "+\(Int.random(in: 0...99, using: &generator)).\(Int.random(in: 0...9, using: &generator))"
      case 2: return "\(Double.random(in: -1...1, using: &generator))"
      case 3:
        return
          "1.\(Int.random(in: 0...9, using: &generator))e\(Int.random(in: -30...30, using: &generator))"
      case 4: return "12345678901234567890123.\(Int.random(in: 0...99, using: &generator))"
      case 5: return "4.9e-32\(Int.random(in: 0...4, using: &generator))"
      case 6:
        return
          ".\(Int.random(in: 0...999, using: &generator))E+\(Int.random(in: 0...300, using: &generator))"
      default: return "0\(Int.random(in: 0...99, using: &generator)).50"
      }
    }
    var plain = "t,s,g,x,y\n"
    for _ in 0..<2000 {
      plain += "\(number()),\(Int.random(in: 0...1, using: &generator)),"
      plain +=
        "\(["A", "B", ""][Int.random(in: 0..<3, using: &generator)]),\(number()),\(number())\n"
    }
    var texts = [plain, String(plain.dropLast())]
    // Blocks the one pass leaves to the general path, among plain ones.
    for odd in [
      "\n", "1,0,A,2,3\r\n", " 1,0,A,2,3\n", "1,0,A,NA,3\n", "1,0,A,,3\n", "1,0,A,x,3\n",
      "1,0,A,1e,3\n", "1,0,A,-,3\n",
    ] {
      var lines = plain.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      lines.insert(odd.hasSuffix("\n") ? String(odd.dropLast()) : odd, at: 1000)
      texts.append(lines.joined(separator: "\n"))
    }
    let semicolons = plain.replacingOccurrences(of: ",", with: ";").replacingOccurrences(
      of: ".", with: ",")
    for (k, text) in (texts + [semicolons]).enumerated() {
      var options = CSVOptions()
      if k == texts.count { options.decimalComma = true }
      for columns in [nil, Set(["x", "t"])] {
        options.columns = columns
        for size in [100, 1 << 30] {
          let general = try CSVReader.$plainNumbersPath.withValue(false) {
            try read(text, blockSize: size, options: options)
          }
          let onePass = try read(text, blockSize: size, options: options)
          assertSameTable(
            onePass, general, "text \(k), columns \(columns ?? []), blocks of \(size)")
        }
      }
    }
    // Bytes outside ASCII in a skipped column: UTF-8 is read as it is; one byte that is not
    // UTF-8 in a UTF-8 file is the same error, naming its line and byte, in both paths.
    var options = CSVOptions()
    options.columns = ["t", "x"]
    for extra in [Array("é".utf8), [0xE9]] {
      var bytes = Array(plain.utf8)
      let at = bytes.indices.filter { bytes[$0] == UInt8(ascii: "A") }[300]
      bytes.insert(contentsOf: extra, at: at)
      for size in [100, 1 << 30] {
        func outcome() -> Result<DataTable, Error> {
          Result { try CSVReader.read(bytes: bytes, options: options, blockSize: size) }
        }
        let general = CSVReader.$plainNumbersPath.withValue(false) { outcome() }
        switch (outcome(), general) {
        case (.success(let a), .success(let b)):
          assertSameTable(a, b, "byte \(extra), blocks of \(size)")
          XCTAssertEqual(extra.count, 2, "UTF-8 read as UTF-8")
        case (.failure(let a), .failure(let b)):
          XCTAssertEqual("\(a)", "\(b)")
          XCTAssertEqual(extra.count, 1, "\(a)")
        default:
          XCTFail("byte \(extra), blocks of \(size): the two paths differ")
        }
      }
    }
    // A wrong field count is reported by the general path, with its line.
    let wrong = plain.replacingOccurrences(
      of: "\n", with: ",9\n", options: [],
      range: plain.index(
        plain.startIndex, offsetBy: 5000)..<plain.index(plain.startIndex, offsetBy: 5100))
    let line = wrong.prefix(5000).filter { $0 == "\n" }.count + 1
    assertThrows(try read(wrong, blockSize: 1000), containing: ["line \(line)"])
  }

  func testFilesLargerThanABlock() throws {
    var text = "time,status,group,x\n"
    var k: UInt64 = 12345
    while text.utf8.count < 300_000 {
      k = k &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let t = Double(k >> 40 % 100_000) / 100
      text += "\(t),\(k >> 20 & 1),\(["A", "B", "C"][Int(k >> 30 % 3)]),\(k >> 33 % 1000)\n"
    }
    let bytes = Array(text.utf8)
    let path = try TestSupport.temporaryFile(bytes)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let fromFile = try CSVReader.read(path: path, options: CSVOptions(), blockSize: 1 << 16)
    assertSameTable(fromFile, try CSVReader.read(path: path), "file, default blocks")
    assertSameTable(
      fromFile, try CSVReader.read(bytes: bytes, options: CSVOptions(), blockSize: 1 << 30),
      "file")
    // One byte that is not UTF-8, in the last block.
    var bad = bytes
    let position = bad.count - 30
    bad[position] = 0xFF
    let lineOfBad = bad[..<position].filter { $0 == 0x0A }.count + 1
    let badPath = try TestSupport.temporaryFile(bad)
    defer { try? FileManager.default.removeItem(atPath: badPath) }
    assertThrows(
      try CSVReader.read(path: badPath, options: CSVOptions(), blockSize: 1 << 16),
      containing: ["line \(lineOfBad)", "not UTF-8"])
    // A Windows-1251 file read from disk in blocks is still recognised and transcoded.
    let cyrillic: [UInt8] =
      Array("id,".utf8) + [0xE3, 0xF0, 0xF3, 0xEF, 0xEF, 0xE0] + [0x0A]
      + (1...3000).flatMap { Array("\($0),".utf8) + [0xC0 + UInt8($0 % 32), 0x0A] }
    let cyrillicPath = try TestSupport.temporaryFile(cyrillic)
    defer { try? FileManager.default.removeItem(atPath: cyrillicPath) }
    let decoded = try CSVReader.read(path: cyrillicPath, options: CSVOptions(), blockSize: 1024)
    XCTAssertEqual(decoded.encoding, .windows1251)
    XCTAssertEqual(decoded.columnNames, ["id", "группа"])
    XCTAssertEqual(decoded.rowCount, 3000)
  }

  /// The counting build of the event table equals the sorting build: random times with many
  /// ties (and near-ties merged by timefix), strata and groups.
  func testCountingEventTableEqualsSortingBuild() throws {
    var k: UInt64 = 99
    func next(_ n: UInt64) -> Int {
      k = k &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((k >> 33) % n)
    }
    for (n, distinct) in [(50, 7), (2000, 40), (5000, 900)] {
      var time = (0..<n).map { _ in Double(next(UInt64(distinct))) / 4 }
      // Near-ties that R's timefix merges.
      for i in stride(from: 0, to: n, by: 17) { time[i] += 1e-12 }
      let status = (0..<n).map { _ in UInt8(next(3) == 0 ? 0 : 1) }
      let groups = Grouping(labels: ["g0", "g1", "g2"], codes: (0..<n).map { _ in Int32(next(3)) })
      let strata = Grouping(labels: ["s0", "s1"], codes: (0..<n).map { _ in Int32(next(2)) })
      let sample = try SurvivalSample(time: time, status: status, grouping: groups, strata: strata)
      XCTAssertNotNil(sample.timeRanks)
      let counted = EventTable(sample)
      let sorted = EventTable(
        checkedTime: sample.time, status: sample.status, strata: sample.strata,
        groups: sample.groups, ascendingOrder: SortOrder.order(sample.time))
      for (a, b) in [(counted, sorted), (EventTable(curvesOf: sample), sortedCurves(sample))] {
        XCTAssertEqual(a.strata, b.strata)
        XCTAssertEqual(a.groups, b.groups)
        XCTAssertEqual(a.stratumStart, b.stratumStart)
        XCTAssertEqual(a.time, b.time)
        XCTAssertEqual(a.nRisk, b.nRisk)
        XCTAssertEqual(a.nEvent, b.nEvent)
        XCTAssertEqual(a.nCensor, b.nCensor)
        XCTAssertEqual(a.cellStart, b.cellStart)
        XCTAssertEqual(a.cellGroup, b.cellGroup)
        XCTAssertEqual(a.cellRisk, b.cellRisk)
        XCTAssertEqual(a.cellEvent, b.cellEvent)
        XCTAssertEqual(a.cellCensor, b.cellCensor)
        XCTAssertEqual(a.size, b.size)
        XCTAssertEqual(a.timeIndex, b.timeIndex)
      }
    }
  }

  func sortedCurves(_ sample: SurvivalSample) -> EventTable {
    EventTable(
      checkedTime: sample.time, status: sample.status, strata: sample.grouping,
      groups: .single(rows: sample.count), ascendingOrder: SortOrder.order(sample.time))
  }

  /// Ranks by hashing give the radix sort's stable order, and the timefix merge of `fixTimes`.
  func testDistinctRanksOrderAndTimefix() throws {
    let values: [Double] = [3, -0.0, 1, 3, 0, 2.5, 1, 1 + 1e-12, -4, 3]
    let ranks = try XCTUnwrap(DistinctRanks.make(values, limit: 100))
    XCTAssertEqual(ranks.sorted, [-4, 0, 1, 1 + 1e-12, 2.5, 3])
    XCTAssertEqual(ranks.ranks, [5, 1, 2, 5, 1, 4, 2, 3, 0, 5])
    XCTAssertEqual(ranks.ascendingOrder(), SortOrder.order(values))
    XCTAssertEqual(ranks.descendingOrder32(), SortOrder.order32(values, descending: true))
    var generator = SeededGenerator(seed: 9)
    let tied = (0..<5000).map { _ in Double(Int.random(in: 0..<40, using: &generator)) / 4 }
    let tiedRanks = try XCTUnwrap(DistinctRanks.make(tied, limit: 100))
    XCTAssertEqual(tiedRanks.descendingOrder32(), SortOrder.order32(tied, descending: true))
    XCTAssertNil(DistinctRanks.make(values, limit: 5))
    let (merged, cuts) = try XCTUnwrap(ranks.fixed())
    XCTAssertEqual(cuts, [-4, 0, 1, 2.5, 3])
    XCTAssertEqual(merged.ranks, [4, 1, 2, 4, 1, 3, 2, 2, 0, 4])
    var time = values.map(abs)
    var entry: [Double]? = nil
    var expected = time
    TimeFix.apply(cuts: TimeFix.cuts(unique: Array(Set(time)).sorted())!, to: &expected)
    let result = SurvivalSample.fixTimes(&time, &entry)
    XCTAssertEqual(time, expected)
    XCTAssertEqual(result.ranks?.ascendingOrder(), SortOrder.order(expected))
  }

  /// Line numbers are stored as runs and read back as written.
  func testLineNumbersRuns() {
    let lines = [2, 3, 4, 6, 7, 10, 11, 12, 13]
    let runs = LineNumbers(lines)
    XCTAssertEqual(Array(runs), lines)
    XCTAssertEqual(runs.count, 9)
    XCTAssertEqual(runs[5], 10)
    XCTAssertEqual(LineNumbers(consecutive: 4, from: 2), [2, 3, 4, 5])
    var joined = LineNumbers([2, 3])
    joined.append(contentsOf: LineNumbers([1, 2, 5]), offset: 3)
    XCTAssertEqual(joined, [2, 3, 4, 5, 8])
  }

  /// Bare carriage returns end lines one each, in every tokenizer: two in a row are two line
  /// ends, not a CR LF pair (a libFuzzer find: the unquoted tokenizer took the second CR for
  /// the LF and named line 45 for line 87; the input is a seed of `Fuzz/corpus/csv`).
  func testBareCarriageReturnsCountOneLineEach() throws {
    let text = "a,b\r1,2\r\r3,4\r\n5,6\r"
    for blockSize in [1, 3, 7, 1 << 20] {
      let table = try read(text, blockSize: blockSize)
      XCTAssertEqual(Array(table.lineNumbers), [2, 4, 5], "blocks of \(blockSize)")
    }
    let bad = "a,b\n" + String(repeating: "\r", count: 6) + "1,2,3\n"
    for blockSize in [1, 6, 1 << 20] {
      assertThrows(try read(bad, blockSize: blockSize), containing: ["line 8", "more than"])
    }
  }

  /// Columns large enough for their storage to be mapped ahead on a worker thread
  /// (`Prefault`, from 1 MB) hold exactly the values written, whatever the block size.
  func testPrefaultedColumnsHoldTheirValues() throws {
    let rows = 300_000
    var text = "time,x\n"
    text.reserveCapacity(rows * 14)
    for i in 0..<rows { text += "\(i % 977),\(i)\n" }
    let path = try TestSupport.temporaryFile(Array(text.utf8))
    defer { try? FileManager.default.removeItem(atPath: path) }
    for blockSize in [1 << 16, 1 << 22] {
      let table = try CSVReader.read(path: path, options: CSVOptions(), blockSize: blockSize)
      guard case .numeric(let time) = try table.column(named: "time").values,
        case .numeric(let x) = try table.column(named: "x").values
      else { return XCTFail("numeric columns expected") }
      XCTAssertEqual(time.count, rows)
      XCTAssertTrue(time.indices.allSatisfy { time[$0] == Double($0 % 977) })
      XCTAssertTrue(x.indices.allSatisfy { x[$0] == Double($0) })
    }
  }

  /// A sample with nothing dropped keeps its rows as a count (every row in order); one with
  /// missing values lists the rows kept. Both index like the array they stand for.
  func testSampleRowsAreEveryRowOrTheKeptOnes() throws {
    let full = try TestSupport.table("time,status,x\n1,1,2\n2,0,3\n3,1,4\n")
    let all = try SurvivalSample(table: full, formula: Formula("Surv(time, status) ~ x"))
    XCTAssertTrue(all.rows.isIdentity)
    XCTAssertEqual(Array(all.rows), [0, 1, 2])
    let gaps = try TestSupport.table("time,status,x\n1,1,2\n2,0,NA\n3,1,4\n")
    let kept = try SurvivalSample(table: gaps, formula: Formula("Surv(time, status) ~ x"))
    XCTAssertFalse(kept.rows.isIdentity)
    XCTAssertEqual(Array(kept.rows), [0, 2])
    XCTAssertEqual(kept.rows[1], 2)
    XCTAssertEqual(kept.dropped, 1)
    // A regression sample's single stratum shares the single group's codes.
    let regression = try SurvivalSample(
      regressionTable: full, formula: Formula("Surv(time, status) ~ x"), extraColumns: [])
    XCTAssertEqual(regression.strata, regression.grouping)
  }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a seeded generator, so a failure reproduces.
struct SeededGenerator: RandomNumberGenerator {
  private var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
