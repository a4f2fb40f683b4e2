#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file read whole into memory.
package enum FileBytes {
  /// Why a file could not be read, in the operating system's words.
  package struct ReadError: Error {
    package let path: String
    package let reason: String
  }

  /// Reads a whole file: one allocation of the file's size, then chunks only if the file grows
  /// while being read (or is not a regular file).
  package static func read(_ path: String) throws(ReadError) -> [UInt8] {
    guard let file = fopen(path, "rb") else {
      throw ReadError(path: path, reason: String(cString: strerror(errno)))
    }
    defer { fclose(file) }
    var info = stat()
    let expected = fstat(fileno(file), &info) == 0 ? max(0, Int(info.st_size)) : 0
    var result = [UInt8](unsafeUninitializedCapacity: expected) { buffer, count in
      count = expected > 0 ? fread(buffer.baseAddress!, 1, expected, file) : 0
    }
    if ferror(file) != 0 { throw ReadError(path: path, reason: "read error") }
    let chunk = 1 << 20
    while feof(file) == 0 {
      let piece = [UInt8](unsafeUninitializedCapacity: chunk) { buffer, count in
        count = fread(buffer.baseAddress!, 1, chunk, file)
      }
      if ferror(file) != 0 { throw ReadError(path: path, reason: "read error") }
      if piece.isEmpty { break }
      result.append(contentsOf: piece)
    }
    return result
  }
}
