import Dispatch
import RealModule
import SurvivalSupport

/// Options of a Cox model fit; the defaults are R's `coxph`.
public struct CoxOptions: Sendable {
  /// Tie handling; Efron by default, as R.
  public var ties: CoxTies = .efron
  /// Relative change in log partial likelihood at which the iteration stops.
  public var epsilon: Double = 1e-9
  /// Most Newton–Raphson iterations (R's `iter.max`); 0 reports the estimate at β = 0.
  public var maxIterations: Int = 20
  /// Case-weight column.
  public var weights: String? = nil
  /// Sandwich variance without clustering (each row its own cluster): true forces it, false
  /// turns it off, nil (the default) follows R: on when any case weight is not an integer.
  public var robust: Bool? = nil
  /// The confidence level of the hazard-ratio limits, in (0, 1).
  public var confLevel: Double = 0.95
  /// Non-default reference levels: variable -> level.
  public var references: [String: String] = [:]
  /// Firth's penalised likelihood (Heinze & Schemper 2001; Breslow ties, as R's `coxphf`):
  /// finite estimates under a monotone likelihood; limits and p-values from the profile
  /// penalised likelihood.
  public var firth: Bool = false
  /// How the confidence limits are computed: `wald` (R's `confint`, default) or `profile`
  /// (profile likelihood; always so for Firth fits).
  public var intervals: CoxIntervals = .wald

  /// R's defaults: Efron ties, ε = 1e-9, at most 20 iterations, no weights column, `robust`
  /// nil (R's rule), 95 % limits, the first level of each factor as reference.
  public init() {}
}

/// How the confidence limits of Cox coefficients are computed.
public enum CoxIntervals: String, Sendable, CaseIterable {
  /// β̂ ± z SE (R's `confint.coxph`).
  case wald
  /// The values b of β_j where 2 (ℓ(β̂) - max_{β_-j} ℓ(β_j = b)) equals the chi-square
  /// (1 df) quantile of the confidence level (Venzon & Moolgavkar 1988).
  case profile
}

/// Cox proportional hazards regression fitted by Newton–Raphson, as R's `coxph`.
///
/// Maximises the log partial likelihood (Cox 1972) with Efron (1977), Breslow (1974) or exact
/// tie handling, stratified baselines (`strata()`), counting-process data
/// (`Surv(start, stop, status)`), case weights and, on request, the robust sandwich variance
/// (Lin & Wei 1989) summed within `cluster()` groups.
///
/// Iteration (R's `coxfit6`): start at β = 0; each step solves I(β) δ = U(β) by Cholesky
/// (LAPACK `dpotrf`/`dpotrs`); when the log-likelihood falls or is not finite the step is
/// halved; the fit has converged when |1 - ℓ_old/ℓ_new| <= ε with no halving in progress, at
/// most `maxIterations` steps. Covariates are centred and scaled during the iteration.
///
/// - Complexity: O(n log n) to sort once, then O(n p²) per iteration.
public enum CoxModel {
  /// Reads the model frame from a table and fits the model (R's
  /// `coxph(formula, data, weights, ties, robust)`).
  ///
  /// - Parameters:
  ///   - table: The data.
  ///   - formula: The model formula; at least one covariate.
  ///   - options: Tie handling, convergence, weights column, robust variance, confidence level
  ///     and reference levels.
  /// - Returns: The fit.
  /// - Throws: `SurvivalKitError` when the model frame cannot be built (see
  ///   `CoxModelFrame.init(table:formula:weights:references:)`) or the model cannot be fitted
  ///   (see `fit(_:options:)`).
  ///
  /// The table is taken over: when the caller passes its last reference (`consume table`),
  /// its columns are released as soon as the fit has arranged the data, rather than held
  /// beside the fit's own copy.
  public static func fit(
    table: consuming DataTable, formula: Formula, options: CoxOptions = CoxOptions()
  ) throws -> CoxFit {
    let frame = try CoxModelFrame(
      table: table, formula: formula, weights: options.weights, references: options.references)
    return try fit(consume frame, options: options)
  }

