import SurvivalKit
import SurvivalSupport

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Runs a plan and writes its outputs into a folder beside it (`report/` unless the plan's
/// `output` key names another): results.json, report.md, report.html and figures/*.svg.
///
/// Whole or nothing:
/// - everything is computed before anything is written, so bad input leaves no partial report;
/// - the outputs are written into a fresh staging folder beside the target
///   (`.<output>.staging-<pid>`), each file and the folder synced to disk, and the staging
///   folder is then swapped with the target in one atomic exchange (Linux `renameat2`
///   `RENAME_EXCHANGE`, macOS `renamex_np` `RENAME_SWAP`); the old set is then deleted;
/// - a reader of the target sees the complete old set or the complete new set, never a mix;
/// - a staging folder left by a run that was killed is removed by the next run (it never holds
///   the target's only copy);
/// - one run per plan folder at a time: a second concurrent run stops at once with a message
///   and writes nothing (an advisory `flock` on the plan's folder, released by the system when
///   a run ends or is killed).
///
/// The outputs hold no wall-clock time and no absolute path, and numbers and keys are printed
/// in a fixed way, so the same plan and data give byte-identical files on every machine.
public enum ReportWriter {
  /// The files every report holds, relative to its output folder.
  public static let outputs = ["results.json", "report.md", "report.html"]

  /// Runs the plan at `planPath`; returns the analysis output, the output folder (as a path
  /// relative to the plan's folder) and the written file names (relative to it).
  @discardableResult
  public static func run(planPath: String) throws -> (
    output: StudyReport, folder: String, files: [String]
  ) {
    try run(planPath: planPath, stopAfterStep: nil)
  }

  /// As `run(planPath:)`; with `stopAfterStep`, the process kills itself (SIGKILL) after that
  /// many file-system steps of the write phase. For the kill-at-random-points test only.
  package static func run(planPath: String, stopAfterStep: Int?) throws -> (
    output: StudyReport, folder: String, files: [String]
  ) {
    let planBytes = try readBytes(planPath)
    let plan = try StudyPlan(text: try PlanText.decode(planBytes))
    let folder = directory(of: planPath)
    let lock = try FolderLock(folder: folder, plan: planPath)
    defer { lock.release() }
    removeStaleStaging(in: folder, output: plan.output)
    let dataPath = plan.dataFile.hasPrefix("/") ? plan.dataFile : join(folder, plan.dataFile)
    let dataBytes: [UInt8]
    do {
      dataBytes = try readBytes(dataPath)
    } catch {
      throw SurvivalKitError.fileUnreadable(
        path: plan.dataFile,
        reason: "the plan's data file was not found (paths are relative to the plan's folder)")
    }
    var screeningBytes: [UInt8]? = nil
    if let screening = plan.screening {
      let path = screening.file.hasPrefix("/") ? screening.file : join(folder, screening.file)
      do {
        screeningBytes = try readBytes(path)
      } catch {
        throw SurvivalKitError.fileUnreadable(
          path: screening.file,
          reason: "the plan's screening log was not found (paths are relative to the plan's folder)"
        )
      }
    }
    var inputs: [String: [UInt8]] = [:]
    for analysis in plan.analyses {
      for file in analysis.configured.inputFiles where inputs[file] == nil {
        let path = file.hasPrefix("/") ? file : join(folder, file)
        do {
          inputs[file] = try readBytes(path)
        } catch {
          throw SurvivalKitError.fileUnreadable(
            path: file,
            reason:
              "analysis '\(analysis.id)' reads this file, which was not found (paths are relative to the plan's folder)"
          )
        }
      }
    }
    let output = try StudyReport(
      plan: plan, planBytes: planBytes, dataBytes: dataBytes, screeningBytes: screeningBytes,
      inputs: inputs)
    var files: [(String, String)] = [
      ("results.json", output.results.serialized()),
      ("report.md", output.document.markdown()),
      ("report.html", output.document.html()),
    ]
    for (name, svg) in output.figures { files.append(("figures/\(name)", svg)) }
    if let previous = plan.previous {
      let path = previous.hasPrefix("/") ? previous : join(folder, previous)
      let (oldPlan, oldPlanBytes, oldData) = try load(path)
      let comparison = try DataCutComparison(
        oldPlan: oldPlan, oldPlanBytes: oldPlanBytes, oldData: oldData, newPlan: plan,
        newPlanBytes: planBytes, newData: dataBytes)
      files.append(("comparison.json", comparison.json.serialized()))
      files.append(("comparison.md", comparison.markdown))
    }
    var steps = StepCounter(limit: stopAfterStep)
    try install(files, folder: folder, output: plan.output, steps: &steps)
    return (output, plan.output, files.map { $0.0 })
  }

  /// Compares two data cuts (see `DataCutComparison`) and writes comparison.json and
  /// comparison.md into `comparison/` beside the new plan, whole or not at all.
  @discardableResult
  public static func compare(oldPlanPath: String, newPlanPath: String) throws -> (
    comparison: DataCutComparison, folder: String
  ) {
    let (oldPlan, oldPlanBytes, oldData) = try load(oldPlanPath)
    let (newPlan, newPlanBytes, newData) = try load(newPlanPath)
    let folder = directory(of: newPlanPath)
    let lock = try FolderLock(folder: folder, plan: newPlanPath)
    defer { lock.release() }
    removeStaleStaging(in: folder, output: "comparison")
    let comparison = try DataCutComparison(
      oldPlan: oldPlan, oldPlanBytes: oldPlanBytes, oldData: oldData, newPlan: newPlan,
      newPlanBytes: newPlanBytes, newData: newData)
    var steps = StepCounter(limit: nil)
    try install(
      [
        ("comparison.json", comparison.json.serialized()),
        ("comparison.md", comparison.markdown),
      ], folder: folder, output: "comparison", steps: &steps)
    return (comparison, "comparison")
  }

  /// A plan, its bytes and its data file's bytes.
  static func load(_ path: String) throws -> (StudyPlan, [UInt8], [UInt8]) {
    let bytes = try readBytes(path)
    let plan = try StudyPlan(text: try PlanText.decode(bytes))
    let folder = directory(of: path)
    let dataPath = plan.dataFile.hasPrefix("/") ? plan.dataFile : join(folder, plan.dataFile)
    do {
      return (plan, bytes, try readBytes(dataPath))
    } catch {
      throw SurvivalKitError.fileUnreadable(
        path: plan.dataFile,
        reason:
          "the data file of '\(path)' was not found (paths are relative to the plan's folder)")
    }
  }

  /// The staging folder's name prefix for an output folder.
  static func stagingPrefix(_ output: String) -> String { ".\(output).staging-" }

  /// Writes `files` into a fresh staging folder, syncs it and swaps it with the target.
  static func install(
    _ files: [(String, String)], folder: String, output: String, steps: inout StepCounter
  ) throws {
    let target = join(folder, output)
    let staging = join(folder, stagingPrefix(output) + String(getpid()))
    removeTree(staging)
    try makeDirectory(staging)
    do {
      steps.tick()
      var folders: Set<String> = [staging]
      for (name, text) in files {
        let path = join(staging, name)
        let parent = directory(of: path)
        if !folders.contains(parent) {
          try makeDirectory(parent)
          folders.insert(parent)
          steps.tick()
        }
        try writeFile(text, to: path)
        steps.tick()
      }
      for f in folders.sorted(by: >) { syncPath(f) }
      steps.tick()
      if exists(target) {
        try exchange(staging, target)
        steps.tick()
        syncPath(folder)
        removeTree(staging)  // now the old set
      } else {
        guard rename(staging, target) == 0 else {
          throw writeError(output, String(cString: strerror(errno)))
        }
        steps.tick()
        syncPath(folder)
      }
      steps.tick()
    } catch {
      removeTree(staging)
      throw error
    }
  }

  /// Counts the write phase's steps; kills the process at the limit (test hook).
  struct StepCounter {
    let limit: Int?
    var count = 0
    mutating func tick() {
      count += 1
      if let limit, count >= limit { kill(getpid(), SIGKILL) }
    }
  }

  /// Removes staging folders left beside the target by runs that were killed.
  static func removeStaleStaging(in folder: String, output: String) {
    let prefix = stagingPrefix(output)
    for name in listDirectory(folder) where name.hasPrefix(prefix) {
      removeTree(join(folder, name))
    }
  }

  static func writeError(_ path: String, _ reason: String) -> SurvivalKitError {
    .invalidData(
      line: nil, column: nil,
      message:
        "cannot write the report '\(path)': \(reason). Check that the plan's folder is writable; the previous report, if any, is unchanged."
    )
  }

  static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let d = String(path[..<slash])
    return d.isEmpty ? "/" : d
  }

  static func join(_ a: String, _ b: String) -> String { a.hasSuffix("/") ? a + b : a + "/" + b }

  static func exists(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0
  }

  static func makeDirectory(_ path: String) throws {
    if mkdir(path, 0o755) != 0 && errno != EEXIST {
      throw writeError(path, String(cString: strerror(errno)))
    }
  }

  /// Writes and syncs one file.
  static func writeFile(_ text: String, to path: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw writeError(path, String(cString: strerror(errno))) }
    defer { close(fd) }
    var bytes = Array(text.utf8)
    try bytes.withUnsafeMutableBytes { b in
      var offset = 0
      while offset < b.count {
        let n = write(fd, b.baseAddress! + offset, b.count - offset)
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { throw writeError(path, String(cString: strerror(errno))) }
        offset += n
      }
    }
    guard fsync(fd) == 0 else { throw writeError(path, String(cString: strerror(errno))) }
  }

  static func syncPath(_ path: String) {
    let fd = open(path, O_RDONLY)
    if fd >= 0 {
      _ = fsync(fd)
      close(fd)
    }
  }

  #if os(Linux)
    typealias RenameAt2 =
      @convention(c) (
        Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32
      ) -> Int32
  #endif

  /// Swaps two directory entries atomically.
  static func exchange(_ a: String, _ b: String) throws {
    #if os(Linux)
      // renameat2 is in glibc >= 2.28 but not in Swift's Glibc module: look it up by name.
      guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "renameat2") else {
        throw writeError(b, "this system's C library has no renameat2 (glibc 2.28 or later)")
      }
      let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
      guard renameat2(AT_FDCWD, a, AT_FDCWD, b, 2 /* RENAME_EXCHANGE */) == 0 else {
        throw writeError(b, String(cString: strerror(errno)))
      }
    #else
      guard renamex_np(a, b, UInt32(RENAME_SWAP)) == 0 else {
        throw writeError(b, String(cString: strerror(errno)))
      }
    #endif
  }

  static func listDirectory(_ path: String) -> [String] {
    guard let dir = opendir(path) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names
  }

  /// Removes a file or a folder with everything in it (no symbolic link is followed).
  static func removeTree(_ path: String) {
    var info = stat()
    guard lstat(path, &info) == 0 else { return }
    if (info.st_mode & S_IFMT) == S_IFDIR {
      for name in listDirectory(path) { removeTree(join(path, name)) }
      rmdir(path)
    } else {
      unlink(path)
    }
  }
}

