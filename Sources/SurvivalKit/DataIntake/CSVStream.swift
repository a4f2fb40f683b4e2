import Dispatch
import SurvivalSupport

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The streaming body of the CSV reader: the input (a memory-mapped file, or bytes) is cut
/// into blocks of a few MiB at row ends, and each block is tokenized and typed (blocks in
/// parallel, one per processor) and then appended to the columns. Only the kept columns' typed
/// values and two waves of blocks are in memory at any time: the pages of a mapped file are
/// released wave by wave.
///
/// Typing is decided for the whole column, as if the file were read at once: a column is
/// numeric when every block's cells are numbers or missing, a date column when every block's
/// are dates or missing, text otherwise. A column whose blocks disagree (numbers in one, text
/// in another) is read again as text in a second pass over the file; its levels keep their
/// order of first appearance.
extension CSVReader {
  /// Bytes per block (the last block of a file may be shorter, a row longer than a block makes
  /// its block longer).
  static let defaultBlockSize = 4 << 20

  /// What a streaming pass found.
  enum StreamOutcome {
    case table(DataTable)
    /// The bytes are not valid UTF-8 (the caller decides between an error and Windows-1251).
    case notUTF8
  }

  /// Reads a table from UTF-8 bytes (BOM allowed).
  ///
  /// - Parameters:
  ///   - input: The bytes (a memory-mapped file when `mapped`: its pages are released block
  ///     by block).
  ///   - checkUTF8: Whether to validate the bytes (false when they were transcoded here).
  ///   - blockSize: Bytes per block (small values exercise the block logic in tests).
  static func stream(
    _ input: UnsafeBufferPointer<UInt8>, options: CSVOptions, encoding: TextEncoding,
    checkUTF8: Bool, blockSize: Int = defaultBlockSize, mapped: Bool = false
  ) throws -> StreamOutcome {
    guard
      let first = try streamPass(
        input, options: options, encoding: encoding, checkUTF8: checkUTF8,
        blockSize: blockSize, textOnly: false, mapped: mapped)
    else { return .notUTF8 }
    guard !first.mixed.isEmpty else { return .table(first.table) }
    // Columns whose blocks typed differently are text: read them again as text.
    var textOptions = options
    textOptions.columns = Set(first.mixed)
    guard
      let second = try streamPass(
        input, options: textOptions, encoding: encoding, checkUTF8: false,
        blockSize: blockSize, textOnly: true, mapped: mapped)
    else { return .notUTF8 }
    let columns = first.table.columns.map { column in
      first.mixed.contains(column.name)
        ? second.table.columns.first { $0.name == column.name }! : column
    }
    let table = first.table
    return .table(
      DataTable(
        columns: columns, lineNumbers: table.lineNumbers, encoding: table.encoding,
        delimiter: table.delimiter, decimalComma: table.decimalComma))
  }

