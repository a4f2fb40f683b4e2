/// Text with its invisible characters made visible, for error messages: a NUL, a byte-order
/// mark inside a name, a zero-width space or a control character would otherwise make two
/// names that look the same differ for no visible reason.
package enum VisibleText {
  /// `text` with every control, format (zero-width, BOM) and non-breaking space character
  /// written as `<U+XXXX>`; other characters unchanged.
  package static func quoted(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
      if isInvisible(scalar) {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        out += "<U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + ">"
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  /// Whether a scalar prints as nothing (or as a plain space) though it is not a space.
  package static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .control, .format, .lineSeparator, .paragraphSeparator: return true
    default: return scalar.value == 0xA0 || scalar.value == 0x2007 || scalar.value == 0x202F
    }
  }
}
