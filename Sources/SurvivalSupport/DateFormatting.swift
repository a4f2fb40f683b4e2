/// Text of a day count (days since 1970-01-01) in the two spellings the outputs use.
package enum DateFormatting {
  /// ISO 8601: `2024-03-07`.
  package static func iso(days: Int) -> String {
    let (y, m, d) = CivilDate.civil(days: days)
    return "\(y)-\(two(m))-\(two(d))"
  }

  /// The European dotted form: `07.03.2024`.
  package static func dotted(days: Double) -> String {
    let (y, m, d) = CivilDate.civil(days: Int(days))
    return "\(two(d)).\(two(m)).\(y)"
  }

  private static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
}