  /// One pass: the table (mixed columns left empty) and the names of the mixed columns; nil
  /// when the bytes are not UTF-8.
  static func streamPass(
    _ input: UnsafeBufferPointer<UInt8>, options: CSVOptions, encoding: TextEncoding,
    checkUTF8: Bool, blockSize: Int, textOnly: Bool, mapped: Bool
  ) throws -> (table: DataTable, mixed: [String])? {
    let blockSize = max(blockSize, 1)
    guard let inputBase = input.baseAddress, input.count > 0 else {
      throw SurvivalKitError.csvSyntax(
        line: 1, message: "the file is empty; a header row is needed")
    }
    let count = input.count
    // The header's first block: at least one complete row (or the whole input).
    var firstEnd = min(count, blockSize)
    while firstEnd < count && lastRowEnd(inputBase, firstEnd) == nil {
      firstEnd = min(count, firstEnd * 2)
    }
    let headerBytes = UnsafeBufferPointer(start: inputBase, count: firstEnd)
    try TextDecoding.refuseUTF16(headerBytes)
    var start = 0
    if count >= 3 && inputBase[0] == 0xEF && inputBase[1] == 0xBB && inputBase[2] == 0xBF {
      start = 3
    }
    guard count > start else {
      throw SurvivalKitError.csvSyntax(
        line: 1, message: "the file is empty; a header row is needed")
    }
    // The header is checked before its names are read (a Windows-1251 header would otherwise
    // decode to look-alike names); the first complete rows are checked with it.
    let checkedEnd = firstEnd == count ? count : lastRowEnd(inputBase, firstEnd) ?? 0
    if checkUTF8
      && !TextDecoding.isValidUTF8(UnsafeBufferPointer(start: inputBase, count: checkedEnd))
    {
      return nil
    }
    let headerBuffer = UnsafeBufferPointer(rebasing: headerBytes[start...])
    let delimiter: UInt8
    if let d = options.delimiter {
      guard d.isASCII, let v = d.asciiValue, v != quote, v != newline, v != carriageReturn else {
        throw SurvivalKitError.invalidArgument(
          name: "delimiter", message: "'\(d)' cannot be a delimiter; use ',', ';' or a tab")
      }
      delimiter = v
    } else {
      delimiter = try detectDelimiter(headerBuffer)
    }
    let decimalComma = options.decimalComma ?? (delimiter == UInt8(ascii: ";"))
    let special = UnsafeMutablePointer<Bool>.allocate(capacity: 256)
    defer { special.deallocate() }
    special.initialize(repeating: false, count: 256)
    for b in [delimiter, newline, carriageReturn, quote] { special[Int(b)] = true }

    var tokenizer = Tokenizer(
      base: headerBuffer.baseAddress!, count: headerBuffer.count, delimiter: delimiter,
      special: special, position: 0, line: 1)
    var names: [String] = []
    while true {
      let (fieldStart, fieldEnd, escaped, terminator) = try tokenizer.nextField()
      let name = cellString(headerBuffer.baseAddress!, fieldStart, fieldEnd, escaped: escaped)
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
    let missing = MissingSpellings(options.missingValues.sorted().map { Array($0.utf8) })

    // The body starts after the header.
    var position = start + tokenizer.position
    var linesBefore = tokenizer.line - 1
    let workers = max(1, min(8, ProcessInfoLite.activeProcessorCount))
    var states = [ColumnAccumulator](repeating: ColumnAccumulator(), count: storedCount)
    var lines = LineNumbers()
    var reserved = false
    let context = BlockContext(
      special: special, delimiter: delimiter, columnCount: columnCount, slots: slots,
      storedCount: storedCount, missing: missing, decimalComma: decimalComma,
      checkUTF8: checkUTF8, textOnly: textOnly)
    // While the blocks of one wave are tokenized and typed on the worker threads, this thread
    // cuts the next wave and appends the previous one; pages of a memory-mapped file are
    // released once their wave is appended, so the file never counts whole in memory.
    var released = 0
    var blocks = cutBlocks(
      inputBase, count: count, from: &position, workers: workers, blockSize: blockSize)
    var wave = blocks.isEmpty ? nil : BlockWave(blocks, context: context)
    var next: BlockWave? = nil
    defer {
      wave?.wait()
      next?.wait()
    }
    while let running = wave {
      let nextBlocks = cutBlocks(
        inputBase, count: count, from: &position, workers: workers, blockSize: blockSize)
      let results = running.results()
      wave = nil
      next = nextBlocks.isEmpty ? nil : BlockWave(nextBlocks, context: context)
      for k in blocks.indices {
        if case .notUTF8 = results[k] { return nil }
        if case .failure(let error) = results[k] {
          if case .csvSyntax(let line, let message) = error {
            throw SurvivalKitError.csvSyntax(line: line + linesBefore, message: message)
          }
          throw error
        }
        if case .rows(let block) = results[k] {
          if !reserved {
            // Size the columns once from the first block's bytes per row (an estimate: the
            // arrays still grow if it is short, and untouched capacity costs no memory).
            let perRow = Double(max(blocks[k].count, 1)) / Double(max(block.rowCount, 1))
            let expected = Int(Double(count) / max(perRow, 1))
            for j in states.indices {
              states[j].reserve(expected + expected / 10 + 1024)
              // The columns whose first block is numbers (dates).
              switch block.columns[j] {
              case .numeric, .date: states[j].prefault(rows: expected)
              case .text: break
              }
            }
            reserved = true
          }
          for j in states.indices {
            states[j].add(block.columns[j], allMissing: block.allMissing[j], rows: block.rowCount)
          }
          lines.append(contentsOf: block.lines, offset: linesBefore)
          linesBefore += block.newlines
        }
      }
      if mapped, let last = blocks.last {
        // Whole pages before the end of this wave are no longer needed.
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let end = (last.baseAddress! - inputBase + last.count) / page * page
        if end > released {
          _ = madvise(
            UnsafeMutableRawPointer(mutating: inputBase + released), end - released,
            MADV_DONTNEED)
          released = end
        }
      }
      wave = next
      next = nil
      blocks = nextBlocks
    }
    var columns: [Column] = []
    var mixed: [String] = []
    for j in states.indices {
      let name = names[kept[j]]
      if let values = states[j].values() {
        columns.append(Column(name: name, values: values))
      } else {
        mixed.append(name)
        columns.append(Column(name: name, values: .text(levels: [], codes: [])))
      }
    }
    let table = DataTable(
      columns: columns, lineNumbers: lines, encoding: encoding,
      delimiter: Character(UnicodeScalar(delimiter)), decimalComma: decimalComma)
    return (table, mixed)
  }

  /// Cuts up to `workers` blocks of about `blockSize` bytes from `position`, each ending at
  /// a row end outside quotes (a row longer than a block makes its block longer).
  static func cutBlocks(
    _ base: UnsafePointer<UInt8>, count: Int, from position: inout Int, workers: Int,
    blockSize: Int
  ) -> [UnsafeBufferPointer<UInt8>] {
    var blocks: [UnsafeBufferPointer<UInt8>] = []
    while blocks.count < workers && position < count {
      var window = min(blockSize, count - position)
      var cut = window
      while position + window < count {
        if let end = lastRowEnd(base + position, window) {
          cut = end
          break
        }
        window = min(count - position, window * 2)
        cut = window
      }
      blocks.append(UnsafeBufferPointer(start: base + position, count: cut))
      position += cut
    }
    return blocks
  }

  /// The offset just past the last line end of `base[0..<count]` that is outside quotes (the
  /// bytes start outside quotes), or nil when there is none.
  ///
  /// Counts the quotes before the last line end eight bytes at a time; an odd count means
  /// the line end is inside a quoted field, and the previous one is tried.
  static func lastRowEnd(_ base: UnsafePointer<UInt8>, _ count: Int) -> Int? {
    var p = count - 1
    while p >= 0 && base[p] != newline { p -= 1 }
    guard p >= 0 else { return nil }
    if memchr(base, Int32(quote), p) == nil { return p + 1 }
    var odd = quoteCount(base, 0, p) & 1 == 1
    while odd {
      var q = p - 1
      while q >= 0 && base[q] != newline { q -= 1 }
      guard q >= 0 else { return nil }
      // Quotes in [q, p) flip the parity at q relative to p.
      odd = (quoteCount(base, q, p) & 1 == 1) != odd
      p = q
    }
    return p + 1
  }

  /// A count of the `"` bytes in `base[from..<to]` with the same parity as the true count.
  static func quoteCount(_ base: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> Int {
    // Only the parity is used: the words' quote flags are combined by XOR (which keeps each
    // bit position's parity) and counted once.
    var i = from
    var flags: UInt64 = 0
    var total = 0
    let raw = UnsafeRawPointer(base)
    while i + 8 <= to {
      let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ Tokenizer.quotePattern
      flags ^= zeroBytes(x)
      i += 8
    }
    total += flags.nonzeroBitCount
    while i < to {
      if base[i] == quote { total += 1 }
      i += 1
    }
    return total
  }

  /// Settings shared by all blocks of a pass.
  struct BlockContext: @unchecked Sendable {
    let special: UnsafePointer<Bool>
    let delimiter: UInt8
    let columnCount: Int
    let slots: [Int32]
    let storedCount: Int
    let missing: MissingSpellings
    let decimalComma: Bool
    let checkUTF8: Bool
    let textOnly: Bool
  }

  /// The typed rows of one block.
  struct BlockRows {
    var columns: [ColumnValues]
    var allMissing: [Bool]
    var lines: LineNumbers
    var newlines: Int
    var rowCount: Int { lines.count }
  }

  enum BlockResult {
    case rows(BlockRows)
    case failure(SurvivalKitError)
    case notUTF8
  }

  /// Validates, tokenizes and types one block (lines relative to the block's first line).
  static func processBlock(_ block: UnsafeBufferPointer<UInt8>, _ context: BlockContext)
    -> BlockResult
  {
    guard let base = block.baseAddress, block.count > 0 else {
      return .rows(BlockRows(columns: [], allMissing: [], lines: [], newlines: 0))
    }
    // A block of plain numbers is read in one pass that also sees any quote (it then gives
    // way) and any byte outside ASCII (then the whole block is checked as UTF-8 first).
    if !context.textOnly && CSVReader.plainNumbersPath,
      let (rows, ascii) = plainNumbers(base, count: block.count, context)
    {
      if ascii || !context.checkUTF8 || TextDecoding.isValidUTF8(block) { return .rows(rows) }
      return .notUTF8
    }
    if context.checkUTF8 && !TextDecoding.isValidUTF8(block) { return .notUTF8 }
    let chunk: BodyChunk
    do {
      if memchr(base, Int32(quote), block.count) == nil {
        chunk = try tokenizeUnquoted(
          base: base, end: block.count, delimiter: context.delimiter,
          columnCount: context.columnCount, slots: context.slots,
          storedCount: context.storedCount)
      } else {
        chunk = try tokenizeBody(
          base: base, start: 0, end: block.count, delimiter: context.delimiter,
          special: context.special, columnCount: context.columnCount, slots: context.slots,
          storedCount: context.storedCount)
      }
    } catch let error as SurvivalKitError {
      return .failure(error)
    } catch {
      return .failure(.csvSyntax(line: 0, message: "\(error)"))
    }
    var columns: [ColumnValues] = []
    var allMissing: [Bool] = []
    chunk.cells.withUnsafeBufferPointer { cells in
      let segments = [CellSegment(cells: cells.baseAddress, rows: chunk.lines.count)]
      for j in 0..<context.storedCount {
        let values = typeColumn(
          base: base, segments: segments, stride: context.storedCount, column: j,
          missing: context.missing, decimalComma: context.decimalComma,
          textOnly: context.textOnly)
        columns.append(values)
        if case .numeric(let v) = values {
          allMissing.append(!v.contains { !$0.isNaN })
        } else {
          allMissing.append(false)
        }
      }
    }
    return .rows(
      BlockRows(
        columns: columns, allMissing: allMissing, lines: LineNumbers(chunk.lines),
        newlines: chunk.newlines))
  }
}

extension CSVReader {
  /// Whether blocks of plain numbers take `plainNumbers` (tests turn it off to compare with
  /// the general path).
  @TaskLocal static var plainNumbersPath = true

  /// A block whose kept cells are all plain numbers, the common case of a large numeric
  /// export, read in one pass: each kept cell is parsed where it starts
  /// (`NumberParsing.scanDouble`), its end being where the number ends, and skipped cells are
  /// passed over; no cell positions are stored. Nil at the first thing this pass does not
  /// take, for the general path to read the block: a kept cell that is not a number as it
  /// stands (empty, missing, text, spaces around it), a carriage return, a blank line, a
  /// wrong number of fields, a very long cell, a quote, or missing spellings that read as
  /// numbers. Otherwise the same values, rows and line numbers as the general path, and
  /// whether every byte was ASCII (kept cells are; skipped cells are looked at as they are
  /// passed over).
  static func plainNumbers(
    _ base: UnsafePointer<UInt8>, count: Int, _ context: BlockContext
  ) -> (BlockRows, ascii: Bool)? {
    let stored = context.storedCount
    let columnCount = context.columnCount
    let delimiter = context.delimiter
    guard stored > 0, count > 0, stored <= columnCount else { return nil }
    if context.missing.anyReadsAsNumber(decimalComma: context.decimalComma) { return nil }
    // A comma that separates cells is not a decimal separator.
    let decimalComma = context.decimalComma && delimiter != UInt8(ascii: ",")
    // Sized from the first row's length; each chunk of rows is parsed into a small buffer per
    // column (first-level cache) and appended.
    let firstRow =
      memchr(base, Int32(newline), count).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) }
      ?? count
    let expected = count / max(1, firstRow + 1) + count / max(1, firstRow + 1) / 8 + 16
    var columns: [[Double]] = (0..<stored).map { _ in
      var column: [Double] = []
      column.reserveCapacity(expected)
      return column
    }
    let chunkRows = 1024
    let buffer = UnsafeMutablePointer<Double>.allocate(capacity: chunkRows * stored)
    defer { buffer.deallocate() }
    let slots = context.slots
    var rows = 0
    var k = 0
    var p = 0
    let carriageReturn = CSVReader.carriageReturn
    let quote = CSVReader.quote
    var high: UInt8 = 0
    return slots.withUnsafeBufferPointer { slots -> (BlockRows, ascii: Bool)? in
      while p < count {
        for field in 0..<columnCount {
          let slot = Int(slots[field])
          let fieldStart = p
          if slot >= 0 {
            let (value, stop) = NumberParsing.scanDouble(
              base, p, count, decimalComma: decimalComma)
            guard let value else { return nil }
            buffer[slot * chunkRows + k] = value
            p = stop
          } else {
            while p < count {
              let c = base[p]
              if c == delimiter || c == newline || c == carriageReturn || c == quote { break }
              high |= c
              p += 1
            }
          }
          if p - fieldStart > maxCellLength { return nil }
          if field + 1 < columnCount {
            guard p < count && base[p] == delimiter else { return nil }
          } else {
            guard p == count || base[p] == newline else { return nil }
          }
          p += 1
        }
        k += 1
        rows += 1
        if k == chunkRows {
          for j in 0..<stored {
            columns[j].append(
              contentsOf: UnsafeBufferPointer(start: buffer + j * chunkRows, count: k))
          }
          k = 0
        }
      }
      for j in 0..<stored {
        columns[j].append(contentsOf: UnsafeBufferPointer(start: buffer + j * chunkRows, count: k))
      }
      let lines = LineNumbers(consecutive: rows, from: 1)
      let block = BlockRows(
        columns: columns.map { .numeric($0) }, allMissing: [Bool](repeating: false, count: stored),
        lines: lines, newlines: base[count - 1] == newline ? rows : rows - 1)
      return (block, high < 0x80)
    }
  }
}

