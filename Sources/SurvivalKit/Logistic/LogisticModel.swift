import RealModule
import SurvivalSupport

/// Logistic regression of a binary response: maximum likelihood as R's
/// `glm(family = binomial)`, or Firth's penalised likelihood as R's `logistf`.
///
/// Model: logit P(y = 1 | x) = xᵀβ with an intercept. Maximum likelihood maximises
/// l(β) = Σ y_i η_i − log(1 + e^(η_i)); Firth's method maximises l*(β) = l(β) + ½ log det I(β),
/// which removes the O(1/n) bias and gives finite estimates under separation (Firth 1993;
/// Heinze & Schemper 2002). Both are fitted by Newton–Raphson with LAPACK (see
/// `LogisticProblem`).
///
/// Inference:
/// - Wald: se = √ diag I(β̂)⁻¹, z = β̂/se, limits exp(β̂ ∓ z_(1−α/2) se);
/// - likelihood ratio per coefficient and per term: 2 (l(β̂) − l(β̃)) with β̃ the fit with the
///   coefficient(s) held at 0 (for Firth the penalty keeps the full design, as `logistf`);
/// - profile limits: the b where 2 (l(β̂) − max_{β: β_j = b} l(β)) = χ²₁(1 − α), found by
///   bracketing and the Illinois method (regula falsi) to |g| <= 1e-11; with Firth this is logistf's profile penalised
///   likelihood interval. Under separation maximum likelihood has no finite estimate: the
///   coefficient is reported with a warning ("may be infinite") and its profile limit is
///   infinite on that side.
///
/// References: D. Firth (1993), Biometrika 80, 27–38; G. Heinze & M. Schemper (2002), Stat. Med.
/// 21, 2409–2419; D. J. Venzon & S. H. Moolgavkar (1988), Appl. Stat. 37, 87–94.
public enum LogisticModel {
  /// Fits `response ~ terms` on a table. The response is 0/1, TRUE/FALSE or a comparison
  /// (`best %in% c("CR", "PR")`); rows with a missing response or covariate are dropped.
  /// - Complexity: O(n p²) per Newton step; the profile limits refit the model (warm-started)
  ///   about 10 to 15 times per coefficient and side.
  public static func fit(
    table: DataTable, formula: ResponseFormula, options: LogisticOptions = LogisticOptions()
  ) throws -> LogisticFit {
    guard table.rowCount > 0 else {
      throw SurvivalKitError.insufficientData(
        message: "the file has a header but no data rows; nothing to fit")
    }
    let response = try ResponseCoding.binary(formula.response, table: table)
    let columns = try formula.termVariables.map { try table.column(named: $0) }
    var rows: [Int] = []
    for i in 0..<table.rowCount where response[i] != ResponseCoding.missing {
      if columns.allSatisfy({ !$0.isMissing(i) }) { rows.append(i) }
    }
    guard !rows.isEmpty else {
      throw SurvivalKitError.insufficientData(
        message: "no usable rows: every row has a missing value in a variable the model uses "
          + "(\(table.rowCount) dropped)")
    }
    let design = try DesignMatrix.make(
      table: table, terms: formula.terms, rows: SampleRows(rows), references: options.references)
    return try fit(
      y: rows.map { Double(response[$0]) }, design: design, dropped: table.rowCount - rows.count,
      formula: formula.text, options: options)
  }

  /// Fits a model from arrays: `response[i]` is 0 or 1, `covariates[j][i]` is covariate j of
  /// row i (an intercept is added). No value may be missing.
  public static func fit(
    response: [Int], covariates: [[Double]], names: [String],
    options: LogisticOptions = LogisticOptions()
  ) throws -> LogisticFit {
    guard covariates.count == names.count, Set(names).count == names.count else {
      throw SurvivalKitError.invalidArgument(
        name: "names", message: "give one distinct name per covariate array")
    }
    for (i, r) in response.enumerated() where r != 0 && r != 1 {
      throw SurvivalKitError.invalidData(
        line: nil, column: "response", message: "row \(i + 1) is \(r), not 0 or 1")
    }
    for (j, column) in covariates.enumerated() {
      guard column.count == response.count else {
        throw SurvivalKitError.invalidArgument(
          name: names[j], message: "has \(column.count) values for \(response.count) responses")
      }
      if let i = column.firstIndex(where: { !$0.isFinite }) {
        throw SurvivalKitError.invalidData(
          line: nil, column: names[j],
          message: "row \(i + 1) is \(column[i]); drop rows with missing values before fitting")
      }
    }
    let design = DesignMatrix(names: names, terms: names, columns: covariates, references: [:])
    let rhs = names.isEmpty ? "1" : names.joined(separator: " + ")
    return try fit(
      y: response.map(Double.init), design: design, dropped: 0, formula: "response ~ \(rhs)",
      options: options)
  }