  /// Fits the model to arrays, for a Swift script with its data in memory; see
  /// `CoxModelFrame.init(time:status:start:covariates:names:weights:strata:cluster:)`.
  ///
  /// ```swift
  /// let fit = try CoxModel.fit(
  ///   time: [5, 8, 12, 20, 21], status: [1, 0, 1, 1, 0],
  ///   covariates: [[61, 54, 70, 48, 66]], names: ["age"])
  /// print(fit)
  /// ```
  ///
  /// - Parameters:
  ///   - time: Event or censoring times (stop times with `start`).
  ///   - status: 1 for an event, 0 for censoring.
  ///   - start: Entry times for counting-process data, or nil.
  ///   - covariates: One array per covariate, in the order of `names`.
  ///   - names: The covariates' names.
  ///   - weights: Positive case weights, or nil.
  ///   - strata: Stratum label of each row, or nil.
  ///   - cluster: Cluster label of each row, or nil.
  ///   - options: Tie handling, convergence, robust variance and confidence level (its
  ///     `weights` and `references` are not used here).
  /// - Returns: The fit.
  /// - Throws: `SurvivalKitError` when the arrays do not form a valid frame (see
  ///   `CoxModelFrame.init(time:status:start:covariates:names:weights:strata:cluster:)`) or the
  ///   model cannot be fitted (see `fit(_:options:)`).
  public static func fit(
    time: [Double], status: [Int], start: [Double]? = nil, covariates: [[Double]],
    names: [String], weights: [Double]? = nil, strata: [String]? = nil, cluster: [String]? = nil,
    options: CoxOptions = CoxOptions()
  ) throws -> CoxFit {
    guard options.weights == nil && options.references.isEmpty else {
      throw SurvivalKitError.invalidArgument(
        name: "options",
        message: "options.weights and options.references name table columns; with arrays pass "
          + "weights: and code factors as 0/1 columns")
    }
    let frame = try CoxModelFrame(
      time: time, status: status, start: start, covariates: covariates, names: names,
      weights: weights, strata: strata, cluster: cluster)
    return try fit(frame, options: options)
  }

  /// Fits the model to a frame.
  ///
  /// Variance: model-based, unless `options.robust` is true, the frame has `cluster()` groups,
  /// or — R's default — `options.robust` is nil and some case weight is not an integer
  /// ("If there are any non-integer weights, the code also defaults robust=TRUE", survival 3.5
  /// `?coxph`); `options.robust = false` turns that default off.
  ///
  /// The frame is taken over: passed its last reference (`consume frame`), the design's
  /// columns are released once the fit has arranged them.
  ///
  /// - Parameters:
  ///   - frame: The model frame.
  ///   - options: Tie handling, convergence, robust variance and confidence level (its
  ///     `weights` and `references` were used when the frame was built).
  /// - Returns: The fit.
  /// - Throws: `SurvivalKitError.invalidArgument` for a confidence level outside (0, 1), or exact
  ///   ties with delayed entry or case weights; `SurvivalKitError.insufficientData` when there are
  ///   no events, every column is aliased, or the information matrix is singular at the estimate;
  ///   `SurvivalKitError.linearAlgebra` when a Newton step cannot be solved.
  public static func fit(_ frame: consuming CoxModelFrame, options: CoxOptions = CoxOptions())
    throws -> CoxFit
  {
    guard options.confLevel > 0 && options.confLevel < 1 else {
      throw SurvivalKitError.invalidArgument(
        name: "confidence level", message: "\(options.confLevel) is not between 0 and 1")
    }
    guard options.maxIterations >= 0 else {
      throw SurvivalKitError.invalidArgument(
        name: "maximum iterations",
        message: "\(options.maxIterations) is negative; use 0 (no iteration) or more, e.g. 20")
    }
    guard options.epsilon > 0 && options.epsilon.isFinite else {
      throw SurvivalKitError.invalidArgument(
        name: "epsilon",
        message: "\(options.epsilon) is not a positive number; use e.g. 1e-9")
    }
    let sample = frame.sample
    guard sample.events > 0 else {
      throw SurvivalKitError.insufficientData(
        message: "no events among the \(sample.count) rows used: a Cox model cannot be fitted")
    }
    let robustByDefault =
      options.robust == nil && frame.cluster == nil && frame.hasNonIntegerWeights
    var cluster = frame.cluster
    if cluster == nil && (options.robust ?? robustByDefault) {
      cluster = (0..<sample.count).map { Int32($0) }
    }
    let design = frame.design
    let weights = frame.weights
    let concordanceCluster = frame.cluster
    let formula = frame.formula
    let clusterGroups = frame.cluster.map {
      Grouping(labels: frame.clusterLevels ?? [], codes: $0)
    }
    _ = consume frame
    return try fit(
      sample: sample, design: consume design, weights: weights, cluster: cluster,
      concordanceCluster: concordanceCluster, options: options, formula: formula,
      robustByDefault: robustByDefault, clusterGroups: clusterGroups)
  }

