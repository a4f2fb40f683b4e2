/// The one escaper for XML (SVG) and HTML text and attribute values.
package enum MarkupEscaping {
  /// `text` with `&`, `<`, `>` and `"` escaped and the control characters XML 1.0 forbids
  /// removed (tab, line feed and carriage return are kept).
  package static func escape(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
      default:
        if scalar.value >= 0x20 { out.unicodeScalars.append(scalar) }
      }
    }
    return out
  }
}
