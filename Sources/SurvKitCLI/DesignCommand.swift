import ArgumentParser
import SurvivalKit

#if canImport(Glibc)
  import Glibc
#endif

/// `survkit design ...`: sample sizes of the next arms.
struct DesignCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "design",
    abstract: "Sample sizes: Simon two-stage, one-sample log-rank, two-arm log-rank.",
    subcommands: [
      SimonDesignCommand.self, OneSampleLogRankDesignCommand.self, LogRankDesignCommand.self,
    ]
  )
}

struct DesignOutput: ParsableArguments {
  @Option(help: "Output format: table or json.")
  var format: OutputFormat = .table

  func validate() throws {
    if format == .csv { throw ValidationError("--format must be table or json for a design") }
  }
}

/// `survkit design simon --p0 0.1 --p1 0.3`.
struct SimonDesignCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "simon", abstract: "Simon's optimal and minimax two-stage designs (Simon 1989).")

  @Option(help: "Null (uninteresting) response rate.")
  var p0: Double
  @Option(help: "Alternative (target) response rate, above p0.")
  var p1: Double
  @Option(help: "Type I error (one-sided).")
  var alpha: Double = 0.05
  @Option(help: "Power.")
  var power: Double = 0.8
  @Option(help: "Largest total size searched.")
  var maxN: Int?
  @OptionGroup var output: DesignOutput

  func run() throws {
    try runReportingErrors {
      let design = try SimonTwoStage(p0: p0, p1: p1, alpha: alpha, power: power, maxN: maxN)
      FileHandleOutput.standardOutput(
        output.format == .json ? design.json().serialized() : design.table())
    }
  }
}

/// `survkit design one-sample-logrank --survival 0.4 --at 12 --hr 0.6 --accrual 24 --follow-up 12`.
struct OneSampleLogRankDesignCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "one-sample-logrank",
    abstract: "Single-arm survival design against a reference curve (Wu 2015).")

  @Option(help: "Reference survival probability at --at (e.g. 0.4).")
  var survival: Double
  @Option(help: "Time of the reference survival probability (e.g. 12 months).")
  var at: Double
  @Option(help: "Weibull shape of the reference curve (1 = exponential).")
  var shape: Double = 1
  @Option(help: "Hazard ratio to the reference under the alternative, below 1.")
  var hr: Double
  @Option(help: "Accrual period.")
  var accrual: Double
  @Option(help: "Follow-up after the last patient.")
  var followUp: Double
  @Option(help: "Type I error (one-sided).")
  var alpha: Double = 0.05
  @Option(help: "Power.")
  var power: Double = 0.8
  @OptionGroup var output: DesignOutput

  func run() throws {
    try runReportingErrors {
      let reference = try ReferenceSurvival(survival: survival, at: at, shape: shape)
      let design = try OneSampleLogRankDesign(
        reference: reference, hazardRatio: hr, alpha: alpha, power: power, accrual: accrual,
        followUp: followUp)
      FileHandleOutput.standardOutput(
        output.format == .json ? design.json().serialized() : design.table())
    }
  }
}

/// `survkit design logrank --hr 0.7 --median 14 --accrual 24 --follow-up 12`.
struct LogRankDesignCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "logrank",
    abstract: "Two-arm log-rank sample size (Schoenfeld 1983 or Freedman 1982).")

  @Option(help: "Hazard ratio, experimental to control.")
  var hr: Double
  @Option(help: "Type I error (two-sided).")
  var alpha: Double = 0.05
  @Option(help: "Power.")
  var power: Double = 0.8
  @Option(help: "Fraction allocated to the experimental arm.")
  var allocation: Double = 0.5
  @Option(help: "schoenfeld or freedman.")
  var method: String = "schoenfeld"
  @Option(help: "Median survival in the control arm (gives the number of patients).")
  var median: Double?
  @Option(help: "Accrual period (same time unit as the median).")
  var accrual: Double = 0
  @Option(help: "Follow-up after the last patient.")
  var followUp: Double = 0
  @Option(help: "Exponential dropout hazard per time unit.")
  var dropout: Double = 0
  @Option(help: "Write the power curve (power against events) to this SVG file.")
  var svg: String?
  @OptionGroup var output: DesignOutput

  func validate() throws {
    guard LogRankSampleSize.Method(rawValue: method.lowercased()) != nil else {
      throw ValidationError("--method must be schoenfeld or freedman (got '\(method)')")
    }
  }

  func run() throws {
    try runReportingErrors {
      let design = try LogRankSampleSize(
        hazardRatio: hr, alpha: alpha, power: power, allocation: allocation,
        method: LogRankSampleSize.Method(rawValue: method.lowercased())!, controlMedian: median,
        accrual: accrual, followUp: followUp, dropoutRate: dropout)
      if let svg {
        try writeWhole(design.powerCurveSVG(), to: svg)
      }
      FileHandleOutput.standardOutput(
        output.format == .json ? design.json().serialized() : design.table())
    }
  }
}
