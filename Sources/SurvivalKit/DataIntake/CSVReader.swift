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
/// cell); see `benchmarks/csv/README.md` for the figures. This reader works on the raw bytes,
/// in blocks of a few MiB (see `CSVReader.stream`); a file is memory-mapped and each block's
/// pages are released once it is typed, so the file never counts whole in memory:
///
/// 1. decode: strip a UTF-8 BOM; each block is checked to be UTF-8; a file that is not is
///    looked at whole and transcoded from Windows-1251 when asked for, or when it reads as
///    Cyrillic in it (the table records which), else the first bad byte is named;
/// 2. tokenize each block (blocks in parallel), recording each cell as a packed
///    (offset, length, escaped) word: quoted fields may hold delimiters, newlines and doubled
///    quotes; blocks are cut only at line ends outside quotes;
/// 3. type each block's cells: numeric, date or text, with text cells interned into levels
///    without allocating per row; the blocks' types are then combined into the whole
///    column's type, as if the file were read at once.
///
/// Only the columns in `CSVOptions.columns` are typed and kept. Errors name the physical line
/// (and column) of the problem: an unclosed quote, a stray quote, a ragged row, a duplicate or
/// empty header name.
///
/// - Complexity: O(file size) time; memory for the kept columns' values plus a few blocks.
public enum CSVReader {
  /// Reads and types the file at `path`, front to back in blocks.
  public static func read(path: String, options: CSVOptions = CSVOptions()) throws -> DataTable {
    try read(path: path, options: options, blockSize: defaultBlockSize)
  }

  /// Reads the file at `path` in blocks of `blockSize` bytes.
  ///
  /// A regular file is memory-mapped and its pages are released as their blocks are typed; a
  /// pipe or device is read whole first.
  static func read(path: String, options: CSVOptions, blockSize: Int) throws -> DataTable {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else {
      throw SurvivalKitError.fileUnreadable(path: path, reason: String(cString: strerror(errno)))
    }
    defer { close(descriptor) }
    var info = stat()
    guard fstat(descriptor, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && info.st_size > 0,
      options.encoding != .windows1251
    else {
      return try read(bytes: readFile(path), options: options, blockSize: blockSize)
    }
    let size = Int(info.st_size)
    guard let mapping = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0),
      mapping != MAP_FAILED
    else {
      return try read(bytes: readFile(path), options: options, blockSize: blockSize)
    }
    defer { munmap(mapping, size) }
    _ = madvise(mapping, size, MADV_SEQUENTIAL)
    let input = UnsafeBufferPointer(start: mapping.assumingMemoryBound(to: UInt8.self), count: size)
    let outcome = try stream(
      input, options: options, encoding: .utf8, checkUTF8: true, blockSize: blockSize,
      mapped: true)
    if case .table(let table) = outcome { return table }
    // Not UTF-8: the whole file decides between Windows-1251 and an error naming the byte.
    return try read(buffer: input, options: options, blockSize: blockSize)
  }

  /// Reads and types CSV text given as bytes.
  public static func read(bytes: [UInt8], options: CSVOptions = CSVOptions()) throws -> DataTable {
    try bytes.withUnsafeBufferPointer { try read(buffer: $0, options: options) }
  }

  /// Reads CSV bytes in blocks of `blockSize` bytes (tests use small blocks to exercise the
  /// block logic on small files).
  static func read(bytes: [UInt8], options: CSVOptions, blockSize: Int) throws -> DataTable {
    try bytes.withUnsafeBufferPointer {
      try read(buffer: $0, options: options, blockSize: blockSize)
    }
  }

  /// Decodes (BOM, encoding) and parses bytes that stay valid for the duration of the call.
  static func read(
    buffer input: UnsafeBufferPointer<UInt8>, options: CSVOptions,
    blockSize: Int = defaultBlockSize
  ) throws -> DataTable {
    var buffer = input
    var encoding = options.encoding ?? .utf8
    try TextDecoding.refuseUTF16(buffer)
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
        try parse($0, options: options, encoding: .windows1251, blockSize: blockSize)
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
        try parse($0, options: options, encoding: .windows1251, blockSize: blockSize)
      }
    }
    return try parse(buffer, options: options, encoding: encoding, blockSize: blockSize)
  }

  /// Parses decoded UTF-8 bytes (no BOM) through the block reader.
  static func parse(
    _ buffer: UnsafeBufferPointer<UInt8>, options: CSVOptions, encoding: TextEncoding,
    blockSize: Int
  ) throws -> DataTable {
    let outcome = try stream(
      buffer, options: options, encoding: encoding, checkUTF8: false, blockSize: blockSize)
    guard case .table(let table) = outcome else {
      preconditionFailure("decoded bytes are UTF-8")
    }
    return table
  }

  /// Reads a whole file into memory.
  static func readFile(_ path: String) throws -> [UInt8] {
    do {
      return try FileBytes.read(path)
    } catch {
      throw SurvivalKitError.fileUnreadable(path: error.path, reason: error.reason)
    }
  }
}