/// A block and its result slot, handed to one task.
struct BlockTask: @unchecked Sendable {
  let block: UnsafeBufferPointer<UInt8>
  let slot: UnsafeMutablePointer<CSVReader.BlockResult?>
}

/// One wave of blocks being processed on the worker threads, one task per block: each task
/// reads only its own block and writes only its own result slot.
final class BlockWave: @unchecked Sendable {
  private let group = DispatchGroup()
  private let slots: UnsafeMutablePointer<CSVReader.BlockResult?>
  private let count: Int
  private var finished = false

  /// Starts processing the blocks (which must stay valid until `results()`).
  init(_ blocks: [UnsafeBufferPointer<UInt8>], context: CSVReader.BlockContext) {
    let count = blocks.count
    self.count = count
    slots = UnsafeMutablePointer.allocate(capacity: count)
    slots.initialize(repeating: nil, count: count)
    for k in 0..<count {
      let task = BlockTask(block: blocks[k], slot: slots + k)
      DispatchQueue.global().async(group: group) {
        task.slot.pointee = CSVReader.processBlock(task.block, context)
      }
    }
  }

  deinit {
    wait()
    slots.deinitialize(count: count)
    slots.deallocate()
  }

  /// Waits for every block of the wave.
  func wait() {
    if !finished {
      group.wait()
      finished = true
    }
  }

