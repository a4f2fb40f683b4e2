import ArgumentParser
import SurvivalKit
import SurvivalReport

/// `survkit report PLAN`: runs an analysis plan and writes its report beside it.
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract:
      "Run an analysis plan: results.json, report.md, report.html and figures, beside the plan.",
    discussion: """
      Example:
        survkit report notebooks-data/interim-cut1/plan.toml
      The plan names the data file (relative to the plan), its columns, the cut-off and what
      to report; see notebooks-data/README.md. Bad data stop the run before anything is written.
      """
  )

  @Argument(help: "The analysis plan (TOML).")
  var plan: String

  func run() throws {
    try runReportingErrors {
      let (output, files) = try ReportWriter.run(planPath: plan)
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
      text += "wrote: " + files.joined(separator: ", ") + "\n"
      FileHandleOutput.standardOutput(text)
    }
  }
}
