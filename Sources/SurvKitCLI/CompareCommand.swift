import ArgumentParser
import SurvivalKit
import SurvivalReport

/// `survkit compare OLD_PLAN NEW_PLAN`: what changed between two data cuts.
struct CompareCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare",
    abstract:
      "Compare two data cuts: per-patient changes, every figure old/new/difference, landmark changes split into new follow-up and changed records.",
    discussion: """
      Example:
        survkit compare notebooks-data/interim-cut1/plan.toml notebooks-data/interim-cut2/plan.toml
      Writes comparison.json and comparison.md into comparison/ beside the new plan (whole or
      not at all). Patients are matched by the plans' id column; analyses by their ids.
      """
  )

  @Argument(help: "The plan of the earlier data cut.")
  var oldPlan: String

  @Argument(help: "The plan of the later data cut.")
  var newPlan: String

  func run() throws {
    try runReportingErrors {
      let (comparison, folder) = try ReportWriter.compare(
        oldPlanPath: oldPlan, newPlanPath: newPlan)
      _ = comparison
      FileHandleOutput.standardOutput("wrote \(folder)/: comparison.json, comparison.md\n")
    }
  }
}
