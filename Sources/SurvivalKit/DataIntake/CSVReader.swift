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
    if TextDecoding.looksLikeUTF16(buffer) {
      throw SurvivalKitError.invalidArgument(
        name: "encoding",
        message: "the file is UTF-16 (it has a UTF-16 byte-order mark or NUL bytes); save it as "
          + "UTF-8 (\"CSV UTF-8\" in a spreadsheet) and read it again")
    }
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
      // Windows-1251 is assumed only when the file reads as Cyrillic in it and has fewer
      // well-formed UTF-8 sequences than stray bytes; a UTF-8 file with one bad byte is an
      // error that names the byte, never a silent change of encoding.
      let survey = TextDecoding.survey(buffer)
      let cyrillic = survey.cyrillic1251 >= 3 && survey.cyrillic1251 * 2 >= survey.invalid
      if options.encoding == .utf8 || survey.multibyte >= survey.invalid || !cyrillic {
        let (line, byte) = TextDecoding.position(of: survey.firstInvalid ?? 0, in: buffer)
        let value = String(buffer[survey.firstInvalid ?? 0], radix: 16, uppercase: true)
        throw SurvivalKitError.invalidArgument(
          name: "encoding",
          message: "line \(line), byte \(byte) (0x\(value)) is not UTF-8"
            + (survey.invalid > 1 ? " (\(survey.invalid) such bytes in the file)" : "")
            + "; if the file is Windows-1251, pass --encoding cp1251, else correct the byte")
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
      // Projection: the slot of each column among the stored ones, or -1.
      var slots = [Int32](repeating: -1, count: columnCount)
      var kept: [Int] = []
      if let wanted = options.columns {
        for name in wanted.sorted() where !names.contains(name) {
          throw SurvivalKitError.unknownColumn(name: name, available: names)
        }
      }
      for j in 0..<columnCount where options.columns?.contains(names[j]) ?? true {
        slots[j] = Int32(kept.count)
        kept.append(j)
      }
      let storedCount = kept.count

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
        let columnSlots = slots
        DispatchQueue.concurrentPerform(iterations: chunkCount) { k in
          do {
            let chunk = try tokenizeBody(
              base: shared.base, start: chunkCuts[k], end: chunkCuts[k + 1], delimiter: delimiter,
              special: shared.special, columnCount: columnCount, slots: columnSlots,
              storedCount: storedCount)
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
      var columns = [Column?](repeating: nil, count: storedCount)
      let headerNames = names
      var segments: [CellSegment] = []
      var keepAlive: [[UInt64]] = []
      let chunkRows = chunks.map(\.lines.count)
      for chunk in chunks { keepAlive.append(chunk.cells) }
      chunks.removeAll()
      for k in keepAlive.indices {
        keepAlive[k].withUnsafeBufferPointer { b in
          segments.append(CellSegment(cells: b.baseAddress, rows: chunkRows[k]))
        }
      }
      withExtendedLifetime(keepAlive) {
        columns.withUnsafeMutableBufferPointer { out in
          // Each task reads the shared, immutable input and writes only its own output slot.
          let shared = SharedPointers(base: base, out: out.baseAddress!)
          let allSegments = segments
          let keptColumns = kept
          DispatchQueue.concurrentPerform(iterations: storedCount) { j in
            let values = typeColumn(
              base: shared.base, segments: allSegments, stride: storedCount, column: j,
              missing: missing, decimalComma: decimalComma)
            shared.out[j] = Column(name: headerNames[keptColumns[j]], values: values)
          }
        }
      }
      return DataTable(
        columns: columns.map { $0! }, lineNumbers: lines, encoding: encoding,
        delimiter: Character(UnicodeScalar(delimiter)), decimalComma: decimalComma)
    }
  }

}
