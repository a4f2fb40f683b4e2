import ArgumentParser
import SurvivalKit
import SurvivalReport

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `survkit cox FILE FORMULA`: Cox proportional hazards regression.
struct CoxCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cox",
    abstract: "Cox proportional hazards regression (R's coxph).",
    discussion: """
      Examples:
        survkit cox datasets/lung.csv "Surv(time, status) ~ age + sex"
        survkit cox datasets/veteran.csv "Surv(time, status) ~ trt + celltype" --reference celltype=squamous
        survkit cox datasets/lung.csv "Surv(time, status) ~ age + sex + cluster(inst)" --zph
        survkit cox datasets/lung.csv "Surv(time, status) ~ age + sex" --residuals dfbeta --format csv
        survkit cox datasets/lung.csv "Surv(time, status) ~ age + sex" --predict "age=60,sex=1" \\
          --predict "age=60,sex=2" --times 180,365 --plot curves.svg
      """
  )

  @Argument(help: "CSV file with a header row.")
  var file: String

  @Argument(help: "Formula, e.g. \"Surv(time, status) ~ age + sex + strata(centre)\".")
  var formula: String

  @OptionGroup var input: CSVInputOptions

  @Option(help: "Tie handling: efron, breslow or exact.")
  var ties: String = "efron"

  @Option(help: "Column of positive case weights.")
  var weights: String?

  @Flag(
    inversion: .prefixedNo,
    help: ArgumentHelp(
      "Robust (sandwich) standard errors, each row its own cluster.",
      discussion: "Default as R's coxph: on when any case weight is not an integer, else off."))
  var robust: Bool? = nil

  @Option(
    parsing: .upToNextOption, help: "Reference levels, e.g. --reference nosology=osteosarcoma.")
  var reference: [String] = []

  @Option(help: "Confidence level, between 0 and 1.")
  var confLevel: Double = 0.95

  @Option(help: "Maximum Newton-Raphson iterations.")
  var maxIterations: Int = 20

  @Option(help: "Convergence: relative change of the log partial likelihood.")
  var epsilon: Double = 1e-9

  @Flag(
    help: ArgumentHelp(
      "Firth's penalised likelihood (Heinze & Schemper; as R's coxphf, Breslow ties).",
      discussion: "Finite estimates under a monotone likelihood (e.g. a group without "
        + "events); limits and p-values from the profile penalised likelihood."))
  var firth = false

  @Option(
    help: "Confidence limits: wald (R's confint, the default) or profile (profile likelihood).")
  var ci: String?

  @Flag(help: "Also test proportional hazards (R's cox.zph, km transform).")
  var zph = false

  @Option(help: "Time transform for --zph: km, identity, rank or log.")
  var zphTransform: String = "km"

  @Option(
    help: ArgumentHelp(
      "Residuals (R's residuals.coxph): martingale, deviance, score, schoenfeld, scaledsch, "
        + "dfbeta or dfbetas.",
      discussion: "With --format csv only the residuals are written: one row per input row "
        + "(per event for schoenfeld and scaledsch) with its line number."))
  var residuals: String?

  @Flag(help: "Sum the residuals within the cluster() groups (R's collapse).")
  var collapse = false

  @Option(
    help: ArgumentHelp(
      "Predicted survival for a covariate profile, e.g. \"gd2=40,nosology=ewing\" (repeat "
        + "for more profiles).",
      discussion: "As R's survfit(fit, newdata): every covariate of the model needs a value; "
        + "a profile without the strata variables gets one curve per stratum."))
  var predict: [String] = []

  @Option(help: "Comma-separated times at which to read the predicted curves, e.g. 180,365.")
  var times: String?

  @Option(help: "Confidence transform of the predicted curves: log, log-log, plain, logit, arcsin.")
  var confType: String = "log"

  @Option(help: "Write the predicted curves as an SVG figure to this file.")
  var plot: String?

  @Option(help: "Write the log hazard ratio of the ns() or pspline() term against x as an SVG.")
  var splinePlot: String?

  @Flag(help: "Print the baseline cumulative hazard (R's basehaz, centred) instead of the fit.")
  var basehaz = false

  @Option(help: "Output format: table, json or csv.")
  var format: OutputFormat = .table

  func validate() throws {
    guard CoxTies(rawValue: ties.lowercased()) != nil else {
      throw ValidationError("--ties must be efron, breslow or exact (got '\(ties)')")
    }
    guard confLevel > 0 && confLevel < 1 else {
      throw ValidationError("--conf-level must be between 0 and 1, e.g. 0.95 (got \(confLevel))")
    }
    guard maxIterations >= 0 else { throw ValidationError("--max-iterations must be >= 0") }
    guard epsilon > 0 && epsilon < 1 else { throw ValidationError("--epsilon must be in (0, 1)") }
    _ = try parsedReferences()
    guard CoxZPH.Transform(rawValue: zphTransform.lowercased()) != nil else {
      throw ValidationError("--zph-transform must be km, identity, rank or log")
    }
    if let residuals, CoxResiduals.Kind(rawValue: residuals.lowercased()) == nil {
      throw ValidationError(
        "--residuals must be one of "
          + CoxResiduals.Kind.allCases.map(\.rawValue).joined(separator: ", ")
          + " (got '\(residuals)')")
    }
    if collapse && residuals == nil {
      throw ValidationError("--collapse sums residuals: give --residuals TYPE too")
    }
    if let ci, CoxIntervals(rawValue: ci.lowercased()) == nil {
      throw ValidationError("--ci must be wald or profile (got '\(ci)')")
    }
    if firth && ci?.lowercased() == "wald" {
      throw ValidationError(
        "--firth limits come from the profile penalised likelihood; drop --ci wald")
    }
    guard ConfidenceTransform(name: confType) != nil else {
      throw ValidationError("--conf-type must be log, log-log, plain, logit or arcsin")
    }
    _ = try parsedTimes()
    if (times != nil || plot != nil) && predict.isEmpty {
      throw ValidationError("--times and --plot read predicted curves: give --predict too")
    }
    if !predict.isEmpty && residuals != nil && format == .csv {
      throw ValidationError("--format csv writes one table: ask for --predict or --residuals")
    }
  }

  func parsedTimes() throws -> [Double] {
    guard let times else { return [] }
    return try times.split(separator: ",").map { part in
      let item = String(part.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
      guard let v = Double(item), v.isFinite else {
        throw ValidationError("--times must be comma-separated numbers; '\(item)' is not one")
      }
      return v
    }
  }

  func parsedReferences() throws -> [String: String] {
    var result: [String: String] = [:]
    for item in reference {
      let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
        throw ValidationError("--reference takes var=level (got '\(item)')")
      }
      result[parts[0]] = parts[1]
    }
    return result
  }

  func run() throws {
    try runReportingErrors {
      // Parse first, so that only the columns the formula uses are read and typed.
      var timer = PhaseTimer()
      let parsed = try Formula(formula)
      let table = try CSVReader.read(
        path: file, options: input.csvOptions.only(parsed.variables + (weights.map { [$0] } ?? [])))
      timer.mark("read")
      // Spline terms refit variants from the table; otherwise the fit takes the table over and
      // releases its columns once the data are arranged.
      let splineTerms = parsed.terms.contains { term in
        guard term.factors.count == 1 else { return false }
        switch term.factors[0] {
        case .ns, .pspline: return true
        default: return false
        }
      }
      let kept: DataTable? = splineTerms ? table : nil
      var options = CoxOptions()
      options.ties = CoxTies(rawValue: ties.lowercased())!
      options.weights = weights
      options.robust = robust
      options.confLevel = confLevel
      options.maxIterations = maxIterations
      options.epsilon = epsilon
      options.references = try parsedReferences()
      options.firth = firth
      options.intervals = CoxIntervals(rawValue: (ci ?? "wald").lowercased())!
      let frame = try CoxModelFrame(
        table: consume table, formula: parsed, weights: options.weights,
        references: options.references)
      timer.mark("sample")
      let fit = try CoxModel.fit(consume frame, options: options)
      timer.mark("fit")
      let test =
        zph
        ? try CoxZPH.test(
          fit: fit, transform: CoxZPH.Transform(rawValue: zphTransform.lowercased())!) : nil
      let residualValues = try residuals.map {
        try fit.residuals(CoxResiduals.Kind(rawValue: $0.lowercased())!, collapse: collapse)
      }
      let prediction =
        predict.isEmpty
        ? nil
        : try fit.predictSurvival(
          profiles: predict.map { try CoxProfile(parsing: $0) }, times: parsedTimes(),
          confType: ConfidenceTransform(name: confType)!)
      let baseline = basehaz ? try fit.baselineHazard() : nil
      let splines =
        try kept.map {
          try CoxModel.splineTerms(table: $0, formula: parsed, fit: fit, options: options)
        }
        ?? []
      if let splinePlot {
        guard let first = splines.first else {
          throw SurvivalKitError.invalidArgument(
            name: "--spline-plot", message: "the formula has no ns() or pspline() term to draw")
        }
        try writeWhole(first.svg(), to: splinePlot)
      }
      if let plot, let prediction {
        try writeWhole(prediction.svg(), to: plot)
      }
      switch format {
      case .json:
        var json = fit.json(zph: test)
        if case .object(var members) = json {
          if let residualValues { members.append(("residuals", residualValues.jsonValue)) }
          if let prediction {
            members.append(("prediction_conf_type", .string(prediction.confType.rawValue)))
            members.append(("predictions", .array(prediction.curves.map(\.jsonValue))))
          }
          if let baseline { members.append(("basehaz", baseline.jsonValue)) }
          if !splines.isEmpty { members.append(("splines", .array(splines.map(\.jsonValue)))) }
          json = .object(members)
        }
        FileHandleOutput.standardOutput(json.serialized())
      case .csv:
        FileHandleOutput.standardOutput(
          baseline?.description ?? residualValues?.csv() ?? prediction?.csv() ?? fit.csv())
      case .table:
        var text = fit.table(zph: test)
        for spline in splines where !spline.term.hasPrefix("pspline(") {
          text += spline.description
        }
        if let residualValues { text += "\n" + residualValues.table() }
        if let prediction { text += "\n" + prediction.table() }
        if let baseline {
          text += "\nBaseline cumulative hazard (basehaz, centred):\n" + baseline.description
        }
        FileHandleOutput.standardOutput(text)
      }
      timer.mark("output")
    }
  }
}

/// Writes `text` to `path` whole or not at all: into a temporary file beside it, then renamed.
func writeWhole(_ text: String, to path: String) throws {
  let temporary = path + ".partial"
  guard let file = fopen(temporary, "wb") else {
    throw SurvivalKitError.invalidArgument(
      name: "output", message: "cannot write '\(path)'; check that its folder exists")
  }
  let bytes = Array(text.utf8)
  let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
  let closed = fclose(file)
  guard written == bytes.count, closed == 0, rename(temporary, path) == 0 else {
    remove(temporary)
    throw SurvivalKitError.invalidArgument(
      name: "output", message: "could not write all of '\(path)' (disk full?); nothing was written")
  }
}
