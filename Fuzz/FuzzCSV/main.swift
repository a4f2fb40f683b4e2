// libFuzzer target: the CSV reader on arbitrary bytes, with and without options.
// Built by scripts/fuzz.sh with -sanitize=fuzzer,address -parse-as-library (libFuzzer then
// supplies main); in an ordinary build this file is an empty program.
import FuzzSupport

@testable import SurvivalKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  _ = try? CSVReader.read(bytes: bytes)
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

/// The entry point in a fuzzing build (see Fuzz/FuzzSupport/FuzzDriver.swift).
#if FUZZING
  @_cdecl("FuzzCSV_main")
  public func fuzzMain(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
  ) -> CInt {
    runFuzzing(argc, argv) { data, size in fuzzCSV(data, size) }
  }
#endif
