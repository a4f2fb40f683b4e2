#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Wall-clock phase timings on standard error when `SURVKIT_TIMINGS` is set (for benchmarks:
/// read, sample, fit, output). Off by default; never changes standard output.
struct PhaseTimer {
  private let enabled = getenv("SURVKIT_TIMINGS") != nil
  private var last = PhaseTimer.now()

  static func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
  }

  /// Prints the time since the previous mark under `phase`.
  mutating func mark(_ phase: String) {
    guard enabled else { return }
    let t = PhaseTimer.now()
    FileHandleOutput.standardError("timing \(phase): \(Int(((t - last) * 1000).rounded())) ms\n")
    last = t
  }
}
