import RealModule

/// The penalised fit of a Cox model with one `pspline()` term, as R's `coxph` with
/// `pspline(x, df)` (Therneau's `coxpenal.fit`; Eilers & Marx 1996; Therneau & Grambsch 2000,
/// §5.5).
///
/// For a penalty weight θ (λ = θ/(1 - θ)) the inner Newton–Raphson maximises
/// ℓ(β) - ½ λ βᵀDβ with H = I(β) + λD. The effective degrees of freedom of a term with
/// columns J are tr((V_JJ)⁻¹ (V I V)_JJ), V = H⁻¹ (tr(I V) when the model has one term). The
/// outer loop moves θ until the spline's df is within 0.1 of the requested df, by R's
/// `frailty.controldf` rule (interpolation on log differences, bisection when it is not
/// closing in), from θ = 1 - df/nterm. The spline's "linear" test is the Wald test of the
/// generalised-least-squares slope of its coefficients on the knot centres; "nonlinear" is
/// the rest of its Wald statistic on df - 1 degrees of freedom (R's `print.coxph.penal`).
public struct CoxPenalizedTerm: Sendable {
  /// The term as written (`pspline(age, df = 4)`).
  public let term: String
  /// The penalty weight θ of the final fit.
  public let theta: Double
  /// The spline's effective degrees of freedom.
  public let df: Double
  /// Effective degrees of freedom of every term, in term order (R's `fit$df`).
  public let termDF: [Double]
  /// The linear component: the GLS slope of the spline coefficients on the knot centres.
  public let linearCoef: Double
  /// SE of the linear slope from V.
  public let linearSE: Double
  /// SE of the linear slope from V I V.
  public let linearSE2: Double
  /// Wald chi-square of the linear slope (1 df).
  public let linearChisq: Double
  /// p-value of the linear test.
  public let linearP: Double
  /// The non-linear remainder of the spline's Wald chi-square.
  public let nonlinearChisq: Double
  /// Degrees of freedom of the non-linear test (df - 1).
  public let nonlinearDF: Double
  /// p-value of the non-linear test (on max(0.5, df - 1) df, as R).
  public let nonlinearP: Double
  /// Outer (θ) iterations.
  public let outerIterations: Int
  /// Newton–Raphson steps over all outer iterations.
  public let newtonIterations: Int
  /// The SEs of every coefficient from V I V (R's `se2`), in coefficient order.
  public let standardErrors2: [Double]
  /// The penalty ½ λ β̂ᵀDβ̂ at the estimate (R's `fit$penalty[2]`).
  public let penalty: Double
  /// The likelihood-ratio statistic, tested on the total effective degrees of freedom.
  public let likelihoodRatio: Double
  /// Total effective degrees of freedom of the test.
  public let likelihoodRatioDF: Double
  /// p-value of the likelihood-ratio test.
  public let likelihoodRatioP: Double
}

extension CoxModel {
  /// R's `frailty.controldf`: the next θ from the history of (θ, df), 1-based as in R.
  static func controlDF(
    thetas: [Double], dfs: [Double], target: Double, eps: Double, iteration: Int, half: Int?
  ) -> (theta: Double, done: Bool, half: Int) {
    let nx = thetas.count
    let done = iteration > 1 && abs(dfs[nx - 1] - target) < eps
    var x = thetas
    var y = dfs
    var goal = target
    let doingWell = !(abs((y[nx - 1] - goal) / (y[nx - 2] - goal)) > 0.6)
    let order = (0..<nx).sorted { x[$0] < x[$1] }
    if (x[0] - x[1]) * (y[0] - y[1]) > 0 {
      y = order.map { y[$0] }
    } else {
      y = order.map { -y[$0] }
      goal = -goal
    }
    x = order.map { x[$0] }
    // b1 is 1-based below, as in R.
    var b1: Int
    if y.allSatisfy({ $0 > goal }) {
      b1 = 1
    } else if y.allSatisfy({ $0 < goal }) {
      b1 = nx - 2
    } else {
      b1 = (1...nx).filter { y[$0 - 1] <= goal }.max()!
      if !doingWell && (half == nil || half! < 2) {
        return ((x[b1 - 1] + x[b1]) / 2, done, max(half ?? 0, 0) + 1)
      }
      if b1 + 1 == nx || (b1 > 1 && (goal - y[b1 - 1]) < (y[b1] - goal)) { b1 -= 1 }
    }
    let xx = [Double.log(x[b1] - x[b1 - 1]), Double.log(x[b1 + 1] - x[b1 - 1])]
    let yy = [Double.log(y[b1] - y[b1 - 1]), Double.log(y[b1 + 1] - y[b1 - 1])]
    let power = (yy[1] - yy[0]) / (xx[1] - xx[0])
    let a = yy[0] - power * xx[0]
    let newX = (Double.log(goal - y[b1 - 1]) - a) / power
    return (x[b1 - 1] + Double.exp(newX), done, 0)
  }