/// One report run per plan folder: an exclusive, non-blocking `flock` on the folder.
struct FolderLock {
  let fd: Int32

  init(folder: String, plan: String) throws {
    fd = open(folder, O_RDONLY)
    guard fd >= 0 else {
      throw SurvivalKitError.fileUnreadable(path: folder, reason: String(cString: strerror(errno)))
    }
    if flock(fd, LOCK_EX | LOCK_NB) != 0 {
      close(fd)
      throw SurvivalKitError.invalidData(
        line: nil, column: nil,
        message:
          "another `survkit report` is running on a plan in '\(folder)'; nothing was written. Wait for it to finish and run '\(plan)' again."
      )
    }
  }

  func release() {
    flock(fd, LOCK_UN)
    close(fd)
  }
}

/// Plan text: UTF-8 (a byte-order mark is allowed); anything else is refused with the line and
/// byte, and a hint when the bytes look like Windows-1251.
enum PlanText {
  static func decode(_ bytes: [UInt8]) throws -> String {
    var body = bytes[...]
    if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
    if body.starts(with: [0xFF, 0xFE]) || body.starts(with: [0xFE, 0xFF]) {
      throw SurvivalKitError.invalidData(
        line: 1, column: nil,
        message: "plan: the file is UTF-16; save the plan as UTF-8 (plans are UTF-8 text)")
    }
    guard let bad = UTF8Check.firstInvalid(body) else {
      return String(decoding: body, as: UTF8.self)
    }
    throw SurvivalKitError.invalidData(
      line: bad.line, column: nil,
      message:
        "plan: byte \(bad.byteInLine) of this line (0x\(bad.hex)) is not UTF-8.\(UTF8Check.hint(body)) (A data file's encoding is set by the plan's data.encoding key; the plan itself must be UTF-8.)"
    )
  }
}