  /// Fits a prepared sample and design. `cluster` gives the sandwich variance's groups (one
  /// per row for `robust`); `concordanceCluster` the groups of a `cluster()` term, which R also
  /// uses for the concordance's standard error. The design's columns are dropped once arranged
  /// (the fit keeps its names and codings).
  static func fit(
    sample: SurvivalSample, design: consuming DesignMatrix, weights: [Double], cluster: [Int32]?,
    concordanceCluster: [Int32]? = nil, options: CoxOptions, formula: String,
    robustByDefault: Bool, clusterGroups: Grouping? = nil
  ) throws -> CoxFit {
    var warnings: [String] = []
    let allColumns = design.names.count
    // The arranged problem holds the values from here on (pspline fits read the columns).
    let columns = design.columns
    if design.psplines.isEmpty { design = design.withoutColumns() }
    // Aliasing screen on the information at beta = 0 (all columns).
    let full = CoxProblem(columns: consume columns, sample: sample, weights: weights)
    let ties = options.ties
    if ties == .exact {
      if sample.entry != nil {
        throw SurvivalKitError.invalidArgument(
          name: "ties",
          message: "exact ties are implemented for right-censored data; use efron or breslow with "
            + "Surv(start, stop, status)")
      }
      if weights.contains(where: { $0 != 1 }) {
        throw SurvivalKitError.invalidArgument(
          name: "ties", message: "exact ties do not take case weights; use efron or breslow")
      }
    }
    // The evaluation at β = 0 screens for aliased columns (its information is the risk-set
    // weighted covariance); when nothing is aliased it is also the first Newton evaluation.
    let start =
      ties == .exact
      ? full.evaluateExact(beta: [Double](repeating: 0, count: allColumns))
      : full.evaluate(beta: [Double](repeating: 0, count: allColumns), ties: ties)
    let kept = Aliasing.keptColumns(start.information, p: allColumns)
    for j in 0..<allColumns where !kept.contains(j) {
      warnings.append(
        "'\(design.names[j])' is aliased (a linear combination of the columns before it, or "
          + "constant): it was dropped and its coefficient is null")
    }
    guard !kept.isEmpty else {
      throw SurvivalKitError.insufficientData(
        message: "every covariate column is constant or aliased; nothing can be estimated")
    }
    let problem = kept.count == allColumns ? full : CoxProblem(subset: full, columns: kept)
    let p = kept.count
    if !design.psplines.isEmpty {
      if cluster != nil {
        throw SurvivalKitError.invalidArgument(
          name: "pspline", message: "pspline() fits have no robust variance here; drop it")
      }
      return try fitPenalized(
        sample: sample, design: design, weights: weights, kept: kept, options: options,
        formula: formula, warnings: warnings, clusterGroups: clusterGroups,
        concordanceCluster: concordanceCluster)
    }
    if options.firth {
      return try fitFirth(
        problem: problem, sample: sample, design: design, weights: weights, kept: kept,
        cluster: cluster, concordanceCluster: concordanceCluster, options: options,
        formula: formula, warnings: warnings, clusterGroups: clusterGroups)
    }
    func evaluate(_ beta: [Double]) -> CoxProblem.Evaluation {
      ties == .exact ? problem.evaluateExact(beta: beta) : problem.evaluate(beta: beta, ties: ties)
    }
    // Newton-Raphson, R's scheme.
    var beta = [Double](repeating: 0, count: p)
    let initial = kept.count == allColumns ? start : evaluate(beta)
    let nullLoglik = initial.loglik
    var loglik = initial.loglik
    let scoreStatistic = try quadraticForm(
      information: initial.information, vector: initial.score, p: p)
    var current = initial
    var newBeta = add(
      beta, try LAPACK.solve(Matrix(size: p, storage: initial.information), initial.score))
    var halving = false
    var converged = false
    var iterations = 0
    if options.maxIterations == 0 {
      newBeta = beta
    } else {
      for iteration in 1...options.maxIterations {
        iterations = iteration
        let trial = evaluate(newBeta)
        let finite = trial.loglik.isFinite
        if finite && abs(1 - loglik / trial.loglik) <= options.epsilon && !halving {
          loglik = trial.loglik
          current = trial
          beta = newBeta
          converged = true
          break
        }
        if iteration == options.maxIterations {
          if finite {
            loglik = trial.loglik
            current = trial
            beta = newBeta
          }
          break
        }
        if !finite || trial.loglik < loglik {
          halving = true
          for j in 0..<p { newBeta[j] = (newBeta[j] + beta[j]) / 2 }
        } else {
          halving = false
          loglik = trial.loglik
          current = trial
          beta = newBeta
          // A coefficient running to infinity makes the information numerically singular:
          // stop at the last estimate (reported below), rather than fail inside LAPACK.
          guard
            let step = try? LAPACK.solve(Matrix(size: p, storage: trial.information), trial.score)
          else { break }
          newBeta = add(beta, step)
        }
      }
    }
    if !converged && options.maxIterations > 0 {
      warnings.append(
        "the fit did not converge in \(options.maxIterations) iterations; the estimates are "
          + "from the last iteration: raise the iteration limit or check for an infinite coefficient"
      )
    }
    // Back to the original scale: beta = beta_s * s, U = U_s / s, V = S V_s S.
    let scales = problem.scales
    let scaledVariance: Matrix
    do {
      scaledVariance = try LAPACK.inverse(Matrix(size: p, storage: current.information))
    } catch {
      throw SurvivalKitError.insufficientData(
        message: "the information matrix is singular at the estimate: the design is collinear "
          + "or a coefficient is infinite (monotone likelihood, e.g. too few rows or no events in "
          + "a group); check the data, or use the penalised fit (--firth)")
    }
    var coef = [Double](repeating: 0, count: p)
    var variance = Matrix(zeros: p)
    for j in 0..<p {
      coef[j] = beta[j] * scales[j]
      for l in 0..<p { variance[j, l] = scaledVariance[j, l] * scales[j] * scales[l] }
    }
    // With covariates near 1e±160 the original-scale variance under- or overflows; standard
    // errors, the Wald test and the step below are then taken from the scaled fit, where
    // every quantity is of order one (the scaling cancels out of each of them).
    func standardError(_ original: Matrix, _ scaled: Matrix, _ k: Int) -> Double {
      let direct = original[k, k]
      if direct.isFinite && direct >= Double.leastNormalMagnitude { return direct.squareRoot() }
      return scaled[k, k].squareRoot() * scales[k]
    }
    // Monotone likelihood: one more Newton step would still move a coefficient.
    let toleranceInfinite = options.epsilon.squareRoot()
    for j in 0..<p {
      var step = 0.0
      for l in 0..<p { step += current.score[l] / scales[l] * variance[l, j] }
      if !step.isFinite || variance[j, j] < Double.leastNormalMagnitude {
        step = 0
        for l in 0..<p { step += current.score[l] * scaledVariance[l, j] }
        step *= scales[j]
      }
      if converged
        && (!current.score[j].isFinite
          || (abs(step) > options.epsilon && abs(step) > toleranceInfinite * abs(coef[j])))
      {
        warnings.append(
          "the log-likelihood converged before '\(design.names[kept[j]])' did; its coefficient "
            + "may be infinite (monotone likelihood: e.g. no events in one group); Firth's "
            + "penalised fit (--firth) gives a finite estimate")
      }
    }
    // Robust variance.
    var robustVariance: Matrix? = nil
    var robustScaled: Matrix? = nil
    var robustScore: Double? = nil
    if let cluster {
      robustVariance = problem.robustVariance(
        beta: beta, ties: ties, scaledVariance: scaledVariance, cluster: cluster)
      robustScaled = problem.robustVariance(
        beta: beta, ties: ties, scaledVariance: scaledVariance, cluster: cluster,
        originalScale: false)
      robustScore = try problem.robustScoreStatistic(ties: ties, cluster: cluster)
    }
    let reportedVariance = robustVariance ?? variance
    let z = Normal.quantile(1 - (1 - options.confLevel) / 2)
    var profileLimits: [(Double?, Double?)] = []
    if options.intervals == .profile {
      let profiler = CoxProfiler(objective: { evaluate($0) }, p: p)
      let critical = z * z
      for j in 0..<p {
        let (lo, hi) = profiler.limits(
          j: j, estimate: beta, loglik: loglik,
          standardError: scaledVariance[j, j].squareRoot(), critical: critical)
        profileLimits.append(
          (lo.map { Double.exp($0 * scales[j]) }, hi.map { Double.exp($0 * scales[j]) }))
      }
    }
    var coefficients: [CoxFit.Coefficient] = []
    for j in 0..<allColumns {
      guard let k = kept.firstIndex(of: j) else {
        coefficients.append(
          CoxFit.Coefficient(
            term: design.names[j], coef: nil, hazardRatio: nil, standardError: nil,
            robustStandardError: nil, z: nil, p: nil, lower: nil, upper: nil))
        continue
      }
      let se = standardError(variance, scaledVariance, k)
      let robustSE = robustVariance.map { standardError($0, robustScaled!, k) }
      let used = robustSE ?? se
      let zValue = coef[k] / used
      coefficients.append(
        CoxFit.Coefficient(
          term: design.names[j], coef: coef[k], hazardRatio: Double.exp(coef[k]), standardError: se,
          robustStandardError: robustSE, z: zValue, p: 2 * Normal.upperTail(abs(zValue)),
          lower: profileLimits.isEmpty ? Double.exp(coef[k] - z * used) : profileLimits[k].0,
          upper: profileLimits.isEmpty ? Double.exp(coef[k] + z * used) : profileLimits[k].1))
    }
    func expand(_ m: Matrix) -> [[Double?]] {
      (0..<allColumns).map { i in
        (0..<allColumns).map { j in
          guard let a = kept.firstIndex(of: i), let b = kept.firstIndex(of: j) else { return nil }
          return m[a, b]
        }
      }
    }
    let lr = 2 * (loglik - nullLoglik)
    let extreme = (0..<p).contains { k in
      let d = reportedVariance[k, k]
      return !(d.isFinite && d >= Double.leastNormalMagnitude)
    }
    var waldStatistic =
      extreme ? .nan : (try? quadraticForm(inverseOf: reportedVariance, vector: coef)) ?? .nan
    if !waldStatistic.isFinite {
      waldStatistic = try quadraticForm(inverseOf: robustScaled ?? scaledVariance, vector: beta)
    }
    func test(_ statistic: Double) -> CoxFit.Test {
      CoxFit.Test(statistic: statistic, df: p, p: ChiSquare.upperTail(statistic, df: Double(p)))
    }
    let concordance = Concordance.compute(
      problem: problem, eta: sortedLinearPredictor(problem: problem, beta: beta),
      cluster: concordanceCluster)
    return CoxFit(
      coefficients: coefficients, variance: expand(reportedVariance),
      naiveVariance: robustVariance == nil ? nil : expand(variance), loglikNull: nullLoglik,
      loglik: loglik, iterations: iterations, converged: converged, warnings: warnings,
      n: sample.count, events: sample.events, dropped: sample.dropped, ties: ties,
      confLevel: options.confLevel, robust: robustVariance != nil,
      robustByDefault: robustByDefault, formula: formula, likelihoodRatio: test(lr),
      wald: test(waldStatistic), score: test(scoreStatistic), robustScore: robustScore.map(test),
      references: design.references,
      concordance: concordance, firth: false, intervals: options.intervals, penalized: nil,
      state: state(
        problem: problem, beta: beta, ties: ties, design: design, kept: kept, sample: sample,
        naiveVariance: variance, variance: reportedVariance, cluster: clusterGroups))
  }

