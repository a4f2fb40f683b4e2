#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Byte-level decimal number parsing for CSV cells.
///
/// Grammar: optional sign, digits, optional decimal separator and digits, optional exponent
/// (`e`/`E`, sign, digits). At least one digit is required. The decimal separator is `.`, or
/// `,` when `decimalComma` is set (both are then accepted).
///
/// Results are correctly rounded. The fast path (Clinger 1990) applies when the decimal
/// significand is at most 2^53 and the power of ten at most 22 in magnitude: both operands are
/// then exact doubles and one IEEE multiplication or division rounds once. Every other input goes to the C library's
/// `strtod`, which rounds correctly.
enum NumberParsing {
  static let powersOfTen: [Double] = (0...22).map { e in
    var v = 1.0
    for _ in 0..<e { v *= 10 }
    return v
  }

  /// Parses `bytes[start..<end]`; returns nil when the text is not a number.
  @inline(__always)
  static func parseDouble(
    _ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, decimalComma: Bool
  ) -> Double? {
    var i = start
    guard i < end else { return nil }
    var negative = false
    if base[i] == UInt8(ascii: "-") {
      negative = true
      i += 1
    } else if base[i] == UInt8(ascii: "+") {
      i += 1
    }
    var mantissa: UInt64 = 0
    var significantDigits = 0
    var digits = 0
    var exponent = 0
    // Integer part.
    while i < end {
      let d = base[i] &- 48
      if d > 9 { break }
      if mantissa != 0 || d != 0 { significantDigits += 1 }
      if significantDigits <= 19 {
        mantissa = mantissa &* 10 &+ UInt64(d)
      } else {
        exponent += 1
      }
      digits += 1
      i += 1
    }
    if i < end
      && (base[i] == UInt8(ascii: ".") || (decimalComma && base[i] == UInt8(ascii: ",")))
    {
      i += 1
      while i < end {
        let d = base[i] &- 48
        if d > 9 { break }
        if mantissa != 0 || d != 0 { significantDigits += 1 }
        if significantDigits <= 19 {
          mantissa = mantissa &* 10 &+ UInt64(d)
          exponent -= 1
        }
        digits += 1
        i += 1
      }
    }
    guard digits > 0 else { return nil }
    var explicitExponent = 0
    if i < end && (base[i] == UInt8(ascii: "e") || base[i] == UInt8(ascii: "E")) {
      i += 1
      var expNegative = false
      if i < end && (base[i] == UInt8(ascii: "-") || base[i] == UInt8(ascii: "+")) {
        expNegative = base[i] == UInt8(ascii: "-")
        i += 1
      }
      var expDigits = 0
      while i < end {
        let d = base[i] &- 48
        if d > 9 { break }
        if explicitExponent < 100_000 { explicitExponent = explicitExponent * 10 + Int(d) }
        expDigits += 1
        i += 1
      }
      guard expDigits > 0 else { return nil }
      if expNegative { explicitExponent = -explicitExponent }
    }
    guard i == end else { return nil }
    exponent += explicitExponent
    if significantDigits <= 19 && mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
      var value = Double(mantissa)
      if exponent < 0 {
        value /= powersOfTen[-exponent]
      } else {
        value *= powersOfTen[exponent]
      }
      return negative ? -value : value
    }
    return slowParse(base, start, end)
  }

  /// Correctly rounded fallback through `strtod` on a NUL-terminated copy ('.' as separator).
  static func slowParse(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
    let length = end - start
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer in
      for k in 0..<length {
        let b = base[start + k]
        buffer[k] = CChar(bitPattern: b == UInt8(ascii: ",") ? UInt8(ascii: ".") : b)
      }
      buffer[length] = 0
      var endPointer: UnsafeMutablePointer<CChar>? = nil
      let value = strtod(buffer.baseAddress!, &endPointer)
      guard let endPointer, endPointer - buffer.baseAddress! == length else { return nil }
      return value
    }
  }
}
