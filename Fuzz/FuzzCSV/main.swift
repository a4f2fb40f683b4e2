// libFuzzer target: the CSV reader on arbitrary bytes, with and without options; and
// differential checks: the same bytes read in small blocks give the same table or the same
// error as read in one block, and as read without the one-pass reading of plain-number blocks.
// Built by scripts/fuzz.sh with -sanitize=fuzzer,address -parse-as-library (libFuzzer then
// supplies main); in an ordinary build this file is an empty program.
import FuzzSupport

@testable import SurvivalKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  let whole = Result { try CSVReader.read(bytes: bytes, options: CSVOptions(), blockSize: 1 << 30) }
  let blockSize = 1 + Int(bytes.last ?? 0) % 23
  let blocks = Result {
    try CSVReader.read(bytes: bytes, options: CSVOptions(), blockSize: blockSize)
  }
  // Without the one-pass reading of plain-number blocks: the same table or the same error.
  let general = CSVReader.$plainNumbersPath.withValue(false) {
    Result { try CSVReader.read(bytes: bytes, options: CSVOptions(), blockSize: blockSize) }
  }
  switch (general, blocks) {
  case (.success(let a), .success(let b)):
    if !sameTable(a, b) { fatalError("plain-number pass, blocks of \(blockSize): another table") }
  case (.failure(let a), .failure(let b)):
    if "\(a)" != "\(b)" { fatalError("plain-number pass: '\(b)' instead of '\(a)'") }
  default:
    fatalError("plain-number pass, blocks of \(blockSize): one read failed, the other did not")
  }
  switch (whole, blocks) {
  case (.success(let a), .success(let b)):
    if !sameTable(a, b) { fatalError("blocks of \(blockSize) bytes read another table") }
    // Only the first column kept: the others are skipped but still counted.
    if let name = a.columns.first?.name,
      let narrow = try? CSVReader.read(
        bytes: bytes, options: CSVOptions().only([name]), blockSize: blockSize),
      !sameTable(narrow, DataTable(columns: [a.columns[0]], lineNumbers: a.lineNumbers))
    {
      fatalError("blocks of \(blockSize) bytes, one column kept, read another table")
    }
  case (.failure(let a), .failure(let b)):
    if "\(a)" != "\(b)" { fatalError("blocks of \(blockSize) bytes: '\(b)' instead of '\(a)'") }
  default:
    fatalError("blocks of \(blockSize) bytes: one read failed, the other did not")
  }
  if let first = bytes.first {
    var options = CSVOptions()
    options.delimiter = first % 2 == 0 ? ";" : ","
    options.encoding = first % 3 == 0 ? .windows1251 : nil
    options.decimalComma = first % 5 == 0
    if let table = try? CSVReader.read(bytes: bytes, options: options),
      let time = table.columns.first?.name, let status = table.columns.dropFirst().first?.name
    {
      let rest = table.columns.dropFirst(2).map(\.name)
      let formula = "Surv(`\(time)`, `\(status)`) ~ " + (rest.first.map { "`\($0)`" } ?? "1")
      if let f = try? Formula(formula), let sample = try? SurvivalSample(table: table, formula: f) {
        _ = try? KaplanMeier.fit(sample)
        _ = try? LogRank.test(sample)
      }
    }
  }
  return 0
}

/// Tables equal cell by cell (NaN equal to NaN).
func sameTable(_ a: DataTable, _ b: DataTable) -> Bool {
  guard a.columnNames == b.columnNames, a.lineNumbers == b.lineNumbers else { return false }
  for (x, y) in zip(a.columns, b.columns) {
    switch (x.values, y.values) {
    case (.numeric(let u), .numeric(let v)), (.date(let u), .date(let v)):
      if u.map(\.bitPattern) != v.map(\.bitPattern) { return false }
    case (.text(let l1, let c1), .text(let l2, let c2)):
      if l1 != l2 || c1 != c2 { return false }
    default:
      return false
    }
  }
  return true
}

/// The entry point in a fuzzing build (see Fuzz/FuzzSupport/FuzzDriver.swift).
#if FUZZING
  @_cdecl("FuzzCSV_main")
  public func fuzzMain(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
  ) -> CInt {
    runFuzzing(argc, argv) { data, size in fuzzCSV(data, size) }
  }
#endif
