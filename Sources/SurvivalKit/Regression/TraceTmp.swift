#if canImport(Glibc)
  import Glibc
#endif

package enum TraceTmp {
  nonisolated(unsafe) static var last = now()
  static let on = getenv("SURVKIT_TRACE") != nil
  static func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
  }
  static func rssMB() -> Int {
    guard let f = fopen("/proc/self/statm", "r") else { return -1 }
    defer { fclose(f) }
    var size = 0
    var resident = 0
    _ = withUnsafeMutablePointer(to: &size) { a in
      withUnsafeMutablePointer(to: &resident) { b in
        withVaList([a, b]) { vfscanf(f, "%ld %ld", $0) }
      }
    }
    return resident * 4096 / 1_048_576
  }
  static func hwmMB() -> Int {
    guard let f = fopen("/proc/self/status", "r") else { return -1 }
    defer { fclose(f) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, 256, f) != nil {
      let s = String(cString: line)
      if s.hasPrefix("VmHWM:") {
        let digits = s.filter { $0.isNumber }
        return (Int(digits) ?? 0) / 1024
      }
    }
    return -1
  }
  package static func mark(_ label: String) {
    guard on else { return }
    let t = now()
    let line = "TRACE \(label): \(Int((t - last) * 1000)) ms, rss \(rssMB()) MB hwm \(hwmMB())\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    last = t
    if label == "read", let f = fopen("/proc/self/clear_refs", "w") {
      fputs("5", f)
      fclose(f)
    }
  }
}
