/// The libFuzzer hand-over shared by the fuzz targets. SwiftPM links an executable target's
/// entry point as `<Target>_main`; in a fuzzing build (-parse-as-library -DFUZZING) each target
/// defines that symbol and calls `runFuzzing`, which hands over to libFuzzer's driver.
#if FUZZING
  @_silgen_name("LLVMFuzzerRunDriver")
  func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
  ) -> CInt

  /// Runs libFuzzer on `callback` with the program's arguments.
  public func runFuzzing(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
  ) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments, callback)
  }
#endif
