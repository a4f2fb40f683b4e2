import Dispatch
import SurvivalSupport

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads delimited text files (RFC 4180) into a typed `DataTable`.
///
/// Why a byte-level reader of our own: the two CSV packages available to the project
/// (SwiftCSV 0.10.0 and CSV.swift 2.5.2) were measured on a 193 MB numeric file on the project
/// machine and parse far below the 200 MB/s the project requires (they build a `String` per
/// cell); see `benchmarks/csv/README.md` for the figures. This reader works on the raw bytes:
///
/// 1. decode: strip a UTF-8 BOM; Windows-1251 is transcoded to UTF-8 when asked for, or when
///    the bytes are not valid UTF-8 (the table records which);
/// 2. tokenize in one pass, recording each cell as a packed (offset, length, escaped) word:
///    quoted fields may hold delimiters, newlines and doubled quotes;
/// 3. type each column (in parallel across columns): numeric, date or text, with text cells
///    interned into levels without allocating per row.
///
/// Errors name the physical line (and column) of the problem: an unclosed quote, a stray
/// quote, a ragged row, a duplicate or empty header name.
///
/// - Complexity: O(file size) time; 8 bytes per cell of transient memory.
public enum CSVReader {
  /// Reads and types the file at `path`. Regular files are memory-mapped (no copy).
  public static func read(path: String, options: CSVOptions = CSVOptions()) throws -> DataTable {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else {
      throw SurvivalKitError.fileUnreadable(path: path, reason: String(cString: strerror(errno)))
    }
    defer { close(descriptor) }
    var info = stat()
    if fstat(descriptor, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && info.st_size > 0 {
      let size = Int(info.st_size)
      if let mapping = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0),
        mapping != MAP_FAILED
      {
        defer { munmap(mapping, size) }
        _ = madvise(mapping, size, MADV_SEQUENTIAL)
        let buffer = UnsafeBufferPointer(
          start: mapping.assumingMemoryBound(to: UInt8.self), count: size)
        return try read(buffer: buffer, options: options)
      }
    }
    return try read(bytes: readFile(path), options: options)
  }

  /// Reads and types CSV text given as bytes.
  public static func read(bytes: [UInt8], options: CSVOptions = CSVOptions()) throws -> DataTable {
    try bytes.withUnsafeBufferPointer { try read(buffer: $0, options: options) }
  }

  /// Decodes (BOM, encoding) and parses bytes that stay valid for the duration of the call.
  static func read(buffer input: UnsafeBufferPointer<UInt8>, options: CSVOptions) throws
    -> DataTable
  {
    var buffer = input
    var encoding = options.encoding ?? .utf8
    if buffer.count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF {
      buffer = UnsafeBufferPointer(rebasing: buffer[3...])
      if options.encoding == .windows1251 {
        throw SurvivalKitError.invalidArgument(
          name: "encoding",
          message: "the file starts with a UTF-8 byte-order mark but cp1251 was requested; "
            + "drop --encoding or pass --encoding utf-8")
      }
      encoding = .utf8
    } else if options.encoding == .windows1251 {
      let converted = TextDecoding.utf8FromWindows1251(buffer)
      return try converted.withUnsafeBufferPointer {
        try parse($0, options: options, encoding: .windows1251)
      }
    } else if !TextDecoding.isValidUTF8(buffer) {
      if options.encoding == .utf8 {
        throw SurvivalKitError.invalidArgument(
          name: "encoding",
          message: "the file is not valid UTF-8; if it was exported from a Russian-locale "
            + "spreadsheet pass --encoding cp1251")
      }
      let converted = TextDecoding.utf8FromWindows1251(buffer)
      return try converted.withUnsafeBufferPointer {
        try parse($0, options: options, encoding: .windows1251)
      }
    }
    return try parse(buffer, options: options, encoding: encoding)
  }

  /// Reads a whole file into memory.
  static func readFile(_ path: String) throws -> [UInt8] {
    do {
      return try FileBytes.read(path)
    } catch {
      throw SurvivalKitError.fileUnreadable(path: error.path, reason: error.reason)
    }
  }

  // MARK: - Tokenizing

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

