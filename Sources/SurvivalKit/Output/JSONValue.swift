import SurvivalSupport

/// A JSON document with ordered keys, serialised deterministically.
///
/// Numbers print as the shortest text that reads back as the same double; NaN and infinities
/// (which JSON cannot spell) print as `null`. Objects keep their insertion order, so the same
/// result always gives byte-identical output.
public indirect enum JSONValue: Sendable, Equatable {
  /// JSON `null`.
  case null
  /// `true` or `false`.
  case bool(Bool)
  /// A number; NaN and infinities serialise as `null`.
  case number(Double)
  /// A string, escaped on output.
  case string(String)
  /// An array.
  case array([JSONValue])
  /// An object whose members keep their order.
  case object([(String, JSONValue)])

  /// Two values are equal when they serialise to the same text (so `.number(.nan)` equals `.null`).
  ///
  /// - Parameters:
  ///   - a: A value.
  ///   - b: Another value.
  /// - Returns: Whether `a.serialized() == b.serialized()`.
  public static func == (a: JSONValue, b: JSONValue) -> Bool {
    a.serialized() == b.serialized()
  }

  /// An optional number: nil or non-finite becomes `null`.
  ///
  /// - Parameter x: A number or nil.
  /// - Returns: `.number(x)`, or `.null` when `x` is nil or not finite.
  public static func optional(_ x: Double?) -> JSONValue {
    guard let x, x.isFinite else { return .null }
    return .number(x)
  }

  /// An array of numbers; non-finite values become `null`.
  ///
  /// - Parameter xs: The numbers.
  /// - Returns: An array of `.number` and `.null` values.
  public static func numbers(_ xs: [Double]) -> JSONValue { .array(xs.map { .optional($0) }) }
  /// An array of optional numbers; nil and non-finite values become `null`.
  ///
  /// - Parameter xs: The numbers.
  /// - Returns: An array of `.number` and `.null` values.
  public static func numbers(_ xs: [Double?]) -> JSONValue { .array(xs.map { .optional($0) }) }
  /// An array of integers.
  ///
  /// - Parameter xs: The integers (exact up to 2^53).
  /// - Returns: An array of `.number` values.
  public static func integers(_ xs: [Int]) -> JSONValue { .array(xs.map { .number(Double($0)) }) }

  /// Pretty-printed text: two-space indentation, arrays of scalars on one line, final newline.
  public func serialized() -> String {
    var out = ""
    write(into: &out, indent: 0)
    out.append("\n")
    return out
  }

  private var isScalar: Bool {
    switch self {
    case .array, .object: return false
    default: return true
    }
  }

  private func write(into out: inout String, indent: Int) {
    switch self {
    case .null: out.append("null")
    case .bool(let b): out.append(b ? "true" : "false")
    case .number(let x): out.append(x.isFinite ? NumberFormatting.shortest(x) : "null")
    case .string(let s): JSONValue.writeString(s, into: &out)
    case .array(let items):
      if items.isEmpty {
        out.append("[]")
      } else if items.allSatisfy(\.isScalar) {
        out.append("[")
        for (k, item) in items.enumerated() {
          if k > 0 { out.append(", ") }
          item.write(into: &out, indent: indent)
        }
        out.append("]")
      } else {
        out.append("[\n")
        for (k, item) in items.enumerated() {
          out.append(String(repeating: " ", count: indent + 2))
          item.write(into: &out, indent: indent + 2)
          out.append(k + 1 < items.count ? ",\n" : "\n")
        }
        out.append(String(repeating: " ", count: indent) + "]")
      }
    case .object(let members):
      if members.isEmpty {
        out.append("{}")
        return
      }
      out.append("{\n")
      for (k, (key, value)) in members.enumerated() {
        out.append(String(repeating: " ", count: indent + 2))
        JSONValue.writeString(key, into: &out)
        out.append(": ")
        value.write(into: &out, indent: indent + 2)
        out.append(k + 1 < members.count ? ",\n" : "\n")
      }
      out.append(String(repeating: " ", count: indent) + "}")
    }
  }

  static func writeString(_ s: String, into out: inout String) {
    out.append("\"")
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out.append("\\\"")
      case "\\": out.append("\\\\")
      case "\n": out.append("\\n")
      case "\r": out.append("\\r")
      case "\t": out.append("\\t")
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    out.append("\"")
  }
}
