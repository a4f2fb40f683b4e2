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
  /// 10^0 ... 10^22, all exact doubles (a literal, so it is initialised statically).
  static let powersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
  ]

  /// Parses `bytes[start..<end]`; returns nil when the text is not a number.
  ///
  /// Up to 19 digits (leading zeros included) are accumulated into a 64-bit integer without
  /// overflow; longer inputs, and significands or exponents outside the exact range, go to
  /// `strtod`.
  @inline(__always)
  static func parseDouble(
    _ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, decimalComma: Bool
  ) -> Double? {
    let (value, stop) = scanDouble(base, start, end, decimalComma: decimalComma)
    return stop == end ? value : nil
  }

  /// Reads the number that starts at `start` and ends at the first byte (before `limit`) that
  /// cannot continue it: returns that position and the value, or nil for the value when the
  /// bytes read are not a number (no digit, or an exponent without digits). `parseDouble` is
  /// this with the stop required at the cell's end, so a reader that finds the cell's end
  /// this way gets the same values.
  @inline(__always)
  static func scanDouble(
    _ base: UnsafePointer<UInt8>, _ start: Int, _ limit: Int, decimalComma: Bool
  ) -> (Double?, Int) {
    var i = start
    guard i < limit else { return (nil, i) }
    let first = base[i]
    let negative = first == UInt8(ascii: "-")
    if negative || first == UInt8(ascii: "+") { i += 1 }
    var mantissa: UInt64 = 0
    let integerStart = i
    while i < limit {
      let d = base[i] &- 48
      if d > 9 { break }
      mantissa = mantissa &* 10 &+ UInt64(d)
      i += 1
    }
    var digits = i - integerStart
    var exponent = 0
    if i < limit {
      let c = base[i]
      if c == UInt8(ascii: ".") || (decimalComma && c == UInt8(ascii: ",")) {
        i += 1
        let fractionStart = i
        while i < limit {
          let d = base[i] &- 48
          if d > 9 { break }
          mantissa = mantissa &* 10 &+ UInt64(d)
          i += 1
        }
        digits += i - fractionStart
        exponent = fractionStart - i
      }
    }
    guard digits > 0 else { return (nil, i) }
    if i < limit && (base[i] == UInt8(ascii: "e") || base[i] == UInt8(ascii: "E")) {
      i += 1
      var expNegative = false
      if i < limit && (base[i] == UInt8(ascii: "-") || base[i] == UInt8(ascii: "+")) {
        expNegative = base[i] == UInt8(ascii: "-")
        i += 1
      }
      var explicitExponent = 0
      let expStart = i
      while i < limit {
        let d = base[i] &- 48
        if d > 9 { break }
        if explicitExponent < 100_000 { explicitExponent = explicitExponent * 10 + Int(d) }
        i += 1
      }
      guard i > expStart else { return (nil, i) }
      exponent += expNegative ? -explicitExponent : explicitExponent
    }
    if digits <= 19 && mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
      var value = Double(mantissa)
      if exponent < 0 {
        value /= powersOfTen[-exponent]
      } else if exponent > 0 {
        value *= powersOfTen[exponent]
      }
      return (negative ? -value : value, i)
    }
    return (slowParse(base, start, i), i)
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
