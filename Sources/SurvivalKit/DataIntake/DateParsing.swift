import SurvivalSupport

/// Calendar dates in CSV cells: ISO `YYYY-MM-DD` and the European `DD.MM.YYYY`.
///
/// A date is stored as the number of days since 1970-01-01 (proleptic Gregorian calendar),
/// so the difference of two date columns is a time in days.
public enum DateParsing {
  /// Days from 1970-01-01 to the given civil date (Hinnant's `days_from_civil`).
  ///
  /// - Parameters:
  ///   - year: The year of the proleptic Gregorian calendar.
  ///   - month: The month, 1 to 12.
  ///   - day: The day of the month, 1 to 31 (not checked against the month's length).
  /// - Returns: Days since 1970-01-01 (negative before it).
  public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    CivilDate.days(year: year, month: month, day: day)
  }

  /// The civil date of a day count (inverse of `daysFromCivil`).
  ///
  /// - Parameter days: Days since 1970-01-01.
  /// - Returns: The proleptic Gregorian year, month (1–12) and day of the month.
  public static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
    CivilDate.civil(days: days)
  }

  static func daysInMonth(year: Int, month: Int) -> Int {
    switch month {
    case 2:
      let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
      return leap ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Parses `YYYY-MM-DD` or `DD.MM.YYYY` in `bytes[start..<end]`; nil when neither matches or
  /// the date does not exist (31.02.2022).
  static func parseDays(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
    @inline(__always) func number(_ from: Int, _ count: Int) -> Int? {
      var v = 0
      for k in from..<(from + count) {
        let d = base[k] &- 48
        if d > 9 { return nil }
        v = v * 10 + Int(d)
      }
      return v
    }
    guard end - start == 10 else { return nil }
    var year: Int
    var month: Int
    var day: Int
    if base[start + 4] == UInt8(ascii: "-") && base[start + 7] == UInt8(ascii: "-") {
      guard let y = number(start, 4), let m = number(start + 5, 2), let d = number(start + 8, 2)
      else { return nil }
      (year, month, day) = (y, m, d)
    } else if base[start + 2] == UInt8(ascii: ".") && base[start + 5] == UInt8(ascii: ".") {
      guard let d = number(start, 2), let m = number(start + 3, 2), let y = number(start + 6, 4)
      else { return nil }
      (year, month, day) = (y, m, d)
    } else {
      return nil
    }
    guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month)
    else { return nil }
    return daysFromCivil(year: year, month: month, day: day)
  }

  /// Parses a date string; nil when it is not one of the two formats.
  ///
  /// - Parameter text: Exactly `YYYY-MM-DD` or `DD.MM.YYYY` (no surrounding spaces).
  /// - Returns: Days since 1970-01-01; nil when the text is in neither format or the date does
  ///   not exist (31.02.2022).
  public static func parseDays(_ text: String) -> Int? {
    var copy = Array(text.utf8)
    return copy.withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return nil }
      return parseDays(UnsafePointer(base), 0, buffer.count)
    }
  }
}
