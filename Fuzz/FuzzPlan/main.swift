// libFuzzer target: the analysis-plan reader on arbitrary text (see Fuzz/FuzzCSV/main.swift
// for how it is built).
import FuzzSupport

@testable import SurvivalReport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPlan(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  _ = try? PlanFile(text: text)
  _ = try? StudyPlan(text: text)
  return 0
}

/// The entry point in a fuzzing build (see Fuzz/FuzzSupport/FuzzDriver.swift).
#if FUZZING
  @_cdecl("FuzzPlan_main")
  public func fuzzMain(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
  ) -> CInt {
    runFuzzing(argc, argv) { data, size in fuzzPlan(data, size) }
  }
#endif