  /// The blocks' results, in block order (waits for them).
  func results() -> [CSVReader.BlockResult] {
    wait()
    return (0..<count).map { slots[$0]! }
  }
}

/// One column's values gathered block by block, with the whole-column type rule.
struct ColumnAccumulator {
  enum Kind { case empty, numeric, date, text, mixed }
  /// `empty`: every cell so far is missing (any type may follow).
  private(set) var kind = Kind.empty
  private var numbers: [Double] = []
  private var codes: [Int32] = []
  private var levels: [String] = []
  private var levelCode: [String: Int32] = [:]
  private var rows = 0
  private var capacity = 0

  mutating func reserve(_ n: Int) {
    capacity = n
    if kind == .text { codes.reserveCapacity(n) } else { numbers.reserveCapacity(n) }
  }

  /// Starts mapping the pages of the first `rows` values of the reserved numeric storage on a
  /// worker thread (`Prefault`), so that the appends on the reading thread, which are on the
  /// reading pipeline's critical path, do not stop at a page fault every 4 KiB. Only the
  /// expected rows, not the 10 % margin of the reservation, so nothing becomes resident that
  /// would not anyway; storage that moves later (the estimate was short) costs nothing more.
  func prefault(rows: Int) {
    guard kind != .text, rows > 0 else { return }
    numbers.withUnsafeBufferPointer { buffer in
      Prefault.pages(
        UnsafeMutableRawPointer(mutating: buffer.baseAddress),
        bytes: min(rows, numbers.capacity) * MemoryLayout<Double>.stride)
    }
  }

