import Dispatch
import SurvivalSupport

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Typing the cells of one column: numbers (with decimal comma), dates, or text levels, with
/// missing values as configured.
extension CSVReader {

  static func cellString(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, escaped: Bool)
    -> String
  {
    let raw = UnsafeBufferPointer(start: base + start, count: end - start)
    if !escaped { return String(decoding: raw, as: UTF8.self) }
    var out: [UInt8] = []
    out.reserveCapacity(raw.count)
    var k = 0
    while k < raw.count {
      out.append(raw[k])
      k += (raw[k] == quote && k + 1 < raw.count && raw[k + 1] == quote) ? 2 : 1
    }
    return String(decoding: out, as: UTF8.self)
  }

  @inline(__always)
  static func unpack(_ cell: UInt64, _ base: UnsafePointer<UInt8>) -> (Int, Int, Bool) {
    var start = Int(cell >> 24)
    var end = start + Int((cell >> 1) & UInt64(maxCellLength))
    while start < end && base[start] == 0x20 { start += 1 }
    while end > start && base[end - 1] == 0x20 { end -= 1 }
    return (start, end, cell & 1 == 1)
  }

  @inline(__always)
  static func isMissing(
    _ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ missing: MissingSpellings
  ) -> Bool {
    missing.contains(base, start, end)
  }

  static func typeColumn(
    base: UnsafePointer<UInt8>, segments: [CellSegment], stride: Int, column: Int,
    missing: MissingSpellings, decimalComma: Bool, textOnly: Bool = false
  ) -> ColumnValues {
    let rows = segments.reduce(0) { $0 + $1.rows }
    // Visits every cell of the column in row order; stops when `body` returns false.
    @inline(__always) func forEachCell(_ body: (Int, Int, Int, Bool) -> Bool) {
      var row = 0
      for segment in segments {
        guard let cells = segment.cells else { continue }
        for r in 0..<segment.rows {
          let (start, end, escaped) = unpack(cells[r * stride + column], base)
          if !body(row, start, end, escaped) { return }
          row += 1
        }
      }
    }
    // Numeric attempt. Missing spellings are checked first only when one of them reads as a
    // number (a user's "-999"); the default spellings never do, so the hot loop skips them.
    let numericMissing = missing.anyReadsAsNumber(decimalComma: decimalComma)
    var numeric = !textOnly
    var numbers = [Double](unsafeUninitializedCapacity: textOnly ? 0 : rows) { out, count in
      guard numeric else { return }
      forEachCell { i, start, end, escaped in
        if escaped {
          numeric = false
          return false
        }
        if numericMissing && isMissing(base, start, end, missing) {
          out[i] = .nan
          return true
        }
        if let v = NumberParsing.parseDouble(base, start, end, decimalComma: decimalComma) {
          out[i] = v
          return true
        }
        if isMissing(base, start, end, missing) {
          out[i] = .nan
          return true
        }
        numeric = false
        return false
      }
      count = numeric ? rows : 0
    }
    if numeric { return .numeric(numbers) }
    // Date attempt.
    var dates = !textOnly
    var anyDate = false
    numbers = [Double](repeating: .nan, count: textOnly ? 0 : rows)
    numbers.withUnsafeMutableBufferPointer { out in
      if textOnly { return }
      forEachCell { i, start, end, escaped in
        if !escaped, let d = DateParsing.parseDays(base, start, end) {
          out[i] = Double(d)
          anyDate = true
          return true
        }
        if isMissing(base, start, end, missing) { return true }
        dates = false
        return false
      }
    }
    if dates && anyDate { return .date(numbers) }
    // Text: intern the cells.
    var interner = ByteInterner()
    var codes = [Int32](repeating: -1, count: rows)
    forEachCell { i, start, end, escaped in
      if isMissing(base, start, end, missing) { return true }
      if escaped {
        codes[i] = interner.intern(string: cellString(base, start, end, escaped: true))
      } else {
        codes[i] = interner.intern(base, start, end)
      }
      return true
    }
    return .text(levels: interner.levels, codes: codes)
  }
}

extension String {
  func trimmingCharacters(inSetOf characters: Character) -> String {
    var s = Substring(self)
    while s.first == characters { s.removeFirst() }
    while s.last == characters { s.removeLast() }
    return String(s)
  }
}

/// The cells that mean "missing", packed for a test per cell without allocation: spellings of
/// up to seven bytes as one 64-bit word each (bytes and length), longer ones as bytes.
struct MissingSpellings: Sendable {
  /// The spellings as given.
  let tokens: [[UInt8]]
  private let short: [UInt64]
  private let long: [[UInt8]]

  init(_ tokens: [[UInt8]]) {
    self.tokens = tokens
    short = tokens.filter { $0.count <= 7 }.map { MissingSpellings.pack($0) }
    long = tokens.filter { $0.count > 7 }
  }

  static func pack(_ bytes: [UInt8]) -> UInt64 {
    var key = UInt64(bytes.count) << 56
    for (k, b) in bytes.enumerated() { key |= UInt64(b) << (8 * UInt64(k)) }
    return key
  }

  /// Whether a spelling reads as a number (a user's "-999"): cells must then be checked
  /// against the spellings before they are parsed (the default spellings never do).
  func anyReadsAsNumber(decimalComma: Bool) -> Bool {
    tokens.contains { token in
      token.withUnsafeBufferPointer { b in
        b.baseAddress.map {
          NumberParsing.parseDouble($0, 0, b.count, decimalComma: decimalComma) != nil
        } ?? false
      }
    }
  }

  /// Whether `base[start..<end]` is one of the spellings.
  @inline(__always)
  func contains(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
    let length = end - start
    if length <= 7 {
      var key = UInt64(length) << 56
      for k in 0..<length { key |= UInt64(base[start + k]) << (8 * UInt64(k)) }
      return short.withUnsafeBufferPointer { s in
        for t in s where t == key { return true }
        return false
      }
    }
    for token in long where token.count == length {
      if token.withUnsafeBufferPointer({ memcmp($0.baseAddress!, base + start, length) == 0 }) {
        return true
      }
    }
    return false
  }
}
