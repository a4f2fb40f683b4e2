import SurvivalKit

#if canImport(Glibc)
  import Glibc
#endif

/// Writes a file whole or not at all: to `path.tmp`, then renamed into place.
enum FileOutput {
  static func write(_ text: String, to path: String) throws {
    let temporary = path + ".tmp"
    guard let file = fopen(temporary, "wb") else {
      throw SurvivalKitError.fileUnreadable(
        path: path, reason: "cannot create it (\(String(cString: strerror(errno))))")
    }
    let bytes = Array(text.utf8)
    let written = bytes.isEmpty ? 0 : fwrite(bytes, 1, bytes.count, file)
    let closed = fclose(file) == 0
    guard written == bytes.count, closed, rename(temporary, path) == 0 else {
      unlink(temporary)
      throw SurvivalKitError.fileUnreadable(path: path, reason: "the figure could not be written")
    }
  }
}
