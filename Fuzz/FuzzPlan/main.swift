// libFuzzer target: the analysis-plan reader on arbitrary text (see Fuzz/FuzzCSV/main.swift
// for how it is built).
@testable import SurvivalReport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPlan(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  _ = try? PlanFile(text: text)
  _ = try? AnalysisPlan(text: text)
  return 0
}

/// SwiftPM links an executable target's entry point as `FuzzPlan_main`; in a fuzzing build
/// (-parse-as-library) this is it, and it hands over to libFuzzer's driver.
#if FUZZING
  @_silgen_name("LLVMFuzzerRunDriver")
  func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
  ) -> CInt

  @_cdecl("FuzzPlan_main")
  public func fuzzMain(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
  ) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in fuzzPlan(data, size) }
  }
#endif