  static func fit(
    y: [Double], design: DesignMatrix, dropped: Int, formula: String, options: LogisticOptions
  ) throws -> LogisticFit {
    guard options.confLevel > 0 && options.confLevel < 1 else {
      throw SurvivalKitError.invalidArgument(
        name: "confidence level",
        message: "\(options.confLevel) is not between 0 and 1; use e.g. 0.95")
    }
    let n = y.count
    let p = design.names.count + 1
    let events = Int(y.reduce(0, +))
    guard events > 0 && events < n else {
      throw SurvivalKitError.insufficientData(
        message: "\(events == 0 ? "no" : "every") row has the response (\(events) of \(n)); a "
          + "logistic model needs both outcomes")
    }
    guard n >= p else {
      throw SurvivalKitError.insufficientData(
        message: "\(n) rows for \(p) coefficients; drop terms or add data")
    }
    var x = [Double](repeating: 0, count: n * p)
    for i in 0..<n {
      x[i * p] = 1
      for j in 1..<p { x[i * p + j] = design.columns[j - 1][i] }
    }
    let names = ["(Intercept)"] + design.names
    // A constant or duplicated column makes XᵀX (and I) singular: say so before fitting.
    var crossProduct = Matrix(zeros: p)
    for i in 0..<n {
      for j in 0..<p { for k in 0..<p { crossProduct[j, k] += x[i * p + j] * x[i * p + k] } }
    }
    if (try? LAPACK.cholesky(crossProduct)) == nil {
      throw SurvivalKitError.insufficientData(
        message: "the design is singular: the columns "
          + names.dropFirst().joined(separator: ", ")
          + " are collinear with each other or the intercept (a constant column, or a factor "
          + "level that another column duplicates); drop or combine terms")
    }
    let problem = LogisticProblem(x: x, y: y, n: n, p: p, firth: options.firth)
    let start =
      [Double.log(Double(events) / Double(n - events))]
      + [Double](
        repeating: 0, count: p - 1)
    let full = try problem.fit(
      start: start, maxIterations: options.maxIterations, epsilon: options.epsilon)
    var warnings: [String] = []
    if !full.converged {
      warnings.append(
        "the fit did not converge in \(options.maxIterations) iterations; the estimates are "
          + "from the last iteration: raise the iteration limit"
          + (options.firth ? "" : " or use --firth (a coefficient may be infinite)"))
    }
    let variance: Matrix
    do {
      variance = try LAPACK.inverse(full.evaluation.information)
    } catch {
      throw SurvivalKitError.insufficientData(
        message: "the information matrix is singular at the estimate: a coefficient is "
          + "infinite (separation)\(options.firth ? "" : "; use --firth")")
    }
    var infinite = [Bool](repeating: false, count: p)
    if !options.firth {
      let step = (try? problem.remainingStep(full)) ?? [Double](repeating: .infinity, count: p)
      for j in 0..<p where abs(step[j]) > 1e-3 * max(1, abs(full.beta[j])) {
        infinite[j] = true
        warnings.append(
          "'\(names[j])': the likelihood keeps rising as the coefficient grows, so it may be "
            + "infinite (separation: a covariate pattern predicts the response perfectly); "
            + "use --firth")
      }
      if full.evaluation.extremeFitted < 1e-10 && !infinite.contains(true) {
        warnings.append("fitted probabilities numerically 0 or 1 occurred")
      }
    }
    let lmax = full.evaluation.loglik
    let z = Normal.quantile(1 - (1 - options.confLevel) / 2)
    let q = z * z
    func constrained(_ fixed: [Int: Double], from start: [Double]) throws
      -> LogisticProblem.Fit
    {
      try problem.fit(
        start: start, fixed: fixed, maxIterations: max(options.maxIterations, 100),
        epsilon: options.epsilon)
    }
    // Profile limit on one side: the root of g(b) = 2 (lmax − l_j(b)) − q, bracketed by
    // doubling steps from the estimate, then found by the Illinois variant of regula falsi
    // (superlinear; each evaluation is a constrained refit warm-started from the last one).
    func profileLimit(_ j: Int, direction: Double, se: Double) throws -> Double {
      if infinite[j] && (full.beta[j] > 0) == (direction > 0) {
        return direction * .infinity
      }
      var inner = full.beta[j]
      var gInner = -q
      var width = max(se, 1e-3)
      var outer = inner + direction * width
      var warm = full.beta
      var fitOuter = try constrained([j: outer], from: warm)
      var gOuter = 2 * (lmax - fitOuter.evaluation.loglik) - q
      var expansions = 0
      while gOuter < 0 {
        expansions += 1
        if expansions > 40 || abs(outer) > 1e4 { return direction * .infinity }
        inner = outer
        gInner = gOuter
        warm = fitOuter.beta
        width *= 2
        outer = inner + direction * width
        fitOuter = try constrained([j: outer], from: warm)
        gOuter = 2 * (lmax - fitOuter.evaluation.loglik) - q
      }
      var side = 0
      for _ in 0..<100 {
        if abs(outer - inner) <= 1e-11 * (1 + abs(inner)) { break }
        var b = outer - gOuter * (outer - inner) / (gOuter - gInner)
        if !(b > min(inner, outer) && b < max(inner, outer)) { b = (inner + outer) / 2 }
        let fit = try constrained([j: b], from: warm)
        let g = 2 * (lmax - fit.evaluation.loglik) - q
        if abs(g) <= 1e-11 { return b }
        if g < 0 {
          inner = b
          gInner = g
          warm = fit.beta
          if side == -1 { gOuter /= 2 }
          side = -1
        } else {
          outer = b
          gOuter = g
          if side == 1 { gInner /= 2 }
          side = 1
        }
      }
      return (inner + outer) / 2
    }
    var coefficients: [LogisticFit.Coefficient] = []
    for j in 0..<p {
      let b = full.beta[j]
      let se = variance[j, j].squareRoot()
      let zValue = b / se
      let waldP = 2 * Normal.upperTail(abs(zValue))
      let zero = try constrained([j: 0], from: full.beta)
      let lr = max(0, 2 * (lmax - zero.evaluation.loglik))
      let lrP = ChiSquare.upperTail(lr, df: 1)
      let lowerB = try profileLimit(j, direction: -1, se: se)
      let upperB = try profileLimit(j, direction: 1, se: se)
      coefficients.append(
        LogisticFit.Coefficient(
          term: names[j], coef: b, standardError: se, z: zValue,
          p: options.firth ? lrP : waldP, waldP: waldP, lrStatistic: lr, lrP: lrP,
          oddsRatio: Double.exp(b), lower: Double.exp(lowerB), upper: Double.exp(upperB),
          waldLower: Double.exp(b - z * se), waldUpper: Double.exp(b + z * se)))
    }
    // The intercept-only model and the per-term tests (all columns of a term held at 0).
    var nullFixed: [Int: Double] = [:]
    for j in 1..<p { nullFixed[j] = 0 }
    let null = try constrained(nullFixed, from: start)
    let global = max(0, 2 * (lmax - null.evaluation.loglik))
    let likelihoodRatio = LogisticFit.Test(
      term: "model", statistic: global, df: p - 1,
      p: p > 1 ? ChiSquare.upperTail(global, df: Double(p - 1)) : 1)
    var termTests: [LogisticFit.Test] = []
    var termOrder: [String] = []
    for t in design.terms where !termOrder.contains(t) { termOrder.append(t) }
    for t in termOrder {
      var fixed: [Int: Double] = [:]
      for (k, owner) in design.terms.enumerated() where owner == t { fixed[k + 1] = 0 }
      let reduced = try constrained(fixed, from: full.beta)
      let statistic = max(0, 2 * (lmax - reduced.evaluation.loglik))
      termTests.append(
        LogisticFit.Test(
          term: t, statistic: statistic, df: fixed.count,
          p: ChiSquare.upperTail(statistic, df: Double(fixed.count))))
    }
    let ml = !options.firth
    return LogisticFit(
      formula: formula, firth: options.firth, n: n, events: events, dropped: dropped,
      iterations: full.iterations, converged: full.converged, warnings: warnings,
      confLevel: options.confLevel, references: design.references, coefficients: coefficients,
      variance: (0..<p).map { j in (0..<p).map { variance[j, $0] } }, loglik: lmax,
      loglikNull: null.evaluation.loglik, deviance: ml ? -2 * lmax : nil,
      nullDeviance: ml ? -2 * null.evaluation.loglik : nil,
      aic: ml ? -2 * lmax + 2 * Double(p) : nil, likelihoodRatio: likelihoodRatio,
      termTests: termTests)
  }
}