  /// Adds a block's typed cells.
  mutating func add(_ values: ColumnValues, allMissing: Bool, rows n: Int) {
    defer { rows += n }
    switch (kind, values) {
    case (.mixed, _):
      return
    case (.empty, .numeric(let v)):
      numbers.append(contentsOf: v)
      if !allMissing { kind = .numeric }
    case (.numeric, .numeric(let v)):
      numbers.append(contentsOf: v)
    case (.empty, .date(let v)):
      numbers.append(contentsOf: v)
      kind = .date
    case (.date, .date(let v)):
      numbers.append(contentsOf: v)
    case (.date, .numeric(let v)) where allMissing:
      numbers.append(contentsOf: v)
    case (.empty, .text(let blockLevels, let blockCodes)):
      numbers = []
      codes.reserveCapacity(max(capacity, rows + n))
      codes.append(contentsOf: repeatElement(-1, count: rows))
      kind = .text
      appendText(blockLevels, blockCodes)
    case (.text, .text(let blockLevels, let blockCodes)):
      appendText(blockLevels, blockCodes)
    case (.text, .numeric) where allMissing:
      codes.append(contentsOf: repeatElement(-1, count: n))
    default:
      kind = .mixed
      numbers = []
      codes = []
      levels = []
      levelCode = [:]
    }
  }

  private mutating func appendText(_ blockLevels: [String], _ blockCodes: [Int32]) {
    var map = [Int32](repeating: -1, count: blockLevels.count)
    for (k, level) in blockLevels.enumerated() {
      if let code = levelCode[level] {
        map[k] = code
      } else {
        let code = Int32(levels.count)
        levels.append(level)
        levelCode[level] = code
        map[k] = code
      }
    }
    let identity = map.enumerated().allSatisfy { $0.offset == Int($0.element) }
    let first = codes.count
    codes.append(contentsOf: blockCodes)
    if !identity {
      codes.withUnsafeMutableBufferPointer { c in
        map.withUnsafeBufferPointer { m in
          for i in first..<c.count where c[i] >= 0 { c[i] = m[Int(c[i])] }
        }
      }
    }
  }

  /// The column's values; nil when its blocks typed differently (read it again as text).
  func values() -> ColumnValues? {
    switch kind {
    case .empty, .numeric: return .numeric(numbers)
    case .date: return .date(numbers)
    case .text: return .text(levels: levels, codes: codes)
    case .mixed: return nil
    }
  }
}
