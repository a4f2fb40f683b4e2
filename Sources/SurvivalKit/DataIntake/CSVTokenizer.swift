import Dispatch
import SurvivalSupport

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Splitting a delimited text buffer into cells: RFC 4180 quoting, delimiter detection, and
/// the parallel tokenizing of the body in chunks.
extension CSVReader {

  static let quote = UInt8(ascii: "\"")
  static let newline = UInt8(ascii: "\n")
  static let carriageReturn = UInt8(ascii: "\r")

  /// Cells are packed as offset << 24 | length << 1 | escaped.
  static let maxCellLength = (1 << 23) - 1

  enum Terminator { case delimiter, endOfRow, endOfFile }

  struct Tokenizer {
    let base: UnsafePointer<UInt8>
    let count: Int
    let delimiter: UInt8
    let special: UnsafePointer<Bool>
    var position: Int
    var line: Int

    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080
    static let newlinePattern = ones &* UInt64(CSVReader.newline)
    static let returnPattern = ones &* UInt64(CSVReader.carriageReturn)
    static let quotePattern = ones &* UInt64(CSVReader.quote)
    var delimiterPattern: UInt64 { Tokenizer.ones &* UInt64(delimiter) }

    /// High bit set in each byte of `word` equal to the repeated byte in `pattern`; the lowest
    /// flagged byte is exact (higher ones may be false positives, which are never used).
    @inline(__always)
    static func flag(_ word: UInt64, _ pattern: UInt64) -> UInt64 {
      let x = word ^ pattern
      return (x &- ones) & ~x & highs
    }

    /// Reads one field at `position`; returns its content range and what ended it.
    @inline(__always)
    mutating func nextField() throws -> (start: Int, end: Int, escaped: Bool, Terminator) {
      var start = position
      var end: Int
      var escaped = false
      if position < count && base[position] == CSVReader.quote {
        let openLine = line
        position += 1
        start = position
        while true {
          guard position < count else {
            throw SurvivalKitError.csvSyntax(
              line: openLine,
              message: "a quoted field opened here is never closed; add the closing '\"' "
                + "(a quote inside a quoted field is written twice: \"\")")
          }
          let c = base[position]
          if c == CSVReader.quote {
            if position + 1 < count && base[position + 1] == CSVReader.quote {
              escaped = true
              position += 2
              continue
            }
            end = position
            position += 1
            break
          }
          if c == CSVReader.newline { line += 1 }
          position += 1
        }
        if position < count {
          let c = base[position]
          if c != delimiter && c != CSVReader.newline && c != CSVReader.carriageReturn {
            throw SurvivalKitError.csvSyntax(
              line: line, message: "unexpected text after a closing quote; quote the whole field")
          }
        }
      } else {
        // Eight bytes at a time: the lowest flagged byte of the word is the first delimiter,
        // line end or quote (Mycroft's has-zero-byte test on the XOR with each target).
        let raw = UnsafeRawPointer(base)
        while position + 8 <= count {
          let word = raw.loadUnaligned(fromByteOffset: position, as: UInt64.self)
          let hits =
            Tokenizer.flag(word, delimiterPattern) | Tokenizer.flag(word, Tokenizer.newlinePattern)
            | Tokenizer.flag(word, Tokenizer.returnPattern)
            | Tokenizer.flag(word, Tokenizer.quotePattern)
          if hits != 0 {
            position += hits.trailingZeroBitCount >> 3
            break
          }
          position += 8
        }
        while position < count && !special[Int(base[position])] { position += 1 }
        if position < count && base[position] == CSVReader.quote {
          throw SurvivalKitError.csvSyntax(
            line: line,
            message: "a quote inside an unquoted field; quote the whole field and double the "
              + "inner quote (\"\")")
        }
        end = position
      }
      if end - start > CSVReader.maxCellLength {
        throw SurvivalKitError.csvSyntax(line: line, message: "a field longer than 8 MiB")
      }
      guard position < count else { return (start, end, escaped, .endOfFile) }
      let c = base[position]
      if c == delimiter {
        position += 1
        return (start, end, escaped, .delimiter)
      }
      position += 1
      if c == CSVReader.carriageReturn && position < count && base[position] == CSVReader.newline {
        position += 1
      }
      line += 1
      return (start, end, escaped, .endOfRow)
    }
  }

