import SurvivalKit
import SurvivalSupport

/// A report as a list of blocks, rendered to Markdown and to a self-contained HTML page from
/// the same content, so the two never disagree.
public struct ReportDocument: Sendable {
  /// One piece of the report, in reading order.
  public enum Block: Sendable {
    case heading(level: Int, text: String)
    case paragraph(String)
    case bullets([String])
    case table(header: [String], rows: [[String]])
    /// An SVG figure: file name (for Markdown) and the SVG text (inlined in HTML).
    case figure(file: String, svg: String, caption: String)
  }

  /// The report's title (the first heading).
  public var title: String
  /// The language code of the text (`<html lang>`).
  public var language: String
  /// The content after the title.
  public var blocks: [Block] = []

  /// An empty document with a title, in a language (`<html lang>`).
  public init(title: String, language: String = "en") {
    self.title = title
    self.language = language
  }

  /// The document as Markdown (figures as links to their SVG files).
  public func markdown() -> String {
    var out = "# \(title)\n"
    for block in blocks {
      out += "\n"
      switch block {
      case .heading(let level, let text):
        out += String(repeating: "#", count: level) + " \(text)\n"
      case .paragraph(let text):
        out += text + "\n"
      case .bullets(let items):
        out += items.map { "- \($0)\n" }.joined()
      case .table(let header, let rows):
        func row(_ cells: [String]) -> String {
          "| " + cells.map { $0.replacing("|", with: "\\|") }.joined(separator: " | ") + " |\n"
        }
        out += row(header)
        out += "|" + header.map { _ in " --- |" }.joined() + "\n"
        out += rows.map(row).joined()
      case .figure(let file, _, let caption):
        out += "![\(caption)](\(file))\n\n*\(caption)*\n"
      }
    }
    return out
  }

  /// The document as one self-contained HTML page (figures inlined).
  public func html() -> String {
    func escape(_ s: String) -> String { MarkupEscaping.escape(s) }
    var out = """
      <!DOCTYPE html>
      <html lang="\(language)">
      <head>
      <meta charset="utf-8">
      <title>\(escape(title))</title>
      <style>
      body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 60em; margin: 2em auto; color: #222; line-height: 1.45; }
      table { border-collapse: collapse; margin: 0.8em 0; }
      th, td { border: 1px solid #bbb; padding: 0.25em 0.6em; text-align: left; }
      th { background: #f0f0f0; }
      figure { margin: 1.2em 0; }
      figcaption { font-style: italic; color: #444; }
      </style>
      </head>
      <body>
      <h1>\(escape(title))</h1>

      """
    for block in blocks {
      switch block {
      case .heading(let level, let text):
        let l = min(6, max(2, level))
        out += "<h\(l)>\(escape(text))</h\(l)>\n"
      case .paragraph(let text):
        out += "<p>\(escape(text))</p>\n"
      case .bullets(let items):
        out += "<ul>\n" + items.map { "<li>\(escape($0))</li>\n" }.joined() + "</ul>\n"
      case .table(let header, let rows):
        out += "<table>\n<tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
        out += rows.map { "<tr>" + $0.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n" }
          .joined()
        out += "</table>\n"
      case .figure(_, let svg, let caption):
        var inline = svg
        if inline.hasPrefix("<?xml"), let end = inline.firstIndex(of: "\n") {
          inline = String(inline[inline.index(after: end)...])
        }
        out += "<figure>\n\(inline)\n<figcaption>\(escape(caption))</figcaption>\n</figure>\n"
      }
    }
    out += "</body>\n</html>\n"
    return out
  }
}
