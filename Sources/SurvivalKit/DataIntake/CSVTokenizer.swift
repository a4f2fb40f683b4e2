import Dispatch
import SurvivalSupport

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Splitting a delimited text buffer into cells: RFC 4180 quoting, delimiter detection, and
/// the tokenizing of one block of the body (a fast path for blocks without quotes).
extension CSVReader {

  static let quote = UInt8(ascii: "\"")
  static let newline = UInt8(ascii: "\n")
  static let carriageReturn = UInt8(ascii: "\r")

  /// Cells are packed as offset << 24 | length << 1 | escaped.
  static let maxCellLength = (1 << 23) - 1

  enum Terminator { case delimiter, endOfRow, endOfFile }

  /// The error for a row of `fields` fields under a header of `columnCount` (the one message
  /// both tokenizers give).
  static func fieldCountError(line: Int, fields: Int, columnCount: Int) -> SurvivalKitError {
    if fields > columnCount {
      return .csvSyntax(
        line: line,
        message: "this row has more than the header's \(columnCount) fields; "
          + "quote fields that contain the delimiter")
    }
    return .csvSyntax(
      line: line,
      message: "this row has \(fields) field\(fields == 1 ? "" : "s") but the header has "
        + "\(columnCount)")
  }

  /// The error for a field longer than `maxCellLength`.
  static func longFieldError(line: Int) -> SurvivalKitError {
    .csvSyntax(line: line, message: "a field longer than 8 MiB")
  }

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
        throw CSVReader.longFieldError(line: line)
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
          throw fieldCountError(line: rowLine, fields: fields, columnCount: columnCount)
        }
        if storeAll || slots[fields - 1] >= 0 {
          cells.append(
            UInt64(fieldStart) << 24 | UInt64(fieldEnd - fieldStart) << 1 | (escaped ? 1 : 0))
        }
        if terminator != .delimiter { break }
      }
      if fields != columnCount {
        throw fieldCountError(line: rowLine, fields: fields, columnCount: columnCount)
      }
      lines.append(rowLine)
    }
    return BodyChunk(cells: cells, lines: lines, newlines: tokenizer.line - 1)
  }

}

/// A run of rows' packed cells (row-major) owned by a tokenized chunk.
struct CellSegment: @unchecked Sendable {
  let cells: UnsafePointer<UInt64>?
  let rows: Int
}

/// The number of processors, without Foundation.
enum ProcessInfoLite {
  static var activeProcessorCount: Int {
    Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
  }
}

extension CSVReader {
  /// High bit set in each byte of `x` that is zero (exact, unlike `Tokenizer.flag`).
  @inline(__always)
  static func zeroBytes(_ x: UInt64) -> UInt64 {
    let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    return ~(((x & low) &+ low) | x | low)
  }

