#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Interns byte strings into level codes with an open-addressing hash table, allocating only
/// when a new level is seen.
struct ByteInterner {
  private(set) var levels: [String] = []
  /// The levels' bytes end to end; level k is `storage[offsets[k] ..< offsets[k + 1]]`.
  private var storage: [UInt8] = []
  private var offsets: [Int] = [0]
  private var table = [Int32](repeating: -1, count: 64)
  private var lastCode: Int32 = -1

  @inline(__always)
  static func hash(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for k in start..<end {
      h = (h ^ UInt64(base[k])) &* 0x100_0000_01b3
    }
    return h
  }

  @inline(__always)
  func equal(_ code: Int32, _ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
    let from = offsets[Int(code)]
    let length = end - start
    if offsets[Int(code) + 1] - from != length { return false }
    return storage.withUnsafeBufferPointer { b in
      if length <= 16 {  // short labels: a byte loop beats a call to memcmp
        for k in 0..<length where b[from + k] != base[start + k] { return false }
        return true
      }
      return memcmp(b.baseAddress! + from, base + start, length) == 0
    }
  }

  mutating func intern(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int32 {
    if lastCode >= 0 && equal(lastCode, base, start, end) { return lastCode }
    let mask = table.count - 1
    var slot = Int(truncatingIfNeeded: ByteInterner.hash(base, start, end)) & mask
    while table[slot] >= 0 {
      if equal(table[slot], base, start, end) {
        lastCode = table[slot]
        return lastCode
      }
      slot = (slot + 1) & mask
    }
    let code = Int32(levels.count)
    let bytes = UnsafeBufferPointer(start: base + start, count: end - start)
    storage.append(contentsOf: bytes)
    offsets.append(storage.count)
    levels.append(String(decoding: bytes, as: UTF8.self))
    table[slot] = code
    lastCode = code
    if levels.count * 2 > table.count { grow() }
    return code
  }

  mutating func intern(string: String) -> Int32 {
    var bytes = Array(string.utf8)
    return bytes.withUnsafeMutableBufferPointer { b in
      intern(UnsafePointer(b.baseAddress ?? UnsafeMutablePointer(bitPattern: 1)!), 0, b.count)
    }
  }

  private mutating func grow() {
    table = [Int32](repeating: -1, count: table.count * 2)
    let mask = table.count - 1
    for code in levels.indices {
      let h = storage.withUnsafeBufferPointer { b -> UInt64 in
        guard let p = b.baseAddress else {
          return ByteInterner.hash(UnsafePointer(bitPattern: 1)!, 0, 0)
        }
        return ByteInterner.hash(p, offsets[code], offsets[code + 1])
      }
      var slot = Int(truncatingIfNeeded: h) & mask
      while table[slot] >= 0 { slot = (slot + 1) & mask }
      table[slot] = Int32(code)
    }
  }
}