  static func state(
    problem: CoxProblem, beta: [Double], ties: CoxTies, design: DesignMatrix, kept: [Int],
    sample: SurvivalSample, naiveVariance: Matrix, variance: Matrix, cluster: Grouping?
  )
    -> CoxState
  {
    var termColumns: [(String, [Int])] = []
    for (k, j) in kept.enumerated() {
      let term = design.terms[j]
      if let index = termColumns.firstIndex(where: { $0.0 == term }) {
        termColumns[index].1.append(k)
      } else {
        termColumns.append((term, [k]))
      }
    }
    return CoxState(
      problem: problem, betaScaled: beta, ties: ties, columnNames: kept.map { design.names[$0] },
      termColumns: termColumns, lineNumbers: sample.lineNumbers,
      naiveVariance: naiveVariance,
      cluster: cluster, strataLabels: sample.strata.labels, strataCodes: sample.strata.codes,
      design: design, kept: kept, variance: variance,
      centre: (0..<kept.count).map { k in
        if problem.binary[k] { return 0 }
        return sample.entry == nil ? problem.means[k] : problem.plainMeans[k]
      })
  }

  /// The linear predictor of each row in the problem's sorted order.
  /// Rows split between two threads for large n (each value is computed alone, so the split
  /// does not change it).
  static func sortedLinearPredictor(problem: CoxProblem, beta: [Double]) -> [Double] {
    let n = problem.n
    let p = problem.p
    return [Double](unsafeUninitializedCapacity: n) { out, count in
      problem.x.withUnsafeBufferPointer { x in
        let shared = UncheckedSendable((x.baseAddress, out.baseAddress, beta))
        let work: @Sendable (Int) -> Void = { part in
          let (x, out, beta) = shared.value
          guard let x, let out else { return }
          for k in part == 0 ? 0..<(n / 2) : (n / 2)..<n {
            var e = 0.0
            for j in 0..<p { e += beta[j] * x[k * p + j] }
            out[k] = e
          }
        }
        if n * p >= 1 << 16 {
          DispatchQueue.concurrentPerform(iterations: 2) { work($0) }
        } else {
          work(0)
          work(1)
        }
      }
      count = n
    }
  }

