import ArgumentParser
import SurvivalKit
import SurvivalReport

#if canImport(Glibc)
  import Glibc
#endif

/// `survkit`: survival analysis of exported CSV files. The CLI is thin: it parses arguments,
/// calls the SurvivalKit library and prints what the library returns.
@main
struct SurvKit: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "survkit",
    abstract: "Survival statistics on CSV files: Kaplan–Meier curves and more.",
    version: SurvivalKitVersion.string,
    subcommands: [
      KMCommand.self, LogRankCommand.self, CoxCommand.self, TMergeCommand.self,
      TableCommand.self, LogisticCommand.self, CIFCommand.self, FineGrayCommand.self,
      AFTCommand.self, DesignCommand.self, OneSampleCommand.self, SafetyCommand.self,
      LandmarkCommand.self, ReportCommand.self, CompareCommand.self,
    ]
  )

  /// Sets the heap policy (`MemoryPolicy`), then parses the arguments and runs the command.
  static func main() {
    MemoryPolicy.apply()
    main(nil)
  }
}

/// Options shared by every subcommand that reads a CSV file.
struct CSVInputOptions: ParsableArguments {
  @Option(help: "Field delimiter: ',', ';', 'tab' (default: detected from the header).")
  var delimiter: String?

  @Option(help: "Text encoding: utf-8 or cp1251 (default: UTF-8, cp1251 when not valid UTF-8).")
  var encoding: String?

  @Option(
    name: .customLong("na"),
    help: "Comma-separated spellings of a missing value (default: empty,NA,NaN,.,NULL).")
  var missing: String?

  func validate() throws {
    if let d = delimiter, parsedDelimiter(d) == nil {
      throw ValidationError("--delimiter must be ',', ';' or 'tab' (got '\(d)')")
    }
    if let e = encoding, TextEncoding(name: e) == nil {
      throw ValidationError("--encoding must be utf-8 or cp1251 (got '\(e)')")
    }
  }

  func parsedDelimiter(_ text: String) -> Character? {
    switch text {
    case ",", "comma": return ","
    case ";", "semicolon": return ";"
    case "tab", "\\t", "\t": return "\t"
    default: return nil
    }
  }

  var csvOptions: CSVOptions {
    var options = CSVOptions()
    options.delimiter = delimiter.flatMap(parsedDelimiter)
    options.encoding = encoding.flatMap(TextEncoding.init(name:))
    if let missing {
      options.missingValues = Set(
        missing.split(separator: ",", omittingEmptySubsequences: false).map(String.init))
    }
    return options
  }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table, json, csv
}

/// Runs `body`, printing a library error as one clear message with exit status 1. On success
/// the process ends at once: the output is written (unbuffered) and tearing down large
/// arrays one by one would only cost time.
func runReportingErrors(_ body: () throws -> Void) throws {
  do {
    try body()
    exit(0)
  } catch let error as SurvivalKitError {
    FileHandleOutput.standardError("survkit: error: \(error.description)\n")
    throw ExitCode(1)
  }
}

enum FileHandleOutput {
  static func standardOutput(_ text: String) {
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBufferPointer { b in
      var offset = 0
      while offset < b.count {
        let n = write(1, b.baseAddress! + offset, b.count - offset)
        if n <= 0 { break }
        offset += n
      }
    }
  }

  static func standardError(_ text: String) {
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBufferPointer { b in
      _ = write(2, b.baseAddress!, b.count)
    }
  }
}
