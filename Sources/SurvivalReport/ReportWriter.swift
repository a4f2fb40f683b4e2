import SurvivalKit
import SurvivalSupport

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Runs a plan and writes its outputs beside it: results.json, report.md, report.html and
/// figures/*.svg.
///
/// Everything is computed before anything is written, so bad input leaves no partial report.
/// Files are written to temporary names in the same folder and renamed into place. The
/// outputs hold no wall-clock time and no absolute path, and numbers and keys are printed in a
/// fixed way, so the same plan and data give byte-identical files on every machine.
public enum ReportWriter {
  /// The files written, relative to the plan's folder.
  public static let outputs = ["results.json", "report.md", "report.html"]

  /// Runs the plan at `planPath`; returns the analysis output and the written file names.
  @discardableResult
  public static func run(planPath: String) throws -> (
    output: InterimAnalysis.Output, files: [String]
  ) {
    let planBytes = try readBytes(planPath)
    let plan = try AnalysisPlan(text: String(decoding: planBytes, as: UTF8.self))
    let folder = directory(of: planPath)
    let dataPath = plan.dataFile.hasPrefix("/") ? plan.dataFile : join(folder, plan.dataFile)
    let dataBytes: [UInt8]
    do {
      dataBytes = try readBytes(dataPath)
    } catch {
      throw SurvivalKitError.fileUnreadable(
        path: plan.dataFile,
        reason: "the plan's data file was not found (paths are relative to the plan's folder)")
    }
    let analysis = try InterimAnalysis(plan: plan, planText: planBytes, dataBytes: dataBytes)
    let output = try analysis.run()
    var files: [(String, String)] = [
      ("results.json", output.results.serialized()),
      ("report.md", output.document.markdown()),
      ("report.html", output.document.html()),
    ]
    for (name, svg) in output.figures { files.append(("figures/\(name)", svg)) }
    try makeDirectory(join(folder, "figures"))
    var temporary: [String] = []
    do {
      for (name, text) in files {
        let path = join(folder, name) + ".tmp"
        try write(text, to: path)
        temporary.append(path)
      }
      for (name, _) in files {
        let target = join(folder, name)
        guard rename(target + ".tmp", target) == 0 else {
          throw SurvivalKitError.fileUnreadable(
            path: name, reason: "cannot move the new file into place")
        }
      }
    } catch {
      for path in temporary { unlink(path) }
      throw error
    }
    return (output, files.map { $0.0 })
  }

  static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let d = String(path[..<slash])
    return d.isEmpty ? "/" : d
  }

  static func join(_ a: String, _ b: String) -> String { a.hasSuffix("/") ? a + b : a + "/" + b }

  static func makeDirectory(_ path: String) throws {
    if mkdir(path, 0o755) != 0 && errno != EEXIST {
      throw SurvivalKitError.fileUnreadable(path: path, reason: String(cString: strerror(errno)))
    }
  }

  static func write(_ text: String, to path: String) throws {
    guard let file = fopen(path, "wb") else {
      throw SurvivalKitError.fileUnreadable(path: path, reason: String(cString: strerror(errno)))
    }
    defer { fclose(file) }
    let bytes = Array(text.utf8)
    if !bytes.isEmpty && fwrite(bytes, 1, bytes.count, file) != bytes.count {
      throw SurvivalKitError.fileUnreadable(path: path, reason: "write failed")
    }
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