/// Where bytes stop being UTF-8, for messages that name the line and byte.
enum UTF8Check {
  struct Position {
    let line: Int
    /// 1-based byte within the line.
    let byteInLine: Int
    let hex: String
  }

  static func firstInvalid(_ body: ArraySlice<UInt8>) -> Position? {
    if String(validating: body, as: UTF8.self) != nil { return nil }
    var line = 1
    var lineStart = body.startIndex
    var i = body.startIndex
    while i < body.endIndex {
      let b = body[i]
      if b == 0x0A {
        line += 1
        lineStart = i + 1
        i += 1
        continue
      }
      let length: Int
      switch b {
      case 0..<0x80: length = 1
      case 0xC2..<0xE0: length = 2
      case 0xE0..<0xF0: length = 3
      case 0xF0..<0xF5: length = 4
      default: length = 0
      }
      var valid = length > 0 && i + length <= body.endIndex
      if valid && length > 1 {
        valid = String(validating: body[i..<(i + length)], as: UTF8.self) != nil
      }
      if !valid { break }
      i += length
    }
    let at = min(i, body.endIndex - 1)
    return Position(
      line: line, byteInLine: i - lineStart + 1, hex: String(body[at], radix: 16, uppercase: true))
  }

  /// " It looks like Windows-1251 ..." when most bytes above 0x7F are Cyrillic letters there.
  static func hint(_ body: ArraySlice<UInt8>) -> String {
    let high = body.filter { $0 >= 0x80 }
    let cyrillic = high.filter { $0 >= 0xC0 || $0 == 0xA8 || $0 == 0xB8 }.count
    return cyrillic * 2 >= high.count
      ? " It looks like Windows-1251 (a Russian-locale program's default): save it as UTF-8."
      : " Save it as UTF-8."
  }
}

/// The bytes of a file (any content), with the engine's error for an unreadable file.
func readBytes(_ path: String) throws -> [UInt8] {
  do {
    return try FileBytes.read(path)
  } catch {
    throw SurvivalKitError.fileUnreadable(path: error.path, reason: error.reason)
  }
}
