/// Deterministic number-to-text conversion shared by every output format.
///
/// `shortest` is the shortest decimal that reads back as the same double (Swift's
/// round-trip algorithm), so JSON and CSV carry full precision and the same value always
/// prints the same text on every machine. Integral values print without a fractional part.
package enum NumberFormatting {
  /// Shortest round-trip text; integers below 1e15 without ".0"; nil-like values are handled
  /// by the caller (NaN and infinities have no JSON spelling).
  package static func shortest(_ x: Double) -> String {
    if x.isNaN { return "NaN" }
    if x.isInfinite { return x < 0 ? "-Inf" : "Inf" }
    if x == x.rounded() && abs(x) < 1e15 {
      if x == 0 { return "0" }  // also for -0.0
      return String(Int64(x))
    }
    return "\(x)"
  }

  /// R-like display with `digits` significant digits (as `print` with `digits`), for tables.
  /// Undefined values print as `NA`.
  package static func significant(_ x: Double?, digits: Int = 4) -> String {
    guard let x, x.isFinite else {
      if let x, x.isInfinite { return x < 0 ? "-Inf" : "Inf" }
      return "NA"
    }
    if x == 0 { return "0" }
    let magnitude = Int((abs(x)).log10Floor)
    if magnitude >= 15 || magnitude < -5 {
      return exponential(x, digits: digits)
    }
    let decimals = max(0, digits - 1 - magnitude)
    var text = fixed(x, decimals: decimals)
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return text
  }

  /// Fixed-point text with exactly `decimals` digits after the point, rounded half away from
  /// zero on the decimal expansion of the double (exact, no locale).
  package static func fixed(_ x: Double, decimals: Int) -> String {
    guard x.isFinite else { return x.isNaN ? "NA" : (x < 0 ? "-Inf" : "Inf") }
    var scaled = (abs(x) * pow10(decimals)).rounded(.toNearestOrAwayFromZero)
    if scaled >= 9.0e15 {  // too large for exact integer handling: fall back to shortest
      return shortest(x)
    }
    if scaled == 0 { scaled = 0 }
    let digits = String(Int64(scaled))
    var body: String
    if decimals == 0 {
      body = digits
    } else {
      let padded =
        digits.count <= decimals
        ? String(repeating: "0", count: decimals - digits.count + 1) + digits : digits
      let cut = padded.index(padded.endIndex, offsetBy: -decimals)
      body = padded[..<cut] + "." + padded[cut...]
    }
    let negative = x < 0 && scaled != 0
    return negative ? "-" + body : body
  }

  /// Scientific notation with `digits` significant digits, R style (`1.234e-07`).
  package static func exponential(_ x: Double, digits: Int) -> String {
    let exponent = Int(abs(x).log10Floor)
    var mantissa = x / pow10(exponent)
    var e = exponent
    let roundedMantissa =
      (abs(mantissa) * pow10(digits - 1)).rounded(.toNearestOrAwayFromZero) / pow10(digits - 1)
    if roundedMantissa >= 10 {
      mantissa /= 10
      e += 1
    }
    var text = fixed(mantissa, decimals: digits - 1)
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    let sign = e < 0 ? "-" : "+"
    let ee = abs(e) < 10 ? "0\(abs(e))" : "\(abs(e))"
    return "\(text)e\(sign)\(ee)"
  }

  package static func pow10(_ n: Int) -> Double {
    var v = 1.0
    if n >= 0 {
      for _ in 0..<n { v *= 10 }
    } else {
      for _ in 0..<(-n) { v /= 10 }
    }
    return v
  }
}

extension Double {
  /// floor(log10(|x|)) computed without a libm call's rounding surprises at powers of ten.
  package var log10Floor: Double {
    var e = 0
    var v = abs(self)
    if v == 0 { return 0 }
    while v >= 10 {
      v /= 10
      e += 1
    }
    while v < 1 {
      v *= 10
      e -= 1
    }
    return Double(e)
  }
}
