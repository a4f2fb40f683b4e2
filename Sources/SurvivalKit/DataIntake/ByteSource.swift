#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where the CSV reader's bytes come from: an open file read front to back, or memory.
///
/// The reader never holds a whole file: it reads blocks of a few MiB into reused buffers
/// (see `CSVReader.stream`), so a file's size does not count in the reader's memory.
struct ByteSource {
  private let descriptor: Int32
  private let memory: UnsafeBufferPointer<UInt8>?
  private let path: String
  private var offset = 0
  /// The total number of bytes when known (a regular file's size, or the memory's).
  let size: Int?

  /// Bytes read from an open descriptor (which the caller closes).
  init(descriptor: Int32, path: String, size: Int?) {
    self.descriptor = descriptor
    self.memory = nil
    self.path = path
    self.size = size
  }

  /// Bytes that stay valid while the source is used.
  init(memory: UnsafeBufferPointer<UInt8>) {
    self.descriptor = -1
    self.memory = memory
    self.path = ""
    self.size = memory.count
  }

  /// Reads up to `count` bytes into `destination`; returns how many (0 at the end).
  mutating func read(into destination: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
    if let memory {
      let n = min(count, memory.count - offset)
      if n > 0, let base = memory.baseAddress {
        destination.update(from: base + offset, count: n)
      }
      offset += max(n, 0)
      return max(n, 0)
    }
    while true {
      #if canImport(Glibc)
        let n = Glibc.read(descriptor, destination, count)
      #else
        let n = Darwin.read(descriptor, destination, count)
      #endif
      if n >= 0 { return n }
      if errno == EINTR { continue }
      throw SurvivalKitError.fileUnreadable(path: path, reason: String(cString: strerror(errno)))
    }
  }
}

/// A growable byte buffer that is reused from block to block (no per-block allocation).
final class ByteBuffer: @unchecked Sendable {
  private(set) var base: UnsafeMutablePointer<UInt8>
  private(set) var capacity: Int
  /// Bytes in use.
  var count = 0

  init(capacity: Int) {
    self.capacity = max(capacity, 64)
    base = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
  }

  deinit { base.deallocate() }

  /// Makes room for at least `needed` bytes, keeping the content.
  func reserve(_ needed: Int) {
    guard needed > capacity else { return }
    let newCapacity = max(needed, capacity * 2)
    let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
    newBase.update(from: base, count: count)
    base.deallocate()
    base = newBase
    capacity = newCapacity
  }

  /// Appends bytes.
  func append(_ bytes: UnsafePointer<UInt8>, count n: Int) {
    guard n > 0 else { return }
    reserve(count + n)
    (base + count).update(from: bytes, count: n)
    count += n
  }

  /// Reads from `source` until the buffer holds at least `target` bytes; true at the end of
  /// the source.
  func fill(from source: inout ByteSource, to target: Int) throws -> Bool {
    reserve(target)
    while count < target {
      let n = try source.read(into: base + count, count: capacity - count)
      if n == 0 { return true }
      count += n
    }
    return false
  }

  /// The bytes in use, as a buffer pointer.
  var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }
}