  static func add(_ a: [Double], _ b: [Double]) -> [Double] {
    zip(a, b).map { $0 + $1 }
  }

  /// vᵀ A⁻¹ v for the information matrix A (column-major p × p).
  static func quadraticForm(information: [Double], vector: [Double], p: Int) throws -> Double {
    try quadraticForm(inverseOf: Matrix(size: p, storage: information), vector: vector)
  }

  static func quadraticForm(inverseOf a: Matrix, vector: [Double]) throws -> Double {
    let solved = try LAPACK.solve(a, vector)
    var total = 0.0
    for (x, v) in zip(solved, vector) { total += x * v }
    return total
  }

  /// The Firth-penalised fit (see `CoxProblem.evaluateFirth`): estimates, Wald SEs from
  /// I(β̂)⁻¹, and per coefficient the profile penalised-likelihood limits and the penalised
  /// likelihood-ratio test of β_j = 0 (as `coxphf`).
  static func fitFirth(
    problem: CoxProblem, sample: SurvivalSample, design: DesignMatrix, weights: [Double],
    kept: [Int], cluster: [Int32]?, concordanceCluster: [Int32]?, options: CoxOptions,
    formula: String, warnings: [String], clusterGroups: Grouping?
  ) throws -> CoxFit {
    if weights.contains(where: { $0 != 1 }) {
      throw SurvivalKitError.invalidArgument(
        name: "firth", message: "Firth's penalised fit does not take case weights (as coxphf)")
    }
    if cluster != nil {
      throw SurvivalKitError.invalidArgument(
        name: "firth",
        message: "Firth's penalised fit has no robust variance; drop --robust or cluster()")
    }
    let p = problem.p
    let scales = problem.scales
    let profiler = CoxProfiler(objective: { problem.evaluateFirth(beta: $0) }, p: p)
    let zero = [Double](repeating: 0, count: p)
    guard let null = problem.evaluateFirth(beta: zero),
      let best = profiler.maximise(start: zero),
      let final = problem.evaluateFirth(beta: best.beta)
    else {
      throw SurvivalKitError.insufficientData(
        message: "the information matrix is singular: the penalised likelihood cannot be "
          + "maximised; check for collinear covariates")
    }
    var warnings = warnings
    if !best.converged {
      warnings.append(
        "the penalised fit did not converge in \(best.iterations) iterations; the estimates "
          + "are from the last iteration")
    }
    // Back to the original coordinates: log det I_s = log det I + 2 Σ log s_j.
    var logScale = 0.0
    for j in 0..<p { logScale += Double.log(scales[j]) }
    let loglik = best.loglik - logScale
    let loglikNull = null.loglik - logScale
    let scaledVariance = try LAPACK.inverse(Matrix(size: p, storage: final.information))
    var variance = Matrix(zeros: p)
    var coef = [Double](repeating: 0, count: p)
    for j in 0..<p {
      coef[j] = best.beta[j] * scales[j]
      for l in 0..<p { variance[j, l] = scaledVariance[j, l] * scales[j] * scales[l] }
    }
    let zq = Normal.quantile(1 - (1 - options.confLevel) / 2)
    var coefficients: [CoxFit.Coefficient] = []
    for j in 0..<design.names.count {
      guard let k = kept.firstIndex(of: j) else {
        coefficients.append(
          CoxFit.Coefficient(
            term: design.names[j], coef: nil, hazardRatio: nil, standardError: nil,
            robustStandardError: nil, z: nil, p: nil, lower: nil, upper: nil))
        continue
      }
      let se = variance[k, k].squareRoot()
      var start = best.beta
      start[k] = 0
      let restricted = profiler.maximise(start: start, fixed: [k])
      let chisq = restricted.map { max(0, 2 * (best.loglik - $0.loglik)) }
      let (lo, hi) = profiler.limits(
        j: k, estimate: best.beta, loglik: best.loglik,
        standardError: scaledVariance[k, k].squareRoot(), critical: zq * zq)
      coefficients.append(
        CoxFit.Coefficient(
          term: design.names[j], coef: coef[k], hazardRatio: Double.exp(coef[k]),
          standardError: se, robustStandardError: nil, z: coef[k] / se,
          p: chisq.map { ChiSquare.upperTail($0, df: 1) },
          lower: lo.map { Double.exp($0 * scales[k]) },
          upper: hi.map { Double.exp($0 * scales[k]) }))
    }
    let allColumns = design.names.count
    func expand(_ m: Matrix) -> [[Double?]] {
      (0..<allColumns).map { i in
        (0..<allColumns).map { j in
          guard let a = kept.firstIndex(of: i), let b = kept.firstIndex(of: j) else { return nil }
          return m[a, b]
        }
      }
    }
    func test(_ statistic: Double) -> CoxFit.Test {
      CoxFit.Test(statistic: statistic, df: p, p: ChiSquare.upperTail(statistic, df: Double(p)))
    }
    let lr = 2 * (loglik - loglikNull)
    let wald = try quadraticForm(inverseOf: variance, vector: coef)
    let score = try quadraticForm(information: null.information, vector: null.score, p: p)
    let concordance = Concordance.compute(
      problem: problem, eta: sortedLinearPredictor(problem: problem, beta: best.beta),
      cluster: concordanceCluster)
    return CoxFit(
      coefficients: coefficients, variance: expand(variance), naiveVariance: nil,
      loglikNull: loglikNull, loglik: loglik, iterations: best.iterations,
      converged: best.converged, warnings: warnings, n: sample.count, events: sample.events,
      dropped: sample.dropped, ties: .breslow, confLevel: options.confLevel, robust: false,
      robustByDefault: false, formula: formula, likelihoodRatio: test(lr), wald: test(wald),
      score: test(score), robustScore: nil, references: design.references,
      concordance: concordance, firth: true, intervals: .profile, penalized: nil,
      state: state(
        problem: problem, beta: best.beta, ties: .breslow, design: design, kept: kept,
        sample: sample, naiveVariance: variance, variance: variance, cluster: clusterGroups))
  }
}
