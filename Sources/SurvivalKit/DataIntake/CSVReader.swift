import Dispatch

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
  /// Reads and types the file at `path`.
  public static func read(path: String, options: CSVOptions = CSVOptions()) throws -> DataTable {
    try read(bytes: readFile(path), options: options)
  }

  /// Reads and types CSV text given as bytes.
  public static func read(bytes input: [UInt8], options: CSVOptions = CSVOptions()) throws
    -> DataTable
  {
    var bytes = input
    var encoding = options.encoding ?? .utf8
    if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
      bytes.removeFirst(3)
      if options.encoding == .windows1251 {
        throw SurvivalKitError.invalidArgument(
          name: "encoding",
          message: "the file starts with a UTF-8 byte-order mark but cp1251 was requested; "
            + "drop --encoding or pass --encoding utf-8")
      }
      encoding = .utf8
    } else if options.encoding == .windows1251 {
      bytes = bytes.withUnsafeBufferPointer { TextDecoding.utf8FromWindows1251($0) }
    } else {
      let valid = bytes.withUnsafeBufferPointer { TextDecoding.isValidUTF8($0) }
      if !valid {
        if options.encoding == .utf8 {
          throw SurvivalKitError.invalidArgument(
            name: "encoding",
            message: "the file is not valid UTF-8; if it was exported from a Russian-locale "
              + "spreadsheet pass --encoding cp1251")
        }
        bytes = bytes.withUnsafeBufferPointer { TextDecoding.utf8FromWindows1251($0) }
        encoding = .windows1251
      }
    }
    return try bytes.withUnsafeBufferPointer { buffer in
      try parse(buffer, options: options, encoding: encoding)
    }
  }

  /// Reads a whole file into memory with one allocation per 16 MiB chunk (no per-byte work).
  static func readFile(_ path: String) throws -> [UInt8] {
    guard let file = fopen(path, "rb") else {
      throw SurvivalKitError.fileUnreadable(
        path: path, reason: String(cString: strerror(errno)))
    }
    defer { fclose(file) }
    var chunks: [[UInt8]] = []
    let chunk = 1 << 24
    while true {
      var failed = false
      let piece = [UInt8](unsafeUninitializedCapacity: chunk) { buffer, count in
        count = fread(buffer.baseAddress!, 1, chunk, file)
        failed = count < chunk && ferror(file) != 0
      }
      if failed {
        throw SurvivalKitError.fileUnreadable(path: path, reason: "read error")
      }
      chunks.append(piece)
      if piece.count < chunk { break }
    }
    if chunks.count == 1 { return chunks[0] }
    let total = chunks.reduce(0) { $0 + $1.count }
    var result: [UInt8] = []
    result.reserveCapacity(total)
    for c in chunks { result.append(contentsOf: c) }
    return result
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
      throw SurvivalKitError.csvSyntax(line: 1, message: "the file is empty; a header row is needed")
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

      // Body: one flat, row-major array of packed cells.
      var cells: [UInt64] = []
      cells.reserveCapacity(max(16, buffer.count / 4))
      var lines: [Int] = []
      while tokenizer.position < buffer.count {
        let c = base[tokenizer.position]
        if c == newline || c == carriageReturn {  // blank line: skipped, as R does
          tokenizer.position += 1
          if c == carriageReturn && tokenizer.position < buffer.count
            && base[tokenizer.position] == newline
          {
            tokenizer.position += 1
          }
          tokenizer.line += 1
          continue
        }
        let rowLine = tokenizer.line
        var fields = 0
        while true {
          let (start, end, escaped, terminator) = try tokenizer.nextField()
          fields += 1
          if fields > columnCount {
            throw SurvivalKitError.csvSyntax(
              line: rowLine,
              message: "this row has more than the header's \(columnCount) fields; "
                + "quote fields that contain the delimiter")
          }
          cells.append(UInt64(start) << 24 | UInt64(end - start) << 1 | (escaped ? 1 : 0))
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

      // Typing, one column per task.
      let missing = options.missingValues.map { Array($0.utf8) }
      var columns = [Column?](repeating: nil, count: columnCount)
      let rows = lines.count
      let headerNames = names
      cells.withUnsafeBufferPointer { cellBuffer in
        columns.withUnsafeMutableBufferPointer { out in
          // Each task reads the shared, immutable input and writes only its own output slot.
          let shared = SharedPointers(
            base: base, cells: cellBuffer.baseAddress, out: out.baseAddress!)
          DispatchQueue.concurrentPerform(iterations: columnCount) { j in
            let values = typeColumn(
              base: shared.base, cells: shared.cells, rows: rows, stride: columnCount,
              column: j, missing: missing, decimalComma: decimalComma)
            shared.out[j] = Column(name: headerNames[j], values: values)
          }
        }
      }
      return DataTable(
        columns: columns.map { $0! }, lineNumbers: lines, encoding: encoding,
        delimiter: Character(UnicodeScalar(delimiter)), decimalComma: decimalComma)
    }
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
    base: UnsafePointer<UInt8>, cells: UnsafePointer<UInt64>?, rows: Int, stride: Int,
    column: Int, missing: [[UInt8]], decimalComma: Bool
  ) -> ColumnValues {
    guard let cells else { return .numeric([]) }
    // Numeric attempt. Missing spellings are checked first only when one of them reads as a
    // number (a user's "-999"); the default spellings never do, so the hot loop skips them.
    let numericMissing = missing.contains { token in
      token.withUnsafeBufferPointer { b in
        b.baseAddress.map {
          NumberParsing.parseDouble($0, 0, b.count, decimalComma: decimalComma) != nil
        } ?? false
      }
    }
    var numbers = [Double](repeating: .nan, count: rows)
    var numeric = true
    numbers.withUnsafeMutableBufferPointer { out in
      for i in 0..<rows {
        let (start, end, escaped) = unpack(cells[i * stride + column], base)
        if escaped {
          numeric = false
          break
        }
        if numericMissing && isMissing(base, start, end, missing) { continue }
        if let v = NumberParsing.parseDouble(base, start, end, decimalComma: decimalComma) {
          out[i] = v
        } else if !isMissing(base, start, end, missing) {
          numeric = false
          break
        }
      }
    }
    if numeric { return .numeric(numbers) }
    // Date attempt.
    var dates = true
    var anyDate = false
    numbers.withUnsafeMutableBufferPointer { out in
      for i in 0..<rows {
        let (start, end, escaped) = unpack(cells[i * stride + column], base)
        if !escaped, let d = DateParsing.parseDays(base, start, end) {
          out[i] = Double(d)
          anyDate = true
        } else if isMissing(base, start, end, missing) {
          out[i] = .nan
        } else {
          dates = false
          break
        }
      }
    }
    if dates && anyDate { return .date(numbers) }
    // Text: intern the cells.
    var interner = ByteInterner()
    var codes = [Int32](repeating: -1, count: rows)
    for i in 0..<rows {
      let (start, end, escaped) = unpack(cells[i * stride + column], base)
      if isMissing(base, start, end, missing) { continue }
      if escaped {
        codes[i] = interner.intern(string: cellString(base, start, end, escaped: true))
      } else {
        codes[i] = interner.intern(base, start, end)
      }
    }
    return .text(levels: interner.levels, codes: codes)
  }
}

/// Pointers handed to the column-typing tasks: the input is read-only and each task writes a
/// distinct output slot, so sharing them across threads is safe.
struct SharedPointers: @unchecked Sendable {
  let base: UnsafePointer<UInt8>
  let cells: UnsafePointer<UInt64>?
  let out: UnsafeMutablePointer<Column?>
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
        guard let p = b.baseAddress else { return ByteInterner.hash(UnsafePointer(bitPattern: 1)!, 0, 0) }
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
