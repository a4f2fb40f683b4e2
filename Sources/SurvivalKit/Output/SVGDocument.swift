import SurvivalSupport

/// A minimal SVG writer for SurvivalKit's figures.
///
/// Elements are appended in drawing order (later ones paint over earlier ones). Every coordinate
/// is printed with two decimals by `NumberFormatting.fixed`, and every text and attribute value
/// is escaped, so a figure always serialises to the same bytes: no ids, no dates, no locale.
/// The root element carries the font stack, which every text element inherits.
struct SVGDocument: Sendable {
  /// Text alignment relative to the anchor point, SVG's `text-anchor`.
  enum Anchor: String, Sendable {
    case start, middle, end
  }

  /// The font stack of every figure.
  static let fontFamily = "DejaVu Sans, Arial, sans-serif"

  /// Okabe–Ito colours, distinguishable under the common colour-vision deficiencies.
  static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]

  let width: Double
  let height: Double
  private var elements: [String] = []

  init(width: Double, height: Double) {
    self.width = width
    self.height = height
  }

  /// The palette colour of the `index`-th series, cycling after six.
  static func colour(_ index: Int) -> String {
    palette[index % palette.count]
  }

  /// A coordinate with two decimals; a non-finite value (never expected) prints as 0.00 so the
  /// document stays valid.
  static func number(_ x: Double) -> String {
    NumberFormatting.fixed(x.isFinite ? x : 0, decimals: 2)
  }

  static func escape(_ text: String) -> String { MarkupEscaping.escape(text) }

  /// A rough width of `text` in pixels at font `size` (0.6 em per character), for layout.
  static func textWidth(_ text: String, size: Double) -> Double {
    Double(text.count) * size * 0.6
  }

  /// `text` cut to at most `maxCharacters` characters, ending in "…" when cut.
  static func truncated(_ text: String, maxCharacters: Int) -> String {
    guard text.count > maxCharacters, maxCharacters > 1 else { return text }
    return String(text.prefix(maxCharacters - 1)) + "…"
  }

  /// Appends `<name key="value" …/>`, or `<name …>content</name>` when `content` is given;
  /// values and content are escaped here.
  mutating func element(_ name: String, _ attributes: [(String, String)], content: String? = nil) {
    var tag = "<" + name
    for (key, value) in attributes {
      tag += " \(key)=\"\(SVGDocument.escape(value))\""
    }
    if let content {
      tag += ">\(SVGDocument.escape(content))</\(name)>"
    } else {
      tag += "/>"
    }
    elements.append(tag)
  }

  /// A rectangle; `stroke` nil draws no outline.
  mutating func rect(
    x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil,
    fillOpacity: Double? = nil
  ) {
    var attributes = [
      ("x", SVGDocument.number(x)), ("y", SVGDocument.number(y)),
      ("width", SVGDocument.number(width)), ("height", SVGDocument.number(height)),
      ("fill", fill),
    ]
    if let fillOpacity { attributes.append(("fill-opacity", SVGDocument.number(fillOpacity))) }
    if let stroke { attributes.append(("stroke", stroke)) }
    element("rect", attributes)
  }

  /// A straight line; `dash` is an SVG `stroke-dasharray` such as "4 3".
  mutating func line(
    x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1,
    dash: String? = nil
  ) {
    var attributes = [
      ("x1", SVGDocument.number(x1)), ("y1", SVGDocument.number(y1)),
      ("x2", SVGDocument.number(x2)), ("y2", SVGDocument.number(y2)),
      ("stroke", stroke), ("stroke-width", SVGDocument.number(width)),
    ]
    if let dash { attributes.append(("stroke-dasharray", dash)) }
    element("line", attributes)
  }

  /// A path; nil `stroke` or `fill` means none.
  mutating func path(
    _ path: SVGPath, stroke: String?, fill: String?, strokeWidth: Double = 1,
    fillOpacity: Double? = nil
  ) {
    var attributes = [("d", path.data), ("fill", fill ?? "none")]
    if let fillOpacity { attributes.append(("fill-opacity", SVGDocument.number(fillOpacity))) }
    attributes.append(("stroke", stroke ?? "none"))
    if stroke != nil {
      attributes.append(("stroke-width", SVGDocument.number(strokeWidth)))
      attributes.append(("stroke-linejoin", "miter"))
    }
    element("path", attributes)
  }

  /// A single line of text with its anchor point at (x, y) on the baseline; `rotation` in
  /// degrees turns it about that point (-90 reads bottom to top).
  mutating func text(
    _ content: String, x: Double, y: Double, size: Double = 12, anchor: Anchor = .start,
    fill: String = "#222222", bold: Bool = false, rotation: Double? = nil
  ) {
    var attributes = [
      ("x", SVGDocument.number(x)), ("y", SVGDocument.number(y)),
      ("font-size", NumberFormatting.shortest(size)), ("text-anchor", anchor.rawValue),
      ("fill", fill),
    ]
    if bold { attributes.append(("font-weight", "bold")) }
    if let rotation {
      let angle = SVGDocument.number(rotation)
      let turn = "rotate(\(angle) \(SVGDocument.number(x)) \(SVGDocument.number(y)))"
      attributes.append(("transform", turn))
    }
    element("text", attributes, content: content)
  }

  /// The complete standalone document: XML declaration, root `<svg>` with size and view box,
  /// one element per line.
  var rendered: String {
    let w = NumberFormatting.shortest(width)
    let h = NumberFormatting.shortest(height)
    let font = SVGDocument.escape(SVGDocument.fontFamily)
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)\" height=\"\(h)\" "
    out += "viewBox=\"0 0 \(w) \(h)\" font-family=\"\(font)\">\n"
    for element in elements {
      out += "  " + element + "\n"
    }
    out += "</svg>\n"
    return out
  }
}

/// SVG path data (the `d` attribute) from absolute commands with two-decimal coordinates.
struct SVGPath: Sendable {
  private(set) var data = ""

  var isEmpty: Bool { data.isEmpty }

  /// Starts a new subpath at (x, y).
  mutating func move(x: Double, y: Double) {
    append("M" + SVGDocument.number(x) + " " + SVGDocument.number(y))
  }

  /// A straight segment to (x, y).
  mutating func line(x: Double, y: Double) {
    append("L" + SVGDocument.number(x) + " " + SVGDocument.number(y))
  }

  /// A horizontal segment to `x`.
  mutating func horizontal(to x: Double) {
    append("H" + SVGDocument.number(x))
  }

  /// A vertical segment to `y`.
  mutating func vertical(to y: Double) {
    append("V" + SVGDocument.number(y))
  }

  /// Closes the current subpath.
  mutating func close() {
    append("Z")
  }

  private mutating func append(_ command: String) {
    if !data.isEmpty { data += " " }
    data += command
  }
}
