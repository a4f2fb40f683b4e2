import ArgumentParser
import SurvivalKit
import SurvivalReport

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `survkit report PLAN`: runs an analysis plan and writes its report into `report/` beside it.
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract:
      "Run an analysis plan: results.json, report.md, report.html and figures, in report/ beside the plan.",
    discussion: """
      Example:
        survkit report notebooks-data/interim-cut1/plan.toml
      The plan declares the data file (relative to the plan), variables, endpoints,
      populations and analyses; see notebooks-data/README.md. A bad plan stops with its line
      before any data are read; bad data stop the run before anything is written. The report
      is swapped in whole; a second run on the same plan folder at the same time is refused.
      """
  )

  @Argument(help: "The analysis plan (TOML).")
  var plan: String

  func run() throws {
    try runReportingErrors {
      let (output, folder, files) = try ReportWriter.run(
        planPath: plan, stopAfterStep: ProcessEnvironment.stopAfterStep)
      var text = ""
      if case .object(let members) = output.results,
        let title = members.first(where: { $0.0 == "title" }), case .string(let t) = title.1
      {
        text += t + "\n"
      }
      for block in output.document.blocks {
        if case .bullets(let items) = block {
          text += items.map { "  \($0)\n" }.joined()
          break
        }
      }
      text += "wrote \(folder)/: " + files.joined(separator: ", ") + "\n"
      FileHandleOutput.standardOutput(text)
    }
  }
}

/// Test hooks read from the environment.
enum ProcessEnvironment {
  /// `SURVKIT_TEST_KILL_AFTER_STEP=n`: the report run kills itself after n write steps (used by
  /// the kill-at-random-points test; never set it otherwise).
  static var stopAfterStep: Int? {
    guard let raw = getenv("SURVKIT_TEST_KILL_AFTER_STEP") else { return nil }
    return Int(String(cString: raw))
  }
}
