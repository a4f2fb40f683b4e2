import Dispatch

#if canImport(Glibc)
  import Glibc
#endif

/// Maps fresh memory's pages ahead of its first use, on a worker thread.
///
/// Memory touched for the first time costs a page fault every 4 KiB (on a virtual machine
/// about 0.4 ms per MB, zeroing and mapping). For a large block that one thread is about to
/// fill while others wait on it (the CSV reader's columns), `MADV_POPULATE_WRITE` (Linux
/// 5.14+) asks the kernel to map the whole range in one call, without touching the contents,
/// while the thread that will fill it does other work. Only whole pages inside the range are
/// given; a kernel without the call, or a range no longer mapped, makes it a no-op: the pages
/// are then faulted in as they are written, as without it.
package enum Prefault {
  /// Blocks smaller than this are left to ordinary page faults.
  package static let minimumBytes = 1 << 20

  /// Starts mapping the pages of `bytes` bytes from `base` on a worker thread and returns.
  package static func pages(_ base: UnsafeMutableRawPointer?, bytes: Int) {
    #if os(Linux)
      guard let base, bytes >= minimumBytes else { return }
      let page = Int(sysconf(Int32(_SC_PAGESIZE)))
      let first = (Int(bitPattern: base) + page - 1) / page * page
      let last = (Int(bitPattern: base) + bytes) / page * page
      guard last > first else { return }
      let range = (first, last - first)
      DispatchQueue.global().async {
        let populateWrite: Int32 = 23  // MADV_POPULATE_WRITE (not in the Glibc module)
        _ = madvise(UnsafeMutableRawPointer(bitPattern: range.0), range.1, populateWrite)
      }
    #endif
  }
}
