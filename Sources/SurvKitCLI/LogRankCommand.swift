import ArgumentParser
import SurvivalKit
import SurvivalReport

/// `survkit logrank FILE FORMULA`: k-sample, stratified, weighted, trend and pairwise tests.
struct LogRankCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "logrank",
    abstract: "Log-rank and weighted log-rank tests between groups (R's survdiff).",
    discussion: """
      Groups are the formula's variables; strata(x) stratifies the test.
      --test logrank --rho R is R's G-rho family (survdiff(rho = R)); --test fh uses
      w(t) = S(t-)^rho * (1 - S(t-))^gamma. Examples:
        survkit logrank datasets/lung.csv "Surv(time, status) ~ sex"
        survkit logrank datasets/lung.csv "Surv(time, status) ~ ph.ecog" --trend --pairwise
        survkit logrank datasets/veteran.csv "Surv(time, status) ~ trt + strata(celltype)"
      """
  )

  enum TestName: String, ExpressibleByArgument, CaseIterable {
    case logrank, gehan, wilcoxon, taroneWare = "tarone-ware", petoPeto = "peto-peto", fh
  }

  @Argument(help: "CSV file with a header row.")
  var file: String

  @Argument(help: "Formula, e.g. \"Surv(time, status) ~ group + strata(centre)\".")
  var formula: String

  @OptionGroup var input: CSVInputOptions

  @Option(help: "Test: logrank, gehan (= wilcoxon), tarone-ware, peto-peto, fh.")
  var test: TestName = .logrank

  @Option(help: "rho: the G-rho exponent (with logrank), or p of Fleming-Harrington (with fh).")
  var rho: Double?

  @Option(help: "gamma: q of Fleming-Harrington (with fh).")
  var gamma: Double?

  @Flag(help: "Also test for a trend across the groups in their order.")
  var trend = false

  @Option(help: "Numeric column giving each group's trend score (default: 1, 2, ..., k).")
  var scores: String?

  @Flag(help: "Also compare every pair of groups.")
  var pairwise = false

  @Option(help: "p-value adjustment for pairwise comparisons: holm, bh or none.")
  var adjust: String = "holm"

  @Option(help: "Output format: table, json or csv.")
  var format: OutputFormat = .table

  func validate() throws {
    if let rho, !(rho.isFinite && rho >= 0) {
      throw ValidationError("--rho must be a number >= 0 (got \(rho))")
    }
    if let gamma, !(gamma.isFinite && gamma >= 0) {
      throw ValidationError("--gamma must be a number >= 0 (got \(gamma))")
    }
    if gamma != nil && test != .fh {
      throw ValidationError("--gamma applies to --test fh only")
    }
    if rho != nil && test != .fh && test != .logrank {
      throw ValidationError("--rho applies to --test logrank (G-rho) and --test fh only")
    }
    if scores != nil && !trend {
      throw ValidationError("--scores needs --trend")
    }
    guard PValueAdjustment(rawValue: adjust.lowercased()) != nil else {
      throw ValidationError("--adjust must be holm, bh or none (got '\(adjust)')")
    }
  }

  var weight: LogRankWeight {
    switch test {
    case .logrank: return (rho ?? 0) == 0 ? .logRank : .gRho(rho!)
    case .gehan, .wilcoxon: return .gehanBreslow
    case .taroneWare: return .taroneWare
    case .petoPeto: return .petoPeto
    case .fh: return .flemingHarrington(p: rho ?? 0, q: gamma ?? 0)
    }
  }

  func run() throws {
    try runReportingErrors {
      // Parse first, so that only the columns the formula uses are read and typed.
      var timer = PhaseTimer()
      let parsed = try Formula(formula)
      let table = try CSVReader.read(
        path: file, options: input.csvOptions.only(parsed.variables + (scores.map { [$0] } ?? [])))
      timer.mark("read")
      let sample = try SurvivalSample(table: table, formula: parsed)
      timer.mark("sample")
      let result = try LogRank.test(sample, weight: weight)
      timer.mark("fit")
      let trendResult =
        trend
        ? try LogRankTrend(
          test: result,
          scores: LogRankTrend.scores(for: sample, table: table, column: scores))
        : nil
      let pairwiseResult =
        pairwise
        ? try LogRankPairwise(
          sample, weight: weight, adjustment: PValueAdjustment(rawValue: adjust.lowercased())!)
        : nil
      switch format {
      case .json:
        FileHandleOutput.standardOutput(
          result.json(dropped: sample.dropped, trend: trendResult, pairwise: pairwiseResult)
            .serialized())
      case .csv:
        FileHandleOutput.standardOutput(result.csv(pairwise: pairwiseResult))
      case .table:
        FileHandleOutput.standardOutput(
          result.table(
            formula: formula, dropped: sample.dropped, trend: trendResult, pairwise: pairwiseResult)
        )
      }
      timer.mark("output")
    }
  }
}
