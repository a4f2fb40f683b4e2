#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Wall-clock phase timings on standard error when `SURVKIT_TIMINGS` is set (for benchmarks:
/// read, sample, fit, output), each with the resident and peak resident memory after it. Off
/// by default; never changes standard output.
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
    var memory = ""
    if let (resident, peak) = PhaseTimer.residentMiB() {
      memory = " (resident \(resident) MiB, peak \(peak) MiB)"
    }
    FileHandleOutput.standardError(
      "timing \(phase): \(Int(((t - last) * 1000).rounded())) ms\(memory)\n")
    last = t
  }

  /// The process's resident and peak resident memory in MiB (`VmRSS`, `VmHWM` of
  /// /proc/self/status; nil where there is no such file).
  static func residentMiB() -> (Int, Int)? {
    guard let file = fopen("/proc/self/status", "r") else { return nil }
    defer { fclose(file) }
    var resident: Int? = nil
    var peak: Int? = nil
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), file) != nil {
      let text = String(cString: line)
      let kib = Int(text.filter(\.isNumber))
      if text.hasPrefix("VmRSS:") { resident = kib.map { $0 / 1024 } }
      if text.hasPrefix("VmHWM:") { peak = kib.map { $0 / 1024 } }
    }
    guard let resident, let peak else { return nil }
    return (resident, peak)
  }
}