  /// The penalised fit (see `CoxPenalizedTerm`).
  static func fitPenalized(
    sample: SurvivalSample, design: DesignMatrix, weights: [Double], kept: [Int],
    options: CoxOptions, formula: String, warnings: [String], clusterGroups: Grouping?,
    concordanceCluster: [Int32]?
  ) throws -> CoxFit {
    guard design.psplines.count == 1, let (termText, spline) = design.psplines.first else {
      throw SurvivalKitError.invalidArgument(
        name: "pspline", message: "only one pspline() term per model is supported")
    }
    if options.ties == .exact || options.firth {
      throw SurvivalKitError.invalidArgument(
        name: "pspline", message: "pspline() takes efron or breslow ties, without --firth")
    }
    let problem = CoxProblem(
      columns: kept.map { design.columns[$0] }, sample: sample, weights: weights, scale: false)
    let p = problem.p
    let names = kept.map { design.names[$0] }
    let splineColumns = spline.names(
      variable: termText.dropFirst("pspline(".count)
        .prefix { $0 != "," }.description
    ).compactMap { names.firstIndex(of: $0) }
    let m = spline.columnCount
    guard splineColumns.count == m else {
      throw SurvivalKitError.insufficientData(
        message: "a pspline() basis column is aliased; the spline cannot be fitted")
    }
    // Terms (in order) and their columns among the kept ones.
    var termColumns: [(String, [Int])] = []
    for (k, j) in kept.enumerated() {
      if let i = termColumns.firstIndex(where: { $0.0 == design.terms[j] }) {
        termColumns[i].1.append(k)
      } else {
        termColumns.append((design.terms[j], [k]))
      }
    }
    let splineTerm = termColumns.firstIndex { $0.0 == termText }!
    func penaltyValue(_ beta: [Double], _ lambda: Double) -> Double {
      var total = 0.0
      for (a, ca) in splineColumns.enumerated() {
        for (b, cb) in splineColumns.enumerated() {
          total += beta[ca] * spline.penalty[a * m + b] * beta[cb]
        }
      }
      return 0.5 * lambda * total
    }
    var newton = 0
    func inner(_ start: [Double], _ lambda: Double) throws -> ([Double], CoxProblem.Evaluation) {
      var beta = start
      var current = problem.evaluate(beta: beta, ties: options.ties)
      var objective = current.loglik - penaltyValue(beta, lambda)
      for _ in 0..<50 {
        newton += 1
        var h = current.information
        var g = current.score
        for (a, ca) in splineColumns.enumerated() {
          for (b, cb) in splineColumns.enumerated() {
            h[ca * p + cb] += lambda * spline.penalty[a * m + b]
            g[ca] -= lambda * spline.penalty[a * m + b] * beta[cb]
          }
        }
        var step = try LAPACK.solve(Matrix(size: p, storage: h), g)
        var accepted = false
        for _ in 0..<30 {
          let trial = zip(beta, step).map { $0 + $1 }
          let next = problem.evaluate(beta: trial, ties: options.ties)
          let value = next.loglik - penaltyValue(trial, lambda)
          if value.isFinite && value >= objective - 1e-12 * abs(objective) {
            let change = abs(value - objective)
            beta = trial
            current = next
            objective = value
            accepted = true
            if change <= 1e-13 * abs(value) { return (beta, current) }
            break
          }
          step = step.map { $0 / 2 }
        }
        if !accepted { return (beta, current) }
      }
      return (beta, current)
    }
    func degreesOfFreedom(_ evaluation: CoxProblem.Evaluation, _ lambda: Double) throws -> (
      df: [Double], v: Matrix, v2: Matrix
    ) {
      var h = evaluation.information
      for (a, ca) in splineColumns.enumerated() {
        for (b, cb) in splineColumns.enumerated() {
          h[ca * p + cb] += lambda * spline.penalty[a * m + b]
        }
      }
      let v = try LAPACK.inverse(Matrix(size: p, storage: h))
      let info = Matrix(size: p, storage: evaluation.information)
      var vi = Matrix(zeros: p)
      for a in 0..<p {
        for b in 0..<p {
          var s = 0.0
          for c in 0..<p { s += v[a, c] * info[c, b] }
          vi[a, b] = s
        }
      }
      var v2 = Matrix(zeros: p)
      for a in 0..<p {
        for b in 0..<p {
          var s = 0.0
          for c in 0..<p { s += vi[a, c] * v[c, b] }
          v2[a, b] = s
        }
      }
      var dfs: [Double] = []
      if termColumns.count == 1 {
        var s = 0.0
        for a in 0..<p {
          for b in 0..<p { s += info[a, b] * v[a, b] }
        }
        dfs = [s]
      } else {
        for (_, columns) in termColumns {
          let k = columns.count
          var vjj = Matrix(zeros: k)
          for (a, ca) in columns.enumerated() {
            for (b, cb) in columns.enumerated() { vjj[a, b] = v[ca, cb] }
          }
          let inverse = try LAPACK.inverse(vjj)
          var trace = 0.0
          for (a, ca) in columns.enumerated() {
            for (b, cb) in columns.enumerated() { trace += inverse[a, b] * v2[cb, ca] }
          }
          dfs.append(trace)
        }
      }
      return (dfs, v, v2)
    }
    let zero = [Double](repeating: 0, count: p)
    let null = problem.evaluate(beta: zero, ties: options.ties)
    var thetas = [1.0, 0.0]
    var dfHistory = [1.0, Double(spline.nterm)]
    var theta = 1 - spline.df / Double(spline.nterm)
    var half: Int? = nil
    var beta = zero
    var result: (df: [Double], v: Matrix, v2: Matrix)? = nil
    var finalEvaluation = null
    var outer = 0
    var fits: [(Double, [Double])] = []
    for iteration in 1...10 {
      outer = iteration
      let lambda = theta / (1 - theta)
      // Warm start from the fit at the nearest earlier θ (R's rule).
      let start = fits.min { abs($0.0 - theta) < abs($1.0 - theta) }?.1 ?? beta
      let (b, evaluation) = try inner(start, lambda)
      beta = b
      finalEvaluation = evaluation
      fits.append((theta, b))
      result = try degreesOfFreedom(evaluation, lambda)
      let d = result!.df[splineTerm]
      let next = controlDF(
        thetas: thetas + [theta], dfs: dfHistory + [d], target: spline.df, eps: 0.1,
        iteration: iteration, half: half)
      thetas.append(theta)
      dfHistory.append(d)
      if next.done { break }
      theta = next.theta
      half = next.half
    }
    guard let (dfs, v, v2) = result else {
      throw SurvivalKitError.insufficientData(message: "the penalised fit failed")
    }
    let lambda = theta / (1 - theta)
    // Linear and non-linear tests of the spline.
    var vtt = Matrix(zeros: m)
    var v2tt = Matrix(zeros: m)
    for (a, ca) in splineColumns.enumerated() {
      for (b, cb) in splineColumns.enumerated() {
        vtt[a, b] = v[ca, cb]
        v2tt[a, b] = v2[ca, cb]
      }
    }
    let coefT = splineColumns.map { beta[$0] }
    let test1 = try quadraticForm(inverseOf: vtt, vector: coefT)
    let ones = [Double](repeating: 1, count: m)
    let sig1 = try LAPACK.solve(vtt, ones)
    let sig2 = try LAPACK.solve(vtt, spline.centres)
    var xtx = Matrix(zeros: 2)
    for k in 0..<m {
      xtx[0, 0] += ones[k] * sig1[k]
      xtx[0, 1] += ones[k] * sig2[k]
      xtx[1, 0] += spline.centres[k] * sig1[k]
      xtx[1, 1] += spline.centres[k] * sig2[k]
    }
    let xtxInverse = try LAPACK.inverse(xtx)
    let cmat = (0..<m).map { k in xtxInverse[1, 0] * sig1[k] + xtxInverse[1, 1] * sig2[k] }
    var linear = 0.0
    var lvar1 = 0.0
    var lvar2 = 0.0
    for a in 0..<m {
      linear += cmat[a] * coefT[a]
      for b in 0..<m {
        lvar1 += cmat[a] * vtt[a, b] * cmat[b]
        lvar2 += cmat[a] * v2tt[a, b] * cmat[b]
      }
    }
    let test2 = linear * linear / lvar1
    let splineDF = dfs[splineTerm]
    // R reports the unpenalised log partial likelihood at the penalised estimate.
    let loglik = finalEvaluation.loglik
    let penalty = penaltyValue(beta, lambda)
    let totalDF = dfs.reduce(0, +)
    let lr = 2 * (loglik - null.loglik)
    let z = Normal.quantile(1 - (1 - options.confLevel) / 2)
    var coefficients: [CoxFit.Coefficient] = []
    for j in 0..<design.columns.count {
      guard let k = kept.firstIndex(of: j) else {
        coefficients.append(
          CoxFit.Coefficient(
            term: design.names[j], coef: nil, hazardRatio: nil, standardError: nil,
            robustStandardError: nil, z: nil, p: nil, lower: nil, upper: nil))
        continue
      }
      let se = v[k, k].squareRoot()
      let zValue = beta[k] / se
      coefficients.append(
        CoxFit.Coefficient(
          term: design.names[j], coef: beta[k], hazardRatio: Double.exp(beta[k]),
          standardError: se, robustStandardError: nil, z: zValue,
          p: 2 * Normal.upperTail(abs(zValue)), lower: Double.exp(beta[k] - z * se),
          upper: Double.exp(beta[k] + z * se)))
    }
    let allColumns = design.columns.count
    func expand(_ mat: Matrix) -> [[Double?]] {
      (0..<allColumns).map { i in
        (0..<allColumns).map { j in
          guard let a = kept.firstIndex(of: i), let b = kept.firstIndex(of: j) else { return nil }
          return mat[a, b]
        }
      }
    }
    let penalized = CoxPenalizedTerm(
      term: termText, theta: theta, df: splineDF, termDF: dfs, linearCoef: linear,
      linearSE: lvar1.squareRoot(), linearSE2: lvar2.squareRoot(), linearChisq: test2,
      linearP: ChiSquare.upperTail(test2, df: 1), nonlinearChisq: test1 - test2,
      nonlinearDF: splineDF - 1,
      nonlinearP: ChiSquare.upperTail(test1 - test2, df: max(0.5, splineDF - 1)),
      outerIterations: outer, newtonIterations: newton,
      standardErrors2: (0..<p).map { v2[$0, $0].squareRoot() }, penalty: penalty,
      likelihoodRatio: lr,
      likelihoodRatioDF: totalDF, likelihoodRatioP: ChiSquare.upperTail(lr, df: totalDF))
    // The Wald and score tests of an unpenalised fit do not carry over (R's print of a
    // penalised fit shows the likelihood-ratio test on the effective df): not computed.
    let wald = Double.nan
    let score = Double.nan
    func test(_ statistic: Double) -> CoxFit.Test {
      CoxFit.Test(
        statistic: statistic, df: Int(totalDF.rounded()),
        p: ChiSquare.upperTail(statistic, df: totalDF))
    }
    let concordance = Concordance.compute(
      problem: problem, eta: sortedLinearPredictor(problem: problem, beta: beta),
      cluster: concordanceCluster)
    return CoxFit(
      coefficients: coefficients, variance: expand(v), naiveVariance: nil,
      loglikNull: null.loglik, loglik: loglik, iterations: newton, converged: true,
      warnings: warnings, n: sample.count, events: sample.events, dropped: sample.dropped,
      ties: options.ties, confLevel: options.confLevel, robust: false, robustByDefault: false,
      formula: formula, likelihoodRatio: test(lr), wald: test(wald), score: test(score),
      robustScore: nil, references: design.references, concordance: concordance,
      firth: false, intervals: .wald, penalized: penalized,
      state: state(
        problem: problem, beta: beta, ties: options.ties, design: design, kept: kept,
        sample: sample, naiveVariance: v, variance: v, cluster: clusterGroups))
  }
}
