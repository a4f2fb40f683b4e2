// libFuzzer target: the formula parser on arbitrary text, then a model frame on a small
// table when the formula parses (see Fuzz/FuzzCSV/main.swift for how it is built).
import FuzzSupport

@testable import SurvivalKit

let fuzzTable: DataTable? = try? CSVReader.read(
  bytes: Array(
    "time,status,age,sex,grp\n5,1,61,m,a\n8,0,54,f,b\n12,1,70,m,a\n20,1,48,f,c\n21,0,66,m,b\n"
      .utf8))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFormula(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  guard let formula = try? Formula(text), let table = fuzzTable else { return 0 }
  if let sample = try? SurvivalSample(table: table, formula: formula) {
    _ = try? KaplanMeier.fit(sample)
  }
  _ = try? CoxModel.fit(table: table, formula: formula)
  return 0
}

/// The entry point in a fuzzing build (see Fuzz/FuzzSupport/FuzzDriver.swift).
#if FUZZING
  @_cdecl("FuzzFormula_main")
  public func fuzzMain(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
  ) -> CInt {
    runFuzzing(argc, argv) { data, size in fuzzFormula(data, size) }
  }
#endif
