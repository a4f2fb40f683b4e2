/// The text encodings the CSV reader understands.
///
/// Clinical exports from spreadsheets in a Russian locale are often Windows-1251; everything
/// else is UTF-8 (with or without a byte-order mark). Input in any other encoding is read as
/// UTF-8 only when it is valid UTF-8, so nothing is mis-decoded silently.
public enum TextEncoding: String, Sendable, CaseIterable {
  /// UTF-8, with or without a byte-order mark.
  case utf8 = "utf-8"
  /// Windows-1251 (Cyrillic), as exported by spreadsheets in a Russian locale.
  case windows1251 = "cp1251"

  /// Parses a user's spelling of an encoding name (`utf8`, `UTF-8`, `cp1251`, `windows-1251`).
  ///
  /// - Parameter name: The name, case-insensitive, `_` read as `-`; nil for any other encoding.
  public init?(name: String) {
    switch name.lowercased().replacing("_", with: "-") {
    case "utf8", "utf-8": self = .utf8
    case "cp1251", "windows-1251", "win1251", "1251": self = .windows1251
    default: return nil
    }
  }
}

/// Decoding of raw file bytes into UTF-8 bytes.
enum TextDecoding {
  /// Unicode scalars of bytes 0x80...0xFF in Windows-1251 (0x98 is unassigned: U+FFFD).
  static let windows1251High: [UInt16] =
    [
      0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021,
      0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F,
      0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
      0xFFFD, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F,
      0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7,
      0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,
      0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7,
      0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,
    ] + (0x0410...0x044F).map { UInt16($0) }

  /// True when every byte is below 0x80 (checked eight bytes at a time).
  static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = bytes.baseAddress else { return true }
    let n = bytes.count
    var i = 0
    let raw = UnsafeRawPointer(base)
    while i + 8 <= n {
      if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 {
        return false
      }
      i += 8
    }
    while i < n {
      if base[i] >= 0x80 { return false }
      i += 1
    }
    return true
  }

  /// True when the bytes are well-formed UTF-8.
  static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    if isASCII(bytes) { return true }
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue: continue
      case .emptyInput: return true
      case .error: return false
      }
    }
  }

  /// What a byte-level look at text that is not valid UTF-8 finds.
  struct UTF8Survey {
    /// Well-formed multi-byte UTF-8 sequences.
    var multibyte = 0
    /// Bytes that are not part of a well-formed UTF-8 sequence.
    var invalid = 0
    /// Offset of the first such byte.
    var firstInvalid: Int? = nil
    /// Bytes that are Cyrillic letters in Windows-1251 (0xC0–0xFF, Ё 0xA8, ё 0xB8).
    var cyrillic1251 = 0
  }

  /// Counts well-formed multi-byte UTF-8 sequences and invalid bytes.
  /// - Complexity: O(n).
  static func survey(_ bytes: UnsafeBufferPointer<UInt8>) -> UTF8Survey {
    var survey = UTF8Survey()
    var i = 0
    let n = bytes.count
    while i < n {
      let b = bytes[i]
      if b >= 0xC0 || b == 0xA8 || b == 0xB8 { survey.cyrillic1251 += 1 }
      if b < 0x80 {
        i += 1
        continue
      }
      let length =
        b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xC2 && b <= 0xDF ? 2 : 0
      var ok = length > 0 && i + length <= n
      if ok {
        for k in 1..<length where bytes[i + k] & 0xC0 != 0x80 { ok = false }
      }
      if ok {
        survey.multibyte += 1
        i += length
      } else {
        survey.invalid += 1
        if survey.firstInvalid == nil { survey.firstInvalid = i }
        i += 1
      }
    }
    return survey
  }

  /// Whether the bytes look like UTF-16 (a UTF-16 byte-order mark, or NUL bytes among the first
  /// kilobyte, which text in UTF-8 or Windows-1251 never has).
  static func looksLikeUTF16(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    if bytes.count >= 2
      && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF))
    {
      return true
    }
    return bytes.prefix(1024).contains(0)
  }

  /// Throws when the bytes look like UTF-16, saying how to save the file as UTF-8.
  static func refuseUTF16(_ bytes: UnsafeBufferPointer<UInt8>) throws {
    guard looksLikeUTF16(bytes) else { return }
    throw SurvivalKitError.invalidArgument(
      name: "encoding",
      message: "the file is UTF-16 (it has a UTF-16 byte-order mark or NUL bytes); save it as "
        + "UTF-8 (\"CSV UTF-8\" in a spreadsheet) and read it again")
  }

  /// The 1-based line and byte-in-line of an offset.
  static func position(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (
    line: Int, byte: Int
  ) {
    var line = 1
    var lineStart = 0
    for i in 0..<offset where bytes[i] == 0x0A {
      line += 1
      lineStart = i + 1
    }
    return (line, offset - lineStart + 1)
  }

  /// Re-encodes Windows-1251 bytes as UTF-8.
  static func utf8FromWindows1251(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count + bytes.count / 2)
    for b in bytes {
      if b < 0x80 {
        out.append(b)
      } else {
        let scalar = UInt32(windows1251High[Int(b) - 0x80])
        if scalar < 0x800 {
          out.append(UInt8(0xC0 | (scalar >> 6)))
          out.append(UInt8(0x80 | (scalar & 0x3F)))
        } else {
          out.append(UInt8(0xE0 | (scalar >> 12)))
          out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
          out.append(UInt8(0x80 | (scalar & 0x3F)))
        }
      }
    }
    return out
  }
}