  static func parse(
    _ buffer: UnsafeBufferPointer<UInt8>, options: CSVOptions, encoding: TextEncoding
  ) throws -> DataTable {
    guard let base = buffer.baseAddress, buffer.count > 0 else {
      throw SurvivalKitError.csvSyntax(
        line: 1, message: "the file is empty; a header row is needed")
    }
    let delimiter: UInt8
    if let d = options.delimiter {
      guard d.isASCII, let v = d.asciiValue, v != quote, v != newline, v != carriageReturn else {
        throw SurvivalKitError.invalidArgument(
          name: "delimiter", message: "'\(d)' cannot be a delimiter; use ',', ';' or a tab")
      }
      delimiter = v
    } else {
      delimiter = try detectDelimiter(buffer)
    }
    let decimalComma = options.decimalComma ?? (delimiter == UInt8(ascii: ";"))
    var special = [Bool](repeating: false, count: 256)
    special[Int(delimiter)] = true
    special[Int(newline)] = true
    special[Int(carriageReturn)] = true
    special[Int(quote)] = true

    return try special.withUnsafeBufferPointer { specialBuffer in
      var tokenizer = Tokenizer(
        base: base, count: buffer.count, delimiter: delimiter,
        special: specialBuffer.baseAddress!, position: 0, line: 1)

      // Header.
      var names: [String] = []
      while true {
        let (start, end, escaped, terminator) = try tokenizer.nextField()
        let name = cellString(base, start, end, escaped: escaped)
          .trimmingCharacters(inSetOf: " ")
        if name.isEmpty {
          throw SurvivalKitError.csvSyntax(
            line: 1, message: "column \(names.count + 1) has an empty name in the header row")
        }
        if names.contains(name) {
          throw SurvivalKitError.csvSyntax(
            line: 1, message: "column name '\(name)' appears twice in the header row")
        }
        names.append(name)
        if terminator != .delimiter { break }
      }
      let columnCount = names.count

      // Body: one flat, row-major array of packed cells. Without any quote in the body, rows
      // cannot span lines, so the body is split at line ends and tokenized in parallel.
      let bodyStart = tokenizer.position
      let bodyLine = tokenizer.line
      var cuts = [bodyStart]
      let workers = max(1, min(8, ProcessInfoLite.activeProcessorCount))
      let hasQuote = memchr(base + bodyStart, Int32(quote), buffer.count - bodyStart) != nil
      if !hasQuote && workers > 1 && buffer.count - bodyStart > (1 << 22) {
        let step = (buffer.count - bodyStart) / workers
        for k in 1..<workers {
          var p = max(cuts[k - 1], bodyStart + k * step)
          while p < buffer.count && base[p] != newline { p += 1 }
          if p < buffer.count { cuts.append(p + 1) }
        }
      }
      cuts.append(buffer.count)
      let chunkCount = cuts.count - 1
      var pieces = [Result<BodyChunk, SurvivalKitError>?](repeating: nil, count: chunkCount)
      pieces.withUnsafeMutableBufferPointer { out in
        let shared = SharedChunkOutput(
          base: base, special: specialBuffer.baseAddress!, out: out.baseAddress!)
        let chunkCuts = cuts
        DispatchQueue.concurrentPerform(iterations: chunkCount) { k in
          do {
            let chunk = try tokenizeBody(
              base: shared.base, start: chunkCuts[k], end: chunkCuts[k + 1], delimiter: delimiter,
              special: shared.special, columnCount: columnCount)
            shared.out[k] = .success(chunk)
          } catch let error as SurvivalKitError {
            shared.out[k] = .failure(error)
          } catch {
            shared.out[k] = .failure(.csvSyntax(line: 0, message: "\(error)"))
          }
        }
      }
      var chunks: [BodyChunk] = []
      var lines: [Int] = []
      var lineOffset = bodyLine - 1
      for piece in pieces {
        switch piece! {
        case .failure(let error):
          if case .csvSyntax(let line, let message) = error {
            throw SurvivalKitError.csvSyntax(line: line + lineOffset, message: message)
          }
          throw error
        case .success(let chunk):
          lines.reserveCapacity(lines.count + chunk.lines.count)
          for l in chunk.lines { lines.append(l + lineOffset) }
          lineOffset += chunk.newlines
          chunks.append(chunk)
        }
      }

      // Typing, one column per task, reading the chunks' cells in order.
      let missing = options.missingValues.map { Array($0.utf8) }
      var columns = [Column?](repeating: nil, count: columnCount)
      let headerNames = names
      var segments: [CellSegment] = []
      var keepAlive: [[UInt64]] = []
      for chunk in chunks { keepAlive.append(chunk.cells) }
      chunks.removeAll()
      for k in keepAlive.indices {
        keepAlive[k].withUnsafeBufferPointer { b in
          segments.append(CellSegment(cells: b.baseAddress, rows: b.count / max(1, columnCount)))
        }
      }
      withExtendedLifetime(keepAlive) {
        columns.withUnsafeMutableBufferPointer { out in
          // Each task reads the shared, immutable input and writes only its own output slot.
          let shared = SharedPointers(base: base, out: out.baseAddress!)
          let allSegments = segments
          DispatchQueue.concurrentPerform(iterations: columnCount) { j in
            let values = typeColumn(
              base: shared.base, segments: allSegments, stride: columnCount, column: j,
              missing: missing, decimalComma: decimalComma)
            shared.out[j] = Column(name: headerNames[j], values: values)
          }
        }
      }
      return DataTable(
        columns: columns.map { $0! }, lineNumbers: lines, encoding: encoding,
        delimiter: Character(UnicodeScalar(delimiter)), decimalComma: decimalComma)
    }
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
    special: UnsafePointer<Bool>, columnCount: Int
  ) throws -> BodyChunk {
    var tokenizer = Tokenizer(
      base: base, count: end, delimiter: delimiter, special: special, position: start, line: 1)
    var cells: [UInt64] = []
    cells.reserveCapacity(max(16, (end - start) / 4))
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
        cells.append(
          UInt64(fieldStart) << 24 | UInt64(fieldEnd - fieldStart) << 1 | (escaped ? 1 : 0))
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

  // MARK: - Typing

  static func cellString(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, escaped: Bool)
    -> String
  {
    let raw = UnsafeBufferPointer(start: base + start, count: end - start)
    if !escaped { return String(decoding: raw, as: UTF8.self) }
    var out: [UInt8] = []
    out.reserveCapacity(raw.count)
    var k = 0
    while k < raw.count {
      out.append(raw[k])
      k += (raw[k] == quote && k + 1 < raw.count && raw[k + 1] == quote) ? 2 : 1
    }
    return String(decoding: out, as: UTF8.self)
  }

  @inline(__always)
  static func unpack(_ cell: UInt64, _ base: UnsafePointer<UInt8>) -> (Int, Int, Bool) {
    var start = Int(cell >> 24)
    var end = start + Int((cell >> 1) & UInt64(maxCellLength))
    while start < end && base[start] == 0x20 { start += 1 }
    while end > start && base[end - 1] == 0x20 { end -= 1 }
    return (start, end, cell & 1 == 1)
  }

  @inline(__always)
  static func isMissing(
    _ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ missing: [[UInt8]]
  ) -> Bool {
    let length = end - start
    if length > 8 { return false }
    for token in missing where token.count == length {
      var same = true
      for k in 0..<length where base[start + k] != token[k] {
        same = false
        break
      }
      if same { return true }
    }
    return false
  }

  static func typeColumn(
    base: UnsafePointer<UInt8>, segments: [CellSegment], stride: Int, column: Int,
    missing: [[UInt8]], decimalComma: Bool
  ) -> ColumnValues {
    let rows = segments.reduce(0) { $0 + $1.rows }
    // Visits every cell of the column in row order; stops when `body` returns false.
    @inline(__always) func forEachCell(_ body: (Int, Int, Int, Bool) -> Bool) {
      var row = 0
      for segment in segments {
        guard let cells = segment.cells else { continue }
        for r in 0..<segment.rows {
          let (start, end, escaped) = unpack(cells[r * stride + column], base)
          if !body(row, start, end, escaped) { return }
          row += 1
        }
      }
    }
    // Numeric attempt. Missing spellings are checked first only when one of them reads as a
    // number (a user's "-999"); the default spellings never do, so the hot loop skips them.
    let numericMissing = missing.contains { token in
      token.withUnsafeBufferPointer { b in
        b.baseAddress.map {
          NumberParsing.parseDouble($0, 0, b.count, decimalComma: decimalComma) != nil
        } ?? false
      }
    }
    var numeric = true
    var numbers = [Double](unsafeUninitializedCapacity: rows) { out, count in
      forEachCell { i, start, end, escaped in
        if escaped {
          numeric = false
          return false
        }
        if numericMissing && isMissing(base, start, end, missing) {
          out[i] = .nan
          return true
        }
        if let v = NumberParsing.parseDouble(base, start, end, decimalComma: decimalComma) {
          out[i] = v
          return true
        }
        if isMissing(base, start, end, missing) {
          out[i] = .nan
          return true
        }
        numeric = false
        return false
      }
      count = numeric ? rows : 0
    }
    if numeric { return .numeric(numbers) }
    // Date attempt.
    var dates = true
    var anyDate = false
    numbers = [Double](repeating: .nan, count: rows)
    numbers.withUnsafeMutableBufferPointer { out in
      forEachCell { i, start, end, escaped in
        if !escaped, let d = DateParsing.parseDays(base, start, end) {
          out[i] = Double(d)
          anyDate = true
          return true
        }
        if isMissing(base, start, end, missing) { return true }
        dates = false
        return false
      }
    }
    if dates && anyDate { return .date(numbers) }
    // Text: intern the cells.
    var interner = ByteInterner()
    var codes = [Int32](repeating: -1, count: rows)
    forEachCell { i, start, end, escaped in
      if isMissing(base, start, end, missing) { return true }
      if escaped {
        codes[i] = interner.intern(string: cellString(base, start, end, escaped: true))
      } else {
        codes[i] = interner.intern(base, start, end)
      }
      return true
    }
    return .text(levels: interner.levels, codes: codes)
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

/// Interns byte strings into level codes with an open-addressing hash table, allocating only
/// when a new level is seen.
struct ByteInterner {
  private(set) var levels: [String] = []
  private var levelBytes: [[UInt8]] = []
  private var table = [Int32](repeating: -1, count: 64)
  private var lastCode: Int32 = -1

  @inline(__always)
  static func hash(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for k in start..<end {
      h = (h ^ UInt64(base[k])) &* 0x100_0000_01b3
    }
    return h
  }

  @inline(__always)
  func equal(_ code: Int32, _ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
    let bytes = levelBytes[Int(code)]
    if bytes.count != end - start { return false }
    return bytes.withUnsafeBufferPointer { b in
      memcmp(b.baseAddress!, base + start, end - start) == 0
    }
  }

  mutating func intern(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int32 {
    if lastCode >= 0 && equal(lastCode, base, start, end) { return lastCode }
    let mask = table.count - 1
    var slot = Int(truncatingIfNeeded: ByteInterner.hash(base, start, end)) & mask
    while table[slot] >= 0 {
      if equal(table[slot], base, start, end) {
        lastCode = table[slot]
        return lastCode
      }
      slot = (slot + 1) & mask
    }
    let code = Int32(levels.count)
    let bytes = Array(UnsafeBufferPointer(start: base + start, count: end - start))
    levelBytes.append(bytes)
    levels.append(String(decoding: bytes, as: UTF8.self))
    table[slot] = code
    lastCode = code
    if levels.count * 2 > table.count { grow() }
    return code
  }

  mutating func intern(string: String) -> Int32 {
    var bytes = Array(string.utf8)
    return bytes.withUnsafeMutableBufferPointer { b in
      intern(UnsafePointer(b.baseAddress ?? UnsafeMutablePointer(bitPattern: 1)!), 0, b.count)
    }
  }

  private mutating func grow() {
    table = [Int32](repeating: -1, count: table.count * 2)
    let mask = table.count - 1
    for (code, bytes) in levelBytes.enumerated() {
      let h = bytes.withUnsafeBufferPointer { b -> UInt64 in
        guard let p = b.baseAddress else {
          return ByteInterner.hash(UnsafePointer(bitPattern: 1)!, 0, 0)
        }
        return ByteInterner.hash(p, 0, b.count)
      }
      var slot = Int(truncatingIfNeeded: h) & mask
      while table[slot] >= 0 { slot = (slot + 1) & mask }
      table[slot] = Int32(code)
    }
  }
}

extension String {
  func trimmingCharacters(inSetOf characters: Character) -> String {
    var s = Substring(self)
    while s.first == characters { s.removeFirst() }
    while s.last == characters { s.removeLast() }
    return String(s)
  }
}