  static func detectDelimiter(_ buffer: UnsafeBufferPointer<UInt8>) throws -> UInt8 {
    var counts: [UInt8: Int] = [UInt8(ascii: ","): 0, UInt8(ascii: ";"): 0, UInt8(ascii: "\t"): 0]
    var inQuotes = false
    for b in buffer {
      if b == quote {
        inQuotes.toggle()
      } else if !inQuotes {
        if b == newline || b == carriageReturn { break }
        if counts[b] != nil { counts[b]! += 1 }
      }
    }
    let best = counts.values.max() ?? 0
    if best == 0 { return UInt8(ascii: ",") }
    let winners = counts.filter { $0.value == best }.keys
    if winners.count > 1 {
      throw SurvivalKitError.csvSyntax(
        line: 1,
        message: "cannot tell the delimiter from the header (as many ',' as ';' or tabs); "
          + "pass --delimiter")
    }
    return winners.first!
  }

  /// Rows of one chunk of the body: packed cells, 1-based line of each row within the chunk,
  /// and the number of line ends consumed.
  struct BodyChunk {
    var cells: [UInt64]
    var lines: [Int]
    var newlines: Int
  }

  static func tokenizeBody(
    base: UnsafePointer<UInt8>, start: Int, end: Int, delimiter: UInt8,
    special: UnsafePointer<Bool>, columnCount: Int, slots: [Int32], storedCount: Int
  ) throws -> BodyChunk {
    var tokenizer = Tokenizer(
      base: base, count: end, delimiter: delimiter, special: special, position: start, line: 1)
    var cells: [UInt64] = []
    let storeAll = storedCount == columnCount
    cells.reserveCapacity(max(16, (end - start) / 4 * storedCount / max(1, columnCount)))
    var lines: [Int] = []
    while tokenizer.position < end {
      let c = base[tokenizer.position]
      if c == newline || c == carriageReturn {  // blank line: skipped, as R does
        tokenizer.position += 1
        if c == carriageReturn && tokenizer.position < end && base[tokenizer.position] == newline {
          tokenizer.position += 1
        }
        tokenizer.line += 1
        continue
      }
      let rowLine = tokenizer.line
      var fields = 0
      while true {
        let (fieldStart, fieldEnd, escaped, terminator) = try tokenizer.nextField()
        fields += 1
        if fields > columnCount {
          throw SurvivalKitError.csvSyntax(
            line: rowLine,
            message: "this row has more than the header's \(columnCount) fields; "
              + "quote fields that contain the delimiter")
        }
        if storeAll || slots[fields - 1] >= 0 {
          cells.append(
            UInt64(fieldStart) << 24 | UInt64(fieldEnd - fieldStart) << 1 | (escaped ? 1 : 0))
        }
        if terminator != .delimiter { break }
      }
      if fields != columnCount {
        throw SurvivalKitError.csvSyntax(
          line: rowLine,
          message: "this row has \(fields) field\(fields == 1 ? "" : "s") but the header has "
            + "\(columnCount)")
      }
      lines.append(rowLine)
    }
    return BodyChunk(cells: cells, lines: lines, newlines: tokenizer.line - 1)
  }

}

/// Pointers handed to the column-typing tasks: the input is read-only and each task writes a
/// distinct output slot, so sharing them across threads is safe.
struct SharedPointers: @unchecked Sendable {
  let base: UnsafePointer<UInt8>
  let out: UnsafeMutablePointer<Column?>
}

/// A run of rows' packed cells (row-major) owned by a tokenized chunk.
struct CellSegment: @unchecked Sendable {
  let cells: UnsafePointer<UInt64>?
  let rows: Int
}

/// Pointers handed to the tokenizing tasks (read-only input, one output slot per task).
struct SharedChunkOutput: @unchecked Sendable {
  let base: UnsafePointer<UInt8>
  let special: UnsafePointer<Bool>
  let out: UnsafeMutablePointer<Result<CSVReader.BodyChunk, SurvivalKitError>?>
}

/// The number of processors, without Foundation.
enum ProcessInfoLite {
  static var activeProcessorCount: Int {
    Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
  }
}