  /// `tokenizeBody` for a block without any quote: the delimiters and line ends of eight bytes
  /// at a time are found as one bit mask (exact zero-byte tests), and the fields between them
  /// are emitted without looking at the bytes in between. Same rows, cells, lines and errors
  /// as `tokenizeBody` on such a block.
  static func tokenizeUnquoted(
    base: UnsafePointer<UInt8>, end: Int, delimiter: UInt8, columnCount: Int, slots: [Int32],
    storedCount: Int
  ) throws -> BodyChunk {
    var state = UnquotedRows(
      base: base, delimiter: delimiter, columnCount: columnCount, slots: slots,
      storeAll: storedCount == columnCount)
    state.cells.reserveCapacity(max(16, end / 4 * storedCount / max(1, columnCount)))
    let hasReturn = memchr(base, Int32(carriageReturn), end) != nil
    let delimiterPattern = Tokenizer.ones &* UInt64(delimiter)
    let returnPattern = hasReturn ? Tokenizer.returnPattern : Tokenizer.newlinePattern
    let raw = UnsafeRawPointer(base)
    var word = 0
    scan: while word + 8 <= end {
      let w = raw.loadUnaligned(fromByteOffset: word, as: UInt64.self)
      var mask =
        zeroBytes(w ^ delimiterPattern) | zeroBytes(w ^ Tokenizer.newlinePattern)
        | zeroBytes(w ^ returnPattern)
      while mask != 0 {
        let pos = word + mask.trailingZeroBitCount >> 3
        mask &= mask &- 1
        if !state.separator(pos) { break scan }
        if state.field > state.lastKept {
          // No later field of the row is kept: find its end, counting its delimiters.
          let (rowEnd, delimiters) =
            hasReturn
            ? skipRow(
              base, from: pos + 1, to: end, delimiterPattern: delimiterPattern,
              returnPattern: returnPattern, delimiter: delimiter)
            : skipRowToNewline(base, from: pos + 1, to: end, delimiter: delimiter)
          state.field += delimiters
          state.fieldStart = rowEnd
          if rowEnd >= end {
            word = end
            break scan
          }
          if !state.separator(rowEnd) { break scan }
          word = rowEnd + 1
          continue scan
        }
      }
      word += 8
    }
    if state.error == nil {
      var pos = word
      while pos < end {
        let c = base[pos]
        if c == delimiter || c == newline || c == carriageReturn {
          if !state.separator(pos) { break }
        }
        pos += 1
      }
    }
    if let error = state.error { throw error }
    try state.finish(end)
    return BodyChunk(cells: state.cells, lines: state.lines, newlines: state.line - 1)
  }
}

extension CSVReader {
  /// `skipRow` for a block without carriage returns, sixteen bytes at a time: a row's
  /// delimiters are added up lane by lane and the lanes summed once per row.
  @inline(__always)
  static func skipRowToNewline(
    _ base: UnsafePointer<UInt8>, from: Int, to end: Int, delimiter: UInt8
  ) -> (Int, Int) {
    let raw = UnsafeRawPointer(base)
    let lineEnds = SIMD16<UInt8>(repeating: newline)
    let delimiters = SIMD16<UInt8>(repeating: delimiter)
    let zero = SIMD16<UInt8>(repeating: 0)
    var lanes = zero
    var rounds = 0
    var count = 0
    var i = from
    while i + 16 <= end {
      let v = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
      // Any line end among the sixteen bytes (read as two words; `any` is not inlined).
      let ends = unsafeBitCast(
        zero.replacing(with: 0xFF, where: v .== lineEnds), to: SIMD2<UInt64>.self)
      if ends[0] | ends[1] != 0 { break }
      lanes &+= zero.replacing(with: 1, where: v .== delimiters)
      rounds += 1
      if rounds == 255 {
        count += Int(SIMD16<UInt16>(truncatingIfNeeded: lanes).wrappedSum())
        lanes = zero
        rounds = 0
      }
      i += 16
    }
    count += Int(SIMD16<UInt16>(truncatingIfNeeded: lanes).wrappedSum())
    while i < end {
      let c = base[i]
      if c == newline { return (i, count) }
      if c == delimiter { count += 1 }
      i += 1
    }
    return (end, count)
  }

