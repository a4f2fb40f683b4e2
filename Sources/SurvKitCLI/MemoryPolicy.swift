#if canImport(Glibc)
  import Glibc
#endif

/// The process's heap policy, set once at start-up (the library leaves the allocator alone).
///
/// On this kind of machine (a virtual machine), memory the process touches for the first time
/// costs about 0.4 ms per MB in page faults and zeroing: at 10^7 rows a Cox fit allocates some
/// 3 GB over its phases (the columns read, the arranged covariate block, the concordance's
/// room), a second of processor time. glibc's default serves each block over 128 KB to 32 MB
/// by its own `mmap` and returns it to the system when freed, so every phase touches fresh
/// pages. With `mmap` off (`M_MMAP_MAX` = 0) and trimming only above 2 GiB of free space
/// (`M_TRIM_THRESHOLD`), large blocks come from the heap and a block freed by one phase (the
/// columns, once arranged) serves the next (the concordance), already faulted in. The cost is
/// that freed memory stays counted in the resident size until the process ends: the peak is
/// about the same (the phases' blocks overlap in time anyway), measured in README
/// "Performance". One arena (`M_ARENA_MAX` = 1) for every thread: the reader's worker threads
/// allocate a few blocks per 4 MiB of input, so they hardly contend, and the blocks they free
/// serve the main thread too instead of staying resident in per-thread arenas.
/// `SURVKIT_MALLOC=default` keeps glibc's defaults.
enum MemoryPolicy {
  /// glibc's `mallopt` parameters (malloc.h).
  private static let trimThreshold: Int32 = -1
  private static let mmapMax: Int32 = -4
  private static let arenaMax: Int32 = -8

  /// Applies the policy (glibc only; elsewhere nothing happens).
  static func apply() {
    #if canImport(Glibc)
      if let value = getenv("SURVKIT_MALLOC"), String(cString: value) == "default" { return }
      // `mallopt` is not in the Glibc module's headers; it is looked up in the C library.
      typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
      guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "mallopt") else {
        return
      }
      let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
      _ = mallopt(trimThreshold, Int32.max)
      _ = mallopt(mmapMax, 0)
      _ = mallopt(arenaMax, 1)
    #endif
  }
}