  /// The position of the first line end in `base[from..<to]` (or `to`) and the number of
  /// delimiters before it, eight bytes at a time without a branch per field.
  @inline(__always)
  static func skipRow(
    _ base: UnsafePointer<UInt8>, from: Int, to end: Int, delimiterPattern: UInt64,
    returnPattern: UInt64, delimiter: UInt8
  ) -> (Int, Int) {
    let raw = UnsafeRawPointer(base)
    var i = from
    var count = 0
    // Delimiters are counted per byte lane (each lane's count stays below 256 for 255 words),
    // then summed: no population-count instruction is assumed of the processor.
    var lanes: UInt64 = 0
    var words = 0
    @inline(__always) func laneSum(_ x: UInt64) -> Int {
      let pairs = (x & 0x00FF_00FF_00FF_00FF) &+ ((x >> 8) & 0x00FF_00FF_00FF_00FF)
      return Int((pairs &* 0x0001_0001_0001_0001) >> 48)
    }
    while i + 8 <= end {
      let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
      let lineEnd = zeroBytes(w ^ Tokenizer.newlinePattern) | zeroBytes(w ^ returnPattern)
      let delimiters = zeroBytes(w ^ delimiterPattern)
      if lineEnd != 0 {
        let below = (lineEnd & (0 &- lineEnd)) &- 1
        lanes &+= (delimiters & below) >> 7
        return (i + lineEnd.trailingZeroBitCount >> 3, count + laneSum(lanes))
      }
      lanes &+= delimiters >> 7
      words += 1
      if words == 255 {
        count += laneSum(lanes)
        lanes = 0
        words = 0
      }
      i += 8
    }
    count += laneSum(lanes)
    while i < end {
      let c = base[i]
      if c == newline || c == carriageReturn { return (i, count) }
      if c == delimiter { count += 1 }
      i += 1
    }
    return (end, count)
  }
}

/// The row state of `CSVReader.tokenizeUnquoted`, advanced one separator at a time.
struct UnquotedRows {
  let base: UnsafePointer<UInt8>
  let delimiter: UInt8
  let columnCount: Int
  let slots: [Int32]
  let storeAll: Bool
  /// The last kept column (fields after it are skipped, only counted).
  let lastKept: Int
  var cells: [UInt64] = []
  var lines: [Int] = []
  var line = 1
  var rowLine = 1
  var field = 0
  var fieldStart = 0
  var skipNewlineAt = -1
  var error: SurvivalKitError? = nil

  init(
    base: UnsafePointer<UInt8>, delimiter: UInt8, columnCount: Int, slots: [Int32],
    storeAll: Bool
  ) {
    self.base = base
    self.delimiter = delimiter
    self.columnCount = columnCount
    self.slots = slots
    self.storeAll = storeAll
    self.lastKept = slots.lastIndex { $0 >= 0 } ?? -1
  }

  @inline(__always)
  mutating func store(_ end: Int) {
    if storeAll || slots[field] >= 0 {
      cells.append(UInt64(fieldStart) << 24 | UInt64(end - fieldStart) << 1)
    }
  }

  func wrongCount() -> SurvivalKitError {
    CSVReader.fieldCountError(line: rowLine, fields: field + 1, columnCount: columnCount)
  }

  /// Handles the delimiter or line end at `pos`; false stops (`error` is set).
  @inline(__always)
  mutating func separator(_ pos: Int) -> Bool {
    if pos - fieldStart > CSVReader.maxCellLength {
      error = CSVReader.longFieldError(line: rowLine)
      return false
    }
    let c = base[pos]
    if c == delimiter {
      if field + 1 >= columnCount {
        error = CSVReader.fieldCountError(
          line: rowLine, fields: field + 2, columnCount: columnCount)
        return false
      }
      store(pos)
      field += 1
      fieldStart = pos + 1
      return true
    }
    if pos == skipNewlineAt && c == CSVReader.newline {  // the LF of a CR LF pair
      fieldStart = pos + 1
      return true
    }
    if c == CSVReader.carriageReturn { skipNewlineAt = pos + 1 }
    if field == 0 && pos == fieldStart {  // blank line: skipped, as R does
      line += 1
      rowLine = line
      fieldStart = pos + 1
      return true
    }
    if field + 1 != columnCount {
      error = wrongCount()
      return false
    }
    store(pos)
    lines.append(rowLine)
    line += 1
    rowLine = line
    field = 0
    fieldStart = pos + 1
    return true
  }

  /// A last row without a line end.
  mutating func finish(_ end: Int) throws {
    guard field > 0 || fieldStart < end else { return }
    if end - fieldStart > CSVReader.maxCellLength {
      throw CSVReader.longFieldError(line: rowLine)
    }
    if field + 1 != columnCount { throw wrongCount() }
    store(end)
    lines.append(rowLine)
  }
}
